"""Load on the real app: 20 concurrent `gradio_client` sessions x 10 questions against `assistant serve`.

The server is a child process (`python -m assistant.cli serve`, offline model) over the full index, on a
free localhost port, with its own feedback database. The load runs once per module; each test checks one
property of that run. Figures (client and server latency percentiles, peak RSS of the server process, wall
time) go to `load_results.json` in the pytest tmp dir, to the test report (record_property) and to the
terminal, with or without `-s`.

Gradio's queue runs one event at a time per listener unless told otherwise; `assistant.app.build.serve` sets
`default_concurrency_limit=4` and leaves the queue unbounded (max_size None), so all 20 sessions are
accepted at once and four answers are computed at a time while the rest wait in the queue.
"""

from __future__ import annotations

import json
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.app.feedback import FeedbackStore, StoredAnswer
from assistant.services import Services

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SESSIONS = 20
QUESTIONS_PER_SESSION = 10
ANSWERS = SESSIONS * QUESTIONS_PER_SESSION
OVERALL_TIMEOUT_S = 600.0  # the whole load; past it the run stops and the tests fail
ANSWER_TIMEOUT_S = 180.0  # one answer, queue wait included
START_TIMEOUT_S = 120.0  # server up and serving its config
STOP_TIMEOUT_S = 30.0
ENDPOINT = "/ask"  # the chat's api_name (assistant/app_chat.py)
QUESTIONS = (
    "What should a data engineer learn to become an AI engineer?",
    "How can a backend engineer move into AI engineering?",
    "I am a data scientist: what do I need to become an AI engineer?",
    "What share of AI engineer job postings ask for RAG?",
    "Which skills do AI-first roles ask for most?",
    "How many postings ask for Kubernetes?",
    "How should I prepare for an AI engineer interview?",
    "What do take-home assignments for AI engineers look like?",
    "Who is hiring AI engineers in Berlin?",
    "Which companies in New York want LangGraph?",
    "What do AI engineers get paid in London?",
    "How do AI-first roles differ from AI-support roles?",
)
Message = dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    """One question of one session: the final chat message shown for it, or the error the client got."""

    session: int
    question: str
    seconds: float
    answer: str = ""
    error: str = ""


@dataclass
class LoadRun:
    """Everything the tests check and the report prints."""

    outcomes: list[Outcome]
    rows: list[StoredAnswer]
    wall_s: float
    peak_rss_mb: float
    timed_out: bool
    server_log: str
    results_file: Path
    figures: dict[str, Any] = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _percentile(values: list[float], q: int) -> float:
    """The q-th percentile (inclusive method), rounded to milliseconds."""
    if len(values) < 2:
        return round(values[0], 3) if values else float("nan")
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 3)


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM) in MB; psutil's current RSS where /proc has no status file."""
    status = Path(f"/proc/{pid}/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    import psutil

    return round(psutil.Process(pid).memory_info().rss / 2**20, 1)


def _last_text(messages: list[Message]) -> str:
    """The text of the last chat message (gradio_client returns content as a list of typed parts)."""
    content = messages[-1]["content"] if messages else ""
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content if isinstance(part, dict))


def _session(url: str, index: int, deadline: float) -> list[Outcome]:
    """One browser-like session: its own client (so its own gr.State), ten questions, each after the last answer."""
    from gradio_client import Client

    outcomes: list[Outcome] = []
    client = Client(url, verbose=False, analytics_enabled=False, download_files=False)
    try:
        messages: list[Message] = []
        for k in range(QUESTIONS_PER_SESSION):
            question = QUESTIONS[(index + k) % len(QUESTIONS)]
            if time.monotonic() > deadline:
                outcomes.append(Outcome(index, question, 0.0, error="overall timeout before this question"))
                continue
            started = time.perf_counter()
            try:
                job = client.submit(question, messages, api_name=ENDPOINT)
                result = job.result(timeout=min(ANSWER_TIMEOUT_S, max(1.0, deadline - time.monotonic())))
                messages = list(result[0])
                outcomes.append(Outcome(index, question, time.perf_counter() - started, answer=_last_text(messages)))
            except Exception as exc:  # every failure is an outcome the tests report
                outcomes.append(Outcome(index, question, time.perf_counter() - started, error=f"{type(exc).__name__}: {exc}"))
    finally:
        client.close()
    return outcomes


