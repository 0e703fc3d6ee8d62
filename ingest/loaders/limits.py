"""Per-file bounds for loading untrusted files: size, and wall-clock time."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import TypeVar

from assistant.errors import LoaderError

T = TypeVar("T")

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_LOAD_SECONDS = 60.0
# Titles and headings are repeated in every chunk's payload and embedding text; a hostile file must not multiply.
MAX_TITLE_CHARS = 300


class _Expired(BaseException):
    """Raised by the timer; a BaseException so library code that catches Exception cannot swallow it."""


def _expire(signum: int, frame: FrameType | None) -> None:
    raise _Expired


def clip(text: str, limit: int = MAX_TITLE_CHARS) -> str:
    """text cut to limit characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def call_with_time_limit(fn: Callable[[], T], seconds: float, source: str) -> T:
    """fn(), or LoaderError when it runs longer than seconds.

    A SIGALRM timer interrupts pure-Python parsers and the regex engine alike; signals only reach the
    main thread, so elsewhere (or with seconds <= 0) fn runs unbounded and the size bound alone applies.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        return fn()
    previous = signal.signal(signal.SIGALRM, _expire)
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds)
            return fn()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _Expired:
        raise LoaderError(source, f"took over {seconds:g} s to load; simplify or split the file") from None
    finally:
        # None means a handler installed outside Python; the default is the closest we can restore.
        signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)
