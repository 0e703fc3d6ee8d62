"""The library entry point: the result shape, history, the wall-clock bound, and streaming with restarts."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable

import pytest
from pydantic_ai.messages import ModelMessage, ModelRequest, ModelResponse, ToolCallPart, ToolReturnPart, UserPromptPart
from pydantic_ai.models.function import AgentInfo, DeltaToolCall, DeltaToolCalls, FunctionModel

from assistant.agent.build import OUTPUT_TOOL, career_agent
from assistant.ask import AskResult, Restart, ToolStarted, ask, ask_stream
from assistant.core.settings import Settings
from assistant.errors import InputError, ModelError
from assistant.services import Services


def test_json_shape_has_what_evals_and_the_ui_read(tiny: Services, offline: None) -> None:
    data = ask(tiny, "What share of postings ask for RAG?").to_json()
    assert set(data) == {"question", "answer", "citations", "tools", "model", "follow_ups", "usage", "latency_ms"}
    assert {"id", "source", "title", "url", "quote", "section", "page", "n", "kind"} <= set(data["citations"][0])
    assert {"name", "args", "duration_ms", "ok"} == set(data["tools"][0])
    assert data["model"] == "offline" and data["usage"]["requests"] == 2
    json.dumps(data)  # plain data all the way down


def test_empty_question_is_an_input_error(tiny: Services) -> None:
    with pytest.raises(InputError, match="empty"):
        ask(tiny, "   ")


def test_history_gives_the_model_the_earlier_turns(tiny: Services) -> None:
    prompts: list[list[str]] = []

    def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        prompts.append(
            [str(p.content) for m in messages if isinstance(m, ModelRequest) for p in m.parts if isinstance(p, UserPromptPart)]
        )
        return ModelResponse(parts=[ToolCallPart(OUTPUT_TOOL, {"answer": "Noted.", "citations": [], "follow_ups": []})])

    with career_agent().override(model=FunctionModel(respond)):
        first = ask(tiny, "I am a data engineer.")
        ask(tiny, "What should I learn?", history=first.history)
    assert prompts[-1] == ["I am a data engineer.", "What should I learn?"]


def test_slow_model_is_stopped_by_the_wall_clock_bound(tiny: Services, tiny_settings: Callable[..., Settings]) -> None:
    async def slow(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        await asyncio.sleep(5)
        raise AssertionError("not reached")

    impatient = Services(tiny_settings(tiny.settings.data_dir, model_timeout_s=0.2), store=tiny.store, embedder=tiny.embedder)
    with career_agent().override(model=FunctionModel(slow)), pytest.raises(ModelError, match=r"within 0.2 s") as info:
        ask(impatient, "anything")
    assert "ASSISTANT_MODEL_TIMEOUT_S" in (info.value.hint or "")


def _streamed_answer(text: str, cite: str) -> DeltaToolCalls:
    args = json.dumps({"answer": text, "citations": [{"n": 1, "id": cite}], "follow_ups": []})
    return {0: DeltaToolCall(name=OUTPUT_TOOL, json_args=args)}


def test_stream_restarts_when_a_draft_is_rejected(tiny: Services) -> None:
    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[DeltaToolCalls]:
        returns = [p for m in messages if isinstance(m, ModelRequest) for p in m.parts if isinstance(p, ToolReturnPart)]
        searched = [p for p in returns if p.tool_name == "search_corpus"]
        if not searched:
            yield {0: DeltaToolCall(name="search_corpus", json_args='{"query": "evaluation"}')}
        elif not any(p.tool_name == OUTPUT_TOOL for p in returns):
            yield _streamed_answer("Invented [1].", "doc:0000000000")
        else:
            yield _streamed_answer("Grounded [1].", searched[0].content[0].id)

    async def collect() -> list[object]:
        with career_agent().override(model=FunctionModel(stream_function=stream)):
            return [e async for e in ask_stream(tiny, "what to learn?", tool_events=True)]

    events = asyncio.run(collect())
    assert isinstance(events[0], ToolStarted) and events[0].name == "search_corpus"
    kinds = [type(e).__name__ for e in events]
    assert kinds == ["ToolStarted", "str", "Restart", "str", "AskResult"]
    assert isinstance(events[2], Restart) and "doc:0000000000" in events[2].reason
    final = events[-1]
    assert isinstance(final, AskResult) and final.answer == events[3] == "Grounded [1]."
