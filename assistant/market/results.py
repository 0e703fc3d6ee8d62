"""The typed results of the job-market statistics: each figure with its n, its segment and the postings behind it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.market.dates import DateRange
from assistant.market.filters import MarketFilter

REF_FIELDS = ["job_id", "title", "company", "city", "url", "source"]


@dataclass(frozen=True)
class PostingRef:
    """One posting as evidence for a figure."""

    job_id: str
    title: str
    company: str
    city: str | None
    url: str | None
    source: str
    pay: str | None = None  # as `compensation.describe` writes it, for the examples behind a pay figure

    @classmethod
    def from_payload(cls, p: dict[str, Any]) -> PostingRef:
        """From a stored posting payload (only REF_FIELDS needed)."""
        return cls(str(p["job_id"]), p.get("title", ""), p.get("company", ""), p.get("city"), p.get("url"), p.get("source", ""))


@dataclass(frozen=True)
class SkillShare:
    """Share of the segment's postings that list one skill."""

    skill: str
    category: str
    count: int
    total: int
    share: float
    filters: MarketFilter
    examples: list[PostingRef]
    dates: DateRange | None = None  # earliest and latest posted date of the segment's postings


@dataclass(frozen=True)
class SkillStat:
    """One row of a ranking: a skill, how many postings list it, its share of the segment."""

    skill: str
    category: str
    count: int
    share: float
    examples: list[PostingRef]


@dataclass(frozen=True)
class SkillRanking:
    """The most listed skills in a segment, optionally within one category."""

    category: str | None
    total: int
    filters: MarketFilter
    skills: list[SkillStat]
    examples: list[PostingRef]
    dates: DateRange | None = None  # earliest and latest posted date of the segment's postings


@dataclass(frozen=True)
class CoSkill:
    """A skill seen alongside the anchor skill: conditional share, base rate and lift."""

    skill: str
    category: str
    count: int
    share: float
    base_share: float
    lift: float


@dataclass(frozen=True)
class CoOccurrence:
    """Of the segment's postings that want `skill` (count of total), what else they want."""

    skill: str
    count: int
    total: int
    share: float
    filters: MarketFilter
    items: list[CoSkill]
    examples: list[PostingRef]
    dates: DateRange | None = None  # earliest and latest posted date of the segment's postings


@dataclass(frozen=True)
class SegmentSummary:
    """One side of a comparison."""

    filters: MarketFilter
    total: int
    examples: list[PostingRef]
    dates: DateRange | None = None  # earliest and latest posted date of the segment's postings


@dataclass(frozen=True)
class CompareRow:
    """A skill's share in two segments and the difference in percentage points (a minus b)."""

    skill: str
    category: str
    a_count: int
    a_share: float
    b_count: int
    b_share: float
    diff_pp: float


@dataclass(frozen=True)
class Comparison:
    """Two segments side by side, rows ordered by the size of the difference."""

    a: SegmentSummary
    b: SegmentSummary
    rows: list[CompareRow]


@dataclass(frozen=True)
class CompanyStat:
    """A company and how many of the segment's postings are its."""

    company: str
    count: int
    share: float
    examples: list[PostingRef]


@dataclass(frozen=True)
class CompanyRanking:
    """Companies with the most postings in a segment."""

    total: int
    filters: MarketFilter
    companies: list[CompanyStat]
    dates: DateRange | None = None  # earliest and latest posted date of the segment's postings


@dataclass(frozen=True)
class PostingList:
    """The postings behind a figure: `count` of `total` match, the first `len(postings)` listed."""

    count: int
    total: int
    share: float
    filters: MarketFilter
    postings: list[PostingRef]
    dates: DateRange | None = None  # earliest and latest posted date of the segment's postings
