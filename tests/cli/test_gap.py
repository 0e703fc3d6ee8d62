"""`assistant gap` in process, against a real store the tests fill."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import InputError
from assistant.services import Services
from tests.cli.conftest import MarketCLI


def test_gap_from_background_json_shape(market_cli: MarketCLI, tmp_path: Path, market_data: Any) -> None:
    chart = tmp_path / "gap.png"
    data = market_cli.json("gap", "--from", "data-engineer", "--target", "ai-first", "--plot", str(chart))
    assert "Python" in data["recognised"]
    first = data["missing"][0]
    assert {k: first[k] for k in ("skill", "share", "count", "total")} == {"skill": "RAG", "share": 1.0, "count": 6, "total": 6}
    assert first["citations"][0]["source"] == market_data.guide and first["examples"]
    assert data["citations"][0]["source"] == market_data.guide
    assert data["strengths"][0]["skill"] == "Python"
    assert chart.read_bytes()[:4] == b"\x89PNG"


def test_gap_from_skill_list_human_output(market_cli: MarketCLI) -> None:
    result = market_cli.run("gap", "--skills", "python, sql", "--target", "ai-support")
    assert result.exit_code == 0, result.output
    assert "1. AWS" in result.output


def test_gap_needs_one_profile_input(market_cli: MarketCLI) -> None:
    result = market_cli.run("gap", "--skills", "python", "--text", "I know SQL")
    assert isinstance(result.exception, InputError)
    assert isinstance(market_cli.run("gap", "--target", "ai-first").exception, InputError)


def test_gap_from_skills_beside_a_background_cites_its_path(market_cli: MarketCLI, market_data: Any) -> None:
    data = market_cli.json("gap", "--skills", "python, kafka", "--from", "data-engineer", "--target", "ai-first")
    assert data["recognised"] == ["Python", "Kafka"]
    assert data["citations"][0]["source"] == market_data.guide


def test_gap_with_unreadable_cv(market_cli: MarketCLI, tmp_path: Path) -> None:
    bad = tmp_path / "cv.pdf"
    bad.write_bytes(b"")
    result = market_cli.run("gap", "--cv", str(bad))
    assert isinstance(result.exception, InputError) and "cv.pdf" in result.exception.message


@pytest.mark.integration
def test_corpus_gap_for_a_data_engineer_puts_genai_first(full_index: Services, market_cli: MarketCLI) -> None:
    args = ["gap", "--from", "data-engineer", "--target", "ai-first", "--top", "20", "--json"]
    result = MarketCLI(market_cli.app, full_index).run(*args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    ranked = [m["skill"] for m in data["missing"]]
    assert ranked[0] == "RAG"
    assert {"Prompt engineering", "LLMs"} <= set(ranked[:5])
    assert "LLM APIs" in ranked[:10] and "Evaluation" in ranked[:20]
    assert data["citations"][0]["source"] == "field-guide/learning-paths/from-data-engineer.md"
    assert all(m["citations"] and m["examples"] for m in data["missing"])
