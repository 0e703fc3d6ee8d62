"""End to end through the real `openai` client and Pydantic AI's chat model, against a scripted local server.

The server speaks the OpenAI chat-completions protocol on a free 127.0.0.1 port: its first reply
calls `search_corpus`, its second answers with `final_answer` citing the id the search returned.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pydantic_ai import models

from assistant.ask import AskResult, ask, ask_stream
from assistant.errors import ModelError
from assistant.services import Services
from tests.agent_fixtures import tiny, tiny_settings  # noqa: F401  (fixture)

MODEL = "scripted-model"


@dataclass
class Script:
    """What the server answers (echoing the requested model), and every request body it received."""

    status: int = 200
    requests: list[dict[str, Any]] = field(default_factory=list)

    def reply(self, body: dict[str, Any]) -> tuple[str, str]:
        """The next tool call (name, JSON arguments) for the conversation so far."""
        tool_messages = [m for m in body["messages"] if m["role"] == "tool"]
        if not tool_messages:
            return "search_corpus", json.dumps({"query": "evaluation test set", "doc_types": ["learning_path"], "limit": 2})
        passages = json.loads(tool_messages[-1]["content"])
        answer = {"answer": "Build a labelled evaluation set first [1].", "citations": [{"n": 1, "id": passages[0]["id"]}],
                  "follow_ups": ["How do I measure retrieval?"]}
        return "final_answer", json.dumps(answer)


def _chunk(model: str, delta: dict[str, Any], finish: str | None = None) -> bytes:
    data = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0, "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return f"data: {json.dumps(data)}\n\n".encode()


class Handler(BaseHTTPRequestHandler):
    """POST /v1/chat/completions, streamed or not, as the script says."""

    script: Script

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.script.requests.append(body)
        if self.script.status != 200:
            self._send(self.script.status, "application/json", json.dumps({"error": {"message": "Incorrect API key", "type": "invalid_request_error"}}).encode())
            return
        name, args = self.script.reply(body)
        if not body.get("stream"):
            message = {"role": "assistant", "content": None,
                       "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": name, "arguments": args}}]}
            reply = {"id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": body["model"],
                     "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls"}],
                     "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}}
            self._send(200, "application/json", json.dumps(reply).encode())
            return
        pieces = [args[i : i + 16] for i in range(0, len(args), 16)]
        model = body["model"]
        chunks = [_chunk(model, {"role": "assistant", "tool_calls": [{"index": 0, "id": "call_1", "type": "function",
                                                               "function": {"name": name, "arguments": ""}}]})]
        chunks += [_chunk(model, {"tool_calls": [{"index": 0, "function": {"arguments": p}}]}) for p in pieces]
        usage = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0, "model": model, "choices": [],
                 "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}}
        chunks += [_chunk(model, {}, "tool_calls"), f"data: {json.dumps(usage)}\n\n".encode(), b"data: [DONE]\n\n"]
        self._send(200, "text/event-stream", b"".join(chunks))

    def _send(self, status: int, kind: str, payload: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def server() -> Iterator[tuple[Script, str]]:
    """A scripted OpenAI-compatible server on a free port; yields the script and its base URL."""
    script = Script()
    handler = type("ScriptedHandler", (Handler,), {"script": script})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield script, f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


def _services(tiny: Services, base_url: str, model: str = MODEL) -> Services:
    settings = tiny_settings(tiny.settings.data_dir, model=f"openai-chat:{model}", openai_base_url=base_url)
    return Services(settings, store=tiny.store, embedder=tiny.embedder)


def _check(result: AskResult) -> None:
    assert result.answer == "Build a labelled evaluation set first [1]."
    assert [(c.n, c.source) for c in result.citations] == [(1, "field-guide/learning-paths/from-data-engineer.md")]
    assert result.citations[0].id.startswith("doc:") and result.follow_ups == ["How do I measure retrieval?"]
    assert [t.name for t in result.tools] == ["search_corpus"] and result.model == f"openai-chat:{MODEL}"


def test_answer_and_citations_come_back_intact_through_the_openai_client(tiny: Services, server: tuple[Script, str]) -> None:
    script, base_url = server
    with models.override_allow_model_requests(True):
        result = ask(_services(tiny, base_url), "How do I start evaluating?")
    _check(result)
    assert result.usage.input_tokens == 200 and result.usage.requests == 2
    first = script.requests[0]
    assert first["model"] == MODEL
    assert {t["function"]["name"] for t in first["tools"]} == {"search_corpus", "market_stats", "skill_gap", "find_jobs", "final_answer"}


def test_streamed_tool_call_and_answer_come_back_intact(tiny: Services, server: tuple[Script, str]) -> None:
    script, base_url = server

    async def collect() -> tuple[str, AskResult]:
        text, result = "", None
        async for event in ask_stream(_services(tiny, base_url), "How do I start evaluating?"):
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


def test_rejected_key_is_one_clear_message(tiny: Services, server: tuple[Script, str]) -> None:
    script, base_url = server
    script.status = 401
    with models.override_allow_model_requests(True), pytest.raises(ModelError) as info:
        ask(_services(tiny, base_url), "How do I start evaluating?")
    assert "rejected the API key" in info.value.message and "OPENAI_API_KEY" in (info.value.hint or "")


def test_known_openai_model_gets_an_estimated_cost(tiny: Services, server: tuple[Script, str]) -> None:
    _, base_url = server
    with models.override_allow_model_requests(True):
        result = ask(_services(tiny, base_url, model="gpt-4o-mini"), "How do I start evaluating?")
    assert result.usage.cost_usd is not None and 0 < result.usage.cost_usd < 0.001
