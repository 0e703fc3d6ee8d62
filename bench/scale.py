"""Scale: a synthetic Qdrant Edge index grown in steps, to show how search and statistics latency grow.

Payloads and BM25 vectors are sampled from the real index, so filters, facets and sparse scoring see
realistic values. Dense vectors are real ones jittered along the corpus's own spread (uniform random
vectors are the worst case for an HNSW graph, unlike any text corpus). Queries use real query vectors.
After each step the chunks' HNSW graph is built (`Store.optimize`), and search is timed with the graph
and with exact search, whose top 10 gives the graph's recall.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import psutil

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
RECALL_K = 10
# Noise scale: a synthetic vector keeps a median cosine of ~0.8 with its template (real chunks: 0.86 with their nearest).
JITTER = 1.0
STATS_REPEATS = 20
MIN_REPEATS = 5
STATS_BUDGET_S = 4.0

Template = tuple[dict[str, Any], SparseVec | None, list[float] | None]


def _templates(store: Store, name: str) -> list[Template]:
    """Payloads, BM25 and dense vectors of the real points, to be reused by synthetic ones."""
    return [(p.payload, p.sparse, p.dense) for p in store.scroll_points(name)]


class Jitter:
    """Dense vectors near the templates': each plus Gaussian noise with the templates' covariance, scaled to length 1."""

    def __init__(self, templates: Sequence[Template], scale: float, dim: int) -> None:
        real = np.array([t[2] for t in templates if t[2] is not None], dtype=np.float64).reshape(-1, dim)
        cov = np.cov(real.T) if len(real) > 1 else np.eye(dim) / dim
        self._shape = (np.linalg.cholesky(cov + 1e-6 * np.eye(dim)).T * scale).astype(np.float32)
        self.dim = dim

    def __call__(self, base: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        vecs = base + rng.standard_normal((len(base), self.dim), dtype=np.float32) @ self._shape
        return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)


def _synthetic(
    kind: str, start: int, stop: int, templates: Sequence[Template], jitter: Jitter, rng: np.random.Generator
) -> Iterator[list[Point]]:
    for lo in range(start, stop, BATCH):
        picked = [templates[i % len(templates)] for i in range(lo, min(lo + BATCH, stop))]
        # A template without a dense vector (a chunk that carries no meaning of its own) makes points without one.
        has_dense = [t[2] is not None for t in picked]
        bases = np.array([t[2] for t in picked if t[2] is not None], dtype=np.float32).reshape(-1, jitter.dim)
        rows = iter(jitter(bases, rng).tolist())
        yield [
            Point(
                stable_id(f"synthetic-{kind}:{lo + j}"), payload, dense=next(rows) if dense else None, sparse=_nudge(sparse, rng)
            )
            for j, ((payload, sparse, _), dense) in enumerate(zip(picked, has_dense, strict=True))
        ]


def _nudge(sparse: SparseVec | None, rng: np.random.Generator) -> SparseVec | None:
    """The template's BM25 weights within 1%: copies of one template would otherwise tie, and ties rank arbitrarily."""
    if sparse is None:
        return None
    return SparseVec(sparse.indices, (np.array(sparse.values) * rng.uniform(0.99, 1.01, len(sparse.values))).tolist())


def _grow(
    store: Store, name: str, span: tuple[int, int], templates: Sequence[Template], jitter: Jitter, rng: np.random.Generator
) -> tuple[float, float]:
    """Add points span[0]..span[1]; returns (seconds generating, seconds upserting)."""
    gen = up = 0.0
    t0 = time.perf_counter()
    for batch in _synthetic(name, *span, templates, jitter, rng):
        t1 = time.perf_counter()
        gen += t1 - t0
        store.upsert(name, batch)
        t0 = time.perf_counter()
        up += t0 - t1
    return gen, up


def _run(
    store: Store, vectors: Sequence[QueryVectors], flt: Filter | None, *, exact: bool, limit: int, dense_only: bool = False
) -> tuple[list[float], list[list[str]]]:
    """Seconds and result ids of each query: hybrid (or dense only), with the HNSW graph or exact."""
    times, ids = [], []
    for qv in vectors:
        sparse = None if dense_only or not qv.sparse.indices else qv.sparse
        t0 = time.perf_counter()
        hits = store.query(CHUNKS, dense=qv.dense, sparse=sparse, flt=flt, limit=limit, exact=exact)
        times.append(time.perf_counter() - t0)
        ids.append([h.id for h in hits])
    return times, ids


