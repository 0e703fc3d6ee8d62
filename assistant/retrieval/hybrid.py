"""Search over chunks: hybrid (dense + BM25 fused with RRF), dense or BM25, with payload filters."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.core.embedding import Embedder
from assistant.core.schema import DOC_TYPES, OUTLINE_SECTION, Hit
from assistant.errors import IndexMissingError, InputError
from assistant.retrieval import query_terms, sentence_match, title_match
from assistant.retrieval.fusion import fused_query
from assistant.retrieval.spelling import speller_for
from assistant.retrieval.tuning import DEFAULT_TUNING, SearchTuning
from assistant.store.base import Filter, Match, Partition, Record, SearchMode, SparseVec, Store, best_first
from assistant.store.collections import CHUNKS, hit_from_record

MAX_QUERY_CHARS = 2000
POSTING = Match("doc_type", ("job_posting",))
OUTLINE = Match("section", (OUTLINE_SECTION,))


def partitions(tuning: SearchTuning, flt: Filter | None = None) -> tuple[Partition, ...]:
    """The slices ranked on their own and fused (guide passages, guide outlines, job postings), within `flt`.

    A slice the filter's document types rule out (postings, when only guides are searched) is left out.
    """
    kinds = _doc_types(flt)
    slices = (
        (Partition(Filter(must_not=(POSTING, OUTLINE)).merge(flt), tuning.guide_weight), kinds != {"job_posting"}),
        (Partition(Filter(must=(OUTLINE,)).merge(flt), tuning.outline_weight), kinds != {"job_posting"}),
        (Partition(Filter(must=(POSTING,)).merge(flt), tuning.posting_weight), kinds is None or "job_posting" in kinds),
    )
    return tuple(part for part, possible in slices if possible)


def _doc_types(flt: Filter | None) -> set[str] | None:
    """The document types a filter allows, or None when it does not restrict them (a chunk has one type)."""
    allowed: set[str] | None = None
    for cond in flt.must if flt else ():
        if isinstance(cond, Match) and cond.key == "doc_type":
            values = {str(v) for v in cond.values}
            allowed = values if allowed is None else allowed & values
    return allowed


def fused_chunks(
    store: Store,
    dense: list[float] | None,
    sparse: SparseVec | None,
    parts: Sequence[Partition],
    tuning: SearchTuning,
    limit: int,
) -> list[Record]:
    """The `limit` best chunks of the slices' dense and BM25 rankings, fused with the tuning's constant, depth and margin."""
    return fused_query(
        store, CHUNKS, dense, sparse, parts, k=tuning.rrf_k, limit=limit, depth=tuning.list_depth, margin=tuning.tie_margin
    )


def chunk_filter(
    doc_types: Sequence[str] | None = None, city: str | None = None, company: str | None = None, source: str | None = None
) -> Filter:
    """Payload filter for the chunk fields users filter on; one source means reading that document, so no outline."""
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
    if source:
        conds.append(Match("source", (source,)))
    return Filter(must=tuple(conds), must_not=(OUTLINE,) if source else ())


def search(
    store: Store,
    embedder: Embedder,
    query: str,
    *,
    mode: SearchMode = "hybrid",
    flt: Filter | None = None,
    limit: int = 5,
    max_per_source: int | None = 1,
    tuning: SearchTuning = DEFAULT_TUNING,
) -> list[Hit]:
    """The best chunks for a query, best first, at most `max_per_source` from one document."""
    query = " ".join(query.split())[:MAX_QUERY_CHARS]
    if not query:
        raise InputError("the query is empty", hint="type a question or some keywords")
    if not store.has_collection(CHUNKS):
        raise IndexMissingError(f"no index at {store.location}", hint="run `make ingest` (or `assistant ingest`) first")
    if tuning.mend_typos:
        query = speller_for(store).correct(query)
    dense = embedder.query(query) if mode in ("hybrid", "dense") else None
    sparse = embedder.sparse_query(query_terms.expand(query)) if mode in ("hybrid", "sparse") else None
    if sparse is not None and not sparse.indices and dense is None:
        return []
    if sparse is not None and not sparse.indices:
        sparse = None
    fetch = limit if max_per_source is None else min(max(limit * 5, 50), 100)
    records = fused_chunks(store, dense, sparse, partitions(tuning, flt), tuning, fetch)
    if mode == "hybrid":
        records = sentence_match.rerank(store, title_match.rerank(records, query, tuning), dense, tuning)
        records = sorted(demote_links(records, tuning), key=best_first)
    hits: list[Hit] = []
    used: set[str] = set()
    per_document: dict[str, int] = {}
    for record in records:
        # Byte-identical files (the corpus holds one webinar twice) count as one document.
        key = record.payload.get("content_hash") or record.payload["source"]
        seen = per_document.get(key, 0)
        if max_per_source is None or seen < max_per_source:
            if record.payload.get("section") == OUTLINE_SECTION:
                record = _passage_for(store, record, records, used, dense, sparse, tuning)
            if record.id in used:
                continue
            used.add(record.id)
            hits.append(hit_from_record(record))
            per_document[key] = seen + 1
        if len(hits) == limit:
            break
    return hits


def demote_links(records: Sequence[Record], tuning: SearchTuning = DEFAULT_TUNING) -> list[Record]:
    """The records, those of chunks that are mostly links scaled by the tuning's `links_weight`."""
    return [Record(r.id, r.payload, r.score * tuning.links_weight) if r.payload.get("mostly_links") else r for r in records]


def _passage_for(
    store: Store,
    outline: Record,
    records: Sequence[Record],
    used: set[str],
    dense: list[float] | None,
    sparse: SparseVec | None,
    tuning: SearchTuning,
) -> Record:
    """The document's best passage in the outline's place: the outline finds a guide, a passage answers."""
    source = outline.payload["source"]
    best = next(
        (
            r
            for r in records
            if r.payload["source"] == source and r.payload.get("section") != OUTLINE_SECTION and r.id not in used
        ),
        None,
    )
    if best is None:
        flt = Filter(must=(Match("source", (source,)),), must_not=(OUTLINE,))
        found = fused_chunks(store, dense, sparse, (Partition(flt),), tuning, 3)
        found = [r for r in found if r.id not in used]
        best = found[0] if found else None
    return outline if best is None else Record(best.id, best.payload, outline.score)
