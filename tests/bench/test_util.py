"""The benchmark's statistics helpers: percentiles, medians, summaries, ratios, the ingest extrapolation."""

from __future__ import annotations

import math
import random
import time

import numpy as np
import pytest

from bench.ingest import extrapolate
from bench.timing import TreeRss, median, peak_rss_mb, percentile, ratio, repeat, summary


def test_percentile_interpolates_between_ranks() -> None:
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([1, 2, 3, 4], 0) == 1
    assert percentile([1, 2, 3, 4], 100) == 4
    assert percentile([10, 20], 95) == pytest.approx(19.5)


def test_percentile_ignores_input_order() -> None:
    assert percentile([5, 1, 4, 2, 3], 50) == 3


def test_percentile_matches_numpy_linear() -> None:
    rng = random.Random(7)
    values = [rng.expovariate(1.0) for _ in range(1001)]
    for q in (1, 25, 50, 90, 95, 99, 99.9):
        assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)))


def test_percentile_of_one_value_is_that_value() -> None:
    assert percentile([3.0], 99) == 3.0


@pytest.mark.parametrize("q", [-1, 101])
def test_percentile_outside_range_is_an_error(q: float) -> None:
    with pytest.raises(ValueError):
        percentile([1.0], q)


def test_percentile_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError):
        percentile([], 50)


def test_median_of_odd_and_even_counts() -> None:
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 3, 2]) == 2.5


def test_summary_reports_milliseconds() -> None:
    s = summary([0.001, 0.002, 0.003, 0.004, 0.010])
    assert s["n"] == 5
    assert s["p50_ms"] == pytest.approx(3.0)
    assert s["max_ms"] == pytest.approx(10.0)
    assert s["mean_ms"] == pytest.approx(4.0)
    assert s["p50_ms"] <= s["p95_ms"] <= s["p99_ms"] <= s["max_ms"]


def test_ratio_rounds_and_guards_zero() -> None:
    assert ratio(3, 2) == 1.5
    assert ratio(1, 0) == math.inf


def test_repeat_counts_only_timed_calls() -> None:
    calls: list[int] = []
    times = repeat(lambda: calls.append(1), times=3, warmup=2)
    assert len(times) == 3 and len(calls) == 5
    assert all(t >= 0 for t in times)


def test_peak_rss_is_positive_megabytes() -> None:
    assert 1 < peak_rss_mb() < 1_000_000


def test_tree_rss_sees_memory_allocated_while_running() -> None:
    with TreeRss(interval_s=0.01) as rss:
        block = bytearray(64 * 2**20)
        block[::4096] = b"x" * len(block[::4096])  # touch every page so it is resident
        time.sleep(0.1)
    assert rss.peak_mb >= 64
    del block


def test_extrapolation_scales_embedding_per_text_and_adds_guide_sentences_once() -> None:
    sample = {
        "chunks": 90,
        "postings": 10,
        "indexed": 20,
        "total_s": 16.0,
        "stages_s": {"load": 1.0, "chunk": 0.5, "embed": 10.0, "sentences": 4.0, "upsert": 0.5},
    }
    est = extrapolate(sample, full_texts=1000, full_units=200)
    assert (est["embed_s"], est["sentences_s"], est["other_s"]) == (100.0, 4.0, 20.0)
    assert est["seconds"] == 124.0
