"""The benchmark's sections, run in order by bench.run over one shared context."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.core.settings import Settings
from assistant.errors import IndexLockedError
from assistant.services import Services
from assistant.store.base import Filter, Match
from assistant.store.collections import CHUNKS, FILES, POSTINGS, SENTENCES
from assistant.store.edge import EdgeStore
from bench import answers, baselines, embedding, hostile, ingest, scale
from bench import search as search_bench
from bench.queries import bench_queries, eval_questions
from bench.search import QueryVectors
from ingest.loaders import discover_units


@dataclass
class Context:
    """What the sections share: settings, options, scratch space, the index under test and query vectors."""

    settings: Settings
    args: argparse.Namespace
    scratch: Path
    make_data_dir: Callable[[Path, str, Path], Path]
    full_index: Path | None
    results: dict[str, Any]
    previous: dict[str, Any]
    index_dir: Path | None = None
    queries: list[str] = field(default_factory=list)
    vectors: list[QueryVectors] = field(default_factory=list)
    _services: Services | None = None

    @property
    def scratch_full(self) -> Path:
        """Where `--full` builds its index."""
        return self.scratch / "full-data" / "index"

    def data_dir(self, name: str) -> Path:
        """A fresh data dir in scratch sharing the assembled model."""
        return self.make_data_dir(self.scratch, name, self.settings.models_dir)

    def services(self) -> Services:
        """Read-only services over the index under test (the full index when there is one, else the sample's)."""
        if self._services is None:
            if self.index_dir is None:
                self.index_dir = self.full_index or self._sample_index()
            try:
                store = EdgeStore.open(self.index_dir, read_only=True)
            except IndexLockedError:
                # Another process started writing the configured index since the run began.
                self.full_index = self.scratch_full if (self.scratch_full / "meta.json").exists() else None
                self.index_dir = self.full_index or self._sample_index()
                store = EdgeStore.open(self.index_dir, read_only=True)
            self._services = Services(self.settings, read_only=True, store=store)
            meta = store.read_meta() or {}
            self.results["index"] = {
                "kind": "full corpus" if self.index_dir == self.full_index else "sample",
                "path": str(self.index_dir),
                "last_ingest": meta.get("last_ingest"),
                "dim": meta.get("dim"),
                "files": store.count(FILES),
                "chunks": store.count(CHUNKS),
                "postings": store.count(POSTINGS),
                "sentences": store.count(SENTENCES) if store.has_collection(SENTENCES) else 0,
                "points": sum(store.count(c) for c in (CHUNKS, POSTINGS, FILES, SENTENCES) if store.has_collection(c)),
                "disk_bytes": store.disk_bytes(),
            }
        return self._services

    def _sample_index(self) -> Path:
        path = self.scratch / "sample-data" / "index"
        if not (path / "meta.json").exists():
            ingest_sample(self)
        return path

    def ensure_vectors(self) -> list[QueryVectors]:
        """Query vectors for the benchmark queries (computed by the search section, or here)."""
        if not self.vectors:
            services = self.services()
            self.queries = self.queries or bench_queries(services.taxonomy, self.args.queries)
            self.vectors = search_bench.embed_queries(services.embedder, self.queries)
        return self.vectors

    def close(self) -> None:
        """Release the index."""
        if self._services is not None:
            self._services.close()


def ingest_sample(ctx: Context) -> dict[str, Any]:
    """Cold ingest of the sample in a new process, then a no-change re-run over it."""
    data = ctx.data_dir("sample-data")
    sample = ingest.make_sample(ctx.settings.corpus_dir, ctx.scratch / "sample-corpus", ctx.args.sample_postings)
    profile = Path("bench/profile-ingest.txt") if ctx.args.profile else None
    cold = ingest.ingest_in_child(ctx.settings, sample.root, data / "index", profile)
    again = ingest.ingest_in_child(ctx.settings, sample.root, data / "index")
    with EdgeStore.open(data / "index", read_only=True) as store:
        job_chunks = store.count(CHUNKS, Filter(must=(Match("doc_type", ("job_posting",)),)))
    out = {
        "postings": sample.postings,
        "documents": sample.documents,
        "job_posting_chunks": job_chunks,
        "cold": cold,
        "rates": ingest.rates(cold),
        "no_change": again,
    }
    ctx.results.setdefault("ingest", {})["sample"] = out
    return out


def _full_counts(ctx: Context, sample: dict[str, Any]) -> tuple[int, int, str]:
    """Embedded texts and units of the full corpus: counted from its index, else estimated from the sample."""
    if ctx.full_index is not None:
        ctx.services()
        idx = ctx.results["index"]
        return idx["chunks"] + idx["postings"], idx["files"], "counted in the full index"
    units, _ = discover_units(ctx.settings.corpus_dir)
    postings = sum(1 for u in units if u.kind == "posting")
    cold = sample["cold"]
    per_posting = sample["job_posting_chunks"] / max(sample["postings"], 1)
    other = cold["chunks"] - sample["job_posting_chunks"]
    texts = round(other + per_posting * postings + postings + (cold["postings"] - sample["postings"]))
    return texts, len(units), "estimated from the sample's chunks per posting"


def ingest_section(ctx: Context) -> None:
    """Sample cold ingest (extrapolated), optional full cold ingest, and the no-change re-runs."""
    sample = ingest_sample(ctx)
    section = ctx.results["ingest"]
    if ctx.args.full:
        ctx.data_dir("full-data")
        full = ingest.ingest_in_child(ctx.settings, ctx.settings.corpus_dir, ctx.scratch_full)
        section["full_cold"] = {**full, "rates": ingest.rates(full), "measured": datetime.now(UTC).isoformat(timespec="seconds")}
        if ctx.full_index is None:
            ctx.full_index = ctx.scratch_full
    elif prior := ctx.previous.get("ingest", {}).get("full_cold"):
        section["full_cold"] = {**prior, "carried_over": True}
    texts, units, how = _full_counts(ctx, sample)
    section["extrapolated_full"] = {
        **ingest.extrapolate(sample["cold"], texts, units),
        "texts": texts,
        "units": units,
        "counts": how,
    }
    if ctx.full_index is not None:
        ctx.services()  # holds a shared lock on the index while it is copied
        section["full_no_change"] = ingest.no_change_rerun(ctx.settings, ctx.full_index, ctx.settings.corpus_dir, ctx.scratch)


def embedding_section(ctx: Context) -> None:
    """Passage throughput at real chunk lengths, and app start in a new process."""
    services = ctx.services()
    texts = embedding.chunk_texts(services.store)
    assert ctx.index_dir is not None
    ctx.results["embedding"] = {
        "passages": embedding.passage_throughput(services.embedder, texts),
        "app_start": embedding.app_start(ctx.index_dir.parent),
    }


def search_section(ctx: Context) -> None:
    """Latency of every mode with and without a filter over the benchmark queries."""
    services = ctx.services()
    ctx.queries = bench_queries(services.taxonomy, ctx.args.queries)
    result = search_bench.run(services.store, services.embedder, ctx.queries)
    ctx.vectors = result.pop("_vectors")
    ctx.results["search"] = result


def baselines_section(ctx: Context) -> None:
    """qdrant-client local mode and minsearch against ours, on the same data and queries."""
    services = ctx.services()
    vectors = ctx.ensure_vectors()
    dim = int(ctx.results["index"]["dim"])
    ctx.results["baselines"] = {
        "edge_vs_local": baselines.edge_vs_local(services.store, dim, vectors[: ctx.args.local_queries], ctx.scratch),
        "minsearch": baselines.minsearch_baseline(services.store, vectors[: ctx.args.minsearch_queries]),
    }


def answers_section(ctx: Context) -> None:
    """Statistics and skill-gap latency; `ask` with the offline model once it exists."""
    services = ctx.services()
    out: dict[str, Any] = {"stats": answers.stats_latency(services)}
    if answers.ask_available():
        out["ask"] = answers.ask_latency(services, eval_questions()[: ctx.args.ask_questions])
    else:
        out["ask"] = {"skipped": "assistant.ask is not in this checkout yet"}
    ctx.results["answers"] = out


def scale_section(ctx: Context) -> None:
    """The synthetic index grown to --scale-chunks."""
    services = ctx.services()
    dim = int(ctx.results["index"]["dim"])
    ctx.results["scale"] = scale.run(
        services.store, services.taxonomy, dim, ctx.ensure_vectors(), ctx.scratch, ctx.args.scale_chunks
    )


def hostile_section(ctx: Context) -> None:
    """A 20 MB one-line file of one word among good guides: refused and named, the guides searchable."""
    ctx.results["hostile"] = hostile.run(ctx.settings, ctx.scratch)


SECTIONS: dict[str, Callable[[Context], None]] = {
    "ingest": ingest_section,
    "embedding": embedding_section,
    "search": search_section,
    "baselines": baselines_section,
    "answers": answers_section,
    "scale": scale_section,
    "hostile": hostile_section,
}
