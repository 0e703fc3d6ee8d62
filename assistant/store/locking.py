"""Guards for an embedded index dir: locks for one writer or several readers, free space, clear OS errors."""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.errors import IndexLockedError, StoreError

LOCK_FILE = ".lock"
LOAD_LOCK_FILE = ".load.lock"
WRITABLE_HINT = "make the data dir writable, or set ASSISTANT_DATA_DIR to a writable folder with free space"
# Qdrant Edge writes through memory-mapped files: a page written on a full disk kills the process
# (SIGBUS) instead of raising, and its files grow in 32 MB steps. So writes need this much room first.
MIN_FREE_BYTES = 128 * 2**20
_DISK_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
_ACCESS_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}
# Python and Rust (Edge) both end io error text with "(os error N)" / "[Errno N]".
_ERRNO = re.compile(r"(?:os error |\[Errno )(\d+)")


def os_error_hint(detail: str, default: str) -> str:
    """The fix for a failure whose text names an OS error: free space, permissions, else default."""
    codes = {int(code) for code in _ERRNO.findall(detail)}
    if codes & _DISK_ERRNOS:
        return f"free disk space (at least {MIN_FREE_BYTES // 2**20} MB) and run the command again"
    if codes & _ACCESS_ERRNOS:
        return WRITABLE_HINT
    return default


def check_free_space(root: Path) -> None:
    """StoreError before a write when the disk holding root has less than MIN_FREE_BYTES free."""
    free = shutil.disk_usage(root).free
    if free < MIN_FREE_BYTES:
        raise StoreError(
            f"only {free / 2**20:.0f} MB free on the disk holding the index {root}; "
            "stopped before writing, the index keeps its last complete batch",
            hint=f"free at least {MIN_FREE_BYTES // 2**20} MB there, or set ASSISTANT_DATA_DIR to a bigger disk, then ingest again",
        )


def _open_lock_file(path: Path) -> int:
    """A descriptor of the lock file, created if needed; StoreError when the dir is not writable."""
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        # Readers need it too: Qdrant Edge opens its files read-write even to search.
        raise StoreError(f"cannot write to the index dir {path.parent} ({exc.strerror})", hint=WRITABLE_HINT) from exc


class DirLock:
    """A non-blocking flock on `<dir>/.lock`: exclusive for a writer, shared for readers."""

    def __init__(self, root: Path, shared: bool) -> None:
        self._fd: int | None = _open_lock_file(root / LOCK_FILE)
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
    fd = _open_lock_file(root / LOAD_LOCK_FILE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
