"""Advisory file locks that keep one writer, or several readers, on an embedded index dir."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.errors import IndexLockedError

LOCK_FILE = ".lock"
LOAD_LOCK_FILE = ".load.lock"


class DirLock:
    """A non-blocking flock on `<dir>/.lock`: exclusive for a writer, shared for readers."""

    def __init__(self, root: Path, shared: bool) -> None:
        self._fd: int | None = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            self.release()
            raise IndexLockedError(
                f"another assistant process (ingest or app) is using {root}",
                hint="stop it or wait for it to finish, then retry",
            ) from None

    def release(self) -> None:
        """Drop the lock (idempotent)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


@contextmanager
def serialized(root: Path) -> Iterator[None]:
    """Hold `<dir>/.load.lock` exclusively (blocking) for a short critical section."""
    fd = os.open(root / LOAD_LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
