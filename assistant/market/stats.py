"""Job-market statistics over the postings: shares, top skills, co-occurrence, segment comparison, companies.

Every figure is computed where the data lives: exact `count` and `facet` calls on the `postings`
collection through the store interface, with the segment as a payload filter. Nothing here loads all
postings into Python; only example postings are scrolled, a few at a time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import islice
from typing import Literal

from assistant.errors import InputError
from assistant.market.dates import DateRange, date_range
from assistant.market.filters import ALL_VALUES, MarketFilter, Segment, resolve
from assistant.market.results import (
    REF_FIELDS,
    CompanyRanking,
    CompanyStat,
    CompareRow,
    Comparison,
    CoOccurrence,
    CoSkill,
    PostingList,
    PostingRef,
    SegmentSummary,
    SkillRanking,
    SkillShare,
    SkillStat,
)
from assistant.store.base import Filter, Match, Store
from assistant.store.collections import POSTINGS
from assistant.vocab.skills import Taxonomy
from assistant.vocab.terms import SKILL_CATEGORIES


def examples(store: Store, flt: Filter, k: int = 3) -> list[PostingRef]:
    """Up to k postings the filter selects (id order: a stable, unbiased sample)."""
    if k <= 0:
        return []
    return [PostingRef.from_payload(r.payload) for r in islice(store.scroll(POSTINGS, flt, fields=REF_FIELDS, batch=k), k)]


def segment_dates(store: Store, seg: Segment) -> DateRange | None:
    """The earliest and latest posted date of the segment's postings (one facet on the day field)."""
    return date_range(store, seg.store_filter)


def skill_counts(store: Store, flt: Filter) -> dict[str, int]:
    """Postings per canonical skill within a filter, most listed first (ties by name)."""
    facets = store.facet(POSTINGS, "skills", flt, limit=ALL_VALUES)
    return dict(sorted(((str(f.value), f.count) for f in facets), key=lambda kv: (-kv[1], kv[0])))


def category_of(taxonomy: Taxonomy, skill: str) -> str:
    """The skill's category; "other" for a name the index holds but the taxonomy no longer has (re-ingest fixes)."""
    try:
        return taxonomy.category(skill)
    except InputError:
        return "other"


def _with_skill(seg: Segment, skill: str) -> Filter:
    return seg.store_filter.and_(Match("skills", (skill,)))


def skill_share(store: Store, taxonomy: Taxonomy, skill: str, flt: MarketFilter = MarketFilter(), *, k: int = 3) -> SkillShare:
    """Share of postings in the segment that list the skill (any alias), with k example postings."""
    name = taxonomy.resolve(skill)
    seg = resolve(store, taxonomy, flt)
    with_skill = _with_skill(seg, name)
    count = store.count(POSTINGS, with_skill)
    return SkillShare(
        name,
        category_of(taxonomy, name),
        count,
        seg.total,
        count / seg.total,
        seg.filter,
        examples(store, with_skill, k),
        segment_dates(store, seg),
    )


def _check_category(category: str | None) -> None:
    if category is not None and category not in SKILL_CATEGORIES:
        raise InputError(f"unknown skill category {category!r}", hint=f"use one of: {', '.join(SKILL_CATEGORIES)}")


def domain_counts(store: Store, flt: Filter) -> dict[str, int]:
    """Postings per domain (the structured `domains` list: fields and industries, which the taxonomy leaves out), most named first."""
    counts: Counter[str] = Counter()
    spelling: dict[str, Counter[str]] = {}
    for record in store.scroll(POSTINGS, flt, fields=["skills_by_category"]):
        named = {d.strip(): None for d in (record.payload.get("skills_by_category") or {}).get("domains") or [] if d.strip()}
        for key in {d.lower(): d for d in named}.items():
            counts[key[0]] += 1
            spelling.setdefault(key[0], Counter())[key[1]] += 1
    # One row per domain whatever its case; shown as it is most often written.
    return {spelling[k].most_common(1)[0][0]: c for k, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))}


def _counts(store: Store, taxonomy: Taxonomy, flt: Filter, category: str | None) -> dict[str, int]:
    """Postings per skill in one category (or every skill), most listed first."""
    if category == "domains":
        return domain_counts(store, flt)
    return {s: c for s, c in skill_counts(store, flt).items() if category is None or category_of(taxonomy, s) == category}


def _category(taxonomy: Taxonomy, name: str, category: str | None) -> str:
    return "domains" if category == "domains" else category_of(taxonomy, name)


def top_skills(
    store: Store,
    taxonomy: Taxonomy,
    flt: MarketFilter = MarketFilter(),
    *,
    n: int = 20,
    category: str | None = None,
    k: int = 0,
    among: Iterable[str] | None = None,
) -> SkillRanking:
    """The n most listed skills in the segment (a facet on `skills`), optionally in one category or `among` some skills."""
    _check_category(category)
    names = None if among is None else {taxonomy.resolve(s) for s in among}
    seg = resolve(store, taxonomy, flt)
    rows = [(s, c) for s, c in _counts(store, taxonomy, seg.store_filter, category).items() if names is None or s in names][:n]
    # Domains are not in the `skills` index, so they have no example postings of their own.
    per_row = 0 if category == "domains" else k
    stats = [
        SkillStat(s, _category(taxonomy, s, category), c, c / seg.total, examples(store, _with_skill(seg, s), per_row))
        for s, c in rows
    ]
    return SkillRanking(category, seg.total, seg.filter, stats, examples(store, seg.store_filter), segment_dates(store, seg))


