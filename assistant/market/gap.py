"""Skill gap: what a person has, what the target segment of postings asks for that they lack, and how to learn it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.core.embedding import Embedder
from assistant.core.schema import Hit
from assistant.errors import IndexMissingError, InputError
from assistant.market.dates import DateRange
from assistant.market.filters import MarketFilter, resolve
from assistant.market.results import PostingRef
from assistant.market.stats import category_of, examples, segment_dates, skill_counts
from assistant.retrieval.hybrid import chunk_filter, search
from assistant.retrieval.tuning import LEARNING_TUNING
from assistant.store.base import Filter, Match, Store
from assistant.store.collections import CHUNKS
from assistant.store.vector_cache import CachedEmbedder
from assistant.vocab.backgrounds import get_background
from assistant.vocab.skills import Taxonomy

if TYPE_CHECKING:
    from pypdf import PageObject

MAX_CV_PAGES = 10  # a CV longer than this is read from its first pages
MAX_CV_PAGE_BYTES = 2_000_000  # a text CV page is a few kB of content stream

# Target name -> ai_type value; "ai-engineer" is every posting in the corpus (all are AI engineering roles).
TARGETS: dict[str, str | None] = {
    "ai-engineer": None,
    "ai-first": "ai-first",
    "ai-support": "ai-support",
    "ml-first": "ml-first",
}
GUIDE_DOC_TYPES = ["learning_path", "role_guide"]


@dataclass(frozen=True)
class Profile:
    """A person's recognised canonical skills, where they came from, and the guide behind a preset."""

    skills: list[str]
    origin: str
    guide: str | None = None


@dataclass(frozen=True)
class GapSkill:
    """A skill the person lacks: its demand in the target segment, how to learn it, who asks for it."""

    skill: str
    category: str
    count: int
    total: int
    share: float
    citations: list[Hit]
    examples: list[PostingRef]


@dataclass(frozen=True)
class Strength:
    """A skill the person has, with its demand in the target segment."""

    skill: str
    category: str
    count: int
    total: int
    share: float


@dataclass(frozen=True)
class GapReport:
    """The skill gap of a profile against a target segment of postings."""

    target: str
    filters: MarketFilter
    total: int
    recognised: list[str]
    missing: list[GapSkill]
    strengths: list[Strength]
    citations: list[Hit]
    guide: str | None
    dates: DateRange | None = None  # earliest and latest posted date of the target postings


def profile_from_list(taxonomy: Taxonomy, skills: str | Sequence[str]) -> Profile:
    """Canonical skills from a list (or a comma/semicolon/newline separated string); unknown names raise with suggestions."""
    items = re.split(r"[,;\n]", skills) if isinstance(skills, str) else list(skills)
    names = [s.strip() for s in items if s.strip()]
    if not names:
        raise InputError("the skill list is empty", hint='list your skills, e.g. --skills "spark, airflow, sql"')
    return Profile(list(dict.fromkeys(taxonomy.resolve(n) for n in names)), "skills")


def profile_from_text(taxonomy: Taxonomy, text: str, origin: str = "text") -> Profile:
    """Canonical skills mentioned in free text (a message, a CV)."""
    found = list(dict.fromkeys(m.skill for m in taxonomy.match_text(text)))
    if not found:
        raise InputError(
            f"no known skill found in the {origin}",
            hint='name your skills explicitly, e.g. --skills "python, sql, docker"',
        )
    return Profile(found, origin)


def _page_text(page: PageObject, path: Path) -> str:
    """One page's text, refusing content far larger than any CV's before parsing it (a compression bomb)."""
    contents = page.get_contents()
    if contents is not None and len(contents.get_data()) > MAX_CV_PAGE_BYTES:
        raise InputError(
            f"the CV {path} has a page with over {MAX_CV_PAGE_BYTES // 1_000_000} MB of content: not a CV",
            hint='export the CV again as PDF, or pass your skills with --skills "..."',
        )
    return page.extract_text() or ""


