"""Ground truth computed from the indexed postings: figures for statistic cases, matches for job checks."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from assistant.errors import InputError
from assistant.market.filters import ALL_VALUES, MarketFilter, resolve
from assistant.market.pay import pay_stats
from assistant.market.stats import compare as compare_segments
from assistant.market.stats import postings_behind, skill_share, top_companies, top_skills
from assistant.store.base import Filter, Match, Store
from assistant.store.collections import CHUNKS, MENTIONED, POSTINGS, SkillField
from assistant.vocab.skills import Taxonomy
from evals.dataset import JobCheck, Segment, Statistic
from evals.metrics import FigureTruth


@dataclass(frozen=True)
class ComputedTruth:
    """A statistic's figures and the values its reference answer is filled with."""

    figures: FigureTruth
    values: dict[str, str] = field(default_factory=dict)


def _pct(share: float) -> str:
    return f"{100 * share:.1f}%"


def _market_filter(segment: Segment, skill: str | None = None) -> MarketFilter:
    return MarketFilter(**segment.model_dump(), skills=(skill,) if skill else ())


def _headline(store: Store, taxonomy: Taxonomy, stat: Statistic) -> ComputedTruth:
    """The figure the question asks for, and the values its reference answer is filled with."""
    flt = _market_filter(stat.filters)
    if stat.kind == "skill_share":
        s = skill_share(store, taxonomy, stat.skill or "", flt, k=0)
        figures = FigureTruth(headline_percents=(100 * s.share,), counts=(s.count,), totals=(s.total,))
        return ComputedTruth(figures, {"count": f"{s.count:,}", "total": f"{s.total:,}", "share": _pct(s.share)})
    if stat.kind == "compare":
        c = compare_segments(store, taxonomy, flt, _market_filter(stat.versus or Segment()), n=ALL_VALUES)
        skill = taxonomy.resolve(stat.skill or "")
        row = next((r for r in c.rows if r.skill == skill), None)
        a_count, b_count = (row.a_count, row.b_count) if row else (0, 0)
        shares = (100 * a_count / c.a.total, 100 * b_count / c.b.total)
        figures = FigureTruth(headline_percents=shares, counts=(a_count, b_count), totals=(c.a.total, c.b.total))
        return ComputedTruth(figures, {"a_share": f"{shares[0]:.1f}%", "b_share": f"{shares[1]:.1f}%"})
    if stat.kind == "top_skills":
        r = top_skills(store, taxonomy, flt, n=stat.n, category=stat.category)
        figures = FigureTruth(headline_percents=tuple(100 * s.share for s in r.skills[:1]), totals=(r.total,))
        return ComputedTruth(figures, {"top": ", ".join(f"{s.skill} {_pct(s.share)}" for s in r.skills)})
    if stat.kind == "top_companies":
        cr = top_companies(store, taxonomy, flt, n=stat.n, k=0)
        figures = FigureTruth(headline_counts=tuple(c.count for c in cr.companies[:1]), totals=(cr.total,))
        return ComputedTruth(figures, {"top": ", ".join(f"{c.company} ({c.count})" for c in cr.companies)})
    if stat.kind == "posting_count":
        count = postings_behind(store, taxonomy, flt, limit=0).count
        everything = resolve(store, taxonomy, MarketFilter()).total
        figures = FigureTruth(headline_counts=(count,), totals=(everything,), percents=(100 * count / everything,))
        return ComputedTruth(figures, {"count": f"{count:,}", "total": f"{everything:,}"})
    report = pay_stats(store, taxonomy, flt)
    figures = FigureTruth(
        headline_money=tuple(g.median for g in report.groups),
        money=tuple(v for g in report.groups for v in (g.q1, g.q3, g.low, g.high)),
        counts=(report.count, *(g.n for g in report.groups)),
        totals=(report.total,),
        percents=(100 * report.share,),
    )
    medians = ", ".join(f"{g.currency} {g.median:,.0f} (n={g.n})" for g in report.groups)
    return ComputedTruth(figures, {"median": medians, "count": f"{report.count:,}", "total": f"{report.total:,}"})


