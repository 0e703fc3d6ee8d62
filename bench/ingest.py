"""Ingest benchmarks: cold ingest of a fixed sample (or the full corpus), and a no-change re-run.

Each ingest runs in a fresh child process, so its peak RSS is its own and the model load is cold.
The sample is a directory of symlinks to the real corpus files (nothing is copied): every document
that is not a job posting, plus the first N postings by source path, with their listing CSVs.
"""

from __future__ import annotations

import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from assistant.core.settings import Settings
from ingest.loaders import discover_units
from ingest.loaders.discover import LISTING_FILE

SAMPLE_POSTINGS = 300


@dataclass(frozen=True)
class Sample:
    """A sample corpus root and what it holds."""

    root: Path
    units: int
    postings: int
    documents: int


def _link(corpus: Path, target: Path, path: Path) -> None:
    dest = target / path.relative_to(corpus)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if not dest.exists():
        dest.symlink_to(path.resolve())


def make_sample(corpus: Path, target: Path, postings: int = SAMPLE_POSTINGS) -> Sample:
    """Symlink every non-posting unit and the first `postings` postings of the corpus under target."""
    units, _ = discover_units(corpus)
    jobs = [u for u in units if u.kind == "posting"][:postings]
    docs = [u for u in units if u.kind != "posting"]
    for unit in docs + jobs:
        for path in unit.paths:
            _link(corpus, target, path)
    for listing in corpus.rglob(LISTING_FILE.name):
        if listing.parent.name == LISTING_FILE.parent.name:
            _link(corpus, target, listing)
    return Sample(target, len(docs) + len(jobs), len(jobs), len(docs))


def _run_ingest(settings: Settings, root: Path, index_dir: Path, profile: Path | None) -> dict[str, Any]:
    """In the child: load the model, ingest root into index_dir, report times, counts, disk and peak RSS."""
    import time

    from assistant.core.embedding import FastEmbedder
    from assistant.store.edge import EdgeStore
    from assistant.vocab.skills import Taxonomy
    from bench.machine import load_average
    from bench.timing import TreeRss, peak_rss_mb
    from ingest.chunking import ChunkSpec
    from ingest.pipeline import Ingester

    load_start = load_average()
    started = time.perf_counter()
    embedder = FastEmbedder(settings)
    model_s = time.perf_counter() - started
    spec = ChunkSpec(settings.chunk_tokens, settings.chunk_overlap)
    with EdgeStore.open(index_dir) as store, TreeRss() as rss:
        ingester = Ingester(store, embedder, Taxonomy.load(), spec)
        if profile is not None:
            from pyinstrument import Profiler

            with Profiler(interval=0.005) as profiler:
                report = ingester.run(root)
            profile.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
        else:
            report = ingester.run(root)
        disk = store.disk_bytes()
    return {
        "model_load_s": round(model_s, 2),
        "total_s": round(report.total_seconds, 2),
        "stages_s": {k: round(v, 2) for k, v in report.seconds.items()},
        "discovered": report.discovered,
        "indexed": report.indexed,
        "unchanged": report.unchanged,
        "refreshed": report.refreshed,
        "chunks": report.chunks,
        "dense_embedded": report.embedding.embedded,
        "tokens_embedded": report.embedding.tokens,
        "dense_reused": report.embedding.reused,
        "postings": report.postings,
        "problems": len(report.problems),
        "disk_mb": round(disk / 1e6, 1),
        "peak_rss_mb": round(max(rss.peak_mb, peak_rss_mb()), 1),
        "peak_rss_main_mb": peak_rss_mb(),
        "load_average": [load_start, load_average()],
    }


def ingest_in_child(settings: Settings, root: Path, index_dir: Path, profile: Path | None = None) -> dict[str, Any]:
    """Run one ingest in a fresh process (spawned, so nothing is shared with this one)."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(_run_ingest, settings, root, index_dir, profile).result()


def rates(result: dict[str, Any]) -> dict[str, float]:
    """Documents/s, chunks/s and embedded texts/s (chunks plus postings) of one ingest."""
    total = result["total_s"] or 1e-9
    texts = result["chunks"] + result["postings"]
    return {
        "docs_per_s": round(result["indexed"] / total, 1),
        "chunks_per_s": round(result["chunks"] / total, 1),
        "texts_per_s": round(texts / total, 1),
        "ms_per_text": round(1000 * total / max(texts, 1), 2),
    }


def extrapolate(sample: dict[str, Any], full_texts: int, full_units: int) -> dict[str, float]:
    """Full-corpus cold ingest estimated from the sample: embedding per text, the other stages per unit.

    Guide sentences are embedded once for all guides, which the sample holds in full: their time is added as measured.
    """
    texts = max(sample["chunks"] + sample["postings"], 1)
    units = max(sample["indexed"], 1)
    sentences = sample["stages_s"].get("sentences", 0.0)
    embed = sample["stages_s"]["embed"] / texts * full_texts
    rest = (sample["total_s"] - sample["stages_s"]["embed"] - sentences) / units * full_units
    return {
        "seconds": round(embed + sentences + rest, 1),
        "embed_s": round(embed, 1),
        "sentences_s": round(sentences, 1),
        "other_s": round(rest, 1),
    }


def no_change_rerun(settings: Settings, index_dir: Path, root: Path, scratch: Path) -> dict[str, Any]:
    """Re-ingest an unchanged corpus into a copy of its index (the original is never written)."""
    copy = scratch / "rerun-index"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(index_dir, copy, ignore=shutil.ignore_patterns(".lock", ".load.lock"))
    try:
        return ingest_in_child(settings, root, copy)
    finally:
        shutil.rmtree(copy, ignore_errors=True)
