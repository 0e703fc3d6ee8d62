"""Ingest killed at any point (SIGKILL) resumes to exactly the index a clean ingest builds."""

from __future__ import annotations

import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CHILD = "tests.ingest.ingest_child"  # run as a module from the repo root
SERVE_CHILD = "tests.ingest.serve_child"  # `assistant serve`, indexing beside its app
CHILD_TIMEOUT_S = 120


def _child(corpus: Path, index: Path, module: str = CHILD, *extra: str) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-m", module, str(corpus), str(index), *extra],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if module == SERVE_CHILD else None,  # the app's log lines are not writes
        text=True,
    )
    watchdog = threading.Timer(CHILD_TIMEOUT_S, child.kill)  # a hung child must not hang the suite
    watchdog.daemon = True
    watchdog.start()
    return child


def kill_after_writes(corpus: Path, index: Path, writes: int, module: str = CHILD, *extra: str) -> int:
    """Run a child ingest (or serve) and SIGKILL it right after its Nth store write; the writes it had reported."""
    child = _child(corpus, index, module, *extra)
    seen = 0
    assert child.stdout is not None
    for line in child.stdout:
        seen += line.startswith("write")
        if seen >= writes:
            child.send_signal(signal.SIGKILL)
            break
    child.kill()
    child.wait(timeout=CHILD_TIMEOUT_S)
    return seen


def kill_at_moment(corpus: Path, index: Path, fraction: float, work_seconds: float) -> bool:
    """Run a child ingest and SIGKILL it `fraction` of the way through its work (maybe mid-write); True if it died so."""
    child = _child(corpus, index)
    assert child.stdout is not None
    first = child.stdout.readline()  # timed from the first write, so start-up speed does not matter
    if first.startswith("write"):
        time.sleep(fraction * work_seconds)
    child.send_signal(signal.SIGKILL)
    child.stdout.read()
    return child.wait(timeout=CHILD_TIMEOUT_S) == -signal.SIGKILL


@pytest.fixture(scope="module")
def clean(
    tmp_path_factory: pytest.TempPathFactory,
    write_corpus_version: Callable[[Path, int], None],
    run_ingest: Callable[[Path, Path], Any],
    announcing_writes: Callable[[Callable[[], None]], AbstractContextManager[None]],
    snapshot: Callable[..., dict[str, Any]],
) -> dict[str, Any]:
    """Corpus v1 and its index, corpus v2 and its clean index, and a run's writes and time from each start."""

    def counted_run(corpus: Path, index: Path) -> tuple[int, float]:
        """A whole ingest in this process, batched as the child does: its writes, and seconds from the first to the end."""
        stamps: list[float] = []
        with announcing_writes(lambda: stamps.append(time.perf_counter())):
            run_ingest(corpus, index)
        return len(stamps), stamps[-1] - stamps[0]

    base = tmp_path_factory.mktemp("clean")
    write_corpus_version(base / "v1", 1)
    write_corpus_version(base / "v2", 2)
    run_ingest(base / "v1", base / "v1-index")
    shutil.copytree(base / "v1-index", base / "v1-counted")
    return {
        "base": base,
        "empty": counted_run(base / "v2", base / "v2-index"),
        "v1": counted_run(base / "v2", base / "v1-counted"),
        "v2": snapshot(base / "v2-index"),
    }


def _fresh_index(clean: dict[str, Any], index: Path, start: str) -> Path:
    if start == "v1":
        shutil.copytree(clean["base"] / "v1-index", index)
    return index


