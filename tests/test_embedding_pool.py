"""FastEmbedder shares large passage batches with worker processes: same vectors, same order, no orphans."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from assistant.settings import Settings
from ingest.embedding import ORPHAN_CHECK_S, POOL_MIN_TEXTS, FastEmbedder

TEXTS = [f"{'retrieval augmented generation ' * (i % 7 + 1)}item {i}" for i in range(POOL_MIN_TEXTS + 9)]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("embedding-data")


@pytest.fixture(scope="module")
def pooled(data_dir: Path) -> Iterator[FastEmbedder]:
    embedder = FastEmbedder(Settings(data_dir=data_dir))
    yield embedder
    embedder.close()


def test_shared_batch_gives_the_in_process_vectors_in_order(pooled: FastEmbedder, data_dir: Path) -> None:
    single = FastEmbedder(Settings(data_dir=data_dir, embedding_threads=1))
    expected = single.passages(TEXTS)
    got = pooled.passages(TEXTS)
    assert len(got) == len(TEXTS)
    for a, b in zip(got, expected, strict=True):
        assert a == pytest.approx(b, abs=1e-5)


def test_small_batches_and_queries_stay_in_process(data_dir: Path) -> None:
    before = {p.pid for p in psutil.Process().children()}
    embedder = FastEmbedder(Settings(data_dir=data_dir))
    embedder.passages(TEXTS[: POOL_MIN_TEXTS - 1])
    embedder.query("what should a data engineer learn")
    assert {p.pid for p in psutil.Process().children()} == before
    embedder.close()


KILLED_PARENT = """
import os, sys
from pathlib import Path
import psutil
from assistant.settings import Settings
from ingest.embedding import FastEmbedder
embedder = FastEmbedder(Settings(data_dir=Path(sys.argv[1])))
embedder.passages([f"text number {i}" for i in range(64)])
# The pool's workers (spawn also starts a resource tracker, which ends by itself).
print(" ".join(str(p.pid) for p in psutil.Process().children() if "resource_tracker" not in " ".join(p.cmdline())), flush=True)
os._exit(0)  # like a killed ingest: no cleanup runs
"""


@pytest.mark.skipif(sys.platform == "win32", reason="parent-death watch relies on getppid")
def test_workers_exit_when_their_parent_dies(data_dir: Path) -> None:
    done = subprocess.run([sys.executable, "-c", KILLED_PARENT, str(data_dir)], capture_output=True, text=True, check=True)
    pids = [int(p) for p in done.stdout.split()]
    assert pids, "the parent started no worker"
    deadline = time.monotonic() + 10 * ORPHAN_CHECK_S
    while time.monotonic() < deadline and any(psutil.pid_exists(p) and psutil.Process(p).status() != "zombie" for p in pids):
        time.sleep(0.2)
    alive = [p for p in pids if psutil.pid_exists(p) and psutil.Process(p).status() != "zombie"]
    for p in alive:
        psutil.Process(p).kill()
    assert not alive