def _recall(store: Store, vectors: Sequence[QueryVectors], flt: Filter | None, dense_only: bool = False) -> float:
    """Mean share of the exact top 10 that the graph's top 10 also holds."""
    _, graph = _run(store, vectors, flt, exact=False, limit=RECALL_K, dense_only=dense_only)
    _, exact = _run(store, vectors, flt, exact=True, limit=RECALL_K, dense_only=dense_only)
    shares = [len(set(g) & set(e)) / len(e) for g, e in zip(graph, exact, strict=True) if e]
    return round(sum(shares) / max(len(shares), 1), 4)


def _search(store: Store, vectors: Sequence[QueryVectors]) -> dict[str, Any]:
    """Hybrid store-query latency with the graph and exact, without and with the guides filter; the graph's recall."""
    out: dict[str, Any] = {"exact": {}}
    for key, flt in (("hybrid", None), ("hybrid_guides_filter", GUIDES)):
        out[key] = summary(_run(store, vectors, flt, exact=False, limit=LIMIT)[0])
        out["exact"][key] = summary(_run(store, vectors, flt, exact=True, limit=LIMIT)[0])
    out["recall_at_10"] = {
        "hybrid": _recall(store, vectors, None),
        "hybrid_guides_filter": _recall(store, vectors, GUIDES),
        "dense": _recall(store, vectors, None, dense_only=True),
    }
    return out


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


def _memory() -> dict[str, int]:
    """This process's resident memory in MB: in all, and without mapped files (Edge's segments, which the OS can drop)."""
    mem = psutil.Process().memory_info()
    return {"rss_mb": round(mem.rss / 2**20), "rss_anon_mb": round((mem.rss - mem.shared) / 2**20)}


def run(
    source: Store,
    taxonomy: Taxonomy,
    dim: int,
    vectors: Sequence[QueryVectors],
    scratch: Path,
    chunks: int = STEPS[-1],
    postings_per_chunk: float = 0.5,
) -> dict[str, Any]:
    """Grow a synthetic index through the steps up to `chunks`, building the graph and measuring at each step."""
    rng = np.random.default_rng(7)
    templates = {name: _templates(source, name) for name in (CHUNKS, POSTINGS)}
    jitters = {name: Jitter(t, JITTER, dim) for name, t in templates.items()}
    steps = [s for s in STEPS if s < chunks] + [chunks]
    queries = list(vectors[:QUERIES])
    out: dict[str, Any] = {"steps": [], "queries": len(queries), "jitter": JITTER}
    with EdgeStore.open(scratch / "scale-index") as store:
        out["hnsw_min_points"] = store.hnsw_min_points
        for name, spec in specs(dim).items():
            store.ensure_collection(name, spec)
        n_chunks = n_postings = 0
        for step in steps:
            target_postings = int(step * postings_per_chunk)
            g1, u1 = _grow(store, CHUNKS, (n_chunks, step), templates[CHUNKS], jitters[CHUNKS], rng)
            g2, u2 = _grow(store, POSTINGS, (n_postings, target_postings), templates[POSTINGS], jitters[POSTINGS], rng)
            added = (step - n_chunks) + (target_postings - n_postings)
            n_chunks, n_postings = step, target_postings
            t0 = time.perf_counter()
            store.optimize(CHUNKS)
            build_s = time.perf_counter() - t0
            out["steps"].append(
                {
                    "chunks": step,
                    "postings": target_postings,
                    "generate_s": round(g1 + g2, 1),
                    "upsert_s": round(u1 + u2, 1),
                    "upsert_points_per_s": round(added / max(u1 + u2, 1e-9)),
                    "hnsw": step >= store.hnsw_min_points,
                    "graph_build_s": round(build_s, 1),
                    **_search(store, queries),
                    "stats": _stats(store, taxonomy, STATS_REPEATS),
                    "disk_mb": round(store.disk_bytes() / 1e6, 1),
                    **_memory(),
                }
            )
    return out