def cv_text(path: Path) -> str:
    """The text of a CV PDF; InputError when it is missing, unreadable, or has no text layer."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not path.is_file():
        raise InputError(f"CV file {path} does not exist", hint="give the path of a PDF file")
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"the CV {path} is password-protected", hint="export it again without a password")
        text = "\n".join(_page_text(page, path) for page in reader.pages[:MAX_CV_PAGES])
    # Malformed PDFs surface as assorted exceptions from inside pypdf, not only its own.
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(
            f"cannot read the CV {path} as a PDF ({type(exc).__name__}: {exc})",
            hint='export the CV again as PDF, or pass your skills with --skills "..."',
        ) from None
    if not text.strip():
        raise InputError(
            f"the CV {path} has no extractable text: it looks like a scanned or image-only PDF",
            hint='export it from your editor as a text PDF, or pass your skills with --skills "..."',
        )
    return text


def profile_from_cv(taxonomy: Taxonomy, path: Path) -> Profile:
    """Canonical skills found in a CV PDF."""
    return profile_from_text(taxonomy, cv_text(path), origin=f"CV {path.name}")


def profile_from_background(taxonomy: Taxonomy, background_id: str) -> Profile:
    """A background preset's skills (written from its learning-path guide), with the guide to cite."""
    bg = get_background(background_id)
    return Profile(list(dict.fromkeys(taxonomy.resolve(s) for s in bg.skills)), f"background {bg.label}", bg.guide)


def with_path_of(profile: Profile, background_id: str) -> Profile:
    """The same skills, with the learning-path guide of the background they come from (the skills stay the person's)."""
    return replace(profile, guide=get_background(background_id).guide)


def target_filter(target: str, city: str | None = None, level: str | None = None) -> MarketFilter:
    """The postings a target role means: all, or one ai_type; optionally one city and level."""
    key = target.strip().lower()
    if key not in TARGETS:
        raise InputError(f"unknown target {target!r}", hint=f"use one of: {', '.join(TARGETS)}")
    return MarketFilter(ai_type=TARGETS[key], city=city, level=level)


def learn_query(skill: str) -> str:
    """The search query for passages on learning a skill."""
    return f"how to learn {skill}"


def guide_passages(store: Store, embedder: Embedder, skill: str, guide: str | None, n: int = 2) -> list[Hit]:
    """Up to n passages on learning the skill: the background's guide first, then learning paths and role guides."""
    query = learn_query(skill)
    hits: list[Hit] = []
    if guide:
        hits += search(store, embedder, query, flt=Filter(must=(Match("source", (guide,)),)), limit=1, tuning=LEARNING_TUNING)
    hits += search(store, embedder, query, flt=chunk_filter(doc_types=GUIDE_DOC_TYPES), limit=n, tuning=LEARNING_TUNING)
    unique = {h.chunk_id: h for h in hits}
    return list(unique.values())[:n]


def skill_gap(
    store: Store,
    embedder: Embedder,
    taxonomy: Taxonomy,
    profile: Profile,
    *,
    target: str = "ai-engineer",
    city: str | None = None,
    level: str | None = None,
    n: int = 10,
    k: int = 3,
    passages: int = 2,
) -> GapReport:
    """Missing skills ranked by their share of the target segment's postings, with guide passages and examples."""
    if passages and not store.has_collection(CHUNKS):
        raise IndexMissingError(f"no guide passages indexed at {store.location}", hint="run `make ingest` first")
    seg = resolve(store, taxonomy, target_filter(target, city, level))
    demand = skill_counts(store, seg.store_filter)
    have = set(profile.skills)
    lacking = [(skill, count) for skill, count in demand.items() if skill not in have][:n]
    # One model call for every skill's query (an embedder that caches, like the app's, may need none):
    # the searches below find their vectors here.
    primed = CachedEmbedder(embedder, size=max(1, len(lacking)))
    if passages:
        primed.queries([learn_query(skill) for skill, _ in lacking])

    def gap_skill(item: tuple[str, int]) -> GapSkill:
        skill, count = item
        return GapSkill(
            skill,
            category_of(taxonomy, skill),
            count,
            seg.total,
            count / seg.total,
            guide_passages(store, primed, skill, profile.guide, passages) if passages else [],
            examples(store, seg.store_filter.and_(Match("skills", (skill,))), k),
        )

    # In turn, not on threads: a search is now mostly Python (the fusion), and two threads were 10% slower.
    missing = [gap_skill(item) for item in lacking]
    strengths = sorted(
        (Strength(s, category_of(taxonomy, s), demand[s], seg.total, demand[s] / seg.total) for s in have if demand.get(s)),
        key=lambda st: (-st.count, st.skill),
    )
    cited = {c.chunk_id: c for m in missing for c in m.citations}
    ordered = sorted(cited.values(), key=lambda c: c.source != profile.guide)
    dates = segment_dates(store, seg)
    return GapReport(target, seg.filter, seg.total, profile.skills, missing, strengths, ordered, profile.guide, dates)
