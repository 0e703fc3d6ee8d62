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
    """One ranked list of the fusion: (rank, record) pairs best first, and the list's weight."""

    ranked: Sequence[tuple[int, Record]]
    weight: float = 1.0

    @classmethod
    def of(cls, records: Sequence[Record], weight: float = 1.0) -> RankedList:
        """The records ranked by score (see `ranks`)."""
        return cls(ranks(records), weight)


def ranks(records: Sequence[Record]) -> list[tuple[int, Record]]:
    """The records best first, each with its rank from 0; records whose scores round alike share the best rank."""
    keyed = sorted(((-round(r.score, SCORE_DECIMALS), r.id), r) for r in records)
    out: list[tuple[int, Record]] = []
    for i, (key, r) in enumerate(keyed):
        tied = i > 0 and keyed[i - 1][0][0] == key[0]
        out.append((out[-1][0] if tied else i, r))
    return out


def rrf(lists: Sequence[RankedList], k: int) -> list[Record]:
    """The records of every list, scored by the sum of weight / (k + rank) over the lists they are in, best first."""
    parts: dict[str, list[float]] = {}
    for ranked in lists:
        for rank, r in ranked.ranked:
            parts.setdefault(r.id, []).append(ranked.weight / (k + rank))
    # Payloads are not carried: the lists hold ids and scores, and the caller reads the winners' payloads.
    fused = [Record(i, {}, math.fsum(p)) for i, p in parts.items()]
    return sorted(fused, key=best_first)


def fused_query(
    store: Store,
    name: str,
    dense: list[float] | None,
    sparse: SparseVec | None,
    partitions: Sequence[Partition],
    *,
    k: int,
    limit: int,
    depth: int,
    margin: int,
) -> list[Record]:
    """The `limit` best points, with payloads, of each vector's `depth` best in each partition fused with weighted RRF."""
    lists: list[RankedList] = []
    for part in partitions:
        for d, sp in ((dense, None), (None, sparse)):
            if d is None and sp is None:
                continue
            # Fetched past the depth, so points tied at the cut are all kept, whichever of them the store returned first.
            found = store.query(name, dense=d, sparse=sp, flt=part.flt, limit=depth + margin, with_payload=False)
            lists.append(RankedList([(rank, r) for rank, r in ranks(found) if rank < depth], part.weight))
    best = rrf(lists, k)[:limit]
    # Rankings come without payloads (six lists of 60 postings' texts cost more than the search); the winners get theirs.
    payloads = {r.id: r.payload for r in store.retrieve(name, [r.id for r in best])}
    return [Record(r.id, payloads[r.id], r.score) for r in best if r.id in payloads]
