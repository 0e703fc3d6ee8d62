"""Translate the store's plain types (Filter, Point, vectors) into qdrant-client's models and back."""

from __future__ import annotations

from typing import Any, cast

from qdrant_client import models as qm

from assistant.store.base import DENSE, SPARSE, Condition, Filter, Point, Range, Scalar, SparseVec

SCHEMA = {
    "keyword": qm.PayloadSchemaType.KEYWORD,
    "integer": qm.PayloadSchemaType.INTEGER,
    "float": qm.PayloadSchemaType.FLOAT,
    "bool": qm.PayloadSchemaType.BOOL,
}


def _match_one(key: str, value: Scalar) -> qm.FieldCondition:
    """One equality condition; a float becomes a point range, as Qdrant matches only keywords, ints, bools."""
    if isinstance(value, float):
        return qm.FieldCondition(key=key, range=qm.Range(gte=value, lte=value))
    return qm.FieldCondition(key=key, match=qm.MatchValue(value=value))


def _condition(cond: Condition) -> qm.FieldCondition | qm.Filter:
    """One Match/Range as a qdrant-client condition (several values: MatchAny, or any-of for bools and floats)."""
    if isinstance(cond, Range):
        return qm.FieldCondition(key=cond.key, range=qm.Range(gte=cond.gte, lte=cond.lte))
    values = cond.values
    if len(values) == 1:
        return _match_one(cond.key, values[0])
    if all(isinstance(v, str) for v in values) or all(type(v) is int for v in values):
        return qm.FieldCondition(key=cond.key, match=qm.MatchAny(any=list(values)))
    return qm.Filter(should=[_match_one(cond.key, v) for v in values])


def to_filter(flt: Filter | None) -> qm.Filter | None:
    """A store Filter as a qdrant-client filter (None selects everything)."""
    if flt is None or flt.empty:
        return None
    return qm.Filter(must=[_condition(c) for c in flt.must], must_not=[_condition(c) for c in flt.must_not])


def to_point(p: Point) -> qm.PointStruct:
    """A store Point as a qdrant-client point with named vectors."""
    vector: dict[str, Any] = {}
    if p.dense is not None:
        vector[DENSE] = p.dense
    if p.sparse is not None:
        vector[SPARSE] = qm.SparseVector(indices=p.sparse.indices, values=p.sparse.values)
    return qm.PointStruct(id=p.id, vector=vector, payload=p.payload)


def from_record(r: qm.Record) -> Point:
    """A stored point read with its vectors, as a store Point."""
    vectors = r.vector if isinstance(r.vector, dict) else {}
    dense, sparse = vectors.get(DENSE), vectors.get(SPARSE)
    return Point(
        str(r.id),
        r.payload or {},
        dense=[float(x) for x in cast(list[float], dense)] if isinstance(dense, list) else None,
        sparse=SparseVec(list(sparse.indices), list(sparse.values)) if isinstance(sparse, qm.SparseVector) else None,
    )
