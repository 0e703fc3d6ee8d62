"""Two CLI processes on one embedded index: the second gets a clear lock message, and the index stays whole."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant.store.edge import EdgeStore
from assistant.store.locking import LOCK_FILE

LOCKED = "another assistant process (ingest or app) is using"
WORDS = ["retrieval", "agents", "evaluation", "prompt", "latency", "embedding", "vector", "python", "docker", "spark"]


def write_corpus(root: Path, files: int) -> None:
    """Guides of four sections each."""
    for i in range(files):
        sections = [f"## Part {j}\n\n" + " ".join(WORDS[(i + j + k) % len(WORDS)] for k in range(90)) for j in range(4)]
        (root / f"guide-{i}.md").parent.mkdir(parents=True, exist_ok=True)
        (root / f"guide-{i}.md").write_text(f"# Guide {i}\n\n" + "\n\n".join(sections) + "\n")


def holds_write_lock(index: Path) -> bool:
    """True when some process holds the exclusive lock, read from /proc/locks (probing could steal it)."""
    try:
        inode = (index / LOCK_FILE).stat().st_ino
    except FileNotFoundError:
        return False
    locks = Path("/proc/locks").read_text().splitlines()
    return any(f":{inode} " in line and "FLOCK" in line and "WRITE" in line for line in locks)


def wait_for(condition: Callable[[], bool], seconds: float) -> None:
    """Poll until condition() holds; fail after seconds."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


@pytest.mark.slow
def test_second_ingest_and_a_search_during_ingest_get_a_clear_lock_message(
    models_dir: Path, tmp_path: Path, child_cli: Any
) -> None:
    write_corpus(tmp_path / "corpus", 10)
    data = child_cli.data_dir(tmp_path / "data", models_dir)
    env = child_cli.env(data, tmp_path / "corpus")
    first = child_cli.start(["ingest"], env, tmp_path)
    try:
        # Freeze the first ingest once it holds the lock and has begun writing: a long ingest, deterministically.
        wait_for(lambda: holds_write_lock(data / "index") and (data / "index/collections/chunks").is_dir(), child_cli.timeout_s)
        first.send_signal(signal.SIGSTOP)
        second = child_cli.start(["ingest"], env, tmp_path)
        search = child_cli.start(["search", "retrieval agents", "--json"], env, tmp_path)
        results = [subprocess.CompletedProcess(p.args, p.wait(child_cli.timeout_s), *p.communicate()) for p in (second, search)]
    finally:
        first.send_signal(signal.SIGCONT)
        _, errors = first.communicate(timeout=child_cli.timeout_s)
    for proc in results:
        child_cli.assert_clear_failure(proc, LOCKED, str(data / "index"), "wait for it to finish")
    assert first.returncode == 0, errors[-2000:]
    # The index is whole: every guide is there once, and search works now that the writer is gone.
    info = json.loads(child_cli.run(["info", "--json"], env, tmp_path).stdout)
    assert info["documents"] == 10 and info["chunks"] >= 10
    hits = json.loads(child_cli.run(["search", "retrieval agents", "--json"], env, tmp_path).stdout)["results"]
    assert hits and all(h["source"].startswith("guide-") for h in hits)


@pytest.mark.slow
def test_ingest_while_a_reader_has_the_index_open_is_refused_and_changes_nothing(
    models_dir: Path, tmp_path: Path, child_cli: Any, snapshot: Callable[..., dict[str, Any]]
) -> None:
    write_corpus(tmp_path / "corpus", 2)
    data = child_cli.data_dir(tmp_path / "data", models_dir)
    env = child_cli.env(data, tmp_path / "corpus")
    assert child_cli.run(["ingest"], env, tmp_path).returncode == 0
    before = snapshot(data / "index")
    (tmp_path / "corpus" / "guide-0.md").write_text("# Changed\n\nA different guide now.\n")
    with EdgeStore.open(data / "index", read_only=True) as reader:  # what the app holds while it runs
        child_cli.assert_clear_failure(child_cli.run(["ingest"], env, tmp_path), LOCKED)
        assert reader.count("chunks") == len(before["chunks"])
    assert snapshot(data / "index") == before
