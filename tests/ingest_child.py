"""An ingest for the fault tests: fake embedder, two units a batch, one stdout line after every store write.

Run as `python -m tests.ingest_child CORPUS INDEX`; the parent kills it after the Nth "write" line.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cache, wraps
from pathlib import Path
from typing import Any

from assistant.skills import Taxonomy
from assistant.store.edge import EdgeStore
from ingest import pipeline
from ingest.chunking import ChunkSpec
from ingest.pipeline import IngestReport, Ingester
from tests.fakes import FakeEmbedder

SPEC = ChunkSpec(64, 8)


@cache
def _taxonomy() -> Taxonomy:
    return Taxonomy.load()


def run_ingest(corpus: Path, index: Path) -> IngestReport:
    """One incremental ingest of corpus into the Edge index, as the fault tests compare it."""
    with EdgeStore.open(index) as store:
        return Ingester(store, FakeEmbedder(), _taxonomy(), SPEC).run(corpus)


def _announcing(method: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = method(*args, **kwargs)
        print("write", flush=True)
        return result

    return wrapper


def main(corpus: str, index: str) -> None:
    """Ingest with small batches, announcing each flushed write so the parent can kill between any two."""
    pipeline.UNITS_PER_BATCH = 2
    for name in ("ensure_collection", "drop_collection", "_write", "write_meta"):
        setattr(EdgeStore, name, _announcing(getattr(EdgeStore, name)))
    run_ingest(Path(corpus), Path(index))
    print("done", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:3])
