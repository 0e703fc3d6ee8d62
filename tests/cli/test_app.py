"""`assistant feedback` and `assistant serve` through the CLI runner."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import typer
from typer.testing import CliRunner

from assistant.app.feedback import AnswerLog, open_feedback
from assistant.cli.app_commands import register
from assistant.core.settings import Settings
from assistant.errors import ConfigError
from assistant.services import Services


def _cli() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def _settings(tmp_path: Path, **changes: object) -> Settings:
    return Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path / "corpus", **changes)  # type: ignore[arg-type]


def _record(settings: Settings, question: str) -> int:
    return open_feedback(settings).record(AnswerLog("c", question, "answer [1]", [], [], "offline", 0.4))


def test_feedback_lists_recent_answers_and_thumb_counts(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    open_feedback(settings).set_thumbs(_record(settings, "what is RAG?"), "up")
    result = CliRunner().invoke(_cli(), ["feedback"], obj=Services(settings))
    assert result.exit_code == 0, result.output
    assert "what is RAG?" in result.output and "1 answers recorded" in result.output and "1 up" in result.output


def test_feedback_export_writes_jsonl(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    _record(settings, "q1")
    _record(settings, "q2")
    out = tmp_path / "fb.jsonl"
    result = CliRunner().invoke(_cli(), ["feedback", "--export", str(out)], obj=Services(settings))
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["question"] for line in out.read_text().splitlines()] == ["q1", "q2"]


def test_serve_refuses_an_open_bind_before_starting(tmp_path: Path) -> None:
    result = CliRunner().invoke(_cli(), ["serve"], obj=Services(_settings(tmp_path, host="0.0.0.0")))
    assert isinstance(result.exception, ConfigError)
    assert "without a login" in result.exception.message


def test_serve_host_flag_reaches_the_app_before_it_starts(tmp_path: Path) -> None:
    """--host overrides the setting (127.0.0.1 here): an open bind without a password is refused as for the setting."""
    result = CliRunner().invoke(_cli(), ["serve", "--host", "0.0.0.0"], obj=Services(_settings(tmp_path)))
    assert isinstance(result.exception, ConfigError)
    assert "0.0.0.0" in result.exception.message


def test_serve_port_flag_serves_on_that_port(tmp_path: Path) -> None:
    """`assistant serve --port P` answers HTTP on 127.0.0.1:P, as a user starts it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(tmp_path / "data"), "ASSISTANT_CORPUS_DIR": str(tmp_path / "corpus")}
    child = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline, status = time.monotonic() + 90, None
        while time.monotonic() < deadline and child.poll() is None and status != 200:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code
            except httpx.HTTPError:
                time.sleep(0.5)
        assert status == 200, child.stdout.read() if child.poll() is not None and child.stdout else "no answer in 90 s"
    finally:
        child.terminate()
        child.wait(timeout=30)
