"""Bad questions and filter values through `ask()`, the CLI (`assistant ask`, `search`, `stats`) and the chat tab.

Each one gets a clear answer or a clear message, never a traceback. Exit codes of `assistant.cli.root.main`:
0 for an answer or search results (also "No results."), 1 for a refused input (a line `error: …` and a line
`fix: …` on stderr), 2 for a command-line usage error (click's own message).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from assistant.agent.build import career_agent
from assistant.app.chat import ChatState, Message, answer_stream
from assistant.app.feedback import FeedbackStore
from assistant.ask import AskResult, ask
from assistant.cli import main
from assistant.core.settings import Settings
from assistant.errors import InputError
from assistant.offline.model import DECLINE, offline_model
from assistant.offline.router import Router
from assistant.services import Services
from assistant.store.collections import POSTINGS

HUGE = ("What should I learn? " * 5_000)[:100_000]
NO_CONTENT = [
    pytest.param("", "the question is empty", id="empty"),
    pytest.param(" \n\t  ", "the question is empty", id="whitespace"),
    pytest.param(HUGE, "is 100,000 characters long", id="100k-chars"),
]
ODD = [
    pytest.param("🤖🚀💼🔥", id="only-emoji"),
    pytest.param("Was sollte ein Dateningenieur lernen, um KI-Ingenieur zu werden?", id="german"),
    pytest.param("数据工程师应该学习什么才能成为人工智能工程师？", id="chinese"),
    pytest.param("'; DROP TABLE postings; --", id="sql-injection"),
    pytest.param("<script>alert(1)</script> What skills do AI engineers need?", id="script-tag"),
    pytest.param("<img src=x onerror=alert(1)> What is RAG?", id="img-onerror"),
    pytest.param("[click](javascript:alert(1)) ![t](http://evil.example/t.png) What is RAG?", id="markdown-link-image"),
    pytest.param("Who is hiring AI engineers in San \"Fran'cisco?", id="quoted-city"),
    pytest.param('Which jobs at O\'Brien "Labs" ask for RAG?', id="quoted-company"),
    pytest.param("What share of postings in Berlin' OR '1'='1 ask for RAG?", id="sql-in-filter"),
]
QUOTED_FILTERS = [
    pytest.param(["--city", "San \"Fran'cisco"], id="city-quotes"),
    pytest.param(["--company", 'O\'Brien "Labs"; DROP TABLE postings; --'], id="company-quotes-sql"),
    pytest.param(["--city", "[/bold] Berlin [red]"], id="city-markup"),
]
md = MarkdownIt("commonmark")


def run_cli(args: list[str], services: Services, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """`assistant ARGS` in process through the real entry point: (exit code, stdout, stderr)."""
    try:
        main(args, obj=services)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def _chat(services: Services, feedback: FeedbackStore, question: str) -> list[Message]:
    """The chat messages shown once the tab has answered the question in a new session."""

    async def last() -> list[Message]:
        last_shown: list[Message] = []
        async for shown, _state, _box in answer_stream(services, feedback, question, [], ChatState()):
            last_shown = shown
        return last_shown

    return asyncio.run(last())


@pytest.mark.parametrize(("question", "message"), NO_CONTENT)
def test_question_without_usable_content_is_refused_with_a_hint(tiny: Services, question: str, message: str) -> None:
    """Empty, blank or oversized questions raise InputError saying why and how to fix it."""
    with pytest.raises(InputError, match=message) as info:
        ask(tiny, question)
    assert info.value.hint


@pytest.mark.parametrize("question", ODD)
def test_odd_question_gets_a_cited_answer(tiny: Services, offline: None, question: str) -> None:
    """Emoji, other languages and injection attempts are answered like any question, with citations."""
    result = ask(tiny, question)
    assert result.answer.strip() and result.citations


def test_sql_injection_question_leaves_the_postings_intact(tiny: Services, offline: None) -> None:
    """A DROP TABLE question changes nothing: all eight postings are still there."""
    ask(tiny, "'; DROP TABLE postings; --")
    assert tiny.store.count(POSTINGS) == 8


@pytest.mark.integration
@pytest.mark.parametrize("question", ODD)
def test_odd_question_over_the_full_index_is_answered_or_declined(full_index: Services, question: str) -> None:
    """With the real embedder and decline threshold, each odd question gets a cited answer or the decline text."""
    result: AskResult = ask(full_index, question)
    assert (bool(result.citations) and result.answer.strip() != "") or (result.answer, result.citations) == (DECLINE, [])


@pytest.mark.parametrize(("question", "message"), NO_CONTENT)
@pytest.mark.parametrize("mode", [[], ["--json"]], ids=["terminal", "json"])
def test_cli_ask_refuses_a_question_without_content_with_exit_code_1(
    tiny: Services, capsys: pytest.CaptureFixture[str], question: str, message: str, mode: list[str]
) -> None:
    """`assistant ask` prints `error: …` and `fix: …`, exits 1, no traceback."""
    code, out, err = run_cli(["ask", *mode, question], tiny, capsys)
    assert code == 1
    assert err.startswith("error: ") and message in err and "\nfix: " in err
    assert "Traceback" not in out + err and out == ""


@pytest.mark.parametrize("question", ODD)
def test_cli_ask_answers_an_odd_question_with_sources(
    tiny: Services, offline: None, capsys: pytest.CaptureFixture[str], question: str
) -> None:
    """`assistant ask` streams an answer, lists its sources and exits 0."""
    code, out, err = run_cli(["ask", question], tiny, capsys)
    assert code == 0, err
    assert "Sources" in out and "[1]" in out and "Traceback" not in out + err


@pytest.mark.parametrize("question", ODD)
def test_cli_ask_json_keeps_the_question_verbatim(
    tiny: Services, offline: None, capsys: pytest.CaptureFixture[str], question: str
) -> None:
    """`assistant ask --json` prints valid JSON whose question is the normalised input, quotes and all."""
    code, out, err = run_cli(["ask", "--json", question], tiny, capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["question"] == " ".join(question.split()) and data["citations"]


@pytest.mark.parametrize("flags", QUOTED_FILTERS)
def test_cli_search_with_an_unmatched_quoted_filter_says_no_results(
    tiny: Services, capsys: pytest.CaptureFixture[str], flags: list[str]
) -> None:
    """A filter value no chunk has is a plain "No results." line and exit 0."""
    code, out, err = run_cli(["search", "AI engineer", *flags], tiny, capsys)
    assert (code, err) == (0, "")
    assert out.strip() == "No results. Try other words, or fewer filters."


@pytest.mark.parametrize("flags", QUOTED_FILTERS)
def test_cli_search_json_with_an_unmatched_quoted_filter_has_no_results(
    tiny: Services, capsys: pytest.CaptureFixture[str], flags: list[str]
) -> None:
    """`--json` prints the documented shape with an empty result list."""
    code, out, _ = run_cli(["search", "AI engineer", "--json", *flags], tiny, capsys)
    assert code == 0
    assert json.loads(out) == {"query": "AI engineer", "results": []}


def test_cli_search_with_an_empty_query_is_refused_with_exit_code_1(tiny: Services, capsys: pytest.CaptureFixture[str]) -> None:
    """An empty query is a one-line error and a fix, not a traceback."""
    code, out, err = run_cli(["search", "  "], tiny, capsys)
    assert (code, out) == (1, "")
    assert err.startswith("error: the query is empty\nfix: ") and "Traceback" not in err


@pytest.mark.parametrize("flags", QUOTED_FILTERS)
def test_cli_stats_with_an_unknown_quoted_filter_value_is_refused_with_exit_code_1(
    tiny: Services, capsys: pytest.CaptureFixture[str], flags: list[str]
) -> None:
    """The market filters name the value no posting has, verbatim, and exit 1."""
    code, out, err = run_cli(["stats", "skill", "RAG", *flags], tiny, capsys)
    assert (code, out) == (1, "")
    assert err.startswith(f"error: no posting has {flags[0].lstrip('-')} {flags[1]!r}") and "\nfix: " in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        pytest.param(["ask"], "Error: Missing argument 'question'.", id="missing-question"),
        pytest.param(["search", "AI", "--limit", "0"], "Error: Invalid value for '--limit'", id="limit-0"),
        pytest.param(["stats", "skill", "RAG", "--town", "Berlin"], "Error: No such option: --town", id="unknown-option"),
    ],
)
def test_cli_usage_error_exits_2_with_a_usage_line_and_the_reason(
    tiny: Services, capsys: pytest.CaptureFixture[str], args: list[str], reason: str
) -> None:
    """Usage errors print click's usage line and reason, exit 2, no traceback."""
    code, _, err = run_cli(args, tiny, capsys)
    assert code == 2
    assert err.startswith("Usage: ") and reason in err and "Traceback" not in err