def _wait_until_serving(url: str, proc: subprocess.Popen[bytes], log: Callable[[], str]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"`assistant serve` exited with {proc.returncode}:\n{log()}")
        try:
            if httpx.get(f"{url}/config", timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    pytest.fail(f"`assistant serve` did not serve {url} within {START_TIMEOUT_S:.0f} s:\n{log()}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Ctrl+C as a user would; killed if it does not stop in time."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(STOP_TIMEOUT_S)


def _figures(run: LoadRun) -> dict[str, Any]:
    client = [o.seconds for o in run.outcomes if not o.error]
    server = [r.latency_s for r in run.rows]
    return {
        "sessions": SESSIONS,
        "questions_per_session": QUESTIONS_PER_SESSION,
        "answers_ok": len(client),
        "errors": sum(1 for o in run.outcomes if o.error),
        "client_latency_s": {
            "p50": _percentile(client, 50),
            "p95": _percentile(client, 95),
            "max": round(max(client, default=0), 3),
        },
        "server_answer_latency_s": {"p50": _percentile(server, 50), "p95": _percentile(server, 95)},
        "peak_rss_mb": run.peak_rss_mb,
        "wall_s": round(run.wall_s, 1),
        "throughput_answers_per_s": round(len(client) / run.wall_s, 2) if run.wall_s else 0.0,
        "timed_out": run.timed_out,
    }


@pytest.fixture(scope="module")
def load_run(full_index: Services, tmp_path_factory: pytest.TempPathFactory, child_cli: Any) -> Iterator[LoadRun]:
    """Serve the app in a child process over the full index, run the sessions concurrently, always stop the server."""
    base = tmp_path_factory.mktemp("load")
    data = base / "data"
    data.mkdir()
    # The shared index and model, read-only; the feedback database is this run's own.
    (data / "index").symlink_to(full_index.settings.index_dir.resolve())
    (data / "models").symlink_to(full_index.settings.models_dir.resolve())
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = child_cli.env(data, full_index.settings.corpus_dir) | {
        "ASSISTANT_MODEL": "offline",
        "ASSISTANT_HOST": "127.0.0.1",
        "ASSISTANT_PORT": str(port),
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    log_path = base / "server.log"

    def log() -> str:
        return log_path.read_text(errors="replace")[-4000:]

    with log_path.open("wb") as log_file:
        proc = subprocess.Popen(
            # --no-ingest: the shared full index is only read, as before `serve` indexed beside the app.
            [sys.executable, "-m", "assistant.cli", "serve", "--no-ingest"],
            env=env,
            cwd=base,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_serving(url, proc, log)
            started = time.monotonic()
            deadline = started + OVERALL_TIMEOUT_S
            pool = ThreadPoolExecutor(max_workers=SESSIONS, thread_name_prefix="load-session")
            futures = [pool.submit(_session, url, i, deadline) for i in range(SESSIONS)]
            done, pending = wait(futures, timeout=OVERALL_TIMEOUT_S + 5)
            wall = time.monotonic() - started
            rss = peak_rss_mb(proc.pid) if proc.poll() is None else float("nan")
        finally:
            _stop(proc)
    # Stopping the server ends any session still waiting; its client calls then fail fast.
    pool.shutdown(wait=True, cancel_futures=True)
    outcomes = [o for f in futures if f.done() and not f.cancelled() and f.exception() is None for o in f.result()]
    outcomes += [Outcome(-1, "", 0.0, error=f"session crashed: {f.exception()!r}") for f in done if f.exception() is not None]
    rows = FeedbackStore(data / "feedback.sqlite3").recent(10 * ANSWERS) if (data / "feedback.sqlite3").exists() else []
    results_file = base / "load_results.json"
    run = LoadRun(outcomes, rows, wall, rss, bool(pending) or wall > OVERALL_TIMEOUT_S, log(), results_file)
    run.figures = _figures(run)
    results_file.write_text(json.dumps(run.figures, indent=2) + "\n", encoding="utf-8")
    yield run


def test_every_question_of_every_session_gets_an_answer_without_errors(load_run: LoadRun) -> None:
    """All 200 questions are answered, none with a client error, a timeout or the app's error message."""
    failed = [asdict(o) for o in load_run.outcomes if o.error or o.answer.startswith("**Could not answer:**")]
    assert not load_run.timed_out, f"the load did not finish within {OVERALL_TIMEOUT_S:.0f} s"
    assert not failed, (failed[:5], load_run.server_log)
    assert len(load_run.outcomes) == ANSWERS


def test_every_answer_shown_carries_at_least_one_citation(load_run: LoadRun) -> None:
    """Each final chat message lists its numbered sources."""
    uncited = [o.question for o in load_run.outcomes if "class='ca-sources'" not in o.answer or "[1]" not in o.answer]
    assert not uncited, uncited[:5]


def test_feedback_store_has_one_row_per_answer(load_run: LoadRun) -> None:
    """200 rows: ten for each session's own conversation, each with its citations."""
    per_conversation: dict[str, int] = {}
    for row in load_run.rows:
        per_conversation[row.conversation] = per_conversation.get(row.conversation, 0) + 1
    assert len(load_run.rows) == ANSWERS
    assert sorted(per_conversation.values()) == [QUESTIONS_PER_SESSION] * SESSIONS
    assert all(row.citations for row in load_run.rows)


def test_the_server_computes_answers_concurrently(load_run: LoadRun) -> None:
    """Answer times add up to more than the wall time: answers overlapped (serial answers could not)."""
    assert sum(row.latency_s for row in load_run.rows) > load_run.wall_s


def test_load_figures_are_written_and_reported(
    load_run: LoadRun, record_property: Callable[[str, object], None], capsys: pytest.CaptureFixture[str]
) -> None:
    """p50/p95 latency, peak RSS and wall time go to load_results.json, the test report and the terminal."""
    figures = json.loads(load_run.results_file.read_text(encoding="utf-8"))
    record_property("load_results", json.dumps(figures))
    with capsys.disabled():
        print(f"\nload results ({load_run.results_file}):\n{json.dumps(figures, indent=2)}")
    assert figures["peak_rss_mb"] > 0 and figures["client_latency_s"]["p95"] >= figures["client_latency_s"]["p50"] > 0
    assert figures["wall_s"] > 0
