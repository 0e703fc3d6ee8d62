"""The market tools state the posting dates of every figure: in the result, first in the evidence text, never as counts."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from assistant.agent.corpus_tools import Deps, PostingFilter, find_jobs
from assistant.agent.evidence import Evidence, EvidenceRegistry
from assistant.agent.gap_tool import skill_gap
from assistant.agent.grounding import Answer, Citation, problems
from assistant.agent.market_tools import FigureRow, Figures, market_stats
from assistant.offline.compose import Cites, figure_lines, job_lines
from assistant.services import Services


def _ctx(services: Services) -> Any:
    deps = Deps(services.settings, services.store, services.embedder, services.taxonomy)
    return SimpleNamespace(deps=deps)


@pytest.mark.parametrize(
    ("measure", "extra"),
    [
        ("skill_share", {"skills": ["RAG"]}),
        ("top_skills", {}),
        ("co_occurrence", {"skills": ["RAG"]}),
        ("top_companies", {}),
        ("pay", {}),
        ("compare", {"postings": PostingFilter(ai_type="ai-first"), "versus": PostingFilter(ai_type="ai-support")}),
    ],
)
def test_every_measure_states_its_dates_first_in_its_evidence(tiny: Services, measure: str, extra: dict[str, Any]) -> None:
    ctx = _ctx(tiny)
    fig = market_stats(ctx, measure, **extra)  # type: ignore[arg-type]
    assert fig.dates == "postings dated 2026-02-10"  # every tiny posting's date
    evidence = ctx.deps.evidence.get(fig.id)
    assert evidence is not None and evidence.text.startswith("postings dated 2026-02-10\n")


def test_the_skill_gap_states_its_dates(tiny: Services) -> None:
    ctx = _ctx(tiny)
    report = skill_gap(ctx, skills=["Python"])
    assert report.dates == "postings dated 2026-02-10"
    assert ctx.deps.evidence.get(report.id).text.startswith("postings dated 2026-02-10")


def test_the_digits_of_a_date_are_no_count_a_model_may_state() -> None:
    reg = EvidenceRegistry()
    text = "postings dated 2025-08-01 to 2026-02-27\nRAG: 12 of 40 postings (30.0%) — all postings"
    reg.add(Evidence(id="stat:1", kind="figure", source="postings index", title="t", text=text))
    assert reg.get("stat:1").text == text  # type: ignore[union-attr]  # quoted with its dates
    assert reg.known_count(12) and reg.known_count(40)
    assert not reg.known_count(27) and not reg.known_count(2026)
    made_up = Answer(answer="RAG is in 27 postings [1].", citations=[Citation(n=1, id="stat:1")])
    assert any("27 postings" in p for p in problems(made_up, reg))
    dated = Answer(
        answer="RAG is in 12 of 40 postings, postings dated 2025-08-01 to 2026-02-27 [1].", citations=[Citation(n=1, id="stat:1")]
    )
    assert problems(dated, reg) == []


def test_the_offline_answer_says_the_dates_once_per_figure() -> None:
    rows = [
        FigureRow(label="RAG", count=5, total=8, share="62.5%", postings="all postings"),
        FigureRow(label="Python", count=8, total=8, share="100.0%", postings="all postings"),
    ]
    fig = Figures(
        id="stat:1", measure="share of postings listing the skill", dates="postings dated 2026-01-05 to 2026-02-27", rows=rows
    )
    text = "\n".join(figure_lines(fig, Cites()))
    assert text.count("postings dated 2026-01-05 to 2026-02-27") == 1
    assert "across all postings (postings dated 2026-01-05 to 2026-02-27) [1]." in text
    undated = fig.model_copy(update={"dates": None})
    assert "dated" not in "\n".join(figure_lines(undated, Cites()))


def test_a_job_lookup_states_the_dates_of_the_postings_it_counts(tiny: Services) -> None:
    ctx = _ctx(tiny)
    found = find_jobs(ctx, "AI engineer", PostingFilter(city="Berlin"))
    assert found.dates == "postings dated 2026-02-10"
    assert ctx.deps.evidence.get(found.id).text.startswith("postings dated 2026-02-10\n")  # type: ignore[union-attr]
    assert "(postings dated 2026-02-10)" in job_lines(found, Cites())[0]
