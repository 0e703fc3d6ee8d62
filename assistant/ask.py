"""Ask the career agent: one question (with the conversation so far) in, a cited answer out, or streamed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from pydantic_ai import RunContext
from pydantic_ai.agent import EventStreamHandler
from pydantic_ai.messages import AgentStreamEvent, ModelMessage

from assistant.agent.build import USAGE_LIMITS, Deps, career_agent
from assistant.agent.corpus_tools import ToolCall
from assistant.agent.evidence import EvidenceRegistry
from assistant.agent.grounding import Answer
from assistant.agent.stream import AnswerStream, Restart, ToolStarted
from assistant.errors import InputError
from assistant.models import as_assistant_error, build_model, model_name
from assistant.services import Services

__all__ = ["AskResult", "Restart", "SourceRef", "StreamEvent", "ToolStarted", "Usage", "ask", "ask_async", "ask_stream"]

MAX_QUESTION_CHARS = 4000
QUOTE_CHARS = 300


@dataclass(frozen=True)
class SourceRef:
    """One citation: the [n] it stands for, the evidence id, where it comes from, and the quoted passage."""

    n: int
    id: str
    kind: str
    source: str
    title: str
    section: str = ""
    page: int | None = None
    url: str | None = None
    quote: str = ""


@dataclass(frozen=True)
class Usage:
    """Tokens and requests one answer took, and its estimated cost in USD when the model's price is known."""

    requests: int
    tool_calls: int
    input_tokens: int
    output_tokens: int
    cost_usd: float | None = None


@dataclass(frozen=True)
class AskResult:
    """A validated answer with its citations, the tools called, usage, model and latency."""

    question: str
    answer: str
    citations: list[SourceRef]
    tools: list[ToolCall]
    follow_ups: list[str]
    usage: Usage
    model: str
    latency_ms: float
    messages: list[ModelMessage] = field(default_factory=list, repr=False)
    previous: tuple[AskResult, ...] = field(default=(), repr=False)

    @property
    def history(self) -> tuple[AskResult, ...]:
        """The conversation up to and including this answer: pass it as `history` for the next question."""
        return (*self.previous, self)

    def to_json(self) -> dict[str, Any]:
        """The `assistant ask --json` shape."""
        return {
            "question": self.question,
            "answer": self.answer,
            "citations": [asdict(c) for c in self.citations],
            "tools": [asdict(t) for t in self.tools],
            "model": self.model,
            "follow_ups": self.follow_ups,
            "usage": asdict(self.usage),
            "latency_ms": self.latency_ms,
        }


# str: more answer text; Restart: discard the text so far (a draft was rejected); ToolStarted: only with
# tool_events=True; AskResult: the validated answer, always last.
StreamEvent = str | ToolStarted | Restart | AskResult


def _question(text: str) -> str:
    question = " ".join(text.split())
    if not question:
        raise InputError("the question is empty", hint='ask something, e.g. assistant ask "what should a data engineer learn?"')
    if len(question) > MAX_QUESTION_CHARS:
        raise InputError(f"the question is {len(question):,} characters long", hint=f"keep it under {MAX_QUESTION_CHARS:,}")
    return question


def _source_refs(answer: Answer, registry: EvidenceRegistry) -> list[SourceRef]:
    refs = []
    for c in answer.citations:
        ev = registry.get(c.id)
        if ev is None:  # the validator guarantees this never happens; skip rather than invent
            continue
        quote = c.quote or " ".join(ev.text.split())[:QUOTE_CHARS]
        refs.append(SourceRef(c.n, ev.id, ev.kind, ev.source, ev.title, ev.section, ev.page, ev.url, quote))
    return refs


async def ask_async(
    services: Services, question: str, history: Sequence[AskResult] | None = None, model: str | None = None
) -> AskResult:
    """Answer a question from the corpus with citations; earlier results of the conversation give it context."""
    return await _answer(services, question, history, model, None)


async def _answer(
    services: Services,
    question: str,
    history: Sequence[AskResult] | None,
    model: str | None,
    on_events: EventStreamHandler[Deps] | None,
) -> AskResult:
    question = _question(question)
    settings = services.settings
    name = model_name(settings, model)
    llm = build_model(name, settings, services.answer_embedder, store=services.store)
    deps = Deps(settings, services.store, services.answer_embedder, services.taxonomy)
    past = [m for turn in history or () for m in turn.messages]
    started = time.perf_counter()
    try:
        run = await career_agent().run(
            question,
            model=llm,
            deps=deps,
            message_history=past or None,
            usage_limits=USAGE_LIMITS,
            timeout=settings.model_timeout_s,
            event_stream_handler=on_events,
        )
    except Exception as exc:
        mapped = as_assistant_error(exc, name, settings)
        if mapped is exc:
            raise
        raise mapped from exc
    latency = round((time.perf_counter() - started) * 1000, 1)
    out, u = run.output, run.usage
    usage = Usage(u.requests, u.tool_calls, u.input_tokens, u.output_tokens, float(u.cost) if u.cost is not None else None)
    return AskResult(
        question,
        out.answer,
        _source_refs(out, deps.evidence),
        list(deps.calls),
        out.follow_ups,
        usage,
        name,
        latency,
        run.new_messages(),
        tuple(history or ()),
    )


def ask(services: Services, question: str, history: Sequence[AskResult] | None = None, model: str | None = None) -> AskResult:
    """Blocking `ask_async`, for the CLI and scripts (async callers use `ask_async` or `ask_stream`)."""
    return asyncio.run(ask_async(services, question, history, model))


async def ask_stream(
    services: Services,
    question: str,
    history: Sequence[AskResult] | None = None,
    model: str | None = None,
    *,
    tool_events: bool = False,
) -> AsyncIterator[StreamEvent]:
    """Stream the answer: text deltas (str) as they come, Restart when a draft is rejected, then the AskResult.

    The run is validated like `ask` (a rejected draft is retried, which streams a new draft), so
    only the final AskResult is guaranteed grounded: show it in place of the streamed text.
    """
    queue: asyncio.Queue[str | ToolStarted | Restart | None] = asyncio.Queue()
    parser = AnswerStream()

    async def on_events(ctx: RunContext[Deps], events: AsyncIterable[AgentStreamEvent]) -> None:
        async for event in events:
            for item in parser.feed(event):
                if tool_events or not isinstance(item, ToolStarted):
                    queue.put_nowait(item)

    task = asyncio.create_task(_answer(services, question, history, model, on_events))
    task.add_done_callback(lambda _: queue.put_nowait(None))
    try:
        while (item := await queue.get()) is not None:
            yield item
        yield await task
    finally:
        if not task.done():
            task.cancel()
