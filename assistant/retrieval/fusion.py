"""Weighted reciprocal rank fusion done here, so one set of chunks gives one ranking however the store wrote them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.store.base import Partition, Record, SparseVec, Store, best_first

# Two builds of the same chunks write them in another order, into other segments: BM25 scores then differ in
# the fifth decimal (float sums in another order), and equal scores (the same passage in two documents) come
# back in either order. Scores are compared at this many decimals, and equal ones share a rank.
SCORE_DECIMALS = 4


@dataclass(frozen=True)
class RankedList:
    """One ranked list of the fusion and its weight."""

    records: Sequence[Record]
    weight: float = 1.0


def ranks(records: Sequence[Record]) -> list[tuple[int, Record]]:
    """The records best first, each with its rank from 0; records whose scores round alike share the best rank."""
    keyed = sorted(records, key=lambda r: (-round(r.score, SCORE_DECIMALS), r.id))
    out: list[tuple[int, Record]] = []
    for i, r in enumerate(keyed):
        tied = out and round(out[-1][1].score, SCORE_DECIMALS) == round(r.score, SCORE_DECIMALS)
        out.append((out[-1][0] if tied else i, r))
    return out


def rrf(lists: Sequence[RankedList], k: int) -> list[Record]:
    """The records of every list, scored by the sum of weight / (k + rank) over the lists they are in, best first."""
    parts: dict[str, list[float]] = {}
    payloads: dict[str, Record] = {}
    for ranked in lists:
        for rank, r in ranks(ranked.records):
            parts.setdefault(r.id, []).append(ranked.weight / (k + rank))
            payloads.setdefault(r.id, r)
    fused = [Record(i, payloads[i].payload, math.fsum(p)) for i, p in parts.items()]
    return sorted(fused, key=best_first)


def fused_query(
    store: Store,
    name: str,
    dense: list[float] | None,
    sparse: SparseVec | None,
    partitions: Sequence[Partition],
    *,
    k: int,
    depth: int = 50,
    margin: int = 10,
) -> list[Record]:
    """Each vector's `depth` best points in each partition, fused with weighted RRF, best first."""
    lists: list[RankedList] = []
    for part in partitions:
        for d, sp in ((dense, None), (None, sparse)):
            if d is None and sp is None:
                continue
            # Fetched past the depth, so points tied at the cut are all kept, whichever of them the store returned first.
            found = store.query(name, dense=d, sparse=sp, flt=part.flt, limit=depth + margin)
            lists.append(RankedList([r for rank, r in ranks(found) if rank < depth], part.weight))
    return rrf(lists, k)
