"""The Chat tab: streamed, cited answers with follow-ups, thumbs and the trace of how each answer was made."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, replace
from typing import Any

import gradio as gr

from assistant.app import render
from assistant.app.feedback import AnswerLog, FeedbackStore
from assistant.app.status import with_note
from assistant.ask import AskResult, Restart, ToolStarted, ask_stream
from assistant.core.indexing import IndexStatus
from assistant.errors import AssistantError
from assistant.models import model_name
from assistant.offline.explain import explain
from assistant.offline.model import MODEL_NAME as OFFLINE_MODEL
from assistant.services import Services

log = logging.getLogger(__name__)

EXAMPLES = (
    "What should a data engineer learn to become an AI engineer?",
    "What share of AI engineer job postings ask for Kubernetes?",
    "Who is hiring AI engineers with LangGraph in Berlin?",
    "How do AI-first roles differ from AI-support roles?",
)
Message = dict[str, Any]


@dataclass(frozen=True)
class ChatState:
    """One browser session's conversation: its id, the model history, and which feedback row each answer is."""

    # Set by the conversation's first answer: gr.State's initial value is one object shared by every session
    # (API clients never run its load event), so an id made here would be every session's id.
    conversation: str = ""
    history: tuple[AskResult, ...] = ()
    answer_rows: tuple[tuple[int, int], ...] = ()  # (chatbot message index, feedback row id)

    def row_for(self, index: int) -> int | None:
        """The feedback row of the answer shown at this message index."""
        return dict(self.answer_rows).get(index)


def model_label(services: Services) -> str:
    """Which model answers, for the header line."""
    try:
        name = model_name(services.settings)
    except AssistantError as exc:
        return f"Model: not configured ({exc.message})"
    extra = " (extractive, runs locally, no LLM)" if name == "offline" else ""
    return f"Model: **{name}**{extra}"


def _assistant(content: str, follow_ups: list[str] | None = None) -> Message:
    msg: Message = {"role": "assistant", "content": content}
    if follow_ups:
        msg["options"] = [{"value": q, "label": q} for q in follow_ups]
    return msg


def _log_entry(state: ChatState, question: str, result: AskResult) -> AnswerLog:
    return AnswerLog(
        conversation=state.conversation,
        question=question,
        answer=result.answer,
        citations=[asdict(c) for c in result.citations],
        tools=[asdict(t) for t in result.tools],
        model=result.model,
        latency_s=result.latency_ms / 1000,
    )


async def answer_stream(
    services: Services,
    feedback: FeedbackStore,
    question: str,
    messages: list[Message],
    state: ChatState,
    status: IndexStatus | None = None,
) -> AsyncIterator[tuple[list[Message], ChatState, str]]:
    """Stream one answer into the chat: the question, growing text, then the cited answer; records it for feedback.

    While the index is still being built the answer (or the error) is headed by what is not indexed yet.
    """
    status = status or IndexStatus.off()
    question = (question or "").strip()
    if not question:
        yield messages, state, ""
        return
    # Follow-up chips belong to the latest answer only.
    shown = [{k: v for k, v in m.items() if k != "options"} for m in messages]
    shown += [{"role": "user", "content": render.plain(question)}, _assistant(render.THINKING)]
    yield shown, state, ""
    text, tools = "", list[str]()
    result: AskResult | None = None
    try:
        async for event in ask_stream(services, question, history=state.history, tool_events=True):
            if isinstance(event, ToolStarted):
                tools.append(event.name)
                text = ""
            elif isinstance(event, str):
                text += event
            elif isinstance(event, Restart):  # the validator rejected the draft: drop its text
                text = ""
            elif isinstance(event, AskResult):
                result = event
                break
            shown[-1] = _assistant(render.plain(text) if text else render.progress_line(tools))
            yield shown, state, ""
    except AssistantError as exc:
        shown[-1] = _assistant(with_note(status.view(), render.chat_error(exc.message, exc.hint)))
        yield shown, state, ""
        return
    except Exception:  # the user sees a message, the log gets the traceback
        log.exception("answering %r failed", question)
        shown[-1] = _assistant(render.chat_error("Something went wrong while answering; the details are in the server log."))
        yield shown, state, ""
        return
    if result is None:
        return
    shown[-1] = _assistant(
        with_note(status.view(), render.answer_markdown(result, _reading(services, state, result))), result.follow_ups
    )
    if not state.conversation:
        state = replace(state, conversation=uuid.uuid4().hex)
    row_id = feedback.record(_log_entry(state, question, result))
    state = replace(state, history=(*state.history, result), answer_rows=(*state.answer_rows, (len(shown) - 1, row_id)))
    yield shown, state, ""


def _reading(services: Services, state: ChatState, result: AskResult) -> list[str]:
    """How the offline model read the question (an LLM's reading is its tool calls, shown beside)."""
    if result.model != OFFLINE_MODEL:
        return []
    return explain(services, result.question, [h.question for h in state.history]).lines()


def thumbs(feedback: FeedbackStore, state: ChatState, data: gr.LikeData) -> None:
    """Store the user's thumbs on the answer they rated (a second click on the same thumb clears it)."""
    index = data.index if isinstance(data.index, int) else data.index[0]
    row_id = state.row_for(index)
    if row_id is None:
        return
    feedback.set_thumbs(row_id, "up" if data.liked is True else "down" if data.liked is False else None)


def chat_tab(services: Services, feedback: FeedbackStore, status: IndexStatus | None = None) -> None:
    """Lay out the tab inside the current Blocks and wire its events."""
    state = gr.State(ChatState())
    with gr.Row():
        gr.Markdown(model_label(services), elem_id="chat-model")
        new = gr.Button("New conversation", size="sm", scale=0, elem_id="chat-new")
    chatbot = gr.Chatbot(
        label="Answers with sources",
        height=560,
        elem_id="chatbot",
        examples=[{"text": q} for q in EXAMPLES],
        feedback_options=("Like", "Dislike"),
        buttons=["copy"],
        placeholder="Ask a career question, or start from an example.",
    )
    with gr.Row():
        box = gr.Textbox(
            placeholder="Ask about skills, roles, pay or who is hiring…", show_label=False, scale=8, elem_id="chat-input"
        )
        send = gr.Button("Ask", variant="primary", scale=1, elem_id="chat-send")

    async def on_submit(q: str, msgs: list[Message], st: ChatState) -> AsyncIterator[tuple[list[Message], ChatState, str]]:
        async for update in answer_stream(services, feedback, q, msgs, st, status):
            yield update

    async def on_pick(
        msgs: list[Message], st: ChatState, picked: gr.SelectData
    ) -> AsyncIterator[tuple[list[Message], ChatState, str]]:
        value = picked.value.get("text", "") if isinstance(picked.value, dict) else str(picked.value)
        async for update in answer_stream(services, feedback, value, msgs, st, status):
            yield update

    outputs = [chatbot, state, box]
    # A stable API name: `gradio_client` callers (the load test) use /ask, whatever the handler is called.
    gr.on([box.submit, send.click], on_submit, [box, chatbot, state], outputs, api_name="ask")
    gr.on([chatbot.example_select, chatbot.option_select], on_pick, [chatbot, state], outputs)

    def on_like(st: ChatState, data: gr.LikeData) -> None:
        thumbs(feedback, st, data)

    chatbot.like(on_like, [state], None)
    new.click(lambda: ([], ChatState(), ""), None, outputs)
    chatbot.clear(ChatState, None, state)  # the chatbot's own trash button starts over too
