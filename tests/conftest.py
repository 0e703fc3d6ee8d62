"""Shared fixtures: the real corpus and its full index for integration tests; no real model requests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pydantic_ai import models

from assistant.core.settings import Settings

if TYPE_CHECKING:
    from assistant.services import Services

# No test may reach a real LLM provider; scripted models stand in.
models.ALLOW_MODEL_REQUESTS = False


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The corpus root named by ASSISTANT_CORPUS_DIR (CI sets ../shared/corpus); skip when absent."""
    root = Settings().corpus_dir.resolve()
    if not (root / "field-guide").is_dir():
        pytest.skip(f"no corpus at {root}: set ASSISTANT_CORPUS_DIR to a corpus root")
    return root


@pytest.fixture(scope="session")
def full_index(corpus_dir: Path) -> Iterator[Services]:
    """Services over the whole corpus, ingested into the configured data dir (a no-op when current)."""
    from assistant.services import Services
    from ingest.chunking import ChunkSpec
    from ingest.pipeline import Ingester

    settings = Settings(corpus_dir=corpus_dir)
    writer = Services(settings)
    spec = ChunkSpec(settings.chunk_tokens, settings.chunk_overlap)
    Ingester(writer.store, writer.embedder, writer.taxonomy, spec).run(corpus_dir)
    writer.store.close()
    # Read-only from here on, so tests may also run CLI processes against the same index.
    services = Services(settings, read_only=True, embedder=writer.embedder)
    yield services
    services.close()
