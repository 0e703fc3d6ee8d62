"""Pick the language model from Settings: any Pydantic AI model name, an OpenAI-compatible server, or offline."""

from __future__ import annotations

from pydantic_ai.exceptions import (
    ModelAPIError,
    ModelAuthenticationError,
    ModelConnectionError,
    ModelHTTPError,
    ModelNotFoundError,
    ModelQuotaExceededError,
    ModelRateLimitError,
    RunTimedOut,
    UnexpectedModelBehavior,
    UsageLimitExceeded,
    UserError,
)
from pydantic_ai.models import Model, infer_model

from assistant.core.embedding import Embedder
from assistant.core.secrets import configured_secrets, redact
from assistant.core.settings import Settings
from assistant.errors import AssistantError, ConfigError, ModelError
from assistant.store.base import Store

OFFLINE = "offline"
# Used when an OpenAI key is configured but no model is named.
DEFAULT_OPENAI_MODEL = "openai:gpt-5-mini"
# The OpenAI SDK retries connection errors, 408/409/429 and 5xx with exponential backoff.
PROVIDER_MAX_RETRIES = 3
# OpenAI-compatible local servers need some key in the header; most ignore its value.
PLACEHOLDER_KEY = "not-needed"
OPENAI_PREFIXES = ("openai", "openai-responses", "openai-chat")


def model_name(settings: Settings, override: str | None = None) -> str:
    """The model this run uses: the override, ASSISTANT_MODEL, the OpenAI default when a key is set, else offline."""
    name = (override or settings.model or "").strip()
    if name:
        return name
    if settings.openai_base_url:
        raise ConfigError(
            f"ASSISTANT_OPENAI_BASE_URL is set ({settings.openai_base_url}) but no model is named",
            hint="set ASSISTANT_MODEL=openai-chat:<model the server serves>, e.g. openai-chat:llama3.1, or unset the base URL",
        )
    if settings.openai_api_key and settings.openai_api_key.get_secret_value():
        return DEFAULT_OPENAI_MODEL
    return OFFLINE


def build_model(
    name: str, settings: Settings, embedder: Embedder, *, max_retries: int = PROVIDER_MAX_RETRIES, store: Store | None = None
) -> Model:
    """A Pydantic AI model for the name (see `model_name`); ConfigError names the setting to fix."""
    if name == OFFLINE:
        from assistant.offline.model import offline_model

        return offline_model(embedder, cache_dir=settings.models_dir, store=store)
    provider, _, model_id = name.partition(":")
    if not model_id:
        raise ConfigError(
            f"ASSISTANT_MODEL={name!r} names no provider",
            hint="use provider:model, e.g. openai:gpt-5-mini, openai-chat:llama3.1 (with ASSISTANT_OPENAI_BASE_URL), or offline",
        )
    if provider in OPENAI_PREFIXES:
        return _openai_model(provider, model_id, settings, max_retries)
    try:
        return infer_model(name)
    except UserError as exc:
        raise ConfigError(
            f"cannot use ASSISTANT_MODEL={name!r}: {exc}", hint="set ASSISTANT_MODEL to a Pydantic AI model name, or offline"
        ) from exc


def _openai_model(provider: str, model_id: str, settings: Settings, max_retries: int) -> Model:
    from openai import AsyncOpenAI
    from pydantic_ai.models.openai import OpenAIChatModel, OpenAIResponsesModel
    from pydantic_ai.providers.openai import OpenAIProvider

    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else ""
    base_url = settings.openai_base_url
    if not key and not base_url:
        raise ConfigError(
            f"model {provider}:{model_id} needs an OpenAI API key",
            hint="set OPENAI_API_KEY (or ASSISTANT_OPENAI_API_KEY), or ASSISTANT_OPENAI_BASE_URL for a local server, or ASSISTANT_MODEL=offline",
        )
    client = AsyncOpenAI(
        api_key=key or PLACEHOLDER_KEY, base_url=base_url, max_retries=max_retries, timeout=settings.model_timeout_s
    )
    openai_provider = OpenAIProvider(openai_client=client)
    # In Pydantic AI v2 the bare `openai:` prefix is the Responses API; OpenAI-compatible servers
    # (Ollama, vLLM, LM Studio) speak chat completions, so they need `openai-chat:`.
    if provider == "openai-chat":
        return OpenAIChatModel(model_id, provider=openai_provider)
    return OpenAIResponsesModel(model_id, provider=openai_provider)


def as_assistant_error(exc: Exception, name: str, settings: Settings) -> Exception:
    """A provider or run failure as one clear ModelError naming the setting to fix; other errors unchanged.

    A provider's error body may repeat the key it was sent: configured secrets never reach the message.
    """
    mapped = _map_error(exc, name, settings)
    if mapped is exc or not isinstance(mapped, AssistantError):
        return mapped
    secrets = configured_secrets(settings)
    return type(mapped)(redact(mapped.message, secrets), redact(mapped.hint, secrets) if mapped.hint else None)


def _map_error(exc: Exception, name: str, settings: Settings) -> Exception:
    where = settings.openai_base_url or "the provider"
    status = exc.status_code if isinstance(exc, ModelHTTPError) else None
    if isinstance(exc, AssistantError):
        return exc
    if isinstance(exc, RunTimedOut):
        return ModelError(
            f"{name} gave no answer within {settings.model_timeout_s:g} s",
            hint="raise ASSISTANT_MODEL_TIMEOUT_S, or pick a faster model with ASSISTANT_MODEL",
        )
    if isinstance(exc, UsageLimitExceeded):
        return ModelError(
            f"{name} went over the per-question limits ({exc})",
            hint="ask a narrower question, or pick a stronger model with ASSISTANT_MODEL",
        )
    if isinstance(exc, ModelAuthenticationError) or status in (401, 403):
        return ModelError(f"{where} rejected the API key for {name}", hint="check OPENAI_API_KEY (or ASSISTANT_OPENAI_API_KEY)")
    if isinstance(exc, ModelRateLimitError | ModelQuotaExceededError) or status == 429:
        return ModelError(
            f"{where} is rate-limiting {name} or its quota is used up",
            hint="wait and retry, check the account's quota, or set ASSISTANT_MODEL to another model",
        )
    if isinstance(exc, ModelNotFoundError) or status == 404:
        return ModelError(
            f"{where} does not serve the model in ASSISTANT_MODEL={name}", hint="set ASSISTANT_MODEL to a model the server lists"
        )
    if isinstance(exc, ModelConnectionError):
        return ModelError(
            f"cannot reach {where} for {name}: {exc}",
            hint="start the model server, or fix ASSISTANT_OPENAI_BASE_URL (unset it and ASSISTANT_MODEL to run offline)",
        )
    if isinstance(exc, ModelAPIError):
        return ModelError(
            f"{where} failed for {name}: {exc}", hint="retry; if it persists, check ASSISTANT_MODEL and the provider's status"
        )
    if isinstance(exc, UnexpectedModelBehavior):
        return ModelError(
            f"{name} did not produce a valid cited answer: {exc}", hint="retry, or pick a stronger model with ASSISTANT_MODEL"
        )
    if isinstance(exc, UserError):
        return ConfigError(
            f"cannot use ASSISTANT_MODEL={name}: {exc}", hint="check ASSISTANT_MODEL and the provider's key setting"
        )
    return exc
