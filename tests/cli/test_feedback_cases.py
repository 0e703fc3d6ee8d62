"""`assistant feedback --to-cases`: thumbs-down answers become draft ground-truth cases that load, personal data removed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from typer.testing import CliRunner

from assistant.app.feedback import AnswerLog, FeedbackStore, open_feedback
from assistant.app.personal_data import remove_personal_data
from assistant.cli.app_commands import register
from assistant.core.settings import Settings
from assistant.services import Services
from evals.dataset import CATEGORIES, load_ground_truth

GUIDE = "field-guide/learning-paths/from-data-engineer.md"
POSTING = "field-guide/job-market/data_raw/1_Acme.yaml"


def _cli() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def _settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path / "corpus", openai_api_key="sk-test-secret-value-123")


def _cite(n: int, kind: str, source: str) -> dict[str, Any]:
    prefix = {"figure": "stat", "passage": "doc", "posting": "job"}[kind]
    return {"n": n, "id": f"{prefix}:{n}", "kind": kind, "source": source, "title": "t", "url": None, "quote": "q"}


def _tool(name: str, **args: Any) -> dict[str, Any]:
    return {"name": name, "args": args, "duration_ms": 1.0, "ok": True}


def _fill(store: FeedbackStore) -> None:
    """Seven answers: five thumbs down (a guide answer, a follow-up with a figure, pay, a job list, a refusal)."""

    def answer(
        conversation: str, question: str, text: str, cites: list[dict[str, Any]], tools: list[dict[str, Any]], thumbs: str | None
    ) -> None:
        row = store.record(AnswerLog(conversation, question, text, cites, tools, "offline", 0.5))
        if thumbs:
            store.set_thumbs(row, thumbs)  # type: ignore[arg-type]

    answer(
        "c1",
        "I'm a data engineer (jane.doe@example.com, +49 30 1234 5678): what should I learn?",
        "Learn {curly} RAG [1]. Mail jane.doe@example.com.",
        [_cite(1, "passage", GUIDE)],
        [_tool("search_corpus", query="what should a data engineer learn")],
        "down",
    )
    answer("c1", "thanks", "You're welcome.", [], [], "up")
    answer(
        "c2",
        "How many postings ask for RAG? My number is (555) 123-4567",
        "RAG: 6 of 10 [1].",
        [_cite(1, "figure", "postings index")],
        [_tool("market_stats", measure="skill_share", skills=["RAG"], postings={"city": "Berlin"})],
        None,
    )
    answer(
        "c2",
        "and in London?",
        "**RAG** is listed in 2 of 3 postings, among postings with city=London (postings dated 2026-02-05) [1].",
        [_cite(1, "figure", "postings index"), _cite(2, "posting", POSTING)],
        [_tool("market_stats", measure="skill_share", skills=["RAG"], postings={"city": "London", "skills": ["Python"]})],
        "down",
    )
    answer(
        "c3",
        "What do senior AI engineers earn in the US?",
        "Median 191,000 [1]. Set sk-test-secret-value-123 to use a model.",
        [_cite(1, "figure", "postings index")],
        [_tool("market_stats", measure="pay", postings={"country": "USA", "level": "Senior level"}, pay_by="level")],
        "down",
    )
    answer(
        "c4",
        "Who is hiring in Berlin?",
        "Acme [1].",
        [_cite(1, "posting", POSTING)],
        [_tool("find_jobs", query="AI engineer")],
        "down",
    )
    answer("c5", "What is the weather in Berlin?", "The corpus does not cover this.", [], [], "down")


def test_to_cases_writes_drafts_that_load_as_ground_truth(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    _fill(open_feedback(settings))
    target = tmp_path / "drafts" / "cases.yaml"
    result = CliRunner().invoke(_cli(), ["feedback", "--to-cases", str(target)], obj=Services(settings))
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "wrote 5 draft cases" in said and "1 commented out" in said

    cases = {c.id: c for c in load_ground_truth(target)}
    assert set(cases) == {"feedback-1", "feedback-4", "feedback-5", "feedback-6"}  # thumbs down only; the refusal waits
    assert all(c.split == "test" and c.key_facts == [] and c.category in CATEGORIES for c in cases.values())

    guide = cases["feedback-1"]
    assert guide.expected_sources == [GUIDE] and guide.category == "transition" and not guide.history
    assert guide.question == "I'm a data engineer ([email], [phone]): what should I learn?"

    follow_up = cases["feedback-4"]
    assert follow_up.category == "multi_turn" and follow_up.history == ["How many postings ask for RAG? My number is [phone]"]
    assert follow_up.expected_sources == [POSTING]  # the cited posting; the figure is no document
    assert follow_up.statistic is not None and follow_up.statistic.kind == "skill_share" and follow_up.statistic.skill == "RAG"
    assert follow_up.statistic.filters.city == "London"

    pay = cases["feedback-5"]
    assert pay.category == "compensation" and pay.statistic is not None and pay.statistic.kind == "pay"
    assert (pay.statistic.filters.country, pay.statistic.filters.level) == ("USA", "Senior level")
    assert cases["feedback-6"].category == "job_lookup" and cases["feedback-6"].expected_sources == [POSTING]

    text = target.read_text(encoding="utf-8")
    assert "jane.doe" not in text and "1234 5678" not in text and "123-4567" not in text
    assert "#   Learn {curly} RAG [1]. Mail [email]." in text  # the answer given, as a comment
    assert "# - id: feedback-7" in text and "What is the weather in Berlin?" in text  # written, commented out
    assert "TODO" in text and "sk-test-secret" not in text


def test_to_cases_with_no_thumbs_down_writes_an_empty_draft_file(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    target = tmp_path / "cases.yaml"
    result = CliRunner().invoke(_cli(), ["feedback", "--to-cases", str(target)], obj=Services(settings))
    assert result.exit_code == 0, result.output
    assert load_ground_truth(target) == [] and yaml.safe_load(target.read_text(encoding="utf-8")) is None


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("write to a.b+c@mail.example.co.uk today", "write to [email] today"),
        ("call +1 (555) 123-4567, or 030 12345678.", "call [phone], or [phone]."),
        ("postings dated 2025-08-01 to 2026-02-27 [1]", "postings dated 2025-08-01 to 2026-02-27 [1]"),
        ("| 191,000 | 165,000-222,000 | 201 of 1,765 |", "| 191,000 | 165,000-222,000 | 201 of 1,765 |"),
        ("see https://builtin.com/job/ai-engineer/6952071 [2]", "see https://builtin.com/job/ai-engineer/6952071 [2]"),
        ("my key is sk-abcdefghijklmnopqrstuvwx", "my key is [redacted]"),
    ],
)
def test_personal_data_is_removed_and_figures_dates_and_links_kept(text: str, cleaned: str) -> None:
    assert remove_personal_data(text) == cleaned
