"""Degenerate files: text that is one word repeated is refused, a document of too many chunks is cut; both named."""

from __future__ import annotations

from pathlib import Path

from assistant.retrieval.hybrid import search
from assistant.store.collections import CHUNKS
from assistant.store.edge import EdgeStore
from assistant.vocab.skills import Taxonomy
from ingest.chunking import ChunkSpec
from ingest.loaders.limits import MAX_CHUNKS_PER_DOCUMENT, repeated_word
from ingest.pipeline import Ingester


def test_one_word_repeated_is_found_in_a_sample_of_a_long_text() -> None:
    assert repeated_word("spam " * 2_000_000) == ("spam", 1.0)
    assert repeated_word("the cat sat on the mat and the dog ran " * 500) is None
    assert repeated_word("word " * 100) is None  # too short to judge


def test_a_line_of_one_word_is_refused_by_name_and_the_good_files_are_searchable(tmp_path: Path, fake_embedder: type) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "guide.md").write_text("# Evaluation\n\nBuild a labelled question set and measure retrieval hit rate.\n")
    (corpus / "flood.txt").write_text("buffalo " * 400_000)  # 3.2 MB on one line
    store = EdgeStore.open(tmp_path / "index")
    embedder = fake_embedder()
    report = Ingester(store, embedder, Taxonomy.load(), ChunkSpec(64, 8)).run(corpus)
    hits = search(store, embedder, "labelled question set", limit=3)
    store.close()
    assert [(p.source, "buffalo" in p.reason and "refused" in p.reason) for p in report.problems] == [("flood.txt", True)]
    assert [h.source for h in hits] == ["guide.md"]


def test_a_document_of_too_many_chunks_is_cut_and_named(tmp_path: Path, fake_embedder: type) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    paragraphs = "\n\n".join(f"Paragraph {i} talks about topic number {i} in its own words." for i in range(1500))
    (corpus / "long.md").write_text(f"# Long\n\n{paragraphs}\n")
    store = EdgeStore.open(tmp_path / "index")
    report = Ingester(store, fake_embedder(), Taxonomy.load(), ChunkSpec(16, 0)).run(corpus)
    kept = store.count(CHUNKS)
    store.close()
    assert kept == MAX_CHUNKS_PER_DOCUMENT
    assert [w.source for w in report.warnings] == ["long.md"] and "cut to its first 1,000" in report.warnings[0].reason
