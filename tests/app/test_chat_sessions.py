"""Chat sessions in the feedback store: each session's answers are one conversation, never shared with another session."""

from __future__ import annotations

import asyncio
from pathlib import Path

from assistant.app.chat import ChatState, Message, answer_stream
from assistant.app.feedback import FeedbackStore
from assistant.services import Services

# gr.State hands every session a copy of this one initial value, as the app's Chat tab does.
INITIAL = ChatState()


def _turn(
    services: Services, feedback: FeedbackStore, question: str, messages: list[Message], state: ChatState
) -> tuple[list[Message], ChatState]:
    """One question in the chat: the messages and state after the answer."""

    async def last() -> tuple[list[Message], ChatState]:
        out: tuple[list[Message], ChatState] = (messages, state)
        async for shown, new_state, _box in answer_stream(services, feedback, question, messages, state):
            out = (shown, new_state)
        return out

    return asyncio.run(last())


def test_sessions_started_from_the_same_initial_state_record_different_conversations(
    tiny: Services, offline: None, tmp_path: Path
) -> None:
    """Two sessions' first answers land in two conversations."""
    feedback = FeedbackStore(tmp_path / "f.db")
    _turn(tiny, feedback, "What share of postings ask for RAG?", [], INITIAL)
    _turn(tiny, feedback, "What share of postings ask for RAG?", [], INITIAL)
    assert len({row.conversation for row in feedback.recent(10)}) == 2


def test_a_sessions_follow_up_stays_in_its_conversation(tiny: Services, offline: None, tmp_path: Path) -> None:
    """The second answer of a session is recorded under the first answer's conversation."""
    feedback = FeedbackStore(tmp_path / "f.db")
    messages, state = _turn(tiny, feedback, "What should a data engineer learn to become an AI engineer?", [], INITIAL)
    _turn(tiny, feedback, "And for a backend engineer?", messages, state)
    rows = feedback.recent(10)
    assert len(rows) == 2 and rows[0].conversation == rows[1].conversation == state.conversation != ""
