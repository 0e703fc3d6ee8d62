"""Incremental ingest: ids, change detection, deletion, model mismatch, bad files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant.core.indexing import SENTENCES_STAGE
from assistant.core.sentences import quotable_sentences
from assistant.errors import IndexMismatchError
from assistant.store.base import Filter, Match
from assistant.store.collections import CHUNKS, FILES, SENTENCES, sentence_id
from assistant.store.edge import EdgeStore
from assistant.vocab.skills import Taxonomy
from ingest.chunking import ChunkSpec
from ingest.pipeline import Ingester


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    (root / "guides").mkdir(parents=True)
    (root / "guides" / "rag.md").write_text("# RAG\n\n## Retrieval\n\nChunk documents and index them.\n")
    (root / "guides" / "evals.md").write_text("# Evaluation\n\nMeasure hit rate and MRR on labelled questions.\n")
    (root / "notes.txt").write_text("Interview notes\n\nPractise system design questions.\n")
    return root


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    s = EdgeStore.open(tmp_path / "index")
    yield s
    s.close()


@pytest.fixture
def ingest(fake_embedder: Callable[..., Any]) -> Callable[..., tuple[Any, Any]]:
    """`ingest(store, root, embedder=None, rebuild=False)`: (report, embedder), with a fresh fake embedder unless given one."""

    def run(store, root: Path, embedder: Any = None, rebuild: bool = False):  # type: ignore[no-untyped-def]
        embedder = embedder or fake_embedder()
        report = Ingester(store, embedder, Taxonomy.load(), ChunkSpec(64, 8)).run(root, rebuild=rebuild)
        return report, embedder

    return run


def _sources(store) -> set[str]:  # type: ignore[no-untyped-def]
    return {str(f.value) for f in store.facet(CHUNKS, "source")}


def test_first_ingest_indexes_every_file(store, corpus: Path, ingest: Callable[..., Any]) -> None:  # type: ignore[no-untyped-def]
    report, _ = ingest(store, corpus)
    assert report.indexed == 3
    assert _sources(store) == {"guides/rag.md", "guides/evals.md", "notes.txt"}
    assert store.count(FILES) == 3


def test_second_ingest_embeds_nothing(store, corpus: Path, ingest: Callable[..., Any]) -> None:  # type: ignore[no-untyped-def]
    ingest(store, corpus)
    ids_before = sorted(r.id for r in store.scroll(CHUNKS, fields=["source"]))
    report, embedder = ingest(store, corpus)
    assert embedder.embedded == 0 and report.unchanged == 3
    assert sorted(r.id for r in store.scroll(CHUNKS, fields=["source"])) == ids_before


def test_changed_file_reembeds_only_itself(store, corpus: Path, ingest: Callable[..., Any]) -> None:  # type: ignore[no-untyped-def]
    ingest(store, corpus)
    (corpus / "guides" / "rag.md").write_text("# RAG\n\nRerank the retrieved passages.\n")
    report, _ = ingest(store, corpus)
    assert report.indexed == 1
    texts = [r.payload["text"] for r in store.scroll(CHUNKS, Filter(must=(Match("source", ("guides/rag.md",)),)))]
    assert texts == ["Rerank the retrieved passages."]


def test_unit_chunked_by_an_older_chunker_is_reindexed(
    store, corpus: Path, monkeypatch: pytest.MonkeyPatch, ingest: Callable[..., Any]
) -> None:  # type: ignore[no-untyped-def]
    ingest(store, corpus)
    monkeypatch.setattr("ingest.chunking.DEFAULT_CHUNKING_VERSION", "99")
    report, _ = ingest(store, corpus)
    assert report.indexed == 3 and report.unchanged == 0
    assert {r.payload["chunking"] for r in store.scroll(FILES, fields=["chunking"])} == {"99"}


def test_shrunk_file_leaves_no_stale_chunks(store, corpus: Path, ingest: Callable[..., Any]) -> None:  # type: ignore[no-untyped-def]
    (corpus / "long.md").write_text("# Long\n\n" + "\n\n".join(f"Paragraph {i} about agents and tools." for i in range(40)))
    ingest(store, corpus)
    by_long = Filter(must=(Match("source", ("long.md",)),))
    assert store.count(CHUNKS, by_long) > 1
    (corpus / "long.md").write_text("# Long\n\nNow a single paragraph.\n")
    ingest(store, corpus)
    assert store.count(CHUNKS, by_long) == 1


def test_deleted_file_is_removed(store, corpus: Path, ingest: Callable[..., Any]) -> None:  # type: ignore[no-untyped-def]
    ingest(store, corpus)
    (corpus / "notes.txt").unlink()
    report, _ = ingest(store, corpus)
    assert report.removed == 1
    assert "notes.txt" not in _sources(store)
    assert store.count(FILES) == 2


def test_a_sentence_the_index_holds_is_not_counted_as_embedded_again(
    store: EdgeStore, corpus: Path, ingest: Callable[..., Any]
) -> None:
    ingest(store, corpus)
    (corpus / "guides" / "copy.md").write_text("# Copy\n\nMeasure hit rate and MRR on labelled questions.\n")
    report, _ = ingest(store, corpus)
    assert report.indexed == 1 and report.sentences == 0
    assert store.count(SENTENCES) == 2


def test_guide_sentences_are_stored_with_their_vectors(store, corpus: Path, ingest: Callable[..., Any]) -> None:  # type: ignore[no-untyped-def]
    report, embedder = ingest(store, corpus)
    sentence = "Measure hit rate and MRR on labelled questions."
    assert report.sentences == store.count(SENTENCES) == 2
    assert store.dense_vectors(SENTENCES, [sentence_id(sentence)])[sentence_id(sentence)] == pytest.approx(
        embedder.passages([sentence])[0], abs=1e-6
    )


def test_posting_sentences_are_not_stored(store, tmp_path: Path, ingest: Callable[..., Any]) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "jobs"
    _posting_corpus(root)
    report, _ = ingest(store, root)
    chunk_texts = [r.payload["text"] for r in store.scroll(CHUNKS, fields=["text"])]
    assert report.postings == 1 and any(quotable_sentences(t) for t in chunk_texts)
    assert store.count(SENTENCES) == 0


def test_deleted_file_takes_its_sentences_along(store, corpus: Path, ingest: Callable[..., Any]) -> None:  # type: ignore[no-untyped-def]
    ingest(store, corpus)
    (corpus / "guides" / "evals.md").unlink()
    ingest(store, corpus)
    assert store.dense_vectors(SENTENCES, [sentence_id("Measure hit rate and MRR on labelled questions.")]) == {}
    assert store.count(SENTENCES) == 1


def test_other_embedding_model_asks_for_rebuild(
    store, corpus: Path, ingest: Callable[..., Any], fake_embedder: Callable[..., Any]
) -> None:  # type: ignore[no-untyped-def]
    ingest(store, corpus)
    with pytest.raises(IndexMismatchError, match="--rebuild"):
        ingest(store, corpus, fake_embedder(dim=32))


def test_rebuild_reembeds_everything(store, corpus: Path, ingest: Callable[..., Any], fake_embedder: Callable[..., Any]) -> None:  # type: ignore[no-untyped-def]
    ingest(store, corpus)
    report, embedder = ingest(store, corpus, fake_embedder(dim=32), rebuild=True)
    assert report.indexed == 3 and embedder.embedded > 0
    assert store.read_meta()["dim"] == 32


def test_broken_file_is_reported_and_others_indexed(store, corpus: Path, ingest: Callable[..., Any]) -> None:  # type: ignore[no-untyped-def]
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    report, _ = ingest(store, corpus)
    assert [p.source for p in report.problems] == ["broken.pdf"]
    assert _sources(store) == {"guides/rag.md", "guides/evals.md", "notes.txt"}


RAW = """job_id: 1
title: AI Engineer
company: Acme
location: Berlin, DEU
skills: [Python]
description: Build retrieval systems for our support team and evaluate them every week.
"""
STRUCTURED = """company: {name: Acme}
position:
  title: AI Engineer
  ai_type: {type: ai-first}
  skills: {genai: [Frobnication]}
