"""End to end through the real `openai` client and Pydantic AI's chat model, against a scripted local server.

The server speaks the OpenAI chat-completions protocol on a free 127.0.0.1 port: its first reply
calls `search_corpus`, its second answers with `final_answer` citing the id the search returned.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest
from pydantic_ai import models

from assistant.ask import AskResult, ask, ask_stream
from assistant.core.settings import Settings
from assistant.errors import ModelError
from assistant.services import Services

MODEL = "scripted-model"


@pytest.fixture
def server(openai_server: ModuleType) -> Iterator[tuple[Any, str]]:
    """A scripted OpenAI-compatible server on a free port; yields the script and its base URL."""
    api = openai_server

    @dataclass
    class Script(api.Script):  # type: ignore[name-defined]
        """Search, then answer citing the first passage (echoing the requested model); or fail with `status`."""

        status: int = 200

        def respond(self, body: dict[str, Any]) -> Any:
            """The next tool call for the conversation so far, or the error status."""
            if self.status != 200:
                return api.Reply(self.status, api.error_body("Incorrect API key"))
            tools = api.tool_messages(body)
            if not tools:
                return api.Call(
                    "search_corpus", json.dumps({"query": "evaluation test set", "doc_types": ["learning_path"], "limit": 2})
                )
            passages = json.loads(tools[-1]["content"])
            answer = {
                "answer": "Build a labelled evaluation set first [1].",
                "citations": [{"n": 1, "id": passages[0]["id"]}],
                "follow_ups": ["How do I measure retrieval?"],
            }
            return api.Call("final_answer", json.dumps(answer))

    script = Script()
    with api.serve(script) as base_url:
        yield script, base_url


@pytest.fixture
def services_at(tiny: Services, tiny_settings: Callable[..., Settings]) -> Callable[..., Services]:
    """`services_at(base_url, model=MODEL)`: the tiny index, answered by the chat model `model` at base_url."""

    def services(base_url: str, model: str = MODEL) -> Services:
        settings = tiny_settings(tiny.settings.data_dir, model=f"openai-chat:{model}", openai_base_url=base_url)
        return Services(settings, store=tiny.store, embedder=tiny.embedder)

    return services


def _check(result: AskResult) -> None:
    assert result.answer == "Build a labelled evaluation set first [1]."
    assert [(c.n, c.source) for c in result.citations] == [(1, "field-guide/learning-paths/from-data-engineer.md")]
    assert result.citations[0].id.startswith("doc:") and result.follow_ups == ["How do I measure retrieval?"]
    assert [t.name for t in result.tools] == ["search_corpus"] and result.model == f"openai-chat:{MODEL}"


def test_answer_and_citations_come_back_intact_through_the_openai_client(
    services_at: Callable[..., Services], server: tuple[Any, str]
) -> None:
    script, base_url = server
    with models.override_allow_model_requests(True):
        result = ask(services_at(base_url), "How do I start evaluating?")
    _check(result)
    assert result.usage.input_tokens == 200 and result.usage.requests == 2
    first = script.requests[0]
    assert first["model"] == MODEL
    assert {t["function"]["name"] for t in first["tools"]} == {
        "search_corpus",
        "market_stats",
        "skill_gap",
        "find_jobs",
        "final_answer",
    }


def test_streamed_tool_call_and_answer_come_back_intact(services_at: Callable[..., Services], server: tuple[Any, str]) -> None:
    script, base_url = server

    async def collect() -> tuple[str, AskResult]:
        text, result = "", None
        async for event in ask_stream(services_at(base_url), "How do I start evaluating?"):
            if isinstance(event, str):
                text += event
            elif isinstance(event, AskResult):
                result = event
        assert result is not None
        return text, result

    with models.override_allow_model_requests(True):
        text, result = asyncio.run(collect())
    _check(result)
    assert text == result.answer and all(r.get("stream") for r in script.requests)
    assert result.usage.input_tokens == 200


def test_rejected_key_is_one_clear_message(services_at: Callable[..., Services], server: tuple[Any, str]) -> None:
    script, base_url = server
    script.status = 401
    with models.override_allow_model_requests(True), pytest.raises(ModelError) as info:
        ask(services_at(base_url), "How do I start evaluating?")
    assert "rejected the API key" in info.value.message and "OPENAI_API_KEY" in (info.value.hint or "")


def test_known_openai_model_gets_an_estimated_cost(services_at: Callable[..., Services], server: tuple[Any, str]) -> None:
    _, base_url = server
    with models.override_allow_model_requests(True):
        result = ask(services_at(base_url, model="gpt-4o-mini"), "How do I start evaluating?")
    assert result.usage.cost_usd is not None and 0 < result.usage.cost_usd < 0.001
