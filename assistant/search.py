"""Search over chunks: hybrid (dense + BM25 fused with RRF), dense or BM25, with payload filters."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.errors import InputError, IndexMissingError
from assistant.schema import DOC_TYPES, Hit
from assistant.store.base import Filter, Match, SearchMode, Store
from assistant.store.collections import CHUNKS, hit_from_record
from ingest.embedding import Embedder

MAX_QUERY_CHARS = 2000


def chunk_filter(
    doc_types: Sequence[str] | None = None, city: str | None = None, company: str | None = None
) -> Filter:
    """Payload filter for the chunk fields users filter on."""
    conds: list[Match] = []
    if doc_types:
        unknown = sorted(set(doc_types) - set(DOC_TYPES))
        if unknown:
            raise InputError(f"unknown document type {', '.join(unknown)}", hint=f"use one of: {', '.join(DOC_TYPES)}")
        conds.append(Match("doc_type", tuple(doc_types)))
    if city:
        conds.append(Match("city", (city,)))
    if company:
        conds.append(Match("company", (company,)))
    return Filter(must=tuple(conds))


def search(
    store: Store,
    embedder: Embedder,
    query: str,
    *,
    mode: SearchMode = "hybrid",
    flt: Filter | None = None,
    limit: int = 5,
) -> list[Hit]:
    """The best chunks for a query, best first."""
    query = " ".join(query.split())[:MAX_QUERY_CHARS]
    if not query:
        raise InputError("the query is empty", hint="type a question or some keywords")
    if not store.has_collection(CHUNKS):
        raise IndexMissingError(f"no index at {store.location}", hint="run `make ingest` (or `assistant ingest`) first")
    dense = embedder.query(query) if mode in ("hybrid", "dense") else None
    sparse = embedder.sparse_query(query) if mode in ("hybrid", "sparse") else None
    if sparse is not None and not sparse.indices and dense is None:
        return []
    if sparse is not None and not sparse.indices:
        sparse = None
    records = store.query(CHUNKS, dense=dense, sparse=sparse, flt=flt, limit=limit)
    return [hit_from_record(r) for r in records]
