"""A cost model at 10x and 1000x the corpus, from the measured per-point figures of this run."""

from __future__ import annotations

from typing import Any

SCALES = (1, 10, 1000)
DIM_BYTES = 384 * 4
INT8_BYTES = 384
# HNSW graph links (m=16, two layers on average) per point, per Qdrant's sizing guidance.
HNSW_BYTES = 16 * 2 * 4 * 2
# No GPU on this machine: an assumed rate for MiniLM-L6 on one T4-class GPU via fastembed-gpu,
# at ~200-token passages. Replace it with a measured figure from a GPU run.
GPU_TEXTS_PER_S_ASSUMED = 2000.0


def model(
    base: dict[str, Any], ms_per_text_2_cores: float, gpu_texts_per_s: float = GPU_TEXTS_PER_S_ASSUMED
) -> list[dict[str, Any]]:
    """Points, RAM, disk and ingest hours at each scale, from the real index's counts and measured rates.

    `base` holds postings, chunks, points (all collections) and disk_bytes of the real index.
    """
    rows = []
    per_point_disk = base["disk_bytes"] / max(base["points"], 1)
    texts = base["chunks"] + base["postings"]
    for scale in SCALES:
        n_texts = texts * scale
        n_points = base["points"] * scale
        rows.append(
            {
                "scale": scale,
                "postings": base["postings"] * scale,
                "points": n_points,
                "vectors_ram_gb_float32": round(n_texts * (DIM_BYTES + HNSW_BYTES) / 1e9, 2),
                "vectors_ram_gb_int8": round(n_texts * (INT8_BYTES + HNSW_BYTES) / 1e9, 2),
                "disk_gb": round(n_points * per_point_disk / 1e9, 2),
                "ingest_hours_cpu_2_cores": round(n_texts * ms_per_text_2_cores / 1000 / 3600, 2),
                "ingest_hours_gpu_assumed": round(n_texts / gpu_texts_per_s / 3600, 2),
            }
        )
    return rows


def from_results(results: dict[str, Any]) -> tuple[list[dict[str, Any]], str]:
    """The model for this run's index and its best measured ingest rate, with a sentence saying what it rests on."""
    index = results.get("index")
    ingest = results.get("ingest", {})
    full = ingest.get("full_cold")
    run = full or ingest.get("sample", {}).get("cold")
    if not index or not run:
        return [], ""
    texts = run["chunks"] + run["postings"]
    ms_per_text = 1000 * run["total_s"] / max(texts, 1)
    base = {k: index[k] for k in ("postings", "chunks", "points", "disk_bytes")}
    source = "the full cold ingest" if full else "the sample cold ingest"
    basis = (
        f"From this index ({index['kind']}: {index['postings']:,} postings, {index['chunks']:,} chunks, "
        f"{index['disk_bytes'] / 1e6:.0f} MB on disk) and {source} ({ms_per_text:.1f} ms per embedded text, all stages, "
        f"2 cores). Vector RAM counts 384-d vectors plus HNSW links (m=16) for chunks and postings; payloads and "
        f"vectors can stay on disk (mmap). The GPU column assumes {GPU_TEXTS_PER_S_ASSUMED:,.0f} passages/s with "
        "`fastembed-gpu` on one T4-class GPU: **an assumption, not measured here** (no GPU on this machine)."
    )
    return model(base, ms_per_text), basis
