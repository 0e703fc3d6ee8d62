"""Search latency over many queries: query embedding and the store query timed apart, per mode and filter."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assistant.core.embedding import Embedder
from assistant.retrieval.hybrid import fused_chunks, partitions, search
from assistant.retrieval.tuning import DEFAULT_TUNING
from assistant.store.base import Filter, Match, SparseVec, Store
from assistant.store.collections import CHUNKS
from bench.timing import summary

MODES = ("hybrid", "dense", "sparse")
# A selective filter (the guides, about 6% of the chunks) exercises Qdrant's filtered search path.
GUIDES = Filter(must=(Match("doc_type", ("learning_path", "role_guide", "interview", "webinar")),))
FILTERS: dict[str, Filter | None] = {"none": None, "guides": GUIDES}
LIMIT = 5


@dataclass(frozen=True)
class QueryVectors:
    """One query's vectors and how long each took to compute."""

    text: str
    dense: list[float]
    sparse: SparseVec
    dense_s: float
    sparse_s: float


def embed_queries(embedder: Embedder, queries: Sequence[str]) -> list[QueryVectors]:
    """Embed each query alone, as a user's search does, timing dense and BM25 separately."""
    embedder.query("warm up")
    out = []
    for q in queries:
        t0 = time.perf_counter()
        dense = embedder.query(q)
        t1 = time.perf_counter()
        sparse = embedder.sparse_query(q)
        t2 = time.perf_counter()
        out.append(QueryVectors(q, dense, sparse, t1 - t0, t2 - t1))
    return out


def mode_vectors(mode: str, qv: QueryVectors) -> tuple[list[float] | None, SparseVec | None, float]:
    """The vectors a mode sends to the store, and the embedding time it paid for them."""
    dense = qv.dense if mode in ("hybrid", "dense") else None
    sparse = qv.sparse if mode in ("hybrid", "sparse") and qv.sparse.indices else None
    embed = (qv.dense_s if mode in ("hybrid", "dense") else 0.0) + (qv.sparse_s if mode in ("hybrid", "sparse") else 0.0)
    return dense, sparse, embed


def store_latency(store: Store, vectors: Sequence[QueryVectors], mode: str, flt: Filter | None) -> dict[str, Any]:
    """Store-query and with-embedding latency summaries for one mode and filter.

    The store query is what search asks of the store: each slice's dense and BM25 rankings, fused in Python.
    """
    store_s: list[float] = []
    total_s: list[float] = []
    for qv in vectors:
        dense, sparse, embed = mode_vectors(mode, qv)
        if dense is None and sparse is None:
            continue  # a BM25 query with no known term: search() returns nothing without asking the store
        t0 = time.perf_counter()
        fused_chunks(store, dense, sparse, partitions(DEFAULT_TUNING, flt), DEFAULT_TUNING, LIMIT)
        took = time.perf_counter() - t0
        store_s.append(took)
        total_s.append(took + embed)
    return {"store": summary(store_s), "with_embedding": summary(total_s)}


def end_to_end(store: Store, embedder: Embedder, queries: Sequence[str]) -> dict[str, float]:
    """`assistant.retrieval.hybrid.search` in hybrid mode, as the CLI and the app call it."""
    times = []
    for q in queries:
        t0 = time.perf_counter()
        search(store, embedder, q, mode="hybrid", limit=LIMIT)
        times.append(time.perf_counter() - t0)
    return summary(times)


def run(store: Store, embedder: Embedder, queries: Sequence[str]) -> dict[str, Any]:
    """Every mode with and without the filter over the same queries, plus the query-embedding split."""
    vectors = embed_queries(embedder, queries)
    results: dict[str, Any] = {
        "queries": len(queries),
        "embedding": {
            "dense": summary([v.dense_s for v in vectors]),
            "bm25": summary([v.sparse_s for v in vectors]),
        },
    }
    store.query(CHUNKS, dense=vectors[0].dense, limit=LIMIT)  # load the shard before timing
    for mode in MODES:
        for name, flt in FILTERS.items():
            results[f"{mode}/{name}"] = store_latency(store, vectors, mode, flt)
    results["search_hybrid_end_to_end"] = end_to_end(store, embedder, queries)
    results["_vectors"] = vectors
    return results
