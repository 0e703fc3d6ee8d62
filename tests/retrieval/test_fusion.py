"""Rank fusion: shared ranks for ties, weighted RRF sums, and one ranking however the store wrote the points."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.schema import stable_id
from assistant.retrieval.fusion import SCORE_DECIMALS, RankedList, fused_query, ranks, rrf
from assistant.store.base import Filter, Match, Partition, Point, Record, SparseVec, Store
from assistant.store.collections import CHUNKS, specs
from assistant.store.edge import EdgeStore


def _r(rid: str, score: float) -> Record:
    return Record(rid, {"source": rid}, score)


def test_equal_scores_share_the_best_rank_and_are_ordered_by_id() -> None:
    ranked = ranks([_r("c", 0.5), _r("b", 0.9), _r("a", 0.5), _r("d", 0.1)])
    assert [(rank, r.id) for rank, r in ranked] == [(0, "b"), (1, "a"), (1, "c"), (3, "d")]


def test_scores_that_differ_only_past_the_compared_decimals_tie() -> None:
    noise = 10 ** -(SCORE_DECIMALS + 2)
    ranked = ranks([_r("y", 10.60982), _r("x", 10.60982 - noise)])
    assert [(rank, r.id) for rank, r in ranked] == [(0, "x"), (0, "y")]


def test_rrf_sums_each_lists_weight_over_k_plus_rank() -> None:
    dense = RankedList.of([_r("a", 0.9), _r("b", 0.8)], weight=1.0)
    sparse = RankedList.of([_r("b", 7.0), _r("c", 3.0)], weight=0.5)
    fused = {r.id: r.score for r in rrf([dense, sparse], k=1)}
    assert fused == pytest.approx({"a": 1.0, "b": 1 / 2 + 0.5, "c": 0.5 / 2})


def test_equal_fused_scores_come_out_in_id_order() -> None:
    fused = rrf([RankedList.of([_r("b", 0.9), _r("a", 0.8)]), RankedList.of([_r("a", 5.0), _r("b", 4.0)])], k=1)
    assert [r.id for r in fused] == ["a", "b"] and fused[0].score == fused[1].score


class _Points:
    """Points on two dense axes with one BM25 term, written into a real Edge store in a chosen order."""

    def __init__(self, vectors: list[tuple[list[float], float]], kinds: list[str] | None = None) -> None:
        self.points = [
            Point(
                stable_id(f"fusion:{i}"),
                {"source": f"doc{i}.md", "doc_type": (kinds or ["guide"] * len(vectors))[i], "text": f"passage {i}"},
                dense=dense,
                sparse=SparseVec([0], [weight]),
            )
            for i, (dense, weight) in enumerate(vectors)
        ]

    def store(self, path: Path, order: list[int]) -> Store:
        store = EdgeStore.open(path)
        for name, spec in specs(2).items():
            store.ensure_collection(name, spec)
        store.upsert(CHUNKS, [self.points[i] for i in order])
        return store


def _fused(store: Store, depth: int = 50, parts: tuple[Partition, ...] = (Partition(Filter()),)) -> list[tuple[str, float]]:
    dense, sparse = [1.0, 0.0], SparseVec([0], [1.0])
    return [(r.id, r.score) for r in fused_query(store, CHUNKS, dense, sparse, parts, k=1, limit=10, depth=depth, margin=10)]


def test_the_same_points_written_in_any_order_fuse_to_one_ranking(tmp_path: Path) -> None:
    # Points 0 and 1 are one passage in two documents: equal in both rankings, so the store may return either first.
    points = _Points([([1.0, 0.0], 1.0), ([1.0, 0.0], 1.0), ([0.6, 0.8], 2.0), ([0.8, 0.6], 0.2)])
    seen = set()
    for n, order in enumerate(([0, 1, 2, 3], [1, 0, 3, 2], [3, 2, 1, 0])):
        store = points.store(tmp_path / str(n), order)
        seen.add(tuple(_fused(store)))
        store.close()
    assert len(seen) == 1
    (first, top), (second, level), *_ = next(iter(seen))
    assert top == level and {first, second} == {stable_id("fusion:0"), stable_id("fusion:1")} and first < second


def test_points_tied_at_the_depth_are_all_kept(tmp_path: Path) -> None:
    points = _Points([([0.6, 0.8], 0.1), ([1.0, 0.0], 1.0), ([1.0, 0.0], 1.0)])
    for n, order in enumerate(([0, 1, 2], [2, 1, 0])):
        store = points.store(tmp_path / str(n), order)
        kept = {rid for rid, _ in _fused(store, depth=1)}
        store.close()
        assert kept == {stable_id("fusion:1"), stable_id("fusion:2")}


def test_without_ties_in_a_list_it_scores_as_the_stores_own_weighted_fusion(tmp_path: Path) -> None:
    vectors = [([1.0, 0.0], 0.3), ([0.9, 0.43589], 0.9), ([0.6, 0.8], 2.0), ([0.8, 0.6], 1.4), ([0.95, 0.3122], 0.6)]
    points = _Points(vectors, kinds=["guide", "job_posting", "guide", "job_posting", "guide"])
    store = points.store(tmp_path / "index", [4, 2, 0, 3, 1])
    posting = Match("doc_type", ("job_posting",))
    parts = (Partition(Filter(must_not=(posting,)), 1.0), Partition(Filter(must=(posting,)), 0.5))
    ours = _fused(store, parts=parts)
    theirs = store.query(CHUNKS, dense=[1.0, 0.0], sparse=SparseVec([0], [1.0]), limit=10, partitions=parts, rrf_k=1)
    store.close()
    # Fused scores may tie (first in one list and third in the other, or the reverse), so compare them by id.
    assert dict(ours) == pytest.approx({r.id: r.score for r in theirs}) and len(ours) == len(vectors)
