"""The ingest `assistant serve` runs beside its app: status as it goes, a clear failure, and re-runs on corpus changes."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.cli.indexer import Indexer, corpus_fingerprint
from assistant.core.indexing import IndexStatus
from assistant.core.settings import Settings
from assistant.services import Services
from assistant.store.collections import FILES, POSTINGS
from assistant.store.edge import EdgeStore

WAIT_S = 60.0


@pytest.fixture
def owner(
    tmp_path: Path, tiny_corpus: Any, tiny_settings: Callable[..., Settings], fake_embedder: Callable[[], Any]
) -> Iterator[Services]:
    """Services over the tiny corpus (not yet indexed) that own a writable index, as `assistant serve` does."""
    tiny_corpus.write(tmp_path / "corpus")
    settings = tiny_settings(tmp_path, chunk_tokens=64, chunk_overlap=8, model="not-offline:skip-the-router")
    services = Services(settings, store=EdgeStore.open(settings.index_dir), embedder=fake_embedder())
    yield services
    services.close()


def _until(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_fingerprint_changes_with_a_new_or_edited_file_only(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("one")
    first = corpus_fingerprint(tmp_path)
    assert corpus_fingerprint(tmp_path) == first
    (tmp_path / ".hidden").write_text("ignored")
    assert corpus_fingerprint(tmp_path) == first
    (tmp_path / "b.md").write_text("two")
    second = corpus_fingerprint(tmp_path)
    assert second != first
    os.utime(tmp_path / "a.md", ns=(1, 1))
    assert corpus_fingerprint(tmp_path) != second
    assert corpus_fingerprint(tmp_path / "missing") == ""


def test_one_run_indexes_everything_and_reports_ready(owner: Services) -> None:
    lines: list[str] = []
    indexer = Indexer(owner, IndexStatus(), lines.append)
    indexer.prepare()
    assert indexer.run_once()
    view = indexer.status.view()
    assert view.ready and [s.state for s in view.stages] == ["done"] * 4
    assert owner.store.count(POSTINGS) == 8 and owner.store.count(FILES) == 11
    assert lines[-1].startswith("index ready: 11 files indexed")


def test_a_missing_corpus_fails_the_run_with_its_fix_and_keeps_the_app_going(owner: Services) -> None:
    services = Services(
        owner.settings.model_copy(update={"corpus_dir": owner.settings.corpus_dir / "nowhere"}),
        store=owner.store,
        embedder=owner.embedder,
    )
    lines: list[str] = []
    indexer = Indexer(services, IndexStatus(), lines.append)
    assert not indexer.run_once()
    view = indexer.status.view()
    assert view.phase == "failed" and "does not exist" in (view.error or "") and not view.ready
    assert "fix: run `assistant corpus fetch`" in lines[-1]


def test_watch_indexes_again_when_a_file_is_added(owner: Services) -> None:
    indexer = Indexer(owner, IndexStatus(), lambda _line: None)
    indexer.prepare()
    stop = threading.Event()
    worker = threading.Thread(target=indexer.run, args=(0.1, stop))
    worker.start()
    try:
        _until(lambda: indexer.status.view().runs == 1, "the first run")
        guide = owner.settings.corpus_dir / "field-guide" / "role" / "03-new.md"
        guide.write_text("# Vector databases\n\nThey store embeddings for retrieval.\n", encoding="utf-8")
        _until(lambda: indexer.status.view().runs == 2, "a second run after the change")
        assert owner.store.count(FILES) == 12
        stages = {s.name: s.total for s in indexer.status.view().stages}
        assert stages == {"job postings": 0, "guides": 1, "job posting passages": 0, "guide sentences": 1}
    finally:
        stop.set()
        worker.join(WAIT_S)
    assert not worker.is_alive()
