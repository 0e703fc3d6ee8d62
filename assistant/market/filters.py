"""Market segments: parse `key=value` filters, resolve each value against what the postings hold."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, fields, replace
from datetime import date

from assistant.errors import IndexMissingError, InputError
from assistant.store.base import Condition, Filter, Match, Range, Store
from assistant.store.collections import LISTED, MENTIONED, POSTINGS, SkillField
from assistant.vocab.kinds import SkillSet
from assistant.vocab.skill_words import skill_words
from assistant.vocab.skills import Taxonomy

# Filter keys that are keyword fields of the postings collection, resolved against their stored values.
KEYWORD_FIELDS: tuple[str, ...] = ("city", "country", "ai_type", "level", "work_type", "company")
FILTER_KEYS: tuple[str, ...] = (*KEYWORD_FIELDS, "skill", "since", "until")
# Facet limit for listing every stored value of a field; far above the distinct cities or companies.
ALL_VALUES = 100_000
KIND_SHOWN = 3  # skills named in the label of a kind of tool


@dataclass(frozen=True)
class MarketFilter:
    """Which postings a figure is about; None means any value."""

    city: str | None = None
    country: str | None = None
    ai_type: str | None = None
    level: str | None = None
    work_type: str | None = None
    company: str | None = None
    skills: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None

    def as_dict(self) -> dict[str, str | list[str]]:
        """The set fields, as printed in JSON output (`skills` as a list)."""
        out: dict[str, str | list[str]] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value:
                out[f.name] = list(value) if isinstance(value, tuple) else value
        return out

    def label(self) -> str:
        """Human-readable description, e.g. `ai_type=ai-first, city=Berlin`."""
        parts = [f"{k}={'+'.join(v) if isinstance(v, list) else v}" for k, v in self.as_dict().items()]
        return ", ".join(parts) or "all postings"


@dataclass(frozen=True)
class Segment:
    """A resolved filter: canonical values, the store filter, and how many postings it selects."""

    filter: MarketFilter
    store_filter: Filter
    total: int
    any_of: tuple[tuple[str, ...], ...] = ()  # per skill of `filter`: the skills any of which a posting matches it by


def parse_filter(text: str) -> MarketFilter:
    """Parse `ai_type=ai-first,city=Berlin` (keys: city, country, ai_type, level, work_type, company, skill, since, until)."""
    values: dict[str, str] = {}
    skills: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        key, sep, value = part.partition("=")
        key, value = key.strip().lower().replace("-", "_"), value.strip()
        if not sep or not value:
            raise InputError(f"filter part {part!r} is not key=value", hint="write e.g. ai_type=ai-first,city=Berlin")
        if key in ("skill", "skills"):
            skills.append(value)
        elif key in FILTER_KEYS:
            values[key] = value
        else:
            near = difflib.get_close_matches(key, FILTER_KEYS, n=1)
            hint = f"did you mean {near[0]}? " if near else ""
            raise InputError(f"unknown filter key {key!r}", hint=f"{hint}keys: {', '.join(FILTER_KEYS)}")
    return MarketFilter(**values, skills=tuple(skills))


# Everyday names of cities the postings store under another name.
CITY_NAMES = {"nyc": "new york", "new york city": "new york", "la": "los angeles", "sf": "san francisco"}


def _norm(value: str) -> str:
    return re.sub(r"[\s_\-]+", " ", value.casefold()).strip()


def resolve_value(key: str, value: str, stored: list[str]) -> str:
    """The stored value a user meant: exact, then case/separator-insensitive (and a city's everyday name), then unique word prefix."""
    if value in stored:
        return value
    by_norm = {_norm(s): s for s in stored}
    wanted = _norm(value)
    if key == "city":
        wanted = CITY_NAMES.get(wanted, wanted)
    if wanted in by_norm:
        return by_norm[wanted]
    prefixed = [s for n, s in by_norm.items() if n.startswith(wanted + " ")]
    if len(prefixed) == 1:
        return prefixed[0]
    if len(prefixed) > 1:
        raise InputError(f"{key} {value!r} is ambiguous", hint=f"use one of: {', '.join(sorted(prefixed)[:8])}")
    near = difflib.get_close_matches(wanted, list(by_norm), n=5, cutoff=0.6)
    if near:
        hint = f"did you mean: {', '.join(by_norm[n] for n in near)}?"
    else:
        hint = f"known values include: {', '.join(stored[:10])}" if stored else "no posting has this field set"
    raise InputError(f"no posting has {key} {value!r}", hint=hint)


def _day(key: str, value: str) -> int:
    try:
        return int(date.fromisoformat(value).strftime("%Y%m%d"))
    except ValueError:
        raise InputError(f"{key} {value!r} is not a date", hint="write dates as YYYY-MM-DD") from None


def resolve(store: Store, taxonomy: Taxonomy, flt: MarketFilter, *, skill_field: SkillField = LISTED) -> Segment:
    """Canonical values for every filter field, the store filter, and its posting count (never zero).

    Skills are matched against `skill_field`: the listed skills that figures count, or (for job
    lookups) every skill a posting names, in its tags or description too; there a kind of tool ("vector db")
    matches any of its products.
    """
    if not store.has_collection(POSTINGS):
        raise IndexMissingError(
            f"no postings indexed at {store.location}", hint="run `make ingest` (or `assistant ingest`) first"
        )
    resolved: dict[str, str | None] = {}
    conds: list[Condition] = []
    exact: int | None = None
    for key in KEYWORD_FIELDS:
        value = getattr(flt, key)
        if value is None:
            continue
        if exact := store.count(POSTINGS, Filter(must=(Match(key, (value,)),))):
            resolved[key] = value  # exact stored value: skip listing every value (a facet over all postings)
        else:
            stored = [str(f.value) for f in store.facet(POSTINGS, key, limit=ALL_VALUES)]
            resolved[key] = resolve_value(key.replace("_", " "), value, stored)
        conds.append(Match(key, (str(resolved[key]),)))
    wanted = _skills(taxonomy, flt.skills, kinds=skill_field == MENTIONED)
    skills = tuple(wanted)
    conds += [Match(skill_field, any_of) for any_of in wanted.values()]
    lo = _day("since", flt.since) if flt.since else None
    hi = _day("until", flt.until) if flt.until else None
    if lo is not None or hi is not None:
        conds.append(Range("posted_day", gte=lo, lte=hi))
    canonical = replace(flt, **resolved, skills=skills)
    store_filter = Filter(must=tuple(conds))
    # With one exact-valued field the segment is the filter just counted: no second count.
    total = exact if exact and len(conds) == 1 else store.count(POSTINGS, store_filter)
    if total == 0:
        raise InputError(
            f"no posting matches {canonical.label()}",
            hint="drop a filter or widen it; `assistant stats companies` and `assistant stats skills` show what is there",
        )
    return Segment(canonical, store_filter, total, tuple(wanted.values()))


def _skills(taxonomy: Taxonomy, names: tuple[str, ...], *, kinds: bool) -> dict[str, tuple[str, ...]]:
    """Each wanted skill's canonical label and the skills any of which match it; with `kinds`, a kind of tool
    ("vector db") stands for the skill its words name, if any, and every product of the kind."""
    out: dict[str, tuple[str, ...]] = {}
    for name in names:
        kind = _kind(taxonomy, name) if kinds else None
        if kind is None:
            skill = taxonomy.resolve(name)
            out.setdefault(skill, (skill,))
            continue
        same = taxonomy.normalise(name)
        any_of = tuple(dict.fromkeys([*([same] if same else []), *kind.skills]))
        shown = ", ".join(any_of[:KIND_SHOWN]) + (", …" if len(any_of) > KIND_SHOWN else "")
        out.setdefault(f"{kind.name} (any: {shown})", any_of)
    return out


def _kind(taxonomy: Taxonomy, name: str) -> SkillSet | None:
    """The kind of tool all of the name names, exactly spelt ("vector DBs"; not "vektor db" nor "vector db skills")."""
    text = name.strip()
    read = skill_words(taxonomy).read(text)
    return next((s for s in read if s.by == "kind" and not s.close and (s.start, s.end) == (0, len(text))), None)
