"""Qdrant Edge's HNSW graph: built by `optimize` once a collection is large enough, with the same search results."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from assistant.core.schema import stable_id
from assistant.errors import StoreError
from assistant.store import CollectionSpec, Filter, Match, Point, Record, SparseVec
from assistant.store.base import best_first
from assistant.store.edge import EdgeStore

COL = "chunks"
DIM = 16
N = 1200
SPEC = CollectionSpec(dense_size=DIM, sparse=True, indexes={"doc_type": "keyword"})
GUIDES = Filter(must=(Match("doc_type", ("guide",)),))


def _vectors(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    vecs = rng.standard_normal((n, DIM))
    return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)


VECTORS = _vectors(N, seed=1)
QUERIES = _vectors(20, seed=2)


def _point(i: int, vec: np.ndarray) -> Point:
    # Every tenth point is a guide; each point carries its own BM25 term and one shared by its decade.
    payload = {"doc_type": "guide" if i % 10 == 0 else "posting", "n": i}
    return Point(stable_id(f"hnsw/{i}"), payload, [float(x) for x in vec], SparseVec([1000 + i, i // 10], [1.0, 0.5]))


def _nearest(query: np.ndarray, k: int, guides_only: bool = False) -> list[int]:
    """The k points closest to the query by cosine, computed here."""
    scores = VECTORS @ query
    order = [int(i) for i in np.argsort(-scores) if not guides_only or i % 10 == 0]
    return order[:k]


def _ns(records: list[Record]) -> list[int]:
    return [r.payload["n"] for r in records]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EdgeStore]:
    with EdgeStore.open(tmp_path / "index", hnsw_min_points=1000) as s:
        s.ensure_collection(COL, SPEC)
        s.upsert(COL, [_point(i, v) for i, v in enumerate(VECTORS)])
        yield s


def _indexed(store: EdgeStore) -> int:
    return store._shard(COL).info().indexed_vectors_count


def test_optimize_builds_the_graph_and_dense_queries_still_find_the_nearest(store: EdgeStore) -> None:
    sparse_only = _indexed(store)  # BM25 vectors are always in an inverted index; dense ones wait for the graph
    assert store.optimize(COL) is True
    assert _indexed(store) == sparse_only + N
    for q in QUERIES:
        dense = [float(x) for x in q]
        assert _ns(store.query(COL, dense=dense, limit=10)) == _nearest(q, 10)
        assert _ns(store.query(COL, dense=dense, flt=GUIDES, limit=5)) == _nearest(q, 5, guides_only=True)


def test_hybrid_and_filtered_results_match_exact_search_after_optimize(store: EdgeStore) -> None:
    def run(exact: bool, flt: Filter | None) -> list[list[tuple[str, float]]]:
        out = []
        for i, q in enumerate(QUERIES):
            # Three points' own terms rank first, second and third in BM25; every candidate fits in the limit,
            # so points whose fused scores tie cannot swap places across the cut.
            sparse = SparseVec([1000 + i, 1010 + i, 1020 + i], [3.0, 2.0, 1.0])
            hits = store.query(COL, dense=[float(x) for x in q], sparse=sparse, flt=flt, limit=13, prefetch_limit=10, exact=exact)
            out.append([(r.id, round(r.score, 6)) for r in sorted(hits, key=best_first)])
        return out

    before = {flt: run(False, flt) for flt in (None, GUIDES)}
    store.optimize(COL)
    for flt in (None, GUIDES):
        assert run(False, flt) == run(True, flt) == before[flt]
    assert all(r.payload["doc_type"] == "guide" for r in store.query(COL, dense=[1.0] * DIM, flt=GUIDES, limit=50))


def test_optimize_after_an_incremental_write_indexes_the_new_points(store: EdgeStore) -> None:
    store.optimize(COL)
    assert store.optimize(COL) is False  # nothing left to do
    indexed = _indexed(store)
    extra = _vectors(50, seed=3)
    store.upsert(COL, [_point(N + i, v) for i, v in enumerate(extra)])
    store.delete(COL, Filter(must=(Match("n", (0,)),)))
    assert store.optimize(COL) is True
    assert _indexed(store) == indexed + 2 * 50 - 2  # the new points' dense and BM25 vectors, less the deleted point's
    for i, v in enumerate(extra):
        assert _ns(store.query(COL, dense=[float(x) for x in v], limit=1)) == [N + i]
    assert store.count(COL) == N + 49
    assert store.count(COL, GUIDES) == N // 10 + 5 - 1  # five new guides, one deleted


def test_small_collection_stays_exact(tmp_path: Path) -> None:
    with EdgeStore.open(tmp_path / "index") as s:
        s.ensure_collection(COL, SPEC)
        s.upsert(COL, [_point(i, v) for i, v in enumerate(VECTORS)])
        indexed = _indexed(s)
        assert s.optimize(COL) is False
        assert _indexed(s) == indexed
        assert _ns(s.query(COL, dense=[float(x) for x in QUERIES[0]], limit=10)) == _nearest(QUERIES[0], 10)


def test_read_only_store_cannot_optimize(tmp_path: Path) -> None:
    with EdgeStore.open(tmp_path / "index") as s:
        s.ensure_collection(COL, SPEC)
    with EdgeStore.open(tmp_path / "index", read_only=True) as reader, pytest.raises(StoreError, match="read-only"):
        reader.optimize(COL)
