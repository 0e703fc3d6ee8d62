"""Turn the agent's event stream into what a terminal or UI shows: answer text deltas (str), tool starts, restarts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pydantic_core
from pydantic_ai.messages import (
    AgentStreamEvent,
    FunctionToolCallEvent,
    OutputToolResultEvent,
    PartDeltaEvent,
    PartStartEvent,
    ToolCallPart,
    ToolCallPartDelta,
)

from assistant.agent.grounding import OUTPUT_TOOL


@dataclass(frozen=True)
class ToolStarted:
    """The model called a tool."""

    name: str
    args: dict[str, object]


@dataclass(frozen=True)
class Restart:
    """The validator rejected the draft being streamed; discard the text shown so far."""

    reason: str


class AnswerStream:
    """Reads the `answer` field out of the output tool's JSON arguments as they stream in."""

    def __init__(self) -> None:
        self._index: int | None = None
        self._args = ""
        self._shown = ""

    def feed(self, event: AgentStreamEvent) -> Iterator[str | ToolStarted | Restart]:
        """What one event adds for the reader."""
        if isinstance(event, FunctionToolCallEvent):
            yield ToolStarted(event.part.tool_name, event.part.args_as_dict())
        elif isinstance(event, PartStartEvent) and isinstance(event.part, ToolCallPart) and event.part.tool_name == OUTPUT_TOOL:
            if self._shown:
                yield Restart("a new draft started")
            self._index, self._shown = event.index, ""
            args = event.part.args
            self._args = args if isinstance(args, str) else pydantic_core.to_json(args or {}).decode()
            yield from self._new_text()
        elif isinstance(event, PartDeltaEvent) and event.index == self._index and isinstance(event.delta, ToolCallPartDelta):
            if isinstance(event.delta.args_delta, str):
                self._args += event.delta.args_delta
                yield from self._new_text()
        elif isinstance(event, OutputToolResultEvent) and event.part.outcome == "retried":
            self._index = None
            if self._shown:
                self._shown = ""
                yield Restart(str(event.part.content))

    def _new_text(self) -> Iterator[str]:
        try:
            data = pydantic_core.from_json(self._args, allow_partial="trailing-strings")
        except ValueError:
            return
        text = data.get("answer") if isinstance(data, dict) else None
        if isinstance(text, str) and len(text) > len(self._shown) and text.startswith(self._shown):
            yield text[len(self._shown) :]
            self._shown = text
