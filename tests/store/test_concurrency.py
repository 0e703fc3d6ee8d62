"""One Qdrant Edge store shared by a writer thread (the ingest beside the app) and reader threads (the app's requests)."""

from __future__ import annotations

import random
import threading
import time
import uuid
from pathlib import Path

from assistant.store.base import CollectionSpec, Filter, Match, Point, SparseVec
from assistant.store.edge import EdgeStore

SECONDS = 3.0
DIM = 16


def _point(i: int, source: str, rng: random.Random) -> Point:
    return Point(
        str(uuid.UUID(int=i)),
        {"source": source, "city": rng.choice(["Berlin", "London"])},
        dense=[rng.random() for _ in range(DIM)],
        sparse=SparseVec(indices=[1, 2, 3], values=[1.0, 0.5, 0.25]),
    )


def test_reads_from_other_threads_succeed_while_a_thread_replaces_points(tmp_path: Path) -> None:
    """Queries, facets and scrolls on two threads all succeed during deletes and upserts on a third; nothing is lost."""
    store = EdgeStore.open(tmp_path / "index")
    store.ensure_collection("c", CollectionSpec(dense_size=DIM, sparse=True, indexes={"source": "keyword", "city": "keyword"}))
    stop, errors, reads, writes = threading.Event(), list[str](), [0], [0]

    def writer() -> None:
        rng = random.Random(1)
        while not stop.is_set() or writes[0] < 16:  # every source replaced twice, however slow the disk
            source = f"s{writes[0] % 8}"
            base = (writes[0] % 8) * 64
            try:
                store.delete("c", Filter(must=(Match("source", (source,)),)))
                store.upsert("c", [_point(base + k, source, rng) for k in range(64)])
            except Exception as exc:
                errors.append(f"write: {exc!r}")
            writes[0] += 1

    def reader() -> None:
        rng = random.Random(2)
        while not stop.is_set():
            try:
                store.query("c", dense=[rng.random() for _ in range(DIM)], sparse=SparseVec(indices=[1], values=[1.0]), limit=5)
                store.facet("c", "city")
                if len(list(store.scroll("c", fields=["source"]))) > 8 * 64:
                    errors.append("read: more points than were ever written")
            except Exception as exc:
                errors.append(f"read: {exc!r}")
            reads[0] += 1

    threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    time.sleep(SECONDS)
    stop.set()
    for t in threads:
        t.join()
    assert errors == []
    assert reads[0] > 3
    assert store.count("c") == 8 * 64  # each source's last batch is whole
    store.close()
