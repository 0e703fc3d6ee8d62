"""Qdrant server store through qdrant-client (QDRANT_URL), or its local mode for tests."""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any, TypeVar

import grpc
from qdrant_client import QdrantClient
from qdrant_client import models as qm
from qdrant_client.http.exceptions import ResponseHandlingException, UnexpectedResponse

from assistant.core.schema import stable_id
from assistant.errors import IndexLockedError, StoreError
from assistant.store.base import DENSE, RRF_K, SPARSE, CollectionSpec, FacetCount, Filter, Partition, Point, Record, SparseVec
from assistant.store.server_convert import SCHEMA, from_record, to_filter, to_point

UPSERT_BATCH = 256
# Upsert batches sent at once per worker: bounds the converted points held in memory.
IN_FLIGHT_PER_WORKER = 2
META_COLLECTION = "assistant_meta"
META_ID = stable_id("assistant_meta")
_RETRY_HTTP = {429, 502, 503, 504}
_RETRY_GRPC = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.RESOURCE_EXHAUSTED}
T = TypeVar("T")


def _transient(exc: Exception) -> bool:
    """True for failures worth retrying: connection trouble, overload, timeouts."""
    if isinstance(exc, ResponseHandlingException):
        return True
    if isinstance(exc, UnexpectedResponse):
        return exc.status_code in _RETRY_HTTP
    return isinstance(exc, grpc.RpcError) and exc.code() in _RETRY_GRPC


