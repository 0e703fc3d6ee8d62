"""Move an embedded index without re-embedding: store to store, or through a portable directory.

A streaming copy through the store interface (scroll points with their vectors, upsert them in
batches) rather than Qdrant snapshots: it works between any two stores, Edge or server, in either
direction, holds one batch in memory at a time, and is covered by the same contract tests as the
stores. Edge snapshots are shard files of the Edge engine; restoring them on a server of another
version is not something this project can test.

Directory layout (the manifest is written last, so a directory without one is an unfinished export):

    manifest.json              {"format", "version", "meta", "collections": [{"name", "points", "parts"}]}
    <collection>/part-00000.jsonl   one point a line: {"id", "payload", "sparse": {"indices", "values"} | null}
    <collection>/part-00000.npy     float32 dense vectors, one row per line of the .jsonl (absent without)
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import IndexMissingError, IndexStateError, InputError
from assistant.store.base import CollectionSpec, Point, SparseVec, Store
from assistant.store.collections import specs

FORMAT = "career-assistant-index"
VERSION = 1
MANIFEST = "manifest.json"
# Points read, held and written together; also the size of one part file in an export.
BATCH = 2048

Progress = Callable[[str, int], None]


@dataclass
class TransferReport:
    """Points moved per collection, and the wall time."""

    points: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _batched(points: Iterable[Point], size: int) -> Iterator[list[Point]]:
    it = iter(points)
    while batch := list(islice(it, size)):
        yield batch


def _source_specs(store: Store) -> tuple[dict[str, Any], dict[str, CollectionSpec]]:
    """The index metadata and the specs of the collections it has, files last (see `_fill`)."""
    meta = store.read_meta()
    if not meta or "dim" not in meta:
        raise IndexMissingError(f"no index at {store.location}", hint="run `assistant ingest` first, then export")
    return meta, {name: spec for name, spec in specs(int(meta["dim"])).items() if store.has_collection(name)}


def _prepare_target(dst: Store, replace: bool, dim: int, keep: Iterable[str]) -> None:
    """Refuse to overwrite an index unless asked; drop the collections the source does not have."""
    if not replace and dst.read_meta():
        raise IndexStateError(
            f"{dst.location} already holds an index", hint="pass --replace to overwrite it, or choose another target"
        )
    for name in set(specs(dim)) - set(keep):
        dst.drop_collection(name)


def _fill(dst: Store, name: str, spec: CollectionSpec, batches: Iterable[list[Point]], progress: Progress | None) -> int:
    """Recreate one collection in dst from batches of points; returns the number of points written."""
    # The files collection comes last: if a copy stops midway, the units it has not reached
    # have no state record, and the next `assistant ingest` indexes them again.
    dst.drop_collection(name)
    dst.ensure_collection(name, spec)
    n = 0
    for batch in batches:
        dst.upsert(name, batch)
        n += len(batch)
        if progress:
            progress(name, n)
    return n


def copy_index(
    src: Store, dst: Store, *, replace: bool = False, batch: int = BATCH, progress: Progress | None = None
) -> TransferReport:
    """Copy every collection and the metadata from src to dst, vectors included."""
    started = time.perf_counter()
    meta, collection_specs = _source_specs(src)
    _prepare_target(dst, replace, int(meta["dim"]), collection_specs)
    report = TransferReport()
    for name, spec in collection_specs.items():
        report.points[name] = _fill(dst, name, spec, _batched(src.scroll_points(name, batch=batch), batch), progress)
    dst.write_meta(meta)
    report.seconds = time.perf_counter() - started
    return report


def _write_part(folder: Path, index: int, points: list[Point]) -> None:
    stem = folder / f"part-{index:05d}"
    with stem.with_suffix(".jsonl").open("w", encoding="utf-8") as fh:
        for p in points:
            sparse = {"indices": p.sparse.indices, "values": p.sparse.values} if p.sparse is not None else None
            fh.write(json.dumps({"id": p.id, "payload": p.payload, "sparse": sparse}, ensure_ascii=False) + "\n")
    dense = [p.dense for p in points if p.dense is not None]
    if dense:
        if len(dense) != len(points):
            raise ValueError(f"{folder.name}: some points have a dense vector and some do not")
        np.save(stem.with_suffix(".npy"), np.asarray(dense, dtype=np.float32))


def export_dir(
    src: Store, dest: Path, *, replace: bool = False, batch: int = BATCH, progress: Progress | None = None
) -> TransferReport:
    """Write the index to a portable directory (JSON lines plus float32 .npy), one batch at a time."""
    started = time.perf_counter()
    meta, collection_specs = _source_specs(src)
    if (dest / MANIFEST).exists() and not replace:
        raise IndexStateError(f"{dest} already holds an export", hint="pass --replace, or choose another directory")
    if dest.exists() and any(dest.iterdir()) and not (dest / MANIFEST).exists():
        raise InputError(f"{dest} exists and is not an index export", hint="choose an empty or new directory")
    (dest / MANIFEST).unlink(missing_ok=True)
    report = TransferReport()
    collections: list[dict[str, Any]] = []
    for name in collection_specs:
        folder = dest / name
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("part-*"):
            old.unlink()
        parts = n = 0
        for parts, points in enumerate(_batched(src.scroll_points(name, batch=batch), batch), start=1):
            _write_part(folder, parts - 1, points)
            n += len(points)
            if progress:
                progress(name, n)
        collections.append({"name": name, "points": n, "parts": parts})
        report.points[name] = n
    manifest = {"format": FORMAT, "version": VERSION, "meta": meta, "collections": collections}
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    report.seconds = time.perf_counter() - started
    return report


def read_manifest(src: Path) -> dict[str, Any]:
    """The manifest of an export directory, checked for format and version."""
    path = src / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{src} has no {MANIFEST}", hint="export again: an export without it did not finish") from None
    except ValueError as exc:
        raise InputError(f"{path} is not valid JSON: {exc}", hint="export again") from exc
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise InputError(f"{src} is not a version-{VERSION} index export", hint="export it with this version of the assistant")
    return manifest


def _read_parts(folder: Path, parts: int) -> Iterator[list[Point]]:
    for i in range(parts):
        stem = folder / f"part-{i:05d}"
        npy = stem.with_suffix(".npy")
        dense = np.load(npy) if npy.exists() else None
        lines = stem.with_suffix(".jsonl").read_text(encoding="utf-8").splitlines()
        if dense is not None and len(dense) != len(lines):
            raise InputError(f"{stem}: {len(lines)} points but {len(dense)} vectors", hint="export again")
        points = []
        for row, line in enumerate(lines):
            rec = json.loads(line)
            sparse = rec.get("sparse")
            points.append(
                Point(
                    rec["id"],
                    rec["payload"],
                    dense=dense[row].tolist() if dense is not None else None,
                    sparse=SparseVec(sparse["indices"], sparse["values"]) if sparse else None,
                )
            )
        yield points


def import_dir(src: Path, dst: Store, *, replace: bool = False, progress: Progress | None = None) -> TransferReport:
    """Load an export directory into a store, then write its metadata."""
    started = time.perf_counter()
    manifest = read_manifest(src)
    meta = manifest["meta"]
    all_specs = specs(int(meta["dim"]))
    names = [str(c["name"]) for c in manifest["collections"]]
    if unknown := sorted(set(names) - set(all_specs)):
        raise InputError(
            f"{src} has unknown collections {', '.join(unknown)}", hint="export it with this version of the assistant"
        )
    _prepare_target(dst, replace, int(meta["dim"]), names)
    report = TransferReport()
    for info in manifest["collections"]:
        name = info["name"]
        batches = _read_parts(src / name, int(info["parts"]))
        report.points[name] = _fill(dst, name, all_specs[name], batches, progress)
    dst.write_meta(meta)
    report.seconds = time.perf_counter() - started
    return report
