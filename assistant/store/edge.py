"""Qdrant Edge store: the engine in process, one shard per collection under the index dir."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from types import TracebackType
from typing import Any

import qdrant_edge as qe

from assistant.errors import AssistantError, StoreError
from assistant.store.base import RRF_K, CollectionSpec, FacetCount, Filter, Partition, Point, Record, SparseVec
from assistant.store.edge_convert import (
    SCHEMA,
    edge_filter,
    edge_point,
    nearest,
    payload_selector,
    point_from_edge,
    search_params,
    shard_config,
)
from assistant.store.locking import WRITABLE_HINT, DirLock, check_free_space, os_error_hint, serialized

UPSERT_BATCH = 256
# Below this many points a collection is searched exactly: a scan of 25k chunks takes ~3 ms (p95, 2 cores), and a
# graph would cost recall (0.993 recall@10 on the real 15k chunks) and a build (~6 s for them) per ingest.
HNSW_MIN_POINTS = 50_000
# Once a collection is that large, `optimize` indexes every segment (KB of vectors; 0 would disable indexing).
INDEXING_THRESHOLD_KB = 1
# Graph candidates per search: Qdrant's default (100) gives ~0.92 recall@10 at 50k chunks, 256 ~0.98 for ~1 ms more.
HNSW_EF = 256
# Facet limit that returns every distinct value of a field.
_EVERY_VALUE = 2**31 - 1
META_FILE = "meta.json"
COLLECTIONS = "collections"
SHARD_CONFIG = "edge_config.json"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_REBUILD_HINT = "if the index is damaged, rebuild it with `assistant ingest --rebuild`"


class EdgeStore:
    """Qdrant Edge shards in `<index>/collections/<name>`, metadata in `<index>/meta.json`.

    A writer holds an exclusive lock on the index dir, readers a shared one. Shards are created
    without Edge's WAL (its lock would keep readers out) and every write is flushed before it returns.
    """

    kind = "qdrant-edge"

    def __init__(self, root: Path, lock: DirLock, read_only: bool, hnsw_min_points: int = HNSW_MIN_POINTS) -> None:
        self.location = str(root)
        self.read_only = read_only
        self.hnsw_min_points = hnsw_min_points
        self._root = root
        self._lock = lock
        self._shards: dict[str, qe.EdgeShard] = {}
        self._open_lock = threading.Lock()
        self._closed = False

    @classmethod
    def open(cls, path: Path, read_only: bool = False, *, hnsw_min_points: int = HNSW_MIN_POINTS) -> EdgeStore:
        """Open (creating if needed) the index dir; IndexLockedError when another process excludes us.

        `optimize` builds an HNSW graph only for collections of at least `hnsw_min_points` points.
        """
        root = Path(path)
        try:
            (root / COLLECTIONS).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the index dir {root}: {exc}", hint="check ASSISTANT_DATA_DIR") from exc
        store = cls(root, DirLock(root, shared=read_only), read_only, hnsw_min_points)
        if not read_only:
            for leftover in (root / COLLECTIONS).glob(".drop-*"):
                shutil.rmtree(leftover, ignore_errors=True)
        return store

    def __enter__(self) -> EdgeStore:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    @contextmanager
    def _engine(self, action: str, name: str) -> Iterator[None]:
        """Wrap engine failures in a StoreError naming the collection and the index dir."""
        try:
            yield
        except AssistantError:
            raise
        except Exception as exc:
            message = f"Qdrant Edge could not {action} '{name}' in {self._root}: {exc}"
            raise StoreError(message, hint=os_error_hint(str(exc), _REBUILD_HINT)) from exc

    def _dir(self, name: str) -> Path:
        if not _NAME.match(name):
            raise StoreError(f"invalid collection name {name!r}", hint="use letters, digits, '_' and '-'")
        return self._root / COLLECTIONS / name

    def _alive(self) -> None:
        if self._closed:
            raise StoreError(f"the index {self._root} is closed", hint="open the store again")

    def _writable(self) -> None:
        self._alive()
        if self.read_only:
            raise StoreError(f"the index {self._root} is open read-only", hint="open it without read_only to write")
        check_free_space(self._root)

    def _shard(self, name: str) -> qe.EdgeShard:
        """The open shard for a collection, loaded on first use."""
        shard = self._shards.get(name)
        if shard is not None:
            return shard
        # Threads (app sessions, skill-gap lookups) may ask for the same unopened collection at once.
        with self._open_lock:
            shard = self._shards.get(name)
            if shard is not None:
                return shard
            self._alive()
            if not self.has_collection(name):
                raise StoreError(f"collection '{name}' does not exist in {self._root}", hint="run `assistant ingest` first")
            with self._engine("load", name), serialized(self._root) if self.read_only else nullcontext():
                shard = qe.EdgeShard.load(str(self._dir(name)))
            self._shards[name] = shard
            return shard

    def ensure_collection(self, name: str, spec: CollectionSpec) -> None:
        """Create the collection and its payload indexes if missing."""
        self._writable()
        if not self.has_collection(name):
            if not spec.dense_size and not spec.sparse:
                raise StoreError(f"collection '{name}' needs a vector", hint="set dense_size or sparse in its spec")
            with self._engine("create", name):
                config = shard_config(spec, INDEXING_THRESHOLD_KB)
                self._shards[name] = qe.EdgeShard.create(str(self._dir(name)), config)
        shard = self._shard(name)
        with self._engine("index", name):
            existing = shard.info().payload_schema
            for key, kind in spec.indexes.items():
                if key not in existing:
                    shard.update(qe.UpdateOperation.create_field_index(key, SCHEMA[kind]))
            shard.flush()

    def drop_collection(self, name: str) -> None:
        """Delete the collection and all its points, if it exists."""
        self._writable()
        path = self._dir(name)
        shard = self._shards.pop(name, None)
        if shard is not None:
            with self._engine("close", name):
                shard.close()
        if path.exists():
            # Rename first so a crash mid-delete never leaves a half-deleted shard that looks valid.
            trash = path.with_name(f".drop-{name}-{uuid.uuid4().hex}")
            try:
                path.rename(trash)
                shutil.rmtree(trash)
            except OSError as exc:
                raise StoreError(
                    f"cannot delete collection '{name}' in {self._root}: {exc.strerror}", hint=WRITABLE_HINT
                ) from exc

    def has_collection(self, name: str) -> bool:
        """True when the collection exists."""
        return name in self._shards or (self._dir(name) / SHARD_CONFIG).is_file()

    def _write(self, name: str, action: str, ops: list[qe.UpdateOperation]) -> None:
        """Apply update operations, then flush so they survive a crash."""
        self._writable()
        shard = self._shard(name)
        with self._engine(action, name):
            for op in ops:
                shard.update(op)
            shard.flush()

    def upsert(self, name: str, points: Sequence[Point]) -> None:
        """Insert or replace points by id, one update operation per batch."""
        batches = [points[i : i + UPSERT_BATCH] for i in range(0, len(points), UPSERT_BATCH)]
        ops = [qe.UpdateOperation.upsert_points([edge_point(p) for p in batch]) for batch in batches]
        self._write(name, "upsert into", ops)

    def delete(self, name: str, flt: Filter) -> None:
        """Delete every point the filter selects."""
        self._write(name, "delete from", [qe.UpdateOperation.delete_points_by_filter(edge_filter(flt) or qe.Filter())])

    def delete_ids(self, name: str, ids: Sequence[str]) -> None:
        """Delete points by id (missing ids are ignored)."""
        if ids:
            self._write(name, "delete from", [qe.UpdateOperation.delete_points(list(ids))])

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
        queries = nearest(dense, sparse)
        if not queries:
            raise ValueError("query needs a dense or a sparse vector")
        where, params = edge_filter(flt), search_params(exact, HNSW_EF)
        if len(queries) == 1 and not partitions:
            request = qe.QueryRequest(limit=limit, query=queries[0], filter=where, with_payload=with_payload, params=params)
        else:
            parts = partitions or (Partition(Filter()),)
            prefetches = [
                qe.Prefetch(limit=prefetch_limit, query=q, filter=edge_filter(p.flt.merge(flt)), params=params)
                for p in parts
                for q in queries
            ]
            weights = [p.weight for p in parts for _ in queries]
            request = qe.QueryRequest(
                limit=limit,
                prefetches=prefetches,
                # The binding's stub lists `Fusion` but not its `Rrf` variant, which it accepts at run time.
                query=qe.Fusion.Rrf(k=rrf_k, weights=weights),  # type: ignore[arg-type]
                filter=where,
                with_payload=with_payload,
            )
        shard = self._shard(name)
        with self._engine("query", name):
            hits = shard.query(request)
        return [Record(str(h.id), h.payload or {}, h.score) for h in hits]

    def optimize(self, name: str) -> bool:
        """Build the HNSW graph of a collection of at least `hnsw_min_points` points (Edge never does so itself).

        Runs Edge's optimizers to the end: minutes for a first build of 200k chunks on 2 cores, well under
        a second to add an incremental ingest's points to an existing graph. True if anything changed.
        """
        self._writable()
        if self.count(name) < self.hnsw_min_points:
            return False
        shard = self._shard(name)
        with self._engine("optimize", name):
            changed = shard.optimize()
            shard.flush()
        return changed

    def count(self, name: str, flt: Filter | None = None) -> int:
        """Exact number of points the filter selects."""
        shard = self._shard(name)
        with self._engine("count", name):
            return shard.count(qe.CountRequest(exact=True, filter=edge_filter(flt)))

    def facet(self, name: str, key: str, flt: Filter | None = None, limit: int = 100) -> list[FacetCount]:
        """Values of an indexed field with exact point counts, most frequent first, ties by value."""
        shard = self._shard(name)
        with self._engine(f"facet on '{key}' in", name):
            # Edge's exact mode runs one filtered count per distinct value (~18 ms for 546 skills), only to
            # merge versions of a point held by several segments. With one segment (a collection never optimized)
            # the one-pass mode returns the same counts (~0.5 ms); all of them, as its top-k breaks ties its way.
            one_pass = shard.info().segments_count == 1
            request = qe.FacetRequest(key, limit=_EVERY_VALUE if one_pass else limit, exact=not one_pass, filter=edge_filter(flt))
            hits = shard.facet(request).hits
        # Edge keeps values whose points were all deleted, with a count of 0, in its index.
        counts = [FacetCount(h.value, h.count) for h in hits if h.count > 0]
        return sorted(counts, key=lambda f: (-f.count, f.value))[:limit] if one_pass else counts

    def scroll(
        self, name: str, flt: Filter | None = None, fields: Sequence[str] | None = None, batch: int = 512
    ) -> Iterator[Record]:
        """Every point the filter selects, payload limited to `fields` when given, in id order."""
        shard = self._shard(name)
        where, selector = edge_filter(flt), payload_selector(fields)
        offset: Any = None
        while True:
            request = qe.ScrollRequest(offset=offset, limit=batch, filter=where, with_payload=selector)
            with self._engine("scroll", name):
                records, offset = shard.scroll(request)
            for r in records:
                yield Record(str(r.id), r.payload or {})
            if offset is None:
                return

    def scroll_points(self, name: str, flt: Filter | None = None, batch: int = 256) -> Iterator[Point]:
        """Every point the filter selects with its payload and vectors, in id order (for copying an index)."""
        shard = self._shard(name)
        where: Any = edge_filter(flt)
        offset: Any = None
        while True:
            request = qe.ScrollRequest(offset=offset, limit=batch, filter=where, with_payload=True, with_vector=True)
            with self._engine("scroll", name):
                records, offset = shard.scroll(request)
            for r in records:
                yield point_from_edge(str(r.id), r.payload or {}, r.vector)
            if offset is None:
                return

    def retrieve(self, name: str, ids: Sequence[str]) -> list[Record]:
        """Points by id with payloads, in the order asked (missing ids are skipped)."""
        shard = self._shard(name)
        with self._engine("retrieve from", name):
            found = {str(r.id): r.payload or {} for r in shard.retrieve(list(ids), True, False)}
        return [Record(i, found[i]) for i in ids if i in found]

    def dense_vectors(self, name: str, ids: Sequence[str]) -> dict[str, list[float]]:
        """Dense vectors of the points found, by id (missing ids are skipped)."""
        shard = self._shard(name)
        with self._engine("retrieve from", name):
            found = shard.retrieve(list(ids), False, True)
        points = (point_from_edge(str(r.id), {}, r.vector) for r in found)
        return {p.id: p.dense for p in points if p.dense is not None}

    def read_meta(self) -> dict[str, Any] | None:
        """The index metadata from meta.json, or None for a new index."""
        path = self._root / META_FILE
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise StoreError(f"cannot read index metadata {path}: {exc}", hint=_REBUILD_HINT) from exc
        if not isinstance(meta, dict):
            raise StoreError(f"index metadata {path} is not a JSON object", hint=_REBUILD_HINT)
        return meta

    def write_meta(self, meta: dict[str, Any]) -> None:
        """Write meta.json atomically (temp file, fsync, rename)."""
        self._writable()
        path = self._root / META_FILE
        tmp: str | None = None
        try:
            fd, tmp = tempfile.mkstemp(dir=self._root, prefix=".meta-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(meta, fh, indent=2, sort_keys=True)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except OSError as exc:
            detail = f"{exc.strerror} (os error {exc.errno})"
            raise StoreError(f"cannot write index metadata {path}: {detail}", hint=os_error_hint(detail, WRITABLE_HINT)) from exc
        finally:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)

    def disk_bytes(self) -> int:
        """Bytes the index dir occupies on disk (allocated blocks: Edge's mmap files are sparse)."""
        return sum(p.stat().st_blocks * 512 for p in self._root.rglob("*") if p.is_file())

    def flush(self) -> None:
        """Persist every open shard."""
        for name, shard in self._shards.items():
            with self._engine("flush", name):
                shard.flush()

    def close(self) -> None:
        """Flush (when writing), close the shards and release the lock; safe to call twice."""
        try:
            if not self.read_only:
                self.flush()
        finally:
            self._closed = True
            shards, self._shards = self._shards, {}
            try:
                for shard in shards.values():
                    shard.close()
            finally:
                self._lock.release()