@pytest.mark.slow
@pytest.mark.parametrize("start", ["empty", "v1"])
def test_kill_after_any_write_then_resume_equals_clean_ingest(
    clean: dict[str, Any], tmp_path: Path, start: str, run_ingest: Callable[[Path, Path], Any], snapshot: Callable[..., Any]
) -> None:
    total = clean[start][0]
    # Collection creation (or the first delete), inside the first batch, the middle, the last write (meta).
    for writes in sorted({1, 4, total // 2, total - 1}):
        index = _fresh_index(clean, tmp_path / f"index-{writes}", start)
        assert kill_after_writes(clean["base"] / "v2", index, writes) == writes
        report = run_ingest(clean["base"] / "v2", index)
        assert not report.problems
        assert snapshot(index) == clean["v2"], f"killed after write {writes} of {total} from {start}"


@pytest.mark.slow
def test_kill_at_random_moments_repeatedly_then_resume_equals_clean_ingest(
    clean: dict[str, Any], tmp_path: Path, run_ingest: Callable[[Path, Path], Any], snapshot: Callable[..., Any]
) -> None:
    rng = random.Random(8)
    index = _fresh_index(clean, tmp_path / "index", "v1")
    kills = 0
    for _ in range(4):
        # Each kill lands on a run that resumes the previous killed one, wherever its work had got to.
        kills += kill_at_moment(clean["base"] / "v2", index, rng.uniform(0.0, 0.9), clean["v1"][1])
        snapshot(index)  # after every kill the index opens, with no duplicate ids
    assert kills >= 2, "too few kills landed before the child finished"
    run_ingest(clean["base"] / "v2", index)
    assert snapshot(index) == clean["v2"]


@pytest.mark.slow
def test_cli_ingest_killed_at_random_moments_then_rerun_equals_clean_ingest(
    models_dir: Path,
    tmp_path: Path,
    child_cli: Any,
    write_corpus_version: Callable[[Path, int], None],
    snapshot: Callable[..., Any],
) -> None:
    """The real `assistant ingest` (offline model) killed twice at random moments, then rerun: a clean index."""
    corpus = tmp_path / "corpus"
    write_corpus_version(corpus, 2)
    clean_env = child_cli.env(child_cli.data_dir(tmp_path / "clean", models_dir), corpus)
    started = time.perf_counter()
    assert child_cli.run(["ingest"], clean_env, tmp_path).returncode == 0
    clean_s = time.perf_counter() - started
    env = child_cli.env(child_cli.data_dir(tmp_path / "victim", models_dir), corpus)
    rng, kills = random.Random(8), 0
    for _ in range(6):
        child = child_cli.start(["ingest"], env, tmp_path)
        time.sleep(rng.uniform(0.3, 0.9) * clean_s)
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=CHILD_TIMEOUT_S)
        if child.returncode != -signal.SIGKILL:
            shutil.rmtree(tmp_path / "victim/index")  # it finished first: start over so the next kill counts
            continue
        kills += 1
        if kills == 2:
            break
    assert kills == 2, f"only {kills} kills landed before the ingest finished"
    final = child_cli.run(["ingest"], env, tmp_path)
    assert final.returncode == 0, final.stderr[-2000:]
    # Vectors are left out: the real model's floats shift in the last digits with how chunks are batched.
    assert snapshot(tmp_path / "victim/index", vectors=False) == snapshot(tmp_path / "clean/index", vectors=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
@pytest.mark.parametrize("start", ["empty", "v1"])
def test_serve_killed_during_its_ingest_then_next_run_equals_clean_ingest(
    clean: dict[str, Any],
    tmp_path: Path,
    start: str,
    run_ingest: Callable[[Path, Path], Any],
    snapshot: Callable[..., Any],
    fake_embedder: Callable[[], Any],
) -> None:
    """`assistant serve` SIGKILLed after any write of the ingest it runs beside its app; the next run gives the clean index."""
    from assistant.store.collections import specs

    created = len(specs(fake_embedder().dim))  # serve creates every collection before the app opens, then ingests
    total = created + clean[start][0]
    # Creating the collections (before the app opens), the middle of the ingest, just before its last write (meta).
    for writes in sorted({1, created + clean[start][0] // 2, total - 1}):
        data = tmp_path / f"data-{writes}"
        index = _fresh_index(clean, data / "index", start)
        assert kill_after_writes(clean["base"] / "v2", data, writes, SERVE_CHILD, str(_free_port())) == writes
        report = run_ingest(clean["base"] / "v2", index)
        assert not report.problems
        assert snapshot(index) == clean["v2"], f"serve killed after write {writes} of {total} from {start}"
