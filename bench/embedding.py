"""Embedding throughput at the real chunk lengths, and app start (index opened, model loaded) in a new process."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from assistant.core.embedding import Embedder
from assistant.core.schema import Chunk
from assistant.store.base import Store
from assistant.store.collections import CHUNKS
from bench.timing import median

PASSAGES = 256
REPEATS = 3
STARTS = 3


def chunk_texts(store: Store, n: int = PASSAGES, seed: int = 7) -> list[str]:
    """What ingest embeds for n chunks drawn at random from the index (title and section, then text)."""
    texts = [Chunk(id=r.id, **r.payload).embedding_text() for r in store.scroll(CHUNKS)]
    return random.Random(seed).sample(texts, min(n, len(texts)))


def passage_throughput(embedder: Embedder, texts: list[str], repeats: int = REPEATS) -> dict[str, Any]:
    """Dense and BM25 passages per second over the same texts (median of repeats)."""
    embedder.passages(texts[:8])
    dense, sparse = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        embedder.passages(texts)
        t1 = time.perf_counter()
        embedder.sparse_passages(texts)
        dense.append(len(texts) / (t1 - t0))
        sparse.append(len(texts) / (time.perf_counter() - t1))
    lengths = sorted(len(t) for t in texts)
    return {
        "passages": len(texts),
        "chars_p50": lengths[len(lengths) // 2],
        "chars_max": lengths[-1],
        "dense_per_s": round(median(dense), 1),
        "dense_per_s_runs": [round(x, 1) for x in dense],
        "bm25_per_s": round(median(sparse), 1),
    }


STARTUP_CODE = """
import sys, time
t0 = time.perf_counter()
from pathlib import Path
from assistant.core.settings import Settings
from assistant.services import Services
from assistant.retrieval.hybrid import search
services = Services(Settings(data_dir=Path(sys.argv[1])), read_only=True)
services.store.read_meta()
services.embedder
t1 = time.perf_counter()
search(services.store, services.embedder, "what should a data engineer learn")
t2 = time.perf_counter()
services.close()
print(f"{t1 - t0} {t2 - t0}")
"""


def app_start(data_dir: Path, runs: int = STARTS) -> dict[str, Any]:
    """New process to index opened and model loaded, and to the first search answered (median of runs)."""
    ready, first, wall = [], [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", STARTUP_CODE, str(data_dir)], capture_output=True, text=True, check=True)
        wall.append(time.perf_counter() - t0)
        a, b = (float(x) for x in done.stdout.split()[-2:])
        ready.append(a)
        first.append(b)
    return {
        "runs": runs,
        "ready_s": round(median(ready), 2),
        "first_search_s": round(median(first), 2),
        "process_wall_s": round(median(wall), 2),
    }
