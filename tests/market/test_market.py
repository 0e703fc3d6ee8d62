"""Market statistics on ten fixture postings in both real stores: exact counts, filters, lift, comparison, pay."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from assistant.errors import InputError
from assistant.market import stats as market
from assistant.market.filters import MarketFilter, parse_filter
from assistant.market.pay import pay_stats
from assistant.services import Services
from assistant.store.base import Store
from assistant.store.collections import POSTINGS
from assistant.store.edge import EdgeStore
from assistant.store.server import ServerStore
from assistant.vocab.skills import Taxonomy

TAX = Taxonomy.load()


@pytest.fixture(scope="module", params=["server", "edge"])
def store(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    fake_embedder: Callable[..., Any],
    market_data: Any,
) -> Iterator[Store]:
    # Read-only tests share one filled store per implementation.
    s: Store = ServerStore.memory() if request.param == "server" else EdgeStore.open(tmp_path_factory.mktemp("edge"))
    market_data.fill(s, TAX, fake_embedder(16))
    yield s
    s.close()


def test_skill_share_counts_all_postings(store: Store) -> None:
    share = market.skill_share(store, TAX, "Python")
    assert (share.skill, share.count, share.total, share.share) == ("Python", 9, 10, 0.9)


def test_skill_share_counts_aliases_as_one_skill(store: Store) -> None:
    # Posting 2 says "Retrieval-Augmented Generation" and "Large Language Models".
    assert market.skill_share(store, TAX, "RAG").count == 6
    assert market.skill_share(store, TAX, "large language models").count == 3
    assert market.skill_share(store, TAX, "Google Cloud").skill == "GCP"
    assert market.skill_share(store, TAX, "GCP").count == 2


def test_skill_share_with_city_filter(store: Store) -> None:
    share = market.skill_share(store, TAX, "RAG", MarketFilter(city="Berlin"))
    assert (share.count, share.total) == (2, 3)
    assert share.filters == MarketFilter(city="Berlin")
    assert {e.job_id for e in share.examples} == {"1", "2"}


def test_filter_values_resolve_case_and_prefix(store: Store) -> None:
    share = market.skill_share(store, TAX, "Python", MarketFilter(city="new york", level="senior", ai_type="AI-First"))
    assert share.filters.as_dict() == {"city": "New York", "level": "Senior level", "ai_type": "ai-first"}
    assert (share.count, share.total) == (1, 1)


@pytest.mark.parametrize("name", ["New York City", "NYC", "nyc"])
def test_a_city_resolves_from_its_everyday_name(store: Store, name: str) -> None:
    assert market.skill_share(store, TAX, "Python", MarketFilter(city=name)).filters.city == "New York"


def test_date_range_filter(store: Store) -> None:
    assert market.skill_share(store, TAX, "AWS", MarketFilter(since="2026-02-01")).total == 5
    assert market.skill_share(store, TAX, "AWS", MarketFilter(until="2026-01-31")).count == 2


def test_skill_filter_narrows_the_segment(store: Store) -> None:
    share = market.skill_share(store, TAX, "LLMs", MarketFilter(city="London", skills=("rag",)))
    assert (share.count, share.total) == (1, 2)


def test_unknown_city_suggests_nearest(store: Store) -> None:
    with pytest.raises(InputError, match="Berln") as exc:
        market.skill_share(store, TAX, "Python", MarketFilter(city="Berln"))
    assert "Berlin" in (exc.value.hint or "")


def test_unknown_skill_suggests_nearest(store: Store) -> None:
    with pytest.raises(InputError, match="Pyhton") as exc:
        market.skill_share(store, TAX, "Pyhton")
    assert "Python" in (exc.value.hint or "")


def test_filter_matching_no_posting_is_an_error_not_zero(store: Store) -> None:
    with pytest.raises(InputError, match="no posting matches city=Berlin, level=Junior"):
        market.skill_share(store, TAX, "Python", MarketFilter(city="Berlin", level="Junior"))


def test_known_skill_absent_from_segment_is_a_true_zero(store: Store) -> None:
    share = market.skill_share(store, TAX, "RAG", MarketFilter(ai_type="ai-support"))
    assert (share.count, share.total, share.share, share.examples) == (0, 3, 0.0, [])


def test_top_skills_ranked_with_counts(store: Store) -> None:
    ranking = market.top_skills(store, TAX, n=5)
    assert [(s.skill, s.count) for s in ranking.skills] == [("Python", 9), ("RAG", 6), ("AWS", 5), ("Docker", 4), ("LLMs", 3)]
    assert ranking.total == 10


def test_top_skills_by_category(store: Store) -> None:
    ranking = market.top_skills(store, TAX, category="cloud")
    assert [(s.skill, s.count) for s in ranking.skills] == [("AWS", 5), ("GCP", 2)]


def test_top_skills_among_the_skills_given(store: Store) -> None:
    # A kind's products ranked: aliases resolve, and a product no posting lists has no row.
    ranking = market.top_skills(store, TAX, among=["gcp", "Amazon Web Services", "Azure"])
    assert [(s.skill, s.count) for s in ranking.skills] == [("AWS", 5), ("GCP", 2)]
    assert ranking.total == 10


def test_top_skills_unknown_category(store: Store) -> None:
    with pytest.raises(InputError, match="category 'cooking'"):
        market.top_skills(store, TAX, category="cooking")


def test_co_occurrence_share_and_lift(store: Store) -> None:
    co = market.co_occurrence(store, TAX, "rag")
    assert (co.skill, co.count, co.total) == ("RAG", 6, 10)
    items = {i.skill: i for i in co.items}
    assert "RAG" not in items
    # LLMs: 3 of 6 RAG postings (0.5) against 3 of 10 overall (0.3): lift 5/3.
    assert (items["LLMs"].count, items["LLMs"].share, items["LLMs"].base_share) == (3, 0.5, 0.3)
    assert items["LLMs"].lift == pytest.approx(5 / 3)
    assert items["AWS"].lift == pytest.approx(1.0)


def test_co_occurrence_by_lift_drops_rare_pairs(store: Store) -> None:
    co = market.co_occurrence(store, TAX, "RAG", by="lift", min_count=2)
    assert [i.skill for i in co.items] == ["LLMs", "Kubernetes", "Docker", "Python", "AWS"]


def test_compare_segments_in_percentage_points(store: Store) -> None:
    cmp = market.compare(store, TAX, parse_filter("ai_type=ai-first"), parse_filter("ai_type=ai-support"))
    assert (cmp.a.total, cmp.b.total) == (6, 3)
    rows = {r.skill: r for r in cmp.rows}
    assert rows["RAG"].diff_pp == pytest.approx(100.0)
    assert rows["SQL"].diff_pp == pytest.approx(-200 / 3)
    assert (rows["AWS"].a_count, rows["AWS"].b_count) == (3, 2)
    assert cmp.rows[0].skill == "RAG"


def test_top_companies(store: Store) -> None:
    ranking = market.top_companies(store, TAX, MarketFilter(city="New York"))
    assert [(c.company, c.count) for c in ranking.companies] == [("Delta", 2), ("Gamma", 2)]
    assert ranking.total == 4
    assert {e.company for e in ranking.companies[0].examples} == {"Delta"}


def test_postings_behind_a_skill_share(store: Store) -> None:
    listing = market.postings_behind(store, TAX, MarketFilter(country="GBR"), skill="RAG")
    assert (listing.count, listing.total) == (2, 3)
    assert sorted(p.job_id for p in listing.postings) == ["10", "8"]
    assert listing.postings[0].url.startswith("https://example.com/job/")


def test_pay_never_mixes_currencies(store: Store) -> None:
    report = pay_stats(store, TAX)
    groups = {g.currency: g for g in report.groups}
    assert set(groups) == {"USD", "EUR", "GBP"}
    # USD: 120K-140K mid 120,000; 150K-200K mid 175,000; 50-70 hourly x 2080 mid 124,800.
    usd = groups["USD"]
    assert (usd.n, usd.median, usd.q1, usd.q3) == (3, 124_800, 122_400, 149_900)
    assert (groups["EUR"].n, groups["EUR"].median) == (2, 70_000)


def test_pay_examples_carry_the_pay_their_posting_lists(store: Store) -> None:
    usd = next(g for g in pay_stats(store, TAX).groups if g.currency == "USD")
    assert {e.pay for e in usd.examples} == {"$100,000-$140,000 a year", "$150,000-$200,000 a year", "$50-$70 an hour"}


def test_pay_counts_unparsed_and_missing(store: Store) -> None:
    report = pay_stats(store, TAX)
    assert (report.count, report.unparsed, report.not_listed, report.total) == (6, 2, 2, 10)
    assert sorted(report.unparsed_texts) == ["2-5 Annually", "Competitive"]


def test_pay_by_level_with_filter(store: Store) -> None:
    report = pay_stats(store, TAX, MarketFilter(country="USA"), by="level")
    rows = {(g.group, g.currency): (g.n, g.median) for g in report.groups}
    assert rows == {("Mid level", "USD"): (2, 122_400), ("Senior level", "USD"): (1, 175_000)}
    assert report.unparsed == 1


def test_parse_filter_syntax() -> None:
    flt = parse_filter("ai_type=ai-first, city=Berlin,skill=RAG,skill=Docker")
    assert flt == MarketFilter(city="Berlin", ai_type="ai-first", skills=("RAG", "Docker"))


def test_parse_filter_rejects_unknown_key() -> None:
    with pytest.raises(InputError, match="unknown filter key 'cty'") as exc:
        parse_filter("cty=Berlin")
    assert "city" in (exc.value.hint or "")


def test_parse_filter_rejects_missing_value() -> None:
    with pytest.raises(InputError, match="not key=value"):
        parse_filter("Berlin")


def test_category_of_a_skill_the_taxonomy_dropped_is_other() -> None:
    # An index built with an older taxonomy may hold a name the current one lacks.
    assert (market.category_of(TAX, "RAG"), market.category_of(TAX, "Retired Skill")) == ("genai", "other")


def test_bad_date_is_an_input_error(store: Store) -> None:
    with pytest.raises(InputError, match="not a date"):
        market.skill_share(store, TAX, "Python", MarketFilter(since="last week"))


# The issue's figures count exact skill strings; ours count canonical skills (aliases folded in, and
# the raw posting's own skill list too). Within 3 points except RAG, where aliases such as
# "RAG pipelines", "RAG architectures" and "RAG (Retrieval-Augmented Generation)" add ~100 postings.
ISSUE_SHARES = {"Python": 82.0, "AWS": 42.0, "RAG": 35.0, "Docker": 32.0, "Kubernetes": 28.5}
ALIAS_POINTS = {"RAG": 5.7}


@pytest.mark.integration
@pytest.mark.parametrize("skill", ISSUE_SHARES)
def test_corpus_skill_shares_match_the_issue(full_index: Services, skill: str) -> None:
    share = market.skill_share(full_index.store, full_index.taxonomy, skill)
    assert share.total == 1765
    assert abs(100 * share.share - ISSUE_SHARES[skill] - ALIAS_POINTS.get(skill, 0.0)) <= 3


@pytest.mark.integration
def test_corpus_exact_rag_string_share_is_the_issue_figure(full_index: Services) -> None:
    # Proves the RAG difference above is aliasing: the exact string "RAG" alone gives the issue's 35%.
    records = full_index.store.scroll(POSTINGS, fields=["skills_by_category"])
    exact = sum(any("RAG" in v for v in r.payload["skills_by_category"].values()) for r in records)
    assert abs(100 * exact / 1765 - 35.0) <= 1
