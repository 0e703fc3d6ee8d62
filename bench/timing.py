"""Timing helpers: repeated measurements summarised as medians and percentiles, and peak memory."""

from __future__ import annotations

import contextlib
import math
import resource
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between closest ranks (numpy's default)."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} is outside 0..100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[float]) -> float:
    """The 50th percentile."""
    return percentile(values, 50)


def summary(values_s: Sequence[float]) -> dict[str, float]:
    """Count, p50, p95, p99, mean and max of durations given in seconds, reported in milliseconds."""
    ms = [v * 1000 for v in values_s]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 3),
        "p95_ms": round(percentile(ms, 95), 3),
        "p99_ms": round(percentile(ms, 99), 3),
        "mean_ms": round(sum(ms) / len(ms), 3),
        "max_ms": round(max(ms), 3),
    }


def ratio(a: float, b: float) -> float:
    """a / b, rounded; infinity when b is zero."""
    return round(a / b, 2) if b else math.inf


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    """Run fn once; its result and the wall time in seconds."""
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def repeat(fn: Callable[[], object], times: int, warmup: int = 1) -> list[float]:
    """Wall times in seconds of `times` calls, after `warmup` calls that are not counted."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(times):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


@contextmanager
def stopwatch() -> Iterator[list[float]]:
    """`with stopwatch() as t:` ... then `t[0]` holds the elapsed seconds."""
    box: list[float] = []
    started = time.perf_counter()
    try:
        yield box
    finally:
        box.append(time.perf_counter() - started)


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


class TreeRss:
    """Peak resident memory of this process plus its children (worker processes), sampled in a thread."""

    def __init__(self, interval_s: float = 0.2) -> None:
        self.interval_s = interval_s
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="rss-sampler", daemon=True)

    def _sample(self) -> None:
        import psutil

        me = psutil.Process()
        while True:
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):  # a child that just exited
                    total += proc.memory_info().rss
            self.peak_mb = max(self.peak_mb, total / 2**20)
            if self._stop.wait(self.interval_s):
                return

    def __enter__(self) -> TreeRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
