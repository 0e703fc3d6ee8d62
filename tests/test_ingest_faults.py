"""Ingest killed at any point (SIGKILL) resumes to exactly the index a clean ingest builds."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.cli_children import cli, cli_env, make_data_dir, models_dir, snapshot, start_cli
from tests.ingest_child import announcing_writes, run_ingest

__all__ = ["models_dir"]  # a fixture, imported so pytest finds it here

REPO = Path(__file__).resolve().parents[1]
CHILD_TIMEOUT_S = 120
RAW = "job_id: {id}\ntitle: {title}\ncompany: Acme\nlocation: Berlin, DEU\ndescription: |\n  {text}\n"
STRUCTURED = "company: {{name: Acme}}\nposition:\n  title: {title}\n  skills: {{genai: [RAG]}}\nmeta: {{job_id: '{id}'}}\n"


def write_corpus(root: Path, version: int) -> None:
    """Version 1, or version 2 with one guide shrunk, one deleted, two added and one posting changed."""
    shutil.rmtree(root, ignore_errors=True)
    guides = {
        f"guides/g{i}.md": f"# Guide {i}\n\n" + f"## Part\n\nRetrieval step {i} for agents and evals.\n\n" * 6 for i in range(8)
    }
    postings = {i: ("AI Engineer", "Build retrieval systems for logistics.") for i in range(1, 5)}
    if version == 2:
        guides["guides/g1.md"] = "# Guide 1\n\nNow a single short paragraph.\n"
        del guides["guides/g2.md"]
        guides |= {f"new/n{i}.txt": f"New notes {i}\n\nPractise system design questions.\n" for i in range(2)}
        postings[3] = ("Senior AI Engineer", "Lead the agent platform team.")
    for rel, text in guides.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    for folder in ("data_raw", "data_structured"):
        (root / "jobs" / folder).mkdir(parents=True, exist_ok=True)
    for job_id, (title, text) in postings.items():
        (root / "jobs/data_raw" / f"{job_id}_Acme.yaml").write_text(RAW.format(id=job_id, title=title, text=text))
        (root / "jobs/data_structured" / f"{job_id}_Acme.yaml").write_text(STRUCTURED.format(id=job_id, title=title))


def _child(corpus: Path, index: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.ingest_child", str(corpus), str(index)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(CHILD_TIMEOUT_S, child.kill)  # a hung child must not hang the suite
    watchdog.daemon = True
    watchdog.start()
    return child


def kill_after_writes(corpus: Path, index: Path, writes: int) -> int:
    """Run a child ingest and SIGKILL it right after its Nth store write; the writes it had reported."""
    child = _child(corpus, index)
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


def counted_run(corpus: Path, index: Path) -> tuple[int, float]:
    """A whole ingest in this process, batched as the child does: its writes, and seconds from the first to the end."""
    stamps: list[float] = []
    with announcing_writes(lambda: stamps.append(time.perf_counter())):
        run_ingest(corpus, index)
    return len(stamps), stamps[-1] - stamps[0]


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Corpus v1 and its index, corpus v2 and its clean index, and a run's writes and time from each start."""
    base = tmp_path_factory.mktemp("clean")
    write_corpus(base / "v1", 1)
    write_corpus(base / "v2", 2)
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
def test_kill_after_any_write_then_resume_equals_clean_ingest(clean: dict[str, Any], tmp_path: Path, start: str) -> None:
    total = clean[start][0]
    # Collection creation (or the first delete), inside the first batch, the middle, the last write (meta).
    for writes in sorted({1, 4, total // 2, total - 1}):
        index = _fresh_index(clean, tmp_path / f"index-{writes}", start)
        assert kill_after_writes(clean["base"] / "v2", index, writes) == writes
        report = run_ingest(clean["base"] / "v2", index)
        assert not report.problems
        assert snapshot(index) == clean["v2"], f"killed after write {writes} of {total} from {start}"


@pytest.mark.slow
def test_kill_at_random_moments_repeatedly_then_resume_equals_clean_ingest(clean: dict[str, Any], tmp_path: Path) -> None:
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
def test_cli_ingest_killed_at_random_moments_then_rerun_equals_clean_ingest(models_dir: Path, tmp_path: Path) -> None:
    """The real `assistant ingest` (offline model) killed twice at random moments, then rerun: a clean index."""
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 2)
    clean_env = cli_env(make_data_dir(tmp_path / "clean", models_dir), corpus)
    started = time.perf_counter()
    assert cli(["ingest"], clean_env, tmp_path).returncode == 0
    clean_s = time.perf_counter() - started
    env = cli_env(make_data_dir(tmp_path / "victim", models_dir), corpus)
    rng, kills = random.Random(8), 0
    for _ in range(6):
        child = start_cli(["ingest"], env, tmp_path)
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
    final = cli(["ingest"], env, tmp_path)
    assert final.returncode == 0, final.stderr[-2000:]
    # Vectors are left out: the real model's floats shift in the last digits with how chunks are batched.
    assert snapshot(tmp_path / "victim/index", vectors=False) == snapshot(tmp_path / "clean/index", vectors=False)