class ServerStore:
    """Collections on a Qdrant server (or qdrant-client's local mode); metadata in `assistant_meta`."""

    def __init__(
        self,
        client: QdrantClient,
        *,
        kind: str,
        location: str,
        retries: int = 3,
        backoff: float = 0.5,
        upsert_workers: int = 1,
        shards: int | None = None,
        replication_factor: int | None = None,
    ) -> None:
        self.kind = kind
        self.location = location
        self._client = client
        self._local = kind == "qdrant-local"
        self._retries = max(1, retries)
        self._backoff = backoff
        # Local mode is plain Python behind one lock: parallel upserts would only contend.
        self._workers = 1 if self._local else max(1, upsert_workers)
        self._shards = shards
        self._replication = replication_factor

    @classmethod
    def connect(
        cls,
        url: str,
        api_key: str | None = None,
        *,
        timeout: float = 30,
        prefer_grpc: bool = False,
        grpc_port: int = 6334,
        retries: int = 3,
        backoff: float = 0.5,
        upsert_workers: int = 2,
        shards: int | None = None,
        replication_factor: int | None = None,
    ) -> ServerStore:
        """Connect to the server at `url` and check that it answers.

        `shards` and `replication_factor` apply to collections this store creates; None keeps the
        server's defaults. `upsert_workers` batches are sent in parallel, each retried on its own.
        """
        client = QdrantClient(
            url=url,
            api_key=api_key,
            timeout=math.ceil(timeout),
            prefer_grpc=prefer_grpc,
            grpc_port=grpc_port,
            check_compatibility=False,
        )
        store = cls(
            client,
            kind="qdrant-server",
            location=url,
            retries=retries,
            backoff=backoff,
            upsert_workers=upsert_workers,
            shards=shards,
            replication_factor=replication_factor,
        )
        store._call("list collections", "", client.get_collections)
        return store

    @classmethod
    def memory(cls) -> ServerStore:
        """qdrant-client's in-memory local mode (same API as a server): for tests."""
        return cls(QdrantClient(":memory:"), kind="qdrant-local", location=":memory:")

    @classmethod
    def local(cls, path: Path) -> ServerStore:
        """qdrant-client's local mode persisted under `path`."""
        try:
            client = QdrantClient(path=str(path))
        except RuntimeError as exc:
            raise IndexLockedError(f"another process is using {path}: {exc}", hint="stop it, then retry") from exc
        return cls(client, kind="qdrant-local", location=str(path))

    def _call(self, action: str, name: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run one client call, retrying transient failures with backoff; wrap the last failure."""
        attempt = 0
        while True:
            try:
                return fn(*args, **kwargs)
            except Exception as exc:
                attempt += 1
                if attempt < self._retries and _transient(exc):
                    time.sleep(self._backoff * 2 ** (attempt - 1))
                    continue
                target = f" '{name}'" if name else ""
                message = f"Qdrant at {self.location} could not {action}{target}: {exc}"
                raise StoreError(message, hint=self._hint(exc)) from exc

    def _hint(self, exc: Exception) -> str:
        """How to fix a failed call: build the index, or check the server settings."""
        if self._local or (isinstance(exc, UnexpectedResponse) and exc.status_code == 404):
            return "run `assistant ingest` first, or rebuild with `assistant ingest --rebuild`"
        return (
            f"check that QDRANT_URL ({self.location}) is reachable and QDRANT_API_KEY is right, "
            "or unset QDRANT_URL to use the embedded index"
        )

    def ensure_collection(self, name: str, spec: CollectionSpec) -> None:
        """Create the collection and its payload indexes if missing."""
        if not self.has_collection(name):
            dense: dict[str, qm.VectorParams] = {}
            if spec.dense_size:
                dense = {DENSE: qm.VectorParams(size=spec.dense_size, distance=qm.Distance.COSINE)}
            sparse = {SPARSE: qm.SparseVectorParams(modifier=qm.Modifier.IDF)} if spec.sparse else None
            create = self._client.create_collection
            self._call(
                "create",
                name,
                create,
                name,
                vectors_config=dense,
                sparse_vectors_config=sparse,
                shard_number=self._shards,
                replication_factor=self._replication,
            )
        existing = self._call("describe", name, self._client.get_collection, name).payload_schema
        with warnings.catch_warnings():
            # Local mode accepts payload indexes but warns that it ignores them; a server builds them.
            warnings.simplefilter("ignore" if self._local else "default", UserWarning)
            for key, kind in spec.indexes.items():
                if key not in existing:
                    index = self._client.create_payload_index
                    self._call("index", name, index, name, key, field_schema=SCHEMA[kind], wait=True)

    def drop_collection(self, name: str) -> None:
        """Delete the collection and all its points, if it exists."""
        if self.has_collection(name):
            self._call("drop", name, self._client.delete_collection, name)

    def has_collection(self, name: str) -> bool:
        """True when the collection exists."""
        return self._call("look up", name, self._client.collection_exists, name)

    def _upsert_batch(self, name: str, points: Sequence[Point]) -> None:
        batch = [to_point(p) for p in points]
        self._call("upsert into", name, self._client.upsert, name, points=batch, wait=True)

    def upsert(self, name: str, points: Sequence[Point]) -> None:
        """Insert or replace points by id, in batches sent by a few workers, each retried on transient errors.

        At most `IN_FLIGHT_PER_WORKER` batches per worker are converted and in flight at once. Batches
        may land in any order, so one call should not carry the same id twice.
        """
        slices = [points[i : i + UPSERT_BATCH] for i in range(0, len(points), UPSERT_BATCH)]
        if self._workers == 1 or len(slices) <= 1:
            for batch in slices:
                self._upsert_batch(name, batch)
            return
        with ThreadPoolExecutor(self._workers, thread_name_prefix="qdrant-upsert") as pool:
            in_flight: set[Future[None]] = set()
            for batch in slices:
                if len(in_flight) >= self._workers * IN_FLIGHT_PER_WORKER:
                    done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                    for future in done:
                        future.result()
                in_flight.add(pool.submit(self._upsert_batch, name, batch))
            for future in in_flight:
                future.result()

    def delete(self, name: str, flt: Filter) -> None:
        """Delete every point the filter selects."""
        selector = qm.FilterSelector(filter=to_filter(flt) or qm.Filter())
        self._call("delete from", name, self._client.delete, name, points_selector=selector, wait=True)

    def delete_ids(self, name: str, ids: Sequence[str]) -> None:
        """Delete points by id (missing ids are ignored)."""
        if ids:
            selector = qm.PointIdsList(points=list(ids))
            self._call("delete from", name, self._client.delete, name, points_selector=selector, wait=True)

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
        """Nearest points: dense only, sparse only, or both fused with RRF (prefetch each, then fuse)."""
        queries: list[tuple[Any, str]] = []
        if dense is not None:
            queries.append((dense, DENSE))
        if sparse is not None:
            queries.append((qm.SparseVector(indices=sparse.indices, values=sparse.values), SPARSE))
        if not queries:
            raise ValueError("query needs a dense or a sparse vector")
        # Local mode always compares every vector (and warns about search params).
        where, params = to_filter(flt), qm.SearchParams(exact=True) if exact and not self._local else None
        args: dict[str, Any] = {"query_filter": where, "limit": limit, "with_payload": with_payload, "search_params": params}
        if len(queries) == 1 and not partitions:
            args |= {"query": queries[0][0], "using": queries[0][1]}
        else:
            parts = partitions or (Partition(Filter()),)
            prefetch = [
                qm.Prefetch(query=q, using=using, limit=prefetch_limit, filter=to_filter(p.flt.merge(flt)), params=params)
                for p in parts
                for q, using in queries
            ]
            weights = [p.weight for p in parts for _ in queries]
            args |= {"prefetch": prefetch, "query": qm.RrfQuery(rrf=qm.Rrf(k=rrf_k, weights=weights))}
        response = self._call("query", name, self._client.query_points, name, **args)
        return [Record(str(p.id), p.payload or {}, p.score) for p in response.points]

    def optimize(self, name: str) -> bool:
        """Nothing to do: the server's optimizer builds the HNSW graph in the background as points arrive."""
        return False

    def count(self, name: str, flt: Filter | None = None) -> int:
        """Exact number of points the filter selects."""
        return self._call("count", name, self._client.count, name, count_filter=to_filter(flt), exact=True).count

    def facet(self, name: str, key: str, flt: Filter | None = None, limit: int = 100) -> list[FacetCount]:
        """Values of an indexed field with exact point counts, most frequent first, ties by value."""
        facet = self._client.facet
        response = self._call(
            f"facet on '{key}' in", name, facet, name, key, facet_filter=to_filter(flt), limit=limit, exact=True
        )
        return [FacetCount(h.value, h.count) for h in response.hits]

    def scroll(
        self, name: str, flt: Filter | None = None, fields: Sequence[str] | None = None, batch: int = 512
    ) -> Iterator[Record]:
        """Every point the filter selects, payload limited to `fields` when given, in id order."""
        selector: bool | list[str] = True if fields is None else (list(fields) or False)
        offset: Any = None
        while True:
            records, offset = self._call(
                "scroll",
                name,
                self._client.scroll,
                name,
                scroll_filter=to_filter(flt),
                limit=batch,
                offset=offset,
                with_payload=selector,
                with_vectors=False,
            )
            for r in records:
                yield Record(str(r.id), r.payload or {})
            if offset is None:
                return

    def scroll_points(self, name: str, flt: Filter | None = None, batch: int = 256) -> Iterator[Point]:
        """Every point the filter selects with its payload and vectors, in id order (for copying an index)."""
        offset: Any = None
        while True:
            records, offset = self._call(
                "scroll",
                name,
                self._client.scroll,
                name,
                scroll_filter=to_filter(flt),
                limit=batch,
                offset=offset,
                with_payload=True,
                with_vectors=True,
            )
            for r in records:
                yield from_record(r)
            if offset is None:
                return

    def retrieve(self, name: str, ids: Sequence[str]) -> list[Record]:
        """Points by id with payloads, in the order asked (missing ids are skipped)."""
        found = self._call("retrieve from", name, self._client.retrieve, name, ids=list(ids), with_payload=True)
        by_id = {str(r.id): r.payload or {} for r in found}
        return [Record(i, by_id[i]) for i in ids if i in by_id]

    def dense_vectors(self, name: str, ids: Sequence[str]) -> dict[str, list[float]]:
        """Dense vectors of the points found, by id (missing ids are skipped)."""
        found = self._call(
            "retrieve from", name, self._client.retrieve, name, ids=list(ids), with_payload=False, with_vectors=[DENSE]
        )
        points = (from_record(r) for r in found)
        return {p.id: p.dense for p in points if p.dense is not None}

    def read_meta(self) -> dict[str, Any] | None:
        """The metadata point's payload, or None when none was written."""
        if not self.has_collection(META_COLLECTION):
            return None
        found = self.retrieve(META_COLLECTION, [META_ID])
        return found[0].payload if found else None

    def write_meta(self, meta: dict[str, Any]) -> None:
        """Replace the single metadata point (a vectorless collection of one point)."""
        if not self.has_collection(META_COLLECTION):
            self._call("create", META_COLLECTION, self._client.create_collection, META_COLLECTION, vectors_config={})
        point = qm.PointStruct(id=META_ID, vector={}, payload=meta)
        self._call("write", META_COLLECTION, self._client.upsert, META_COLLECTION, points=[point], wait=True)

    def disk_bytes(self) -> int | None:
        """Not measurable from a client."""
        return None

    def close(self) -> None:
        """Release the client (and, in local mode, its storage lock)."""
        self._client.close()
