"""An ingest for the fault tests: fake embedder, two units a batch, a callback after every store write.

Run as `python -m tests.ingest.ingest_child CORPUS INDEX`, it prints "write" after each write so the parent can
kill it after the Nth; the tests also run it in process to count the writes and time a whole run.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache, wraps
from pathlib import Path
from typing import Any

from assistant.store.edge import EdgeStore
from assistant.vocab.skills import Taxonomy
from ingest import pipeline
from ingest.chunking import ChunkSpec
from ingest.pipeline import Ingester
from ingest.report import IngestReport

from ..conftest import FakeEmbedder  # the shared fake; this file also runs outside pytest

SPEC = ChunkSpec(64, 8)
# Every EdgeStore method that changes the index (each flushes before it returns).
WRITES = ("ensure_collection", "drop_collection", "_write", "write_meta")


@cache
def _taxonomy() -> Taxonomy:
    return Taxonomy.load()


def run_ingest(corpus: Path, index: Path) -> IngestReport:
    """One incremental ingest of corpus into the Edge index, as the fault tests compare it."""
    with EdgeStore.open(index) as store:
        return Ingester(store, FakeEmbedder(), _taxonomy(), SPEC).run(corpus)


def _after(method: Callable[..., Any], on_write: Callable[[], None]) -> Callable[..., Any]:
    @wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = method(*args, **kwargs)
        on_write()
        return result

    return wrapper


@contextmanager
def announcing_writes(on_write: Callable[[], None]) -> Iterator[None]:
    """Two units a batch (many batches from a small corpus) and on_write() after each store write, until exit."""
    originals = {name: getattr(EdgeStore, name) for name in WRITES}
    batch = pipeline.UNITS_PER_BATCH
    pipeline.UNITS_PER_BATCH = 2
    for name, method in originals.items():
        setattr(EdgeStore, name, _after(method, on_write))
    try:
        yield
    finally:
        pipeline.UNITS_PER_BATCH = batch
        for name, method in originals.items():
            setattr(EdgeStore, name, method)


def main(corpus: str, index: str) -> None:
    """Ingest, printing a line after every flushed write so the parent can kill between any two."""
    with announcing_writes(lambda: print("write", flush=True)):
        run_ingest(Path(corpus), Path(index))
    print("done", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:3])
