"""`assistant stats ...` in process, against a real store the tests fill."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import InputError
from tests.cli.conftest import MarketCLI


def test_stats_skill_json_shape(market_cli: MarketCLI) -> None:
    data = market_cli.json("stats", "skill", "retrieval augmented generation", "--city", "Berlin")
    assert {k: data[k] for k in ("skill", "count", "total", "share", "filters")} == {
        "skill": "RAG",
        "count": 2,
        "total": 3,
        "share": 0.6667,
        "filters": {"city": "Berlin"},
    }
    assert {e["job_id"] for e in data["examples"]} == {"1", "2"}
    assert set(data["examples"][0]) == {"job_id", "title", "company", "city", "url", "source", "pay"}
    assert data["examples"][0]["pay"] is None  # only the examples behind a pay figure carry their pay


def test_stats_skill_with_co_occurring_skills(market_cli: MarketCLI) -> None:
    data = market_cli.json("stats", "skill", "RAG", "--with", "3")
    assert [row["skill"] for row in data["with"]] == ["Python", "AWS", "Docker"]


def test_stats_skills_top_n_and_plot(market_cli: MarketCLI, tmp_path: Path) -> None:
    chart = tmp_path / "top.png"
    data = market_cli.json("stats", "skills", "--top", "3", "--ai-type", "ai-support", "--plot", str(chart))
    assert data["total"] == 3
    assert [(s["skill"], s["count"]) for s in data["skills"]] == [("AWS", 2), ("Python", 2), ("SQL", 2)]
    assert chart.read_bytes()[:4] == b"\x89PNG"


def test_stats_skills_of_one_kind(market_cli: MarketCLI) -> None:
    data = market_cli.json("stats", "skills", "--kind", "cloud providers")
    shown = {s["skill"] for s in data["skills"]}
    assert "AWS" in shown and shown <= {"AWS", "Azure", "GCP", "OCI", "IBM Cloud"}


def test_stats_skills_unknown_kind_names_close_ones(market_cli: MarketCLI) -> None:
    result = market_cli.run("stats", "skills", "--kind", "orchestrator")
    assert isinstance(result.exception, InputError) and "'orchestrator'" in result.exception.message
    assert "workflow orchestrator" in (result.exception.hint or "")


def test_stats_skills_human_output(market_cli: MarketCLI) -> None:
    result = market_cli.run("stats", "skills", "--top", "2")
    assert result.exit_code == 0
    assert "Python" in result.output and "90.0%" in result.output


def test_stats_compare(market_cli: MarketCLI) -> None:
    data = market_cli.json("stats", "compare", "--a", "ai_type=ai-first", "--b", "ai_type=ai-support", "--top", "1")
    assert (data["a"]["total"], data["b"]["total"]) == (6, 3)
    assert data["rows"][0]["skill"] == "RAG" and data["rows"][0]["diff_pp"] == 100.0


def test_stats_pay_by_level(market_cli: MarketCLI) -> None:
    data = market_cli.json("stats", "pay", "--country", "USA", "--by", "level")
    assert (data["count"], data["unparsed"], data["total"]) == (3, 1, 4)
    assert {(g["group"], g["currency"], g["n"]) for g in data["groups"]} == {("Mid level", "USD", 2), ("Senior level", "USD", 1)}


def test_stats_companies(market_cli: MarketCLI) -> None:
    data = market_cli.json("stats", "companies", "--city", "London")
    assert [(c["company"], c["count"]) for c in data["companies"]] == [("Epsilon", 2), ("Zeta", 1)]


def test_stats_postings_behind_a_filter(market_cli: MarketCLI) -> None:
    data = market_cli.json("stats", "postings", "--skill", "Kubernetes")
    assert data["count"] == 2 and sorted(p["job_id"] for p in data["postings"]) == ["2", "4"]


def test_unknown_city_is_an_input_error_with_suggestion(market_cli: MarketCLI) -> None:
    result = market_cli.run("stats", "skill", "Python", "--city", "Lodnon")
    assert isinstance(result.exception, InputError)
    assert "London" in (result.exception.hint or "")


def test_posting_text_that_looks_like_markup_is_printed_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.cli.market import _refs
    from assistant.market.results import PostingRef

    _refs("for example", [PostingRef("1", "LLM Engineer [/INST]", "Acme [bold]", None, None, "a.yaml")])
    assert "LLM Engineer [/INST] — Acme [bold]" in capsys.readouterr().out
