"""Baselines in the same run: qdrant-client's local mode on the same points, and minsearch on the same queries."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.store.base import Store
from assistant.store.collections import CHUNKS, specs
from assistant.store.edge import EdgeStore
from assistant.store.server import ServerStore
from assistant.store.transfer import BATCH
from bench.search import LIMIT, MODES, QueryVectors, mode_vectors, store_latency
from bench.timing import ratio, summary
from evals.retrieval import MINSEARCH_BOOST

MINSEARCH_FIELDS = ["source", "title", "section", "text", "doc_type"]


def _load(src: Store, dst: Store, dim: int) -> float:
    """Seconds spent in dst.upsert while copying src's chunks into a new collection (reads not counted)."""
    dst.ensure_collection(CHUNKS, specs(dim)[CHUNKS])
    spent = 0.0
    batch: list[Any] = []
    for point in src.scroll_points(CHUNKS, batch=BATCH):
        batch.append(point)
        if len(batch) == BATCH:
            t0 = time.perf_counter()
            dst.upsert(CHUNKS, batch)
            spent += time.perf_counter() - t0
            batch = []
    if batch:
        t0 = time.perf_counter()
        dst.upsert(CHUNKS, batch)
        spent += time.perf_counter() - t0
    return spent


def _latency(store: Store, vectors: Sequence[QueryVectors], mode: str) -> dict[str, float]:
    times = []
    for qv in vectors:
        dense, sparse, _ = mode_vectors(mode, qv)
        if dense is None and sparse is None:
            continue
        t0 = time.perf_counter()
        store.query(CHUNKS, dense=dense, sparse=sparse, limit=LIMIT)
        times.append(time.perf_counter() - t0)
    return summary(times)


def edge_vs_local(source: Store, dim: int, vectors: Sequence[QueryVectors], scratch: Path) -> dict[str, Any]:
    """Load the same chunks into a new Edge shard and into local mode; query both with the same vectors."""
    edge = EdgeStore.open(scratch / "edge-copy")
    local = ServerStore.memory()
    try:
        out: dict[str, Any] = {"points": source.count(CHUNKS), "queries": len(vectors)}
        out["upsert_s"] = {"edge": round(_load(source, edge, dim), 2), "local": round(_load(source, local, dim), 2)}
        out["upsert_ratio_local_over_edge"] = ratio(out["upsert_s"]["local"], out["upsert_s"]["edge"])
        for mode in MODES:
            e, loc = _latency(edge, vectors, mode), _latency(local, vectors, mode)
            out[mode] = {"edge": e, "local": loc, "p50_ratio_local_over_edge": ratio(loc["p50_ms"], e["p50_ms"])}
        return out
    finally:
        edge.close()
        local.close()


def minsearch_baseline(store: Store, vectors: Sequence[QueryVectors]) -> dict[str, Any]:
    """minsearch's TF-IDF search against our hybrid (with query embedding) and BM25 searches, on the same queries."""
    from minsearch import Index

    t0 = time.perf_counter()
    docs = [{f: r.payload.get(f) or "" for f in MINSEARCH_FIELDS} for r in store.scroll(CHUNKS, fields=MINSEARCH_FIELDS)]
    index = Index(text_fields=["title", "section", "text"], keyword_fields=["doc_type"])
    index.fit(docs)
    fit_s = time.perf_counter() - t0
    times = []
    for qv in vectors:
        t1 = time.perf_counter()
        index.search(qv.text, boost_dict=MINSEARCH_BOOST, num_results=LIMIT)
        times.append(time.perf_counter() - t1)
    hybrid = store_latency(store, vectors, "hybrid", None)["with_embedding"]
    bm25 = store_latency(store, vectors, "sparse", None)["store"]
    s = summary(times)
    return {
        "documents": len(docs),
        "queries": len(vectors),
        "fit_s": round(fit_s, 2),
        "query": s,
        "ours_hybrid_with_embedding": hybrid,
        "ours_bm25_store": bm25,
        "p50_ratio_minsearch_over_hybrid_with_embedding": ratio(s["p50_ms"], hybrid["p50_ms"]),
        "p50_ratio_minsearch_over_bm25_store": ratio(s["p50_ms"], bm25["p50_ms"]),
    }
