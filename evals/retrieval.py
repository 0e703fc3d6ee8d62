"""Retrieval comparison on the same cases and chunks: dense, BM25, hybrid, and the minsearch baseline.

`hybrid-guides` is hybrid without job-posting chunks, the filter the agent applies when it searches
the guides; the gate is on plain `hybrid`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from assistant.core.embedding import Embedder
from assistant.core.schema import DOC_TYPES
from assistant.retrieval.hybrid import chunk_filter, search
from assistant.retrieval.tuning import DEFAULT_TUNING, SearchTuning
from assistant.store.base import SearchMode, Store
from assistant.store.collections import CHUNKS
from evals.dataset import GroundTruthCase, RegressionCase
from evals.metrics import K, first_relevant_rank, hit_at, mean, reciprocal_rank

MODES: tuple[str, ...] = ("dense", "bm25", "hybrid", "hybrid-guides", "minsearch")
# Every document type but job postings: the filter the agent's guide searches apply.
GUIDE_TYPES: tuple[str, ...] = tuple(t for t in DOC_TYPES if t != "job_posting")
# Field weights for the minsearch baseline, as in the course projects: the title counts double.
MINSEARCH_BOOST = {"title": 2.0, "section": 1.0, "text": 1.0}


Retriever = Callable[[str, int], list[str]]
"""Query and k in, the sources of the top k results out (a source repeats when several of its chunks rank)."""


def store_retriever(
    store: Store, embedder: Embedder, mode: SearchMode, *, guides_only: bool = False, tuning: SearchTuning = DEFAULT_TUNING
) -> Retriever:
    """Search through `assistant.retrieval.hybrid.search` in one mode, optionally without job postings."""
    flt = chunk_filter(GUIDE_TYPES) if guides_only else None

    def run(query: str, k: int) -> list[str]:
        return [h.source for h in search(store, embedder, query, mode=mode, flt=flt, limit=k, tuning=tuning)]

    return run


def minsearch_retriever(store: Store) -> Retriever:
    """minsearch's TF-IDF text search over every chunk in the store's `chunks` collection."""
    from minsearch import Index

    fields = ["source", "title", "section", "text"]
    docs = [{f: r.payload.get(f) or "" for f in fields} for r in store.scroll(CHUNKS, fields=fields)]
    index = Index(text_fields=["title", "section", "text"])
    index.fit(docs)

    def run(query: str, k: int) -> list[str]:
        return [d["source"] for d in index.search(query, boost_dict=MINSEARCH_BOOST, num_results=k)]

    return run


@dataclass(frozen=True)
class CaseRetrieval:
    """Where each mode ranked the first relevant result for one case, and what it returned."""

    case_id: str
    category: str
    split: str
    query: str
    ranks: dict[str, int | None]
    returned: dict[str, list[str]]


def scored(cases: Sequence[GroundTruthCase]) -> list[GroundTruthCase]:
    """The cases retrieval is scored on: those answered from documents (with expected sources).

    Job lookups are answered by the structured `find_jobs` tool with payload filters, not by
    unfiltered passage search, so their job checks are scored on the answer's citations instead.
    """
    return [c for c in cases if c.expected_sources]


def _is_expected(sources: Sequence[str], expected: set[str], i: int) -> bool:
    return sources[i] in expected


def evaluate(cases: Sequence[GroundTruthCase], retrievers: dict[str, Retriever], k: int = K) -> list[CaseRetrieval]:
    """Rank of the first expected source per case and mode."""
    out = []
    for case in scored(cases):
        expected = set(case.expected_sources)
        ranks: dict[str, int | None] = {}
        returned: dict[str, list[str]] = {}
        for mode, retrieve in retrievers.items():
            sources = retrieve(case.retrieval_query, k)
            ranks[mode] = first_relevant_rank(sources, partial(_is_expected, sources, expected), k)
            returned[mode] = sources
        out.append(CaseRetrieval(case.id, case.category, case.split, case.retrieval_query, ranks, returned))
    return out


@dataclass(frozen=True)
class RetrievalScore:
    """hit@1, hit@5 and MRR@5 of one mode over a set of cases."""

    mode: str
    n: int
    hit1: float
    hit5: float
    mrr5: float


def summarize(results: Sequence[CaseRetrieval], mode: str, k: int = K) -> RetrievalScore:
    """Aggregate one mode's ranks."""
    ranks = [r.ranks[mode] for r in results]
    return RetrievalScore(
        mode,
        len(ranks),
        mean(hit_at(x, 1) for x in ranks) or 0.0,
        mean(hit_at(x, k) for x in ranks) or 0.0,
        mean(reciprocal_rank(x, k) for x in ranks) or 0.0,
    )


@dataclass(frozen=True)
class RegressionResult:
    """One regression case: passed, and the sources it returned."""

    case: RegressionCase
    returned: list[str]

    @property
    def found_required(self) -> bool:
        """At least one required source is in the top k."""
        return any(s in self.returned for s in self.case.required_sources)

    @property
    def forbidden_found(self) -> list[str]:
        """Forbidden sources that came back."""
        return [s for s in self.case.forbidden_sources if s in self.returned]

    @property
    def passed(self) -> bool:
        """Required found and nothing forbidden returned."""
        return self.found_required and not self.forbidden_found


def run_regressions(cases: Sequence[RegressionCase], store: Store, embedder: Embedder) -> list[RegressionResult]:
    """Search each regression query in its mode and check required and forbidden sources."""
    return [RegressionResult(c, [h.source for h in search(store, embedder, c.question, mode=c.mode, limit=c.k)]) for c in cases]
