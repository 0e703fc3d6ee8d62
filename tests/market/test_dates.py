"""The posting date range of a segment: one facet on the day field, in both stores, carried by every figure."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.core.schema import Posting
from assistant.market import gap
from assistant.market import stats as market
from assistant.market.dates import DateRange, date_range, iso_day, joint_label, span
from assistant.market.filters import MarketFilter, resolve
from assistant.market.pay import pay_stats
from assistant.store.base import Filter, Match, Point, Store
from assistant.store.collections import POSTINGS, posting_payload, specs
from assistant.store.edge import EdgeStore
from assistant.store.server import ServerStore
from assistant.vocab.skills import Taxonomy
from ingest.pipeline import posting_id

# job id, company, posted date (None: the listing gave none)
DATED = [
    ("1", "Acme", "2026-01-10"),
    ("2", "Acme", "2025-08-01"),
    ("3", "Beta", "2026-02-27"),
    ("4", "Beta", None),
    ("5", "Gamma", "not a date"),
]


@pytest.fixture(params=["edge", "server"])
def small(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Five postings (one undated, one with a date that is no date) in a Qdrant Edge or a qdrant-client store."""
    store: Store = EdgeStore.open(tmp_path / "index") if request.param == "edge" else ServerStore.memory()
    for name, spec in specs(4).items():
        store.ensure_collection(name, spec)
    postings = [Posting(job_id=j, source=f"p{j}.yaml", title="AI Engineer", company=c, posted_date=d) for j, c, d in DATED]
    store.upsert(POSTINGS, [Point(posting_id(p.job_id), posting_payload(p), [0.5] * 4) for p in postings])
    yield store
    store.close()


def test_date_range_of_every_posting_and_of_a_segment(small: Store) -> None:
    assert date_range(small) == DateRange("2025-08-01", "2026-02-27")
    assert date_range(small, Filter(must=(Match("company", ("Acme",)),))) == DateRange("2025-08-01", "2026-01-10")
    assert date_range(small, Filter(must=(Match("company", ("Beta",)),))) == DateRange("2026-02-27", "2026-02-27")


def test_a_segment_without_dated_postings_has_no_range(small: Store) -> None:
    assert date_range(small, Filter(must=(Match("company", ("Gamma",)),))) is None
    assert date_range(small, Filter(must=(Match("company", ("Nobody",)),))) is None


def test_labels_are_short_and_name_one_day_once() -> None:
    assert DateRange("2025-08-01", "2026-02-27").label() == "postings dated 2025-08-01 to 2026-02-27"
    assert DateRange("2026-02-27", "2026-02-27").label() == "postings dated 2026-02-27"
    same, other = DateRange("2026-01-01", "2026-02-01"), DateRange("2026-01-05", "2026-02-01")
    assert joint_label([("a", same), ("b", same)]) == same.label()
    assert joint_label([("a", same), ("b", other)]) == f"a: {same.label()}; b: {other.label()}"
    assert joint_label([("a", None)]) is None


def test_days_that_are_no_calendar_date_are_skipped() -> None:
    assert iso_day(20260231) is None and iso_day(20260228) == "2026-02-28"
    assert span([20261340, 20260105, 20251231]) == DateRange("2025-12-31", "2026-01-05")
    assert span([]) is None


@pytest.fixture(scope="module")
def market_store(market_data: Any, fake_embedder: Callable[..., Any]) -> Iterator[Store]:
    """The ten market postings: 1-5 posted 2026-01-10, 6-10 posted 2026-02-05."""
    store = ServerStore.memory()
    market_data.fill(store, Taxonomy.load(), fake_embedder(16), chunks=True)
    yield store
    store.close()


def test_every_figure_carries_its_segments_range(market_store: Store, fake_embedder: Callable[..., Any]) -> None:
    tax = Taxonomy.load()
    everything = DateRange("2026-01-10", "2026-02-05")
    berlin, london = MarketFilter(city="Berlin"), MarketFilter(city="London")
    assert market.skill_share(market_store, tax, "RAG").dates == everything
    assert market.skill_share(market_store, tax, "RAG", berlin).dates == DateRange("2026-01-10", "2026-01-10")
    assert market.top_skills(market_store, tax, london).dates == DateRange("2026-02-05", "2026-02-05")
    assert market.co_occurrence(market_store, tax, "RAG").dates == everything
    assert market.top_companies(market_store, tax).dates == everything
    assert market.postings_behind(market_store, tax, berlin).dates == DateRange("2026-01-10", "2026-01-10")
    cmp = market.compare(market_store, tax, berlin, london)
    assert (cmp.a.dates, cmp.b.dates) == (DateRange("2026-01-10", "2026-01-10"), DateRange("2026-02-05", "2026-02-05"))
    assert pay_stats(market_store, tax, MarketFilter(since="2026-02-01")).dates == DateRange("2026-02-05", "2026-02-05")
    report = gap.skill_gap(market_store, fake_embedder(16), tax, gap.profile_from_list(tax, "python"), passages=0)
    assert report.dates == everything


def test_the_range_is_one_facet_not_a_scroll(market_store: Store) -> None:
    class Counting:
        """The store, counting scrolls."""

        def __init__(self, inner: Store) -> None:
            self.inner, self.scrolls = inner, 0

        def __getattr__(self, name: str) -> Any:
            if name in ("scroll", "scroll_points"):
                self.scrolls += 1
            return getattr(self.inner, name)

    counting = Counting(market_store)
    seg = resolve(market_store, Taxonomy.load(), MarketFilter(ai_type="ai-first"))
    assert date_range(counting, seg.store_filter) == DateRange("2026-01-10", "2026-02-05")
    assert counting.scrolls == 0
