"""A scripted OpenAI-compatible chat-completions server on a free 127.0.0.1 port, for end-to-end provider tests.

A test gives it a `Script`: for each POST the script returns either a tool call to answer with
(`Call`, sent as a normal or streamed completion as the request asks) or a raw `Reply` (any status,
headers, body and delay). The server records every request body and its headers.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

USAGE = {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}


@dataclass(frozen=True)
class Call:
    """Answer with one tool call: the tool's name and its JSON arguments as text."""

    name: str
    arguments: str


@dataclass(frozen=True)
class Reply:
    """Answer with exactly this: status, body (JSON-encoded unless bytes), headers, after a delay."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


@dataclass
class Script:
    """What the server answers; override `respond`. Keeps every request body and its headers (names lower-cased)."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)

    def respond(self, body: dict[str, Any]) -> Call | Reply:
        """The answer to this request (the request is already in `requests`)."""
        raise NotImplementedError


def tool_messages(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The tool-result messages of a request, oldest first."""
    return [m for m in body["messages"] if m["role"] == "tool"]


def error_body(message: str, kind: str = "invalid_request_error") -> dict[str, Any]:
    """An OpenAI-style error body."""
    return {"error": {"message": message, "type": kind}}


def _chunk(model: str, delta: dict[str, Any], finish: str | None = None) -> bytes:
    data = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(data)}\n\n".encode()


class Handler(BaseHTTPRequestHandler):
    """POST /v1/chat/completions, answered as the script says."""

    script: Script

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.script.requests.append(body)
        self.script.headers.append({k.lower(): v for k, v in self.headers.items()})
        answer = self.script.respond(body)
        if isinstance(answer, Reply):
            self.script.released.wait(answer.delay_s)
            payload = answer.body if isinstance(answer.body, bytes) else json.dumps(answer.body).encode()
            self._send(answer.status, "application/json", payload, answer.headers)
            return
        call_id = f"call_{len(self.script.requests)}"
        model = body["model"]
        if not body.get("stream"):
            message = {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": call_id, "type": "function", "function": {"name": answer.name, "arguments": answer.arguments}}
                ],
            }
            reply = {
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "created": 0,
                "model": model,
                "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls"}],
                "usage": USAGE,
            }
            self._send(200, "application/json", json.dumps(reply).encode())
            return
        args = answer.arguments
        chunks = [
            _chunk(
                model,
                {
                    "role": "assistant",
                    "tool_calls": [
                        {"index": 0, "id": call_id, "type": "function", "function": {"name": answer.name, "arguments": ""}}
                    ],
                },
            )
        ]
        chunks += [
            _chunk(model, {"tool_calls": [{"index": 0, "function": {"arguments": args[i : i + 16]}}]})
            for i in range(0, len(args), 16)
        ]
        usage = {
            "id": "chatcmpl-1",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": model,
            "choices": [],
            "usage": USAGE,
        }
        chunks += [_chunk(model, {}, "tool_calls"), f"data: {json.dumps(usage)}\n\n".encode(), b"data: [DONE]\n\n"]
        self._send(200, "text/event-stream", b"".join(chunks))

    def _send(self, status: int, kind: str, payload: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
            self.wfile.write(payload)


@contextmanager
def serve(script: Script) -> Iterator[str]:
    """Serve the script on a free port; yields the base URL (…/v1). Delayed replies are released on exit."""
    handler = type("ScriptedHandler", (Handler,), {"script": script})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    finally:
        script.released.set()
        httpd.shutdown()
        httpd.server_close()
