"""A small real index for the agent tests: the app tests' tiny corpus, ingested with the fake embedder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.core.settings import Settings
from assistant.services import Services
from assistant.store.edge import EdgeStore
from assistant.vocab.skills import Taxonomy
from ingest.chunking import ChunkSpec
from ingest.pipeline import Ingester
from tests.app_corpus import write_corpus
from tests.fakes import FakeEmbedder

# The hashed bag-of-words embedder's similarities are too noisy to calibrate a decline threshold
# on, so tiny-index tests never decline on score (the integration tests use the calibrated one).
NEVER_DECLINE = -1.0


def tiny_settings(root: Path, **overrides: object) -> Settings:
    """Settings that ignore the environment's model and keys."""
    values: dict[str, object] = {
        "data_dir": root,
        "corpus_dir": root / "corpus",
        "model": "offline",
        "openai_api_key": None,
        "openai_base_url": None,
        "model_timeout_s": 30.0,
    }
    return Settings(_env_file=None, **{**values, **overrides})  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """Services over three guides and eight postings in a Qdrant Edge index."""
    root = tmp_path_factory.mktemp("tiny")
    write_corpus(root / "corpus")
    store = EdgeStore.open(root / "index")
    embedder = FakeEmbedder()
    Ingester(store, embedder, Taxonomy.load(), ChunkSpec(64, 8)).run(root / "corpus")
    services = Services(tiny_settings(root), store=store, embedder=embedder)
    yield services
    services.close()