def segment_figures(store: Store, taxonomy: Taxonomy, segment: Segment) -> FigureTruth:
    """Every true figure about one segment: each skill's and company's count and share, and its size.

    An answer may state more about the segment than the figure asked for (a table of skills in
    Amsterdam when asked how many postings are there); those figures are checked too, against these.
    """
    flt = _market_filter(segment)
    skills = top_skills(store, taxonomy, flt, n=ALL_VALUES)
    companies = top_companies(store, taxonomy, flt, n=ALL_VALUES, k=0)
    return FigureTruth(
        percents=tuple(100 * s.share for s in skills.skills) + tuple(100 * c.share for c in companies.companies),
        counts=tuple(s.count for s in skills.skills) + tuple(c.count for c in companies.companies),
        totals=(skills.total,),
    )


def _merge(a: FigureTruth, b: FigureTruth) -> FigureTruth:
    return FigureTruth(**{f.name: (*getattr(a, f.name), *getattr(b, f.name)) for f in fields(FigureTruth)})


def compute(store: Store, taxonomy: Taxonomy, stat: Statistic) -> ComputedTruth:
    """The truth of one statistic, computed with the same market functions the assistant's tools use:
    the headline figure the answer must state, plus every true figure about the segments involved."""
    truth = _headline(store, taxonomy, stat)
    figures = truth.figures
    for side in [stat.filters, *([stat.versus] if stat.versus else [])]:
        figures = _merge(figures, segment_figures(store, taxonomy, side))
    return ComputedTruth(figures, truth.values)


def fill_reference(reference: str, truth: ComputedTruth | None) -> str:
    """The reference answer with the computed figures in place of its {placeholders}."""
    return reference.format(**truth.values) if truth else reference


def _contains(value: Any, wanted: str) -> bool:
    return isinstance(value, str) and wanted.casefold() in value.casefold()


def posting_matches(payload: dict[str, Any], check: JobCheck, taxonomy: Taxonomy, skill_field: SkillField = MENTIONED) -> bool:
    """True when a stored posting satisfies every field of the job check; a job lookup's skill may be named anywhere
    in the posting (`mentioned_skills`), a figure's example must list it (`skills`)."""
    if check.company and not _contains(payload.get("company"), check.company):
        return False
    if check.city and not (_contains(payload.get("city"), check.city) or _contains(payload.get("location"), check.city)):
        return False
    for key in ("work_type", "ai_type", "level"):
        wanted = getattr(check, key)
        if wanted and not _contains(payload.get(key), wanted):
            return False
    return not check.skill or taxonomy.resolve(check.skill) in (payload.get(skill_field) or [])


class PostingLookup:
    """Postings by source file, fetched once each, for judging cited or retrieved postings."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._cache: dict[str, dict[str, Any] | None] = {}

    def payload(self, source: str) -> dict[str, Any] | None:
        """The stored posting whose source is this file, or None for a non-posting source."""
        if source not in self._cache:
            records = self.store.scroll(POSTINGS, Filter(must=(Match("source", (source,)),)), batch=1)
            first = next(iter(records), None)
            self._cache[source] = first.payload if first else None
        return self._cache[source]


def matching_count(store: Store, taxonomy: Taxonomy, check: JobCheck) -> int:
    """How many postings satisfy the job check as a job lookup does (the skill named anywhere), counted in the store
    (0 when a value is unknown)."""
    seg = Segment(company=check.company, city=check.city, work_type=check.work_type, ai_type=check.ai_type, level=check.level)
    try:
        return resolve(store, taxonomy, _market_filter(seg, check.skill), skill_field=MENTIONED).total
    except InputError:  # a value no posting has: nothing matches
        return 0


class SourceTexts:
    """The full indexed text of a source (its chunks joined), fetched once each, to tell quoted figures."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._cache: dict[str, str] = {}

    def text(self, source: str) -> str:
        """Every chunk text of the source, in stored order ("" for an unknown source)."""
        if source not in self._cache:
            records = self.store.scroll(CHUNKS, Filter(must=(Match("source", (source,)),)), fields=["text"])
            self._cache[source] = "\n".join(r.payload.get("text", "") for r in records)
        return self._cache[source]
