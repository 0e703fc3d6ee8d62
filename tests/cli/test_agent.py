"""`assistant ask` and `assistant chat` over the tiny index, and the done-when checks over the real one."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
import typer
from pydantic_ai.messages import ModelMessage
from pydantic_ai.models.function import AgentInfo, DeltaToolCall, DeltaToolCalls, FunctionModel
from typer.testing import CliRunner

from assistant.agent.build import career_agent
from assistant.cli.agent import register
from assistant.market import stats as market
from assistant.market.filters import MarketFilter
from assistant.offline.model import DECLINE
from assistant.services import Services

runner = CliRunner()


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    """A CLI app with the agent commands, as `assistant.cli.root` registers them."""
    cli = typer.Typer()
    register(cli)
    return cli


def test_ask_json_prints_answer_citations_and_tools(app: typer.Typer, tiny: Services, offline: None) -> None:
    out = runner.invoke(app, ["ask", "--json", "What share of postings ask for RAG?"], obj=tiny)
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert "5 of 8 postings (62.5%)" in data["answer"]
    # Tools run concurrently and are listed as they finish: the order of the two calls is not fixed.
    assert data["citations"][0]["source"] == "postings index" and "market_stats" in {t["name"] for t in data["tools"]}
    assert data["model"] == "offline" and len(data["follow_ups"]) >= 2 and data["latency_ms"] > 0


def test_ask_in_a_terminal_streams_the_answer_then_lists_sources(app: typer.Typer, tiny: Services, offline: None) -> None:
    out = runner.invoke(app, ["ask", "What should a data engineer learn to become an AI engineer?"], obj=tiny)
    assert out.exit_code == 0, out.output
    assert "### What to learn" in out.stdout and "Sources" in out.stdout
    assert "field-guide/learning-paths/from-data-engineer.md" in out.stdout


def test_chat_keeps_history_lists_sources_and_resets(app: typer.Typer, tiny: Services, offline: None) -> None:
    script = "What share of postings ask for RAG?\n/sources\n/reset\n/sources\n/quit\n"
    out = runner.invoke(app, ["chat"], obj=tiny, input=script)
    assert out.exit_code == 0, out.output
    assert "5 of 8 postings" in out.stdout and "[1] share of postings listing the skill" in out.stdout
    assert "Conversation cleared." in out.stdout and "No answer yet." in out.stdout


def test_chat_reports_a_failed_question_and_carries_on(app: typer.Typer, tiny: Services) -> None:
    async def loop(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[DeltaToolCalls]:
        yield {0: DeltaToolCall(name="search_corpus", json_args='{"query": "again"}')}

    with career_agent().override(model=FunctionModel(stream_function=loop)):
        out = runner.invoke(app, ["chat"], obj=tiny, input="loop please\n/sources\n/quit\n")
    assert out.exit_code == 0
    assert "per-question limits" in out.stderr and "No answer yet." in out.stdout


def _ask_json(app: typer.Typer, services: Services, question: str) -> dict[str, object]:
    out = runner.invoke(app, ["ask", "--json", question], obj=services)
    assert out.exit_code == 0, out.output
    data: dict[str, object] = json.loads(out.stdout)
    return data


@pytest.mark.integration
def test_done_transition_cites_the_guide_names_evaluation_and_rag_with_demand(app: typer.Typer, full_index: Services) -> None:
    data = _ask_json(app, full_index, "what should a data engineer learn to become an AI engineer?")
    answer = str(data["answer"])
    assert "field-guide/learning-paths/from-data-engineer.md" in {c["source"] for c in data["citations"]}  # type: ignore[attr-defined]
    assert "RAG" in answer and "valuat" in answer
    rows = [line for line in answer.splitlines() if line.startswith("| ") and " of " in line]
    assert rows and all("%" in r for r in rows) and "n = " in answer


@pytest.mark.integration
def test_done_figure_equals_the_market_function(app: typer.Typer, full_index: Services) -> None:
    share = market.skill_share(full_index.store, full_index.taxonomy, "Kubernetes", MarketFilter())
    data = _ask_json(app, full_index, "what share of AI engineer job postings ask for Kubernetes?")
    assert f"{share.count:,} of {share.total:,} postings ({100 * share.share:.1f}%)" in str(data["answer"])


@pytest.mark.integration
def test_done_job_lookup_lists_real_postings_with_urls(app: typer.Typer, full_index: Services) -> None:
    data = _ask_json(app, full_index, "who is hiring AI engineers with LangGraph in Berlin?")
    postings = [c for c in data["citations"] if c["kind"] == "posting"]  # type: ignore[attr-defined,index]
    assert postings and all(c["url"] and c["url"] in str(data["answer"]) for c in postings)
    assert all(c["source"].startswith("field-guide/job-market/data_raw/") for c in postings)


@pytest.mark.integration
def test_done_out_of_scope_question_is_declined_without_citations(app: typer.Typer, full_index: Services) -> None:
    data = _ask_json(app, full_index, "how do I bake sourdough bread?")
    assert data["answer"] == DECLINE and data["citations"] == []


def test_ask_explain_shows_how_the_question_was_read(app: typer.Typer, tiny: Services, offline: None) -> None:
    out = runner.invoke(app, ["ask", "--json", "--explain", "Who is hiring in Berlin with RAG?"], obj=tiny)
    assert out.exit_code == 0, out.output
    explained = json.loads(out.stdout)["explain"]
    assert set(explained["scores"]) == {"search_corpus", "market_stats", "find_jobs", "skill_gap", "decline"}
    assert {"slot": "skill", "value": "RAG", "from": "skill taxonomy"} in explained["slots"]
    text = runner.invoke(app, ["ask", "--explain", "Who is hiring in Berlin with RAG?"], obj=tiny)
    assert text.exit_code == 0 and "How this answer was made" in text.stdout and "tools: " in text.stdout
