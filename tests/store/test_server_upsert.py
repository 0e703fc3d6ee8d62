"""Server-mode upserts: batched, sent by a few workers with bounded in-flight batches, failures surfaced."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from qdrant_client.http.exceptions import UnexpectedResponse

from assistant.core.schema import stable_id
from assistant.errors import StoreError
from assistant.store import Point
from assistant.store.server import IN_FLIGHT_PER_WORKER, UPSERT_BATCH, ServerStore


class _RecordingClient:
    """Stands in for QdrantClient.upsert: records batches and the most requests seen at once."""

    def __init__(self, fail_on: int | None = None, status: int = 400) -> None:
        self.batches: list[list[str]] = []
        self.active = 0
        self.most_active = 0
        self.calls = 0
        self.fail_on = fail_on
        self.status = status
        self._lock = threading.Lock()

    def upsert(self, name: str, points: list[Any], wait: bool) -> None:
        with self._lock:
            self.calls += 1
            call = self.calls
            self.active += 1
            self.most_active = max(self.most_active, self.active)
        try:
            time.sleep(0.01)  # long enough for the workers to overlap
            if call == self.fail_on:
                raise UnexpectedResponse(self.status, "Bad Request", b'{"status": {"error": "bad point"}}', None)  # type: ignore[arg-type]
            with self._lock:
                self.batches.append([str(p.id) for p in points])
        finally:
            with self._lock:
                self.active -= 1


def _points(n: int) -> list[Point]:
    return [Point(stable_id(f"p/{i}"), {"i": i}, dense=[1.0, 0.0]) for i in range(n)]


def _store(client: _RecordingClient, workers: int) -> ServerStore:
    return ServerStore(client, kind="qdrant-server", location="fake", upsert_workers=workers, retries=1)  # type: ignore[arg-type]


def test_parallel_upsert_sends_every_point_once_in_bounded_batches() -> None:
    client = _RecordingClient()
    points = _points(10 * UPSERT_BATCH + 7)
    _store(client, workers=3).upsert("c", points)
    assert sorted(i for b in client.batches for i in b) == sorted(p.id for p in points)
    assert max(len(b) for b in client.batches) == UPSERT_BATCH
    assert 1 < client.most_active <= 3


def test_in_flight_batches_are_bounded() -> None:
    client = _RecordingClient()
    store = _store(client, workers=2)
    submitted: list[int] = []
    real = store._upsert_batch

    def tracking(name: str, batch: Any) -> None:
        submitted.append(len(client.batches))
        real(name, batch)

    store._upsert_batch = tracking  # type: ignore[method-assign]
    store.upsert("c", _points(20 * UPSERT_BATCH))
    # When batch k starts, at least k - in-flight limit batches must have finished.
    limit = 2 * IN_FLIGHT_PER_WORKER
    assert all(done >= k - limit for k, done in enumerate(submitted))


def test_a_failed_batch_raises_a_store_error() -> None:
    client = _RecordingClient(fail_on=3)
    with pytest.raises(StoreError, match="upsert into 'c'"):
        _store(client, workers=2).upsert("c", _points(8 * UPSERT_BATCH))
