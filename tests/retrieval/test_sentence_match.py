"""Sentence match: documents ranked by their sentence nearest the query, fused into the candidates' scores."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.retrieval.sentence_match import document_ranks, rerank
from assistant.retrieval.tuning import SearchTuning
from assistant.services import Services
from assistant.store.base import Point, Record, Store
from assistant.store.collections import SENTENCES, sentence_id, specs
from assistant.store.edge import EdgeStore

TUNING = SearchTuning(sentence_weight=0.5, sentence_depth=10, rrf_k=1)
QUERY = [1.0, 0.0]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A real Edge store whose sentences lie at known angles from QUERY."""
    store = EdgeStore.open(tmp_path / "index")
    for name, spec in specs(2).items():
        store.ensure_collection(name, spec)
    sentences = [
        ("The loop has seven steps.", "steps.md", [1.0, 0.1]),
        ("A second sentence of the same guide.", "steps.md", [0.2, 1.0]),
        ("Salaries vary by city.", "pay.md", [0.8, 0.6]),
        ("Unrelated words.", "hub.md", [0.0, 1.0]),
    ]
    store.upsert(SENTENCES, [Point(sentence_id(text), {"source": src}, dense=vec) for text, src, vec in sentences])
    return store


def _record(source: str, score: float, doc_type: str = "learning_path") -> Record:
    return Record(f"{source}#0", {"source": source, "doc_type": doc_type}, score)


def test_documents_are_ranked_by_their_nearest_sentence(store: Store) -> None:
    assert document_ranks(store, QUERY, depth=10) == {"steps.md": 0, "pay.md": 1, "hub.md": 2}


def test_the_document_stating_the_fact_moves_above_a_closer_chunk(store: Store) -> None:
    records = [_record("hub.md", 1.0), _record("pay.md", 0.9), _record("steps.md", 0.8)]
    rescored = {r.id: r.score for r in rerank(store, records, QUERY, TUNING)}
    assert rescored == pytest.approx({"hub.md#0": 1.0 + 0.5 / 3, "pay.md#0": 0.9 + 0.5 / 2, "steps.md#0": 0.8 + 0.5})
    assert max(rescored, key=rescored.__getitem__) == "steps.md#0"


def test_only_the_depth_nearest_sentences_count(store: Store) -> None:
    shallow = SearchTuning(sentence_weight=0.5, sentence_depth=1, rrf_k=1)
    rescored = {r.id: r.score for r in rerank(store, [_record("pay.md", 0.9), _record("steps.md", 0.8)], QUERY, shallow)}
    assert rescored == pytest.approx({"pay.md#0": 0.9, "steps.md#0": 0.8 + 0.5})


def test_postings_and_documents_without_sentences_keep_their_scores(store: Store) -> None:
    records = [_record("steps.md", 0.5, doc_type="job_posting"), _record("other.md", 0.4)]
    assert [r.score for r in rerank(store, records, QUERY, TUNING)] == [0.5, 0.4]


def test_without_a_dense_vector_or_weight_nothing_changes(store: Store) -> None:
    records = [_record("steps.md", 0.5)]
    assert rerank(store, records, None, TUNING) == records
    assert rerank(store, records, QUERY, SearchTuning(sentence_weight=0.0)) == records


def test_an_index_without_sentence_vectors_is_searched_as_before(tmp_path: Path) -> None:
    bare = EdgeStore.open(tmp_path / "bare")
    records = [_record("steps.md", 0.5)]
    assert rerank(bare, records, QUERY, TUNING) == records


def test_one_documents_candidates_are_left_as_they_are(store: Store) -> None:
    records = [Record("steps.md#1", {"source": "steps.md", "doc_type": "learning_path"}, 0.5), _record("steps.md", 0.4)]
    assert rerank(store, records, QUERY, TUNING) == records


@pytest.mark.integration
def test_the_real_index_ranks_the_guide_stating_a_fact_first(full_index: Services) -> None:
    # The webinar says it in one sentence ("the typical interview has up to 7 steps"); no title or heading does.
    vector = full_index.embedder.query("How many steps does a typical AI engineer interview process have?")
    ranked = document_ranks(full_index.store, vector, depth=100)
    assert min(ranked, key=ranked.__getitem__) == "field-guide/webinars/03-the-interview-process.md"
