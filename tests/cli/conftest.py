"""Fixtures for the CLI tests: the market postings in a qdrant-client store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from assistant.core.settings import Settings
from assistant.services import Services
from assistant.store.server import ServerStore
from assistant.vocab.skills import Taxonomy


@pytest.fixture(scope="module")
def market_services(
    tmp_path_factory: pytest.TempPathFactory, fake_embedder: Callable[..., Any], market_data: Any
) -> Iterator[Services]:
    """The ten market postings and guide chunks in qdrant-client's local mode, with a fake embedder."""
    store = ServerStore.memory()
    embedder = fake_embedder(16)
    market_data.fill(store, Taxonomy.load(), embedder, chunks=True)
    s = Services(Settings(data_dir=tmp_path_factory.mktemp("data")), store=store, embedder=embedder)
    yield s
    s.close()
