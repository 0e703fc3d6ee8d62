"""One turn of the conversation, as the offline model reads it: the question, the earlier ones, the tool results so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter
from pydantic_ai.messages import ModelMessage, ModelRequest, ModelResponse, ToolCallPart, ToolReturnPart, UserPromptPart

from assistant.agent.corpus_tools import JobSearch, Passage
from assistant.agent.gap_tool import SkillGap
from assistant.agent.market_tools import Figures
from assistant.offline.plan import relax

_PASSAGES = TypeAdapter(list[Passage])
_RESULT_TYPES: dict[str, TypeAdapter[Any]] = {
    "market_stats": TypeAdapter(Figures),
    "skill_gap": TypeAdapter(SkillGap),
    "find_jobs": TypeAdapter(JobSearch),
}


@dataclass
class Turn:
    """The current question, the earlier ones, and what the tools returned for it so far."""

    question: str
    earlier: list[str]
    steps: int = 0
    passages: list[Passage] = field(default_factory=list)
    read: list[Passage] = field(default_factory=list)
    did_read: bool = False
    results: list[Any] = field(default_factory=list)
    failed: list[tuple[ToolCallPart, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    answer_rejected: bool = False


def read_turn(messages: list[ModelMessage]) -> Turn:
    """Split the conversation at the last user prompt and collect this turn's tool results."""
    prompts = [
        (i, p.content)
        for i, m in enumerate(messages)
        if isinstance(m, ModelRequest)
        for p in m.parts
        if isinstance(p, UserPromptPart) and isinstance(p.content, str)
    ]
    last, question = prompts[-1] if prompts else (0, "")
    turn = Turn(question, [q for _, q in prompts[:-1]])
    calls = {
        p.tool_call_id: p for m in messages[last:] if isinstance(m, ModelResponse) for p in m.parts if isinstance(p, ToolCallPart)
    }
    turn.did_read = any(c.tool_name == "search_corpus" and c.args_as_dict().get("source") for c in calls.values())
    for at, m in enumerate(messages[last:], start=last):
        if isinstance(m, ModelResponse):
            turn.steps += 1
            continue
        for part in m.parts:
            if not isinstance(part, ToolReturnPart):
                continue
            if part.outcome == "retried":
                if part.tool_name not in _RESULT_TYPES and part.tool_name != "search_corpus":
                    turn.answer_rejected = True
                else:
                    call, error = calls[part.tool_call_id], str(part.content)
                    if (relaxed := relax(call, error)) is not None:
                        left_out = "its filters" if relaxed[1] == "filters" else f"the {relaxed[1]} filter"
                        turn.notes.append(f"Note: {error.splitlines()[0]}, so this answer leaves out {left_out}.")
                    if at == len(messages) - 1:  # only the latest failures still need a relaxed retry
                        turn.failed.append((call, error))
            elif part.outcome == "success" and part.tool_name == "search_corpus":
                found = _PASSAGES.validate_python(part.content)
                if (asked := calls.get(part.tool_call_id)) is not None and asked.args_as_dict().get("source"):
                    turn.read += found
                else:
                    turn.passages += found
            elif part.outcome == "success" and part.tool_name in _RESULT_TYPES:
                turn.results.append(_RESULT_TYPES[part.tool_name].validate_python(part.content))
    return turn
