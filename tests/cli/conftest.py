"""Fixtures for the CLI tests: the market postings in a qdrant-client store, and the commands that read them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from assistant.cli import gap, market
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


@dataclass(frozen=True)
class MarketCLI:
    """The `stats` and `gap` commands as the root app mounts them, run in process over the market postings."""

    app: typer.Typer
    services: Services

    def run(self, *args: str) -> Result:
        """The command's result, output and any exception."""
        return CliRunner().invoke(self.app, list(args), obj=self.services)

    def json(self, *args: str) -> Any:
        """The command's `--json` output, parsed; it must have succeeded."""
        result = self.run(*args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)


@pytest.fixture(scope="module")
def market_cli(market_services: Services) -> MarketCLI:
    """`stats` and `gap` over the market postings (Services come in as the context object, as the root app passes them)."""
    app = typer.Typer()
    market.register(app)
    gap.register(app)
    return MarketCLI(app, market_services)