@pytest.fixture(scope="module")
def bracketed(
    tmp_path_factory: pytest.TempPathFactory, tiny_settings: Callable[..., Settings], fake_embedder: Callable[..., Any]
) -> Iterator[Services]:
    """An index of one guide whose title and text look like rich markup (as Llama prompt formats do)."""
    from ingest.chunking import ChunkSpec
    from ingest.pipeline import Ingester

    root = tmp_path_factory.mktemp("bracketed")
    guide = root / "corpus" / "role"
    guide.mkdir(parents=True)
    (guide / "prompts.md").write_text(
        "# Prompt formats [/INST]\n\n## Llama\n\nLlama chat prompts wrap the user turn in [INST] and [/INST] tags; "
        "write [bold] as literal text.\n",
        encoding="utf-8",
    )
    services = Services(tiny_settings(root), embedder=fake_embedder())
    Ingester(services.store, services.embedder, services.taxonomy, ChunkSpec(64, 8)).run(root / "corpus")
    yield services
    services.close()


def test_cli_search_prints_markup_like_passages_verbatim(bracketed: Services, capsys: pytest.CaptureFixture[str]) -> None:
    """Passage text and titles with [/INST] or [bold] are printed as written, not parsed as rich markup."""
    code, out, err = run_cli(["search", "Llama chat prompt tags"], bracketed, capsys)
    text = " ".join(out.split())  # rich wraps long lines
    assert (code, err) == (0, "")
    assert "1. Prompt formats [/INST] role/prompts.md" in text and "[INST] and [/INST] tags; write [bold] as literal" in text


