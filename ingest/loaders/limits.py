"""Per-file bounds for loading untrusted files: size, wall-clock time, chunks, and text that is one word repeated."""

from __future__ import annotations

import re
import signal
import threading
from collections import Counter
from collections.abc import Callable
from types import FrameType
from typing import TypeVar

from assistant.errors import LoaderError

T = TypeVar("T")

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_LOAD_SECONDS = 60.0
# Titles and headings are repeated in every chunk's payload and embedding text; a hostile file must not multiply.
MAX_TITLE_CHARS = 300
# Chunks kept from one document: the largest guide of the corpus has 87, a posting about 8.
MAX_CHUNKS_PER_DOCUMENT = 1000
# A text of at least REPEATED_MIN_WORDS words where one word is more than REPEATED_SHARE of them says
# nothing (a 20 MB line of one word would be 20,000 identical chunks); it is refused, not embedded.
REPEATED_MIN_WORDS = 2000
REPEATED_SHARE = 0.5
# Words counted, from evenly spaced windows: enough to judge a 20 MB text in well under a second.
REPEATED_SAMPLE_CHARS = 400_000
_WORD = re.compile(r"\w+")


class _Expired(BaseException):
    """Raised by the timer; a BaseException so library code that catches Exception cannot swallow it."""


def _expire(signum: int, frame: FrameType | None) -> None:
    raise _Expired


def clip(text: str, limit: int = MAX_TITLE_CHARS) -> str:
    """text cut to limit characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def repeated_word(text: str) -> tuple[str, float] | None:
    """The word that makes up most of a long text, with its share; None for ordinary text."""
    if len(text) > REPEATED_SAMPLE_CHARS:
        step = len(text) // 8
        window = REPEATED_SAMPLE_CHARS // 8
        text = " ".join(text[i : i + window] for i in range(0, len(text), step))
    words = Counter(w.casefold() for w in _WORD.findall(text))
    total = sum(words.values())
    if total < REPEATED_MIN_WORDS:
        return None
    word, count = words.most_common(1)[0]
    return (word, count / total) if count / total > REPEATED_SHARE else None


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
