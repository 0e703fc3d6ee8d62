"""Pay statistics: median and interquartile range of yearly pay with n, per currency, by level, city or ai_type.

Compensation is free text ("150K-200K Annually", "30-70 Hourly"), which Qdrant cannot facet or
aggregate. So this is the one figure not computed inside the store: it scrolls the segment's postings
with the filter applied in the store and only the compensation, grouping and reference fields
returned, and parses and aggregates them here (memory grows with the number of postings that list
pay, not with their size).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, replace

from assistant.market.dates import DateRange
from assistant.market.filters import MarketFilter, resolve
from assistant.market.results import PostingRef
from assistant.market.stats import segment_dates
from assistant.store.base import Store
from assistant.store.collections import POSTINGS
from assistant.vocab.compensation import currency_for_country, describe, parse_compensation
from assistant.vocab.skills import Taxonomy
from assistant.vocab.terms import PayGroupBy

NOT_LISTED = "(not listed)"
EXAMPLES_PER_GROUP = 3
SCROLL_BATCH = 2048


@dataclass(frozen=True)
class PayStat:
    """Yearly pay in one currency for one group: n postings, median, quartiles, lowest and highest."""

    group: str | None
    currency: str
    n: int
    median: float
    q1: float
    q3: float
    low: float
    high: float
    examples: list[PostingRef]


@dataclass(frozen=True)
class PayReport:
    """Pay over a segment: `count` of `total` postings had parseable pay; the rest is counted, never guessed."""

    by: str | None
    count: int
    total: int
    share: float
    unparsed: int
    not_listed: int
    filters: MarketFilter
    groups: list[PayStat]
    unparsed_texts: list[str]
    dates: DateRange | None = None  # earliest and latest posted date of the segment's postings


def _stat(group: str | None, currency: str, values: list[float], refs: list[PostingRef]) -> PayStat:
    values = sorted(values)
    q1, med, q3 = statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else values * 3
    return PayStat(group, currency, len(values), med, q1, q3, values[0], values[-1], refs)


def pay_stats(store: Store, taxonomy: Taxonomy, flt: MarketFilter = MarketFilter(), *, by: PayGroupBy | None = None) -> PayReport:
    """Median and IQR of yearly pay (range midpoint; hourly scaled to a year), one row per group and currency."""
    seg = resolve(store, taxonomy, flt)
    fields = list(dict.fromkeys(["compensation", "country", *([by] if by else [])]))
    values: dict[tuple[str | None, str], list[float]] = defaultdict(list)
    example_ids: dict[tuple[str | None, str], list[str]] = defaultdict(list)
    example_pay: dict[str, str] = {}
    unparsed: list[str] = []
    not_listed = 0
    for record in store.scroll(POSTINGS, seg.store_filter, fields=fields, batch=SCROLL_BATCH):
        text = record.payload.get("compensation")
        if not text or not str(text).strip():
            not_listed += 1
            continue
        # Listings state amounts without a currency: the posting's country supplies it, else "unknown".
        pay = parse_compensation(str(text), default_currency=currency_for_country(record.payload.get("country")))
        if pay is None:
            unparsed.append(str(text))
            continue
        yearly = pay.yearly()
        key = ((record.payload.get(by) or NOT_LISTED) if by else None, yearly.currency)
        values[key].append(yearly.mid)
        if len(example_ids[key]) < EXAMPLES_PER_GROUP:
            example_ids[key].append(record.id)
            example_pay[record.id] = describe(pay)
    # Reference fields only for the few examples, not for every scrolled posting.
    wanted = [i for ids in example_ids.values() for i in ids]
    refs = {r.id: replace(PostingRef.from_payload(r.payload), pay=example_pay[r.id]) for r in store.retrieve(POSTINGS, wanted)}
    groups = sorted(
        (_stat(g, cur, v, [refs[i] for i in example_ids[(g, cur)] if i in refs]) for (g, cur), v in values.items()),
        key=lambda s: (-s.n, s.group or "", s.currency),
    )
    count = seg.total - len(unparsed) - not_listed
    return PayReport(
        by,
        count,
        seg.total,
        count / seg.total,
        len(unparsed),
        not_listed,
        seg.filter,
        groups,
        unparsed[:10],
        segment_dates(store, seg),
    )
