"""Provider faults end to end: a scripted OpenAI-compatible server that is slow, rate-limits, fails, or misbehaves.

Each test drives `ask` through the real `openai` client and Pydantic AI's chat model with small retry
counts and timeouts, so the whole file runs in seconds.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
from pydantic_ai import models

from assistant.agent.build import USAGE_LIMITS, career_agent
from assistant.ask import AskResult, ask, ask_stream
from assistant.core.settings import Settings
from assistant.errors import ModelError
from assistant.models import build_model
from assistant.services import Services

NAME = "openai-chat:scripted-model"
SEARCH_ARGS = {"query": "evaluation test set", "doc_types": ["learning_path"], "limit": 2}
ANSWER = "Build a labelled evaluation set first [1]."
QUESTION = "How do I start evaluating?"


@pytest.fixture(scope="module")
def provider(openai_server: ModuleType) -> SimpleNamespace:
    """The scripted server's `Call`, `Reply` and `error_body`, the `search` call and `final(body)` answer, and two scripts:
    `Faulty` (a fault first, then search and answer) and `Scripted` (whatever `steps(body, n)` says)."""
    api = openai_server
    search = api.Call("search_corpus", json.dumps(SEARCH_ARGS))

    def final(body: dict[str, Any]) -> Any:
        """The final answer citing the first passage of the latest search."""
        passages = json.loads(api.tool_messages(body)[-1]["content"])
        return api.Call(
            "final_answer", json.dumps({"answer": ANSWER, "citations": [{"n": 1, "id": passages[0]["id"]}], "follow_ups": []})
        )

    @dataclass
    class Faulty(api.Script):  # type: ignore[name-defined]
        """Fails the first `failures` requests with `fault` (every request when failures < 0), then searches and answers."""

        fault: Any = field(default_factory=lambda: api.Reply(500))
        failures: int = -1

        def respond(self, body: dict[str, Any]) -> Any:
            """The fault while it lasts, then the normal search-then-answer conversation."""
            if self.failures < 0 or len(self.requests) <= self.failures:
                return self.fault
            return final(body) if api.tool_messages(body) else search

    @dataclass
    class Scripted(api.Script):  # type: ignore[name-defined]
        """Answers each request with `steps(body, n)`, n counting requests from 1."""

        steps: Callable[[dict[str, Any], int], Any] = lambda body, n: search

        def respond(self, body: dict[str, Any]) -> Any:
            """Whatever the steps say for this request."""
            return self.steps(body, len(self.requests))

    return SimpleNamespace(
        Call=api.Call,
        Reply=api.Reply,
        error_body=api.error_body,
        tool_messages=api.tool_messages,
        search=search,
        final=final,
        Faulty=Faulty,
        Scripted=Scripted,
    )


@pytest.fixture
def run(tiny: Services, tiny_settings: Callable[..., Settings], openai_server: ModuleType) -> Iterator[Callable[..., AskResult]]:
    """Ask QUESTION against a script with the given retries and timeout (streamed on request), real model requests allowed."""

    def ask_with(script: Any, *, max_retries: int = 0, timeout_s: float = 10.0, stream: bool = False) -> AskResult:
        with openai_server.serve(script) as base_url:
            settings = tiny_settings(tiny.settings.data_dir, model=NAME, openai_base_url=base_url, model_timeout_s=timeout_s)
            services = Services(settings, store=tiny.store, embedder=tiny.embedder)
            model = build_model(NAME, settings, tiny.embedder, max_retries=max_retries)
            with models.override_allow_model_requests(True), career_agent().override(model=model):
                return asyncio.run(_streamed(services)) if stream else ask(services, QUESTION)

    yield ask_with
    assert models.ALLOW_MODEL_REQUESTS is False


async def _streamed(services: Services) -> AskResult:
    result = None
    async for event in ask_stream(services, QUESTION):
        if isinstance(event, AskResult):
            result = event
    assert result is not None
    return result


def _answered(result: AskResult) -> None:
    assert result.answer == ANSWER
    assert [c.source for c in result.citations] == ["field-guide/learning-paths/from-data-engineer.md"]


@pytest.mark.parametrize("stream", [False, True], ids=["ask", "stream"])
def test_slow_provider_ends_with_a_timeout_error_naming_the_setting(
    run: Callable[..., AskResult], provider: SimpleNamespace, stream: bool
) -> None:
    """A server that sleeps past the timeout gives a ModelError naming ASSISTANT_MODEL_TIMEOUT_S, in bounded time."""
    script = provider.Faulty(fault=provider.Reply(200, {}, delay_s=30))
    started = time.perf_counter()
    with pytest.raises(ModelError) as info:
        run(script, max_retries=1, timeout_s=0.5, stream=stream)
    assert time.perf_counter() - started < 5
    assert "within 0.5 s" in info.value.message and "ASSISTANT_MODEL_TIMEOUT_S" in (info.value.hint or "")


def test_rate_limit_once_is_retried_after_retry_after_then_answers(
    run: Callable[..., AskResult], provider: SimpleNamespace
) -> None:
    """One 429 with retry-after: exactly one retry, sent no sooner than the header asked, then the answer."""
    script = provider.Faulty(
        fault=provider.Reply(429, provider.error_body("Rate limit reached", "rate_limit_error"), {"retry-after": "1"}), failures=1
    )
    stamps: list[float] = []
    respond = script.respond
    script.respond = lambda body: (stamps.append(time.perf_counter()), respond(body))[1]  # type: ignore[method-assign]
    _answered(run(script, max_retries=2))
    assert len(script.requests) == 3 and script.requests[0] == script.requests[1]
    assert stamps[1] - stamps[0] >= 0.95  # the SDK's own first backoff is at most 0.5 s: the header was honoured


def test_persistent_rate_limit_is_one_clear_message(run: Callable[..., AskResult], provider: SimpleNamespace) -> None:
    """429 on every attempt: max_retries + 1 requests, then a ModelError saying the provider is rate-limiting."""
    script = provider.Faulty(
        fault=provider.Reply(429, provider.error_body("Rate limit reached", "rate_limit_error"), {"retry-after-ms": "10"})
    )
    with pytest.raises(ModelError) as info:
        run(script, max_retries=2)
    assert len(script.requests) == 3
    assert f"rate-limiting {NAME}" in info.value.message and "wait and retry" in (info.value.hint or "")


def test_server_error_once_is_retried_then_answers(run: Callable[..., AskResult], provider: SimpleNamespace) -> None:
    """One 500: exactly one retry of the same request, then the answer."""
    script = provider.Faulty(
        fault=provider.Reply(500, provider.error_body("internal error", "server_error"), {"retry-after-ms": "10"}), failures=1
    )
    _answered(run(script, max_retries=2))
    assert len(script.requests) == 3 and script.requests[0] == script.requests[1]


def test_persistent_server_error_fails_after_bounded_retries(run: Callable[..., AskResult], provider: SimpleNamespace) -> None:
    """500 on every attempt: max_retries + 1 requests, then one ModelError that says to retry."""
    script = provider.Faulty(
        fault=provider.Reply(500, provider.error_body("internal error", "server_error"), {"retry-after-ms": "10"})
    )
    started = time.perf_counter()
    with pytest.raises(ModelError) as info:
        run(script, max_retries=2)
    assert len(script.requests) == 3 and time.perf_counter() - started < 5
    assert f"failed for {NAME}" in info.value.message and "retry" in (info.value.hint or "")


@pytest.mark.parametrize("stream", [False, True], ids=["ask", "stream"])
def test_malformed_response_body_is_one_clear_message(
    run: Callable[..., AskResult], provider: SimpleNamespace, stream: bool
) -> None:
    """A 200 whose body is not JSON becomes a ModelError naming the model, not a parser traceback."""
    script = provider.Faulty(fault=provider.Reply(200, b'{"id": "chatcmpl-1", "choices": [{"mess'))
    with pytest.raises(ModelError) as info:
        run(script, stream=stream)
    text = str(info.value)
    assert NAME in info.value.message and "Traceback" not in text and "JSONDecodeError" not in text


def _retried_with(provider: SimpleNamespace, body: dict[str, Any], call_id: str) -> str:
    """The retry prompt sent back for a tool call (its tool message content), or '' when there is none."""
    return next((m["content"] for m in provider.tool_messages(body) if m["tool_call_id"] == call_id), "")


def test_tool_call_with_wrong_argument_types_gets_a_retry_prompt_and_recovers(
    run: Callable[..., AskResult], provider: SimpleNamespace
) -> None:
    """search_corpus called with a number for `query` and words for `limit`: the model is told why, then searches properly."""
    bad = provider.Call("search_corpus", json.dumps({"query": 42, "limit": "many"}))
    script = provider.Scripted(steps=lambda body, n: bad if n == 1 else provider.search if n == 2 else provider.final(body))
    _answered(run(script))
    errors = json.loads(_retried_with(provider, script.requests[1], "call_1"))["error"]
    assert {(tuple(e["loc"]), e["type"]) for e in errors} == {(("query",), "string_type"), (("limit",), "int_parsing")}
    assert len(script.requests) == 3


def test_unknown_tool_gets_a_retry_prompt_and_recovers(run: Callable[..., AskResult], provider: SimpleNamespace) -> None:
    """A call to a tool that does not exist: the model is told which tools exist, then uses one."""
    bad = provider.Call("search_everything", json.dumps({"query": "evaluation"}))
    script = provider.Scripted(steps=lambda body, n: bad if n == 1 else provider.search if n == 2 else provider.final(body))
    result = run(script)
    _answered(result)
    prompt = _retried_with(provider, script.requests[1], "call_1")
    assert "search_everything" in prompt and "search_corpus" in prompt
    assert [t.name for t in result.tools] == ["search_corpus"]


def test_endless_tool_calls_stop_at_the_request_limit(run: Callable[..., AskResult], provider: SimpleNamespace) -> None:
    """A model that never stops calling tools is cut off at USAGE_LIMITS.request_limit with a clear message."""
    script = provider.Scripted(steps=lambda body, n: provider.search)
    with pytest.raises(ModelError) as info:
        run(script)
    assert len(script.requests) == USAGE_LIMITS.request_limit
    assert "per-question limits" in info.value.message and "narrower question" in (info.value.hint or "")
