"""Dated figures on the command line: `stats` (text and JSON), `info --json` and a figure in `ask --json`."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from assistant.cli import agent, corpus
from assistant.cli.gap import gap_command
from assistant.cli.market import stats_app
from assistant.services import Services

runner = CliRunner()
APP = typer.Typer()
APP.add_typer(stats_app, name="stats")
APP.command("gap")(gap_command)
corpus.register(APP)
agent.register(APP)


@pytest.fixture(scope="module")
def services(market_services: Services) -> Services:
    """The ten market postings: 1-5 posted 2026-01-10, 6-10 (New York 2, London 3) posted 2026-02-05."""
    return market_services


def _json(services: Services, *args: str) -> Any:
    out = runner.invoke(APP, [*args, "--json"], obj=services)
    assert out.exit_code == 0, out.output
    return json.loads(out.stdout)


def test_stats_skill_json_carries_the_segments_date_range(services: Services) -> None:
    assert _json(services, "stats", "skill", "RAG")["dates"] == {"earliest": "2026-01-10", "latest": "2026-02-05"}
    assert _json(services, "stats", "skill", "RAG", "--city", "London")["dates"] == {
        "earliest": "2026-02-05",
        "latest": "2026-02-05",
    }


def test_date_filters_narrow_the_range_they_report(services: Services) -> None:
    data = _json(services, "stats", "skills", "--until", "2026-01-31")
    assert data["total"] == 5 and data["dates"] == {"earliest": "2026-01-10", "latest": "2026-01-10"}


def test_every_stats_command_states_the_range(services: Services) -> None:
    for args in (
        ["stats", "skill", "RAG"],
        ["stats", "skills", "--top", "3"],
        ["stats", "pay"],
        ["stats", "companies"],
        ["stats", "postings", "--limit", "2"],
        ["gap", "--skills", "python", "--top", "2"],
    ):
        out = runner.invoke(APP, args, obj=services, env={"COLUMNS": "300"})
        assert out.exit_code == 0, out.output
        # Table titles and captions wrap at the table's width.
        assert "postings dated 2026-01-10 to 2026-02-05" in " ".join(out.stdout.split()), (args, out.stdout)
    cmp = runner.invoke(
        APP, ["stats", "compare", "--a", "city=Berlin", "--b", "city=London"], obj=services, env={"COLUMNS": "300"}
    )
    said = " ".join(cmp.stdout.split())
    assert "city=Berlin: postings dated 2026-01-10; city=London: postings dated 2026-02-05" in said, cmp.stdout
    assert _json(services, "stats", "compare", "--a", "city=Berlin", "--b", "city=London")["b"]["dates"]["latest"] == "2026-02-05"


def test_info_json_shows_the_posting_dates_and_the_corpus_snapshot(tiny: Services) -> None:
    data = _json(tiny, "info")
    assert data["posting_dates"] == {"earliest": "2026-02-10", "latest": "2026-02-10"}  # every tiny posting's date
    snapshot = data["corpus"]
    assert snapshot["corpus_dir"] == str(tiny.settings.corpus_dir.resolve())
    source = snapshot["sources"][0]
    assert source["name"] == "field-guide" and source["present"] is True
    assert re.fullmatch(r"[0-9a-f]{40}", source["commit"]) and source["commit"] in source["url"]


def test_a_figure_in_ask_json_carries_its_date_range(tiny: Services, offline: None) -> None:
    data = _json(tiny, "ask", "What share of postings ask for RAG?")
    assert "5 of 8 postings (62.5%)" in data["answer"] and "postings dated 2026-02-10" in data["answer"]
    figure = next(c for c in data["citations"] if c["source"] == "postings index")
    assert figure["quote"].startswith("postings dated 2026-02-10")