def test_cli_ask_lists_sources_with_markup_like_titles_verbatim(
    bracketed: Services, capsys: pytest.CaptureFixture[str], never_decline: float, router: Router
) -> None:
    """The sources under an answer keep a title such as `Prompt formats [/INST]` intact."""
    with career_agent().override(model=offline_model(bracketed.embedder, never_decline, router=router)):
        code, out, err = run_cli(["ask", "How do Llama chat prompts mark the user turn?"], bracketed, capsys)
    assert code == 0, err
    assert "[1] Prompt formats [/INST]" in out and "Traceback" not in out + err


@pytest.mark.parametrize(
    "question",
    [
        pytest.param("<script>alert(1)</script> What skills do AI engineers need?", id="script-tag"),
        pytest.param("<img src=x onerror=alert(1)> What is RAG?", id="img-onerror"),
        pytest.param("<iframe src=https://evil.example></iframe> How do I prepare for interviews?", id="iframe"),
    ],
)
def test_html_in_a_question_is_shown_as_text_in_the_chat(tiny: Services, offline: None, tmp_path: Path, question: str) -> None:
    """The chat's markdown renders the question's tags as text: no element from the question reaches the page."""
    shown = _chat(tiny, FeedbackStore(tmp_path / "f.db"), question)
    user, answer = (md.render(m["content"]) for m in shown)
    assert "&lt;" in user
    for tag in ("<script", "<img", "<iframe"):
        assert tag not in user and tag not in answer


def test_markdown_image_in_a_question_is_not_rendered_as_an_image(tiny: Services, offline: None, tmp_path: Path) -> None:
    """An image in the question would make the browser fetch an outside host; it is shown as text instead."""
    shown = _chat(tiny, FeedbackStore(tmp_path / "f.db"), "![t](http://evil.example/t.png) What is RAG?")
    user = md.render(shown[0]["content"])
    assert "<img" not in user and "![t](http://evil.example/t.png)" in user


def test_sql_injection_question_is_stored_verbatim_in_the_feedback_store(tiny: Services, offline: None, tmp_path: Path) -> None:
    """The feedback store keeps the question as data: one row, the text unchanged, the table still there."""
    feedback = FeedbackStore(tmp_path / "f.db")
    _chat(tiny, feedback, "x'); DROP TABLE answers; --")
    assert feedback.counts()[0] == 1 and feedback.recent(1)[0].question == "x'); DROP TABLE answers; --"


def test_oversized_question_in_the_chat_is_a_clear_message_and_records_nothing(tiny: Services, tmp_path: Path) -> None:
    """100,000 characters in the chat box: the answer slot says why, the feedback store stays empty."""
    feedback = FeedbackStore(tmp_path / "f.db")
    shown = _chat(tiny, feedback, HUGE)
    assert shown[-1]["content"].startswith("**Could not answer:** the question is 100,000 characters long")
    assert feedback.counts()[0] == 0
