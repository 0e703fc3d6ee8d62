"""qdrant-client store specifics: metadata collection, retries and error reporting against a local HTTP server."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from assistant.errors import IndexLockedError, StoreError
from assistant.store.server import META_COLLECTION, ServerStore


class _Answer(BaseHTTPRequestHandler):
    """Answers every request with the server's fixed status and counts the requests."""

    def do_GET(self) -> None:
        server = self.server
        assert isinstance(server, _StatusServer)
        server.requests += 1
        body = b'{"status": {"error": "try later"}}'
        self.send_response(server.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Keep test output quiet."""


class _StatusServer(ThreadingHTTPServer):
    def __init__(self, status: int) -> None:
        super().__init__(("127.0.0.1", 0), _Answer)
        self.status = status
        self.requests = 0


@pytest.fixture
def status_server(request: pytest.FixtureRequest) -> Iterator[_StatusServer]:
    server = _StatusServer(request.param)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def url_of(server: _StatusServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host!s}:{port}"


@pytest.mark.parametrize("status_server", [503], indirect=True)
def test_transient_errors_are_retried_then_reported(status_server: _StatusServer) -> None:
    with pytest.raises(StoreError, match="503"):
        ServerStore.connect(url_of(status_server), retries=3, backoff=0)
    assert status_server.requests == 3


@pytest.mark.parametrize("status_server", [400], indirect=True)
def test_client_errors_are_not_retried(status_server: _StatusServer) -> None:
    with pytest.raises(StoreError):
        ServerStore.connect(url_of(status_server), retries=3, backoff=0)
    assert status_server.requests == 1


def test_unreachable_server_names_the_url_and_the_fix() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with pytest.raises(StoreError) as err:
        ServerStore.connect(url, timeout=2, retries=2, backoff=0)
    assert url in str(err.value) and "QDRANT_URL" in str(err.value)


def test_meta_lives_in_its_own_one_point_collection() -> None:
    store = ServerStore.memory()
    store.write_meta({"dimension": 384})
    store.write_meta({"dimension": 768})
    assert store.has_collection(META_COLLECTION)
    assert store.count(META_COLLECTION) == 1
    assert store.read_meta() == {"dimension": 768}


def test_local_mode_reports_kind_and_no_disk_size() -> None:
    store = ServerStore.memory()
    assert (store.kind, store.location, store.disk_bytes()) == ("qdrant-local", ":memory:", None)


def test_local_path_is_locked_while_open(tmp_path: Path) -> None:
    first = ServerStore.local(tmp_path / "qdrant")
    try:
        with pytest.raises(IndexLockedError):
            ServerStore.local(tmp_path / "qdrant")
    finally:
        first.close()
