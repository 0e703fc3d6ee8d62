"""Ingest's stages, each reported through Progress: postings' records first (the app's figures need only them), then
guides, then the postings' passages and vectors, then the guides' quotable sentences."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.core.indexing import GUIDES_STAGE, PASSAGES_STAGE, POSTINGS_STAGE, SENTENCES_STAGE, IndexStatus
from assistant.store.base import Filter, Match
from assistant.store.collections import CHUNKS, POSTINGS, SENTENCES
from assistant.store.edge import EdgeStore
from assistant.vocab.skills import Taxonomy
from ingest.chunking import ChunkSpec
from ingest.pipeline import Ingester

GUIDE_CHUNKS = Filter(must_not=(Match("doc_type", ("job_posting",)),))
POSTING_CHUNKS = Filter(must=(Match("doc_type", ("job_posting",)),))


class Recorder:
    """A Progress that notes, as each stage starts, what the index holds already."""

    def __init__(self, store: EdgeStore) -> None:
        self.store = store
        # stage, total; postings, with vectors; guide and posting chunks; sentence vectors
        self.seen: list[tuple[str, int, int, int, int, int, int]] = []
        self.advanced = 0

    def stage(self, name: str, total: int) -> None:
        ids = [r.id for r in self.store.scroll(POSTINGS, fields=["job_id"])]
        vectors = len(self.store.dense_vectors(POSTINGS, ids))
        guides, postings = self.store.count(CHUNKS, GUIDE_CHUNKS), self.store.count(CHUNKS, POSTING_CHUNKS)
        self.seen.append((name, total, len(ids), vectors, guides, postings, self.store.count(SENTENCES)))

    def advance(self, n: int = 1) -> None:
        self.advanced += n


def test_records_then_guides_then_posting_passages_then_sentences(
    tmp_path: Path, tiny_corpus: Any, fake_embedder: Callable[[], Any]
) -> None:
    root = tiny_corpus.write(tmp_path / "corpus")
    with EdgeStore.open(tmp_path / "index") as store:
        recorder = Recorder(store)
        report = Ingester(store, fake_embedder(), Taxonomy.load(), ChunkSpec(64, 8), recorder).run(root)
        n = len(tiny_corpus.postings)
        guides, passages = recorder.seen[2][4], recorder.seen[3][5]
        assert recorder.seen == [
            (POSTINGS_STAGE, n, 0, 0, 0, 0, 0),  # nothing yet
            (GUIDES_STAGE, 3, n, 0, 0, 0, 0),  # every posting's record, no vector, no passage
            (PASSAGES_STAGE, n, n, 0, guides, 0, 0),  # and every guide passage
            (SENTENCES_STAGE, 3, n, n, guides, passages, 0),  # and every posting's passages and vector
        ]
        assert guides > 0 and passages > 0 and recorder.advanced == n + 3 + n + 3
        assert store.count(SENTENCES) == report.sentences > 0
        assert len(store.dense_vectors(POSTINGS, [r.id for r in store.scroll(POSTINGS)])) == n
        assert store.count(CHUNKS, POSTING_CHUNKS) > 0 and report.indexed == n + 3


def test_a_rerun_reports_only_what_changed_per_stage(tmp_path: Path, tiny_corpus: Any, fake_embedder: Callable[[], Any]) -> None:
    root = tiny_corpus.write(tmp_path / "corpus")
    with EdgeStore.open(tmp_path / "index") as store:
        Ingester(store, fake_embedder(), Taxonomy.load(), ChunkSpec(64, 8)).run(root)
        (root / tiny_corpus.learning_path_source).write_text("# From data engineer\n\nLearn RAG next.\n", encoding="utf-8")
        status = IndexStatus()
        Ingester(store, fake_embedder(), Taxonomy.load(), ChunkSpec(64, 8), status).run(root)
    status.finish()
    stages = {s.name: (s.total, s.done) for s in status.view().stages}
    assert stages == {POSTINGS_STAGE: (0, 0), GUIDES_STAGE: (1, 1), PASSAGES_STAGE: (0, 0), SENTENCES_STAGE: (1, 1)}