meta: {job_id: '1'}
"""


def _posting_corpus(root: Path) -> None:
    market = root / "job-market"
    (market / "data_raw").mkdir(parents=True)
    (market / "data_structured").mkdir()
    (market / "data_raw" / "1_Acme_AI_Engineer.yaml").write_text(RAW)
    (market / "data_structured" / "1_Acme_AI_Engineer.yaml").write_text(STRUCTURED)


def test_taxonomy_change_refreshes_posting_skills_without_reembedding_chunks(
    store, tmp_path: Path, fake_embedder: Callable[..., Any]
) -> None:  # type: ignore[no-untyped-def]
    from assistant.store.collections import POSTINGS
    from assistant.vocab.skills import Skill, Taxonomy

    root = tmp_path / "jobs"
    _posting_corpus(root)
    base = Taxonomy.load()
    Ingester(store, fake_embedder(), base, ChunkSpec(64, 8)).run(root)
    assert "Frobnication" not in {f.value for f in store.facet(POSTINGS, "skills")}
    grown = Taxonomy([*(base.skill(n) for n in base.names()), Skill("Frobnication", "genai", ("Frobnication",), ())])
    report = Ingester(store, fake_embedder(), grown, ChunkSpec(64, 8)).run(root)
    assert report.refreshed == 1 and report.chunks == 0
    assert "Frobnication" in {f.value for f in store.facet(POSTINGS, "skills")}


def test_a_posting_has_one_dense_vector_and_its_other_chunks_sparse_ones(
    store, tmp_path: Path, ingest: Callable[..., Any]
) -> None:  # type: ignore[no-untyped-def]
    from assistant.core.schema import GLANCE_SECTION
    from assistant.store.collections import POSTINGS

    root = tmp_path / "jobs"
    _posting_corpus(root)
    report, _ = ingest(store, root)
    points = list(store.scroll_points(CHUNKS))
    dense = [p for p in points if p.dense is not None]
    worded = [p for p in points if p.sparse is not None and p.sparse.indices]
    # Meaning from the glance chunk alone; words from every other chunk (the description).
    assert [p.payload["section"] for p in dense] == [GLANCE_SECTION] and dense[0].sparse is None
    assert len(worded) == len(points) - 1 >= 1
    assert report.embedding.embedded == 1  # the glance chunk and the posting share one vector
    (posting,) = store.scroll_points(POSTINGS)
    assert posting.dense == pytest.approx(dense[0].dense, abs=1e-6)


def test_identical_texts_are_embedded_once_and_reused_by_a_later_ingest(store, corpus: Path, ingest: Callable[..., Any]) -> None:  # type: ignore[no-untyped-def]
    (corpus / "copy").mkdir()
    (corpus / "copy" / "evals.md").write_text((corpus / "guides" / "evals.md").read_text())
    report, _ = ingest(store, corpus)
    assert report.embedding.reused >= 1 and report.embedding.tokens > 0
    (corpus / "guides" / "rag.md").write_text("# RAG\n\n## Retrieval\n\nChunk documents and index them.\n\nAlso rerank.\n")
    (corpus / "copy" / "evals.md").unlink()
    report, embedder = ingest(store, corpus)
    # The changed guide's new chunk is embedded; the deleted copy took only its own points along.
    assert report.indexed == 1 and embedder.embedded == report.embedding.embedded
    evals = Filter(must=(Match("source", ("guides/evals.md",)),))
    ids = [r.id for r in store.scroll(CHUNKS, evals)]
    assert ids and len(store.dense_vectors(CHUNKS, ids)) == len(ids)


def test_an_unchanged_chunk_of_a_changed_guide_keeps_its_vector_without_the_model(
    store, corpus: Path, ingest: Callable[..., Any]
) -> None:  # type: ignore[no-untyped-def]
    (corpus / "long.md").write_text("# Long\n\n" + "\n\n".join(f"Paragraph {i} about agents and tools." for i in range(40)))
    ingest(store, corpus)
    (corpus / "long.md").write_text((corpus / "long.md").read_text() + "\n\n# Appendix\n\nA new closing section on costs.\n")
    report, embedder = ingest(store, corpus)
    assert report.indexed == 1 and report.embedding.reused > 0
    assert 0 < embedder.embedded < report.chunks


def test_a_changed_guide_embeds_only_its_new_sentences_and_drops_its_old_ones(
    store: EdgeStore, corpus: Path, ingest: Callable[..., Any]
) -> None:
    old, kept, new = (
        "Chunk documents and index them.",
        "Split long pages at their headings.",
        "Rerank the passages you retrieved.",
    )
    guide = corpus / "guides" / "rag.md"
    guide.write_text(f"# RAG\n\n{old}\n\n{kept}\n")
    ingest(store, corpus)
    guide.write_text(f"# RAG\n\n{kept}\n\n{new}\n")
    report, embedder = ingest(store, corpus)
    assert report.indexed == 1 and report.sentences == 1  # the kept sentence's vector came from the index
    stored = store.dense_vectors(SENTENCES, [sentence_id(t) for t in (old, kept, new)])
    assert set(stored) == {sentence_id(kept), sentence_id(new)}
    assert stored[sentence_id(new)] == pytest.approx(embedder.passages([new])[0], abs=1e-6)


class _StopAt:
    """A Progress that stops the run when the named stage starts, as a kill between two stages would."""

    def __init__(self, name: str) -> None:
        self.name = name

    def stage(self, name: str, total: int) -> None:
        if name == self.name:
            raise KeyboardInterrupt

    def advance(self, n: int = 1) -> None:
        pass


def test_a_run_stopped_before_the_sentences_stage_leaves_its_guides_to_the_next_run(
    store: EdgeStore, corpus: Path, ingest: Callable[..., Any], fake_embedder: Callable[..., Any]
) -> None:
    with pytest.raises(KeyboardInterrupt):
        Ingester(store, fake_embedder(), Taxonomy.load(), ChunkSpec(64, 8), _StopAt(SENTENCES_STAGE)).run(corpus)
    assert store.count(SENTENCES) == 0 and store.count(CHUNKS) > 0
    report, _ = ingest(store, corpus)
    # The guides are redone, their passages' vectors reused from the index: only the sentences reach the model.
    assert report.indexed == 3 and report.embedding.embedded == 0 and report.sentences == store.count(SENTENCES) == 2
    assert ingest(store, corpus)[0].indexed == 0
