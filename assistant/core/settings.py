"""The one settings object: built at the entry point from the environment, passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Effective configuration; every field can be set as ASSISTANT_<NAME> (or the alias shown)."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", env_file=".env", extra="ignore")

    corpus_dir: Path = Field(Path("corpus"), description="Corpus root that ingest reads.")
    data_dir: Path = Field(Path("data"), description="Index, model cache and feedback live here.")

    model: str | None = Field(
        None, description="Pydantic AI model name, or 'offline'; unset means offline unless a key or base URL is set."
    )
    openai_base_url: str | None = Field(
        None,
        validation_alias=AliasChoices("ASSISTANT_OPENAI_BASE_URL", "OPENAI_BASE_URL"),
        description="OpenAI-compatible server (Ollama, vLLM, LM Studio).",
    )
    openai_api_key: SecretStr | None = Field(None, validation_alias=AliasChoices("ASSISTANT_OPENAI_API_KEY", "OPENAI_API_KEY"))
    model_timeout_s: float = Field(60.0, description="Wall-clock bound on one answer.")

    qdrant_url: str | None = Field(
        None,
        validation_alias=AliasChoices("ASSISTANT_QDRANT_URL", "QDRANT_URL"),
        description="Qdrant server; unset = embedded Qdrant Edge.",
    )
    qdrant_api_key: SecretStr | None = Field(None, validation_alias=AliasChoices("ASSISTANT_QDRANT_API_KEY", "QDRANT_API_KEY"))

    embedding_model: str = Field("sentence-transformers/all-MiniLM-L6-v2", description="fastembed model name.")
    embedding_threads: int | None = Field(None, description="ONNX threads; unset = all cores.")
    chunk_tokens: int = Field(220, description="Largest chunk in tiktoken tokens (fits MiniLM's 256 word pieces).")
    chunk_overlap: int = Field(30, description="Tokens shared by neighbouring chunks.")

    host: str = Field("127.0.0.1", description="App bind address.")
    port: int = Field(7860, description="App port.")
    app_username: str | None = None
    app_password: SecretStr | None = None
    allow_open_app: bool = Field(False, description="Accept serving on a non-local address without a password.")
    max_upload_mb: float = Field(10.0, description="Largest CV upload.")

    @property
    def index_dir(self) -> Path:
        """Where the embedded Qdrant Edge shards live."""
        return self.data_dir / "index"

    @property
    def models_dir(self) -> Path:
        """Where offline model assets are assembled."""
        return self.data_dir / "models"

    @property
    def feedback_db(self) -> Path:
        """SQLite file for answers and thumbs."""
        return self.data_dir / "feedback.sqlite3"

    def masked(self) -> dict[str, str]:
        """Settings as printable strings, secrets masked."""
        out: dict[str, str] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                out[name] = "****" if value.get_secret_value() else ""
            else:
                out[name] = "" if value is None else str(value)
        return out
