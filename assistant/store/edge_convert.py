"""Translate the store's plain types (Filter, Point, vectors) into Qdrant Edge's types."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np
import qdrant_edge as qe

from assistant.store.base import DENSE, SPARSE, CollectionSpec, Condition, Filter, Point, Range, Scalar, SparseVec

SCHEMA = {
    "keyword": qe.PayloadSchemaType.Keyword,
    "integer": qe.PayloadSchemaType.Integer,
    "float": qe.PayloadSchemaType.Float,
    "bool": qe.PayloadSchemaType.Bool,
}


def shard_config(spec: CollectionSpec, indexing_threshold_kb: int) -> qe.EdgeConfig:
    """A new shard's config: cosine dense and IDF-weighted BM25 vectors, no WAL, the optimizer's indexing threshold."""
    dense = {DENSE: qe.EdgeVectorParams(size=spec.dense_size, distance=qe.Distance.Cosine)} if spec.dense_size else None
    sparse = {SPARSE: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)} if spec.sparse else None
    optimizers = qe.EdgeOptimizersConfig(indexing_threshold=indexing_threshold_kb)
    return qe.EdgeConfig(vectors=dense, sparse_vectors=sparse, wal_enabled=False, optimizers=optimizers)


def search_params(exact: bool, hnsw_ef: int) -> qe.SearchParams:
    """Every vector compared (exact), or the HNSW graph walked with `hnsw_ef` candidates where a segment has one."""
    return qe.SearchParams(exact=True) if exact else qe.SearchParams(hnsw_ef=hnsw_ef)


def _match_one(key: str, value: Scalar) -> Any:
    """One equality condition; a float becomes a point range, as Qdrant matches only keywords, ints, bools."""
    if isinstance(value, bool):
        # Edge's binding reads a Python bool as the integer 1/0; a numpy.bool_ reaches it as a bool.
        # The binding's stub names only Python types; at run time it takes numpy's bool as a bool.
        return qe.FieldCondition(key, match=qe.MatchValue(np.bool_(value)))  # type: ignore[arg-type]
    if isinstance(value, float):
        return qe.FieldCondition(key, range=qe.RangeFloat(gte=value, lte=value))
    return qe.FieldCondition(key, match=qe.MatchValue(value))


def _condition(cond: Condition) -> Any:
    """One Match/Range as an Edge condition (several values: MatchAny, or any-of for bools and floats)."""
    if isinstance(cond, Range):
        return qe.FieldCondition(cond.key, range=qe.RangeFloat(gte=cond.gte, lte=cond.lte))
    values = cond.values
    if len(values) == 1:
        return _match_one(cond.key, values[0])
    if all(isinstance(v, str) for v in values) or all(type(v) is int for v in values):
        return qe.FieldCondition(cond.key, match=qe.MatchAny(cast(list[str] | list[int], list(values))))
    return qe.Filter(should=[_match_one(cond.key, v) for v in values])


def edge_filter(flt: Filter | None) -> qe.Filter | None:
    """A store Filter as an Edge filter (None selects everything)."""
    if flt is None or flt.empty:
        return None
    return qe.Filter(must=[_condition(c) for c in flt.must], must_not=[_condition(c) for c in flt.must_not])


def payload_selector(fields: Sequence[str] | None) -> bool | list[str]:
    """Whole payload, none, or only the named fields."""
    if fields is None:
        return True
    return list(fields) if fields else False


def edge_point(p: Point) -> qe.Point:
    """A store Point as an Edge point with named vectors."""
    vector: dict[str, Any] = {}
    if p.dense is not None:
        vector[DENSE] = p.dense
    if p.sparse is not None:
        vector[SPARSE] = qe.SparseVector(p.sparse.indices, p.sparse.values)
    return qe.Point(p.id, vector, p.payload)


def point_from_edge(point_id: str, payload: dict[str, Any], vector: Any) -> Point:
    """A stored Edge record (read with its vectors) as a store Point."""
    vectors = vector if isinstance(vector, dict) else {}
    dense = vectors.get(DENSE)
    sparse = vectors.get(SPARSE)
    return Point(
        point_id,
        payload,
        dense=[float(x) for x in dense] if dense is not None else None,
        sparse=SparseVec([int(i) for i in sparse.indices], [float(v) for v in sparse.values]) if sparse is not None else None,
    )


def nearest(dense: list[float] | None, sparse: SparseVec | None) -> list[Any]:
    """Nearest-neighbour queries for whichever vectors are given."""
    queries = []
    if dense is not None:
        queries.append(qe.Query.Nearest(dense, using=DENSE))
    if sparse is not None:
        queries.append(qe.Query.Nearest(qe.SparseVector(sparse.indices, sparse.values), using=SPARSE))
    return queries
