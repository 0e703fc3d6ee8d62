"""A configured API key never shows up where people or files can read it: config output, logs, feedback, errors, eval reports."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pydantic_ai import models
from rich.console import Console
from typer.testing import CliRunner

from assistant.app.chat import ChatState, answer_stream
from assistant.app.feedback import open_feedback
from assistant.ask import ask
from assistant.cli.root import app as cli_app
from assistant.core.secrets import REDACTED
from assistant.core.settings import Settings
from assistant.errors import ModelError
from assistant.services import Services
from evals.dataset import load_ground_truth
from evals.report import write
from evals.run import run as run_eval

SECRET = "sk-test-SECRET-canary-123"
# Configured secrets that do not look like a provider key: only knowing the settings can redact them.
QDRANT_SECRET = "qdrant-canary-5d1e"
APP_PASSWORD = "hunter2-canary-pw"
SECRETS = (SECRET, QDRANT_SECRET, APP_PASSWORD)
QUESTION = f"My key is {SECRET}; what should I learn about evaluation?"


@pytest.fixture
def endpoint(openai_server: ModuleType) -> Iterator[tuple[Any, str]]:
    """The echoing server; yields the script and its base URL."""
    api = openai_server

    @dataclass
    class Echo(api.Script):  # type: ignore[name-defined]
        """Searches for the question, then answers repeating it; or fails with `status`, echoing the caller's key."""

        status: int = 200

        def respond(self, body: dict[str, Any]) -> Any:
            """The scripted turn, or an error whose body repeats the Authorization header, as some proxies do."""
            if self.status != 200:
                key = self.headers[-1].get("authorization", "").removeprefix("Bearer ")
                return api.Reply(self.status, api.error_body(f"Incorrect API key provided: {key}"), {"retry-after-ms": "10"})
            tools = api.tool_messages(body)
            question = next(m["content"] for m in body["messages"] if m["role"] == "user")
            if not tools:
                return api.Call("search_corpus", json.dumps({"query": question, "doc_types": ["learning_path"], "limit": 2}))
            first = json.loads(tools[-1]["content"])[0]["id"]
            answer = {"answer": f"You asked: {question} Build an evaluation set first [1].", "citations": [{"n": 1, "id": first}]}
            return api.Call("final_answer", json.dumps(answer))

    script = Echo()
    with api.serve(script) as base_url:
        yield script, base_url


@pytest.fixture
def services_at(tiny: Services, tiny_settings: Callable[..., Settings]) -> Callable[[str, Path], Services]:
    """`services_at(base_url, data_dir)`: the tiny index, answered by a chat model at base_url, with every secret configured."""

    def services(base_url: str, data_dir: Path) -> Services:
        settings = tiny_settings(
            data_dir,
            model="openai-chat:scripted",
            openai_base_url=base_url,
            openai_api_key=SECRET,
            qdrant_api_key=QDRANT_SECRET,
            app_password=APP_PASSWORD,
            model_timeout_s=10.0,
        )
        return Services(settings, store=tiny.store, embedder=tiny.embedder)

    return services


def _leaked(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


def _files_with_secrets(root: Path) -> list[str]:
    return [str(p) for p in root.rglob("*") if p.is_file() and any(s.encode() in p.read_bytes() for s in SECRETS)]


@pytest.mark.parametrize("args", [["config"], ["config", "--json"]], ids=["table", "json"])
def test_config_output_masks_every_secret(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: list[str]) -> None:
    """`assistant config` shows that keys are set, never their values."""
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name, value in (("OPENAI_API_KEY", SECRET), ("QDRANT_API_KEY", QDRANT_SECRET), ("ASSISTANT_APP_PASSWORD", APP_PASSWORD)):
        monkeypatch.setenv(name, value)
    out = CliRunner().invoke(cli_app, args)
    assert out.exit_code == 0, out.output
    assert _leaked(out.output) == []
    assert out.output.count("****") == 3


def test_debug_logs_and_data_dir_hold_no_key_after_an_ask(
    services_at: Callable[[str, Path], Services], endpoint: tuple[Any, str], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Every log record down to DEBUG (openai, httpx, ours), and every file in the data dir, is free of the key."""
    _, base_url = endpoint
    caplog.set_level(logging.DEBUG)
    with models.override_allow_model_requests(True):
        result = ask(services_at(base_url, tmp_path), QUESTION)
    assert result.citations
    assert any(r.name.startswith(("openai", "httpx", "httpcore")) for r in caplog.records)  # the clients did log
    assert _leaked(caplog.text) == [] and _leaked("\n".join(str(r.args) for r in caplog.records)) == []
    assert _files_with_secrets(tmp_path) == []


def test_feedback_rows_hold_no_key_after_an_ask_in_the_app(
    services_at: Callable[[str, Path], Services], endpoint: tuple[Any, str], tmp_path: Path
) -> None:
    """A chat answer that repeats a pasted key is recorded with the key redacted, in every column and on disk."""
    _, base_url = endpoint
    services = services_at(base_url, tmp_path)
    feedback = open_feedback(services.settings)

    async def chat() -> None:
        async for _ in answer_stream(services, feedback, QUESTION, [], ChatState()):
            pass

    with models.override_allow_model_requests(True):
        asyncio.run(chat())
    [row] = feedback.recent()
    assert REDACTED in row.question and REDACTED in row.answer and REDACTED in json.dumps(row.tools)
    assert _leaked(json.dumps(row.__dict__, default=str)) == []
    assert _files_with_secrets(tmp_path) == []  # the sqlite file and its WAL


@pytest.mark.parametrize("status", [401, 400, 500])
def test_provider_error_that_echoes_the_key_is_shown_without_it(
    services_at: Callable[[str, Path], Services], endpoint: tuple[Any, str], tmp_path: Path, status: int
) -> None:
    """A rejected key (or any failing call) whose error body repeats the key gives a ModelError without the key."""
    script, base_url = endpoint
    script.status = status
    with models.override_allow_model_requests(True), pytest.raises(ModelError) as info:
        ask(services_at(base_url, tmp_path), "What should I learn about evaluation?")
    assert script.headers[0]["authorization"] == f"Bearer {SECRET}"  # the key was sent, and echoed back
    assert _leaked(str(info.value)) == [] and _leaked(info.value.message) == []


def test_eval_report_holds_no_key(
    services_at: Callable[[str, Path], Services], endpoint: tuple[Any, str], tmp_path: Path
) -> None:
    """An eval run against a provider that fails echoing the key writes JSON and Markdown reports without it."""
    script, base_url = endpoint
    script.status = 500
    case = next(c for c in load_ground_truth() if not c.history and c.statistic is None)
    services = services_at(base_url, tmp_path)
    console_out = io.StringIO()
    with models.override_allow_model_requests(True):
        report = run_eval(
            services, Console(file=console_out, width=200), retrieval_only=False, ingest_note="test", only=[case.id]
        )
    write(report, tmp_path / "report.json", tmp_path / "report.md")
    assert report.answer_cases and "failed for openai-chat:scripted" in (report.answer_cases[0].error or "")
    text = (tmp_path / "report.json").read_text() + (tmp_path / "report.md").read_text() + console_out.getvalue()
    assert _leaked(text) == []