def co_occurrence(
    store: Store,
    taxonomy: Taxonomy,
    skill: str,
    flt: MarketFilter = MarketFilter(),
    *,
    n: int = 15,
    by: Literal["share", "lift"] = "share",
    min_count: int = 3,
) -> CoOccurrence:
    """Skills listed with `skill`: share among its postings and lift = that share / the segment's base rate."""
    name = taxonomy.resolve(skill)
    seg = resolve(store, taxonomy, flt)
    with_skill = _with_skill(seg, name)
    count = store.count(POSTINGS, with_skill)
    if count == 0:
        raise InputError(f"no posting in {seg.filter.label()} lists {name}", hint="widen the filter or pick another skill")
    pairs = [(s, c) for s, c in skill_counts(store, with_skill).items() if s != name]
    if by == "lift":
        # Lift needs every candidate's base rate: one facet over the segment.
        base = skill_counts(store, seg.store_filter)
        pairs = [(s, c) for s, c in pairs if c >= min_count]
    else:
        # Only the n shown need a base rate: n exact counts are cheaper than a facet over the segment.
        pairs = pairs[:n]
        base = {s: store.count(POSTINGS, _with_skill(seg, s)) for s, _ in pairs}
    items = [
        CoSkill(s, category_of(taxonomy, s), c, c / count, base[s] / seg.total, (c / count) / (base[s] / seg.total))
        for s, c in pairs
    ]
    if by == "lift":
        items.sort(key=lambda i: (-round(i.lift, 9), -i.count, i.skill))
    return CoOccurrence(
        name, count, seg.total, count / seg.total, seg.filter, items[:n], examples(store, with_skill), segment_dates(store, seg)
    )


def compare(
    store: Store,
    taxonomy: Taxonomy,
    a: MarketFilter,
    b: MarketFilter,
    *,
    n: int = 20,
    category: str | None = None,
) -> Comparison:
    """Skill shares in two segments side by side, the n largest differences (percentage points) first."""
    _check_category(category)
    sa, sb = resolve(store, taxonomy, a), resolve(store, taxonomy, b)
    # Counts unsorted, categories only for the rows shown (or to filter): the facets are the only real cost.
    if category == "domains":
        ca, cb = (domain_counts(store, seg.store_filter) for seg in (sa, sb))
    else:
        ca, cb = (
            {str(f.value): f.count for f in store.facet(POSTINGS, "skills", seg.store_filter, limit=ALL_VALUES)}
            for seg in (sa, sb)
        )
    skills = [s for s in dict.fromkeys([*ca, *cb]) if category in (None, "domains") or category_of(taxonomy, s) == category]
    diffs = {s: 100 * (ca.get(s, 0) / sa.total - cb.get(s, 0) / sb.total) for s in skills}
    top = sorted(skills, key=lambda s: (-abs(diffs[s]), s))[:n]
    rows = [
        CompareRow(
            s,
            _category(taxonomy, s, category),
            ca.get(s, 0),
            ca.get(s, 0) / sa.total,
            cb.get(s, 0),
            cb.get(s, 0) / sb.total,
            diffs[s],
        )
        for s in top
    ]
    return Comparison(
        SegmentSummary(sa.filter, sa.total, examples(store, sa.store_filter), segment_dates(store, sa)),
        SegmentSummary(sb.filter, sb.total, examples(store, sb.store_filter), segment_dates(store, sb)),
        rows,
    )


def top_companies(
    store: Store, taxonomy: Taxonomy, flt: MarketFilter = MarketFilter(), *, n: int = 15, k: int = 2
) -> CompanyRanking:
    """Companies with the most postings in the segment (a facet on `company`), k example postings each."""
    seg = resolve(store, taxonomy, flt)
    facets = sorted(
        ((str(f.value), f.count) for f in store.facet(POSTINGS, "company", seg.store_filter, limit=ALL_VALUES)),
        key=lambda kv: (-kv[1], kv[0]),
    )[:n]
    companies = [
        CompanyStat(name, c, c / seg.total, examples(store, seg.store_filter.and_(Match("company", (name,))), k))
        for name, c in facets
    ]
    return CompanyRanking(seg.total, seg.filter, companies, segment_dates(store, seg))


def postings_behind(
    store: Store, taxonomy: Taxonomy, flt: MarketFilter = MarketFilter(), *, skill: str | None = None, limit: int = 20
) -> PostingList:
    """The postings behind a figure: the segment's, or those that list `skill` within it."""
    seg = resolve(store, taxonomy, flt)
    selected = _with_skill(seg, taxonomy.resolve(skill)) if skill else seg.store_filter
    count = store.count(POSTINGS, selected) if skill else seg.total
    return PostingList(
        count, seg.total, count / seg.total, seg.filter, examples(store, selected, limit), segment_dates(store, seg)
    )
