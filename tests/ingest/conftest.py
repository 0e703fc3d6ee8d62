"""Fixtures for the ingest tests: the fault tests' two corpus versions and their in-process ingest (tests/ingest/ingest_child.py)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from ingest.report import IngestReport

from . import ingest_child

RAW = "job_id: {id}\ntitle: {title}\ncompany: Acme\nlocation: Berlin, DEU\ndescription: |\n  {text}\n"
STRUCTURED = "company: {{name: Acme}}\nposition:\n  title: {title}\n  skills: {{genai: [RAG]}}\nmeta: {{job_id: '{id}'}}\n"


def _write_corpus_version(root: Path, version: int) -> None:
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


@pytest.fixture(scope="session")
def write_corpus_version() -> Callable[[Path, int], None]:
    """`write_corpus_version(root, version)`: guides and postings under root, as version 1 or its edited version 2."""
    return _write_corpus_version


@pytest.fixture(scope="session")
def run_ingest() -> Callable[[Path, Path], IngestReport]:
    """`run_ingest(corpus, index)`: one incremental ingest with the fake embedder, as the child process runs it."""
    return ingest_child.run_ingest


@pytest.fixture(scope="session")
def announcing_writes() -> Callable[[Callable[[], None]], AbstractContextManager[None]]:
    """`with announcing_writes(on_write):` two units a batch and on_write() after each store write, as in the child."""
    return ingest_child.announcing_writes
