"""The store interface: what ingest, search and statistics need from Qdrant, whichever mode."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from assistant.core.schema import SparseVec

SearchMode = Literal["hybrid", "dense", "sparse"]
Scalar = str | int | float | bool


@dataclass(frozen=True)
class Match:
    """Payload field equals any of the values (for array fields: contains any)."""

    key: str
    values: tuple[Scalar, ...]


@dataclass(frozen=True)
class Range:
    """Numeric payload field within [gte, lte]; either bound may be open."""

    key: str
    gte: float | None = None
    lte: float | None = None


Condition = Match | Range


@dataclass(frozen=True)
class Filter:
    """All of `must`, none of `must_not`."""

    must: tuple[Condition, ...] = ()
    must_not: tuple[Condition, ...] = ()

    def and_(self, *conds: Condition) -> Filter:
        """A new filter with more required conditions."""
        return Filter(must=self.must + tuple(conds), must_not=self.must_not)

    @property
    def empty(self) -> bool:
        """True when the filter selects everything."""
        return not self.must and not self.must_not

    def merge(self, other: Filter | None) -> Filter:
        """Both filters at once."""
        if other is None:
            return self
        return Filter(must=self.must + other.must, must_not=self.must_not + other.must_not)


@dataclass(frozen=True)
class Partition:
    """A slice of a collection ranked on its own and weighted in the fusion (a document-type prior)."""

    flt: Filter
    weight: float = 1.0


@dataclass(frozen=True)
class Point:
    """A point to upsert: deterministic UUID id, optional dense and sparse vectors, JSON payload."""

    id: str
    payload: dict[str, Any]
    dense: list[float] | None = None
    sparse: SparseVec | None = None


@dataclass(frozen=True)
class Record:
    """A stored point's id and payload, with a score when it came from a query."""

    id: str
    payload: dict[str, Any]
    score: float = 0.0


# Qdrant's own RRF constant, for fused queries whose caller does not choose one (search passes its tuning's).
RRF_K = 2


def best_first(record: Record) -> tuple[float, str]:
    """Sort key: best score first, then id, so records with equal scores keep one order however a store returned them."""
    return (-record.score, record.id)


@dataclass(frozen=True)
class FacetCount:
    """How many points have this value in the faceted field."""

    value: Scalar
    count: int


PayloadType = Literal["keyword", "integer", "float", "bool"]


@dataclass(frozen=True)
class CollectionSpec:
    """Shape of a collection: dense size (cosine), whether it has a BM25 sparse vector, payload indexes."""

    dense_size: int | None = None
    sparse: bool = False
    indexes: dict[str, PayloadType] = field(default_factory=dict)


# Vector names shared by both implementations.
DENSE = "dense"
SPARSE = "bm25"


class Store(Protocol):
    """A Qdrant store: Qdrant Edge in process, or a Qdrant server through qdrant-client."""

    kind: str
    location: str

    def ensure_collection(self, name: str, spec: CollectionSpec) -> None:
        """Create the collection and its payload indexes if missing."""
        ...

    def drop_collection(self, name: str) -> None:
        """Delete the collection and all its points, if it exists."""
        ...

    def has_collection(self, name: str) -> bool:
        """True when the collection exists."""
        ...

    def upsert(self, name: str, points: Sequence[Point]) -> None:
        """Insert or replace points by id."""
        ...

    def delete(self, name: str, flt: Filter) -> None:
        """Delete every point the filter selects."""
        ...

    def delete_ids(self, name: str, ids: Sequence[str]) -> None:
        """Delete points by id (missing ids are ignored)."""
        ...

    def query(
        self,
        name: str,
        *,
        dense: list[float] | None = None,
        sparse: SparseVec | None = None,
        flt: Filter | None = None,
        limit: int = 10,
        prefetch_limit: int = 50,
        partitions: Sequence[Partition] = (),
        rrf_k: int = RRF_K,
        exact: bool = False,
        with_payload: bool = True,
    ) -> list[Record]:
        """Nearest points: dense only, sparse only, or both fused with RRF (prefetch each, then fuse).

        With partitions, each vector is prefetched within each partition and the prefetches are
        fused with weighted RRF, so one large slice (e.g. job postings) cannot crowd out the rest.
        `exact` compares the query with every point instead of walking the HNSW graph (for measuring recall).
        Without `with_payload` the records carry ids and scores only (a ranking to fuse, then `retrieve`).
        """
        ...

    def optimize(self, name: str) -> bool:
        """Build the collection's HNSW graph after a bulk write if the store leaves that to the caller; True if it did."""
        ...

    def count(self, name: str, flt: Filter | None = None) -> int:
        """Exact number of points the filter selects."""
        ...

    def facet(self, name: str, key: str, flt: Filter | None = None, limit: int = 100) -> list[FacetCount]:
        """Values of a keyword field with their point counts, most frequent first (exact counts)."""
        ...

    def scroll(
        self, name: str, flt: Filter | None = None, fields: Sequence[str] | None = None, batch: int = 512
    ) -> Iterator[Record]:
        """Every point the filter selects, payload limited to `fields` when given, in id order."""
        ...

    def scroll_points(self, name: str, flt: Filter | None = None, batch: int = 256) -> Iterator[Point]:
        """Every point the filter selects with payload and vectors, in id order: what a copy needs."""
        ...

    def retrieve(self, name: str, ids: Sequence[str]) -> list[Record]:
        """Points by id with payloads (missing ids are skipped)."""
        ...

    def dense_vectors(self, name: str, ids: Sequence[str]) -> dict[str, list[float]]:
        """Dense vectors of the points found, by id (missing ids are skipped)."""
        ...

    def read_meta(self) -> dict[str, Any] | None:
        """The index metadata written by `write_meta`, or None for a new store."""
        ...

    def write_meta(self, meta: dict[str, Any]) -> None:
        """Persist index metadata (embedding model, dimension, last ingest time)."""
        ...

    def disk_bytes(self) -> int | None:
        """Bytes on disk for an embedded store; None where not measurable (server)."""
        ...

    def close(self) -> None:
        """Flush and release the store."""
        ...
