"""Sentence match: a ranked list of documents by their one sentence closest to the query, fused into the scores.

A chunk's dense vector is the average meaning of a few hundred words; a question about one fact of a
guide (a number, a named step, a company's practice) is close to the sentence stating it and far from
the chunk around it. Ingest embeds every quotable sentence of the guides (the `sentences` collection,
made for quoting), so one more dense query finds the sentences nearest the question, and the documents
they come from are ranked by their best one. Like the title match, that ranking adds
weight / (rrf_k + rank) to the candidates of those documents: it reorders what the fusion found.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.retrieval.fusion import ranks
from assistant.retrieval.tuning import DEFAULT_TUNING, SearchTuning
from assistant.store.base import Record, Store
from assistant.store.collections import SENTENCES


def document_ranks(store: Store, dense: list[float], depth: int) -> dict[str, int]:
    """Each document with one of the `depth` sentences nearest the vector, ranked from 0 by its best one."""
    found = store.query(SENTENCES, dense=dense, limit=depth)
    out: dict[str, int] = {}
    for _, record in ranks(found):
        out.setdefault(str(record.payload.get("source", "")), len(out))
    return out


def rerank(
    store: Store, records: Sequence[Record], dense: list[float] | None, tuning: SearchTuning = DEFAULT_TUNING
) -> list[Record]:
    """Guide records re-scored with the sentence ranking fused in, in the order given (the caller sorts)."""
    # An index from before sentence vectors has none to rank by; job postings have none stored; and the
    # candidates of one document (a search within it) have nothing to reorder.
    sources = {r.payload.get("source") for r in records if r.payload.get("doc_type") != "job_posting"}
    if dense is None or not tuning.sentence_weight or len(sources) < 2 or not store.has_collection(SENTENCES):
        return list(records)
    rank = document_ranks(store, dense, tuning.sentence_depth)
    out = []
    for r in records:
        place = rank.get(str(r.payload.get("source", "")))
        if place is None or r.payload.get("doc_type") == "job_posting":
            out.append(r)
        else:
            out.append(Record(r.id, r.payload, r.score + tuning.sentence_weight / (tuning.rrf_k + place)))
    return out
