"""Scale: a synthetic Qdrant Edge index grown in steps, to show how search and statistics latency grow.

Vectors are random unit vectors; payloads and BM25 vectors are sampled from the real index, so
filters, facets and sparse scoring see realistic values. Queries use real query vectors.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.core.schema import stable_id
from assistant.market import stats as market
from assistant.market.filters import MarketFilter
from assistant.store.base import Filter, Match, Point, SparseVec, Store
from assistant.store.collections import CHUNKS, POSTINGS, specs
from assistant.store.edge import EdgeStore
from assistant.vocab.skills import Taxonomy
from bench.search import GUIDES, LIMIT, QueryVectors
from bench.timing import summary

STEPS = (25_000, 50_000, 100_000, 200_000)
BATCH = 4096
QUERIES = 300
STATS_REPEATS = 20
MIN_REPEATS = 5
STATS_BUDGET_S = 4.0


def _templates(store: Store, name: str, sparse: bool) -> list[tuple[dict[str, Any], SparseVec | None]]:
    """Payloads (and BM25 vectors) of the real points, to be reused by synthetic ones."""
    if sparse:
        return [(p.payload, p.sparse) for p in store.scroll_points(name)]
    return [(r.payload, None) for r in store.scroll(name)]


def _synthetic(
    kind: str, start: int, stop: int, dim: int, templates: list[tuple[dict[str, Any], SparseVec | None]], rng: np.random.Generator
) -> Iterator[list[Point]]:
    for lo in range(start, stop, BATCH):
        hi = min(lo + BATCH, stop)
        vecs = rng.standard_normal((hi - lo, dim), dtype=np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        rows = vecs.tolist()
        batch = []
        for i, row in zip(range(lo, hi), rows, strict=True):
            payload, sparse = templates[i % len(templates)]
            batch.append(Point(stable_id(f"synthetic-{kind}:{i}"), payload, dense=row, sparse=sparse))
        yield batch


def _grow(
    store: Store, name: str, kind: str, start: int, stop: int, dim: int, templates: Any, rng: np.random.Generator
) -> tuple[float, float]:
    """Add points start..stop; returns (seconds generating, seconds upserting)."""
    gen = up = 0.0
    t0 = time.perf_counter()
    for batch in _synthetic(kind, start, stop, dim, templates, rng):
        t1 = time.perf_counter()
        gen += t1 - t0
        store.upsert(name, batch)
        t0 = time.perf_counter()
        up += t0 - t1
    return gen, up


def _search(store: Store, vectors: Sequence[QueryVectors], flt: Filter | None) -> dict[str, float]:
    times = []
    for qv in vectors:
        t0 = time.perf_counter()
        store.query(CHUNKS, dense=qv.dense, sparse=qv.sparse if qv.sparse.indices else None, flt=flt, limit=LIMIT)
        times.append(time.perf_counter() - t0)
    return summary(times)


def _stats(store: Store, taxonomy: Taxonomy, repeats: int) -> dict[str, dict[str, float]]:
    first = MarketFilter(ai_type="ai-first")
    skills_filter = Filter(must=(Match("ai_type", ("ai-first",)),))
    cases = {
        "facet skills (ai-first)": lambda: store.facet(POSTINGS, "skills", skills_filter, limit=100_000),
        "top_skills(ai-first)": lambda: market.top_skills(store, taxonomy, first, n=20),
        "compare(ai-first vs ai-support)": lambda: market.compare(store, taxonomy, first, MarketFilter(ai_type="ai-support")),
    }
    out = {}
    for name, fn in cases.items():
        t0 = time.perf_counter()
        fn()
        # Slow cases at the largest steps get fewer repeats, so the step stays within its time budget.
        n = max(MIN_REPEATS, min(repeats, int(STATS_BUDGET_S / max(time.perf_counter() - t0, 1e-6))))
        times = []
        for _ in range(n):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        out[name] = summary(times)
    return out


def run(
    source: Store,
    taxonomy: Taxonomy,
    dim: int,
    vectors: Sequence[QueryVectors],
    scratch: Path,
    chunks: int = STEPS[-1],
    postings_per_chunk: float = 0.5,
) -> dict[str, Any]:
    """Grow a synthetic index through the steps up to `chunks`, measuring at each step."""
    rng = np.random.default_rng(7)
    chunk_templates = _templates(source, CHUNKS, sparse=True)
    posting_templates = _templates(source, POSTINGS, sparse=False)
    steps = [s for s in STEPS if s < chunks] + [chunks]
    queries = list(vectors[:QUERIES])
    out: dict[str, Any] = {"steps": [], "queries": len(queries)}
    with EdgeStore.open(scratch / "scale-index") as store:
        for name, spec in specs(dim).items():
            store.ensure_collection(name, spec)
        n_chunks = n_postings = 0
        for step in steps:
            target_postings = int(step * postings_per_chunk)
            g1, u1 = _grow(store, CHUNKS, "chunk", n_chunks, step, dim, chunk_templates, rng)
            g2, u2 = _grow(store, POSTINGS, "posting", n_postings, target_postings, dim, posting_templates, rng)
            added = (step - n_chunks) + (target_postings - n_postings)
            n_chunks, n_postings = step, target_postings
            out["steps"].append(
                {
                    "chunks": step,
                    "postings": target_postings,
                    "generate_s": round(g1 + g2, 1),
                    "upsert_s": round(u1 + u2, 1),
                    "upsert_points_per_s": round(added / max(u1 + u2, 1e-9)),
                    "hybrid": _search(store, queries, None),
                    "hybrid_guides_filter": _search(store, queries, GUIDES),
                    "stats": _stats(store, taxonomy, STATS_REPEATS),
                    "disk_mb": round(store.disk_bytes() / 1e6, 1),
                }
            )
    return out
