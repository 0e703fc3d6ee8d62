"""What a question asks, for the offline model: its intent (kinds, measure), a follow-up read with the question before."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

from assistant.offline.gazetteer import Gazetteer
from assistant.offline.router import Route, Router, ToolName
from assistant.offline.slots import AI_TYPES, LEVELS, NOT_NAMES, PLACE, WORK_TYPES, Slots, find_slots
from assistant.offline.tuning import MEANT_AT
from assistant.vocab.skill_words import SkillWords, skill_words
from assistant.vocab.skills import Taxonomy
from assistant.vocab.terms import Measure

Kind = Literal["figures", "gap", "jobs", "general"]
# What each tool answers, as the composer thinks of it.
TOOL_KINDS: dict[ToolName, Kind] = {
    "search_corpus": "general",
    "market_stats": "figures",
    "find_jobs": "jobs",
    "skill_gap": "gap",
}

_I = re.IGNORECASE
SKILL_WORDS = re.compile(
    r"\b(skills?|tools?|technolog\w*|stack|frameworks?|librar\w+|languages?|databases?|clouds?|platforms?|vector (db|store)s?)\b",
    _I,
)
FOLLOW_UP = re.compile(r"^\s*(and|so|then|also|now|what about|how about|same for|what if)\b", _I)
ANAPHORA = re.compile(r"\b(that|they|them|it|those|these|this|there|my)\b", _I)


@dataclass(frozen=True)
class Intent:
    """What to do for a question: its kinds (best first), the slots, how it was routed, and the text to search with."""

    kinds: tuple[Kind, ...]
    text: str
    slots: Slots
    route: Route
    measure: Measure | None = None
    category: str | None = None

    @property
    def kind(self) -> Kind:
        """The main kind."""
        return self.kinds[0]

    @property
    def tools(self) -> tuple[ToolName, ...]:
        """The tools its kinds call, main one first."""
        return tuple(next(t for t, k in TOOL_KINDS.items() if k == kind) for kind in self.kinds)

    @property
    def declined(self) -> bool:
        """The question is off-topic: the router scored "decline" highest."""
        return self.route.decline


def measurable(text: str, slots: Slots, meant: Mapping[str, float]) -> bool:
    """Whether the postings' figures can answer: the question names a skill or a kind of skill, or a segment of the
    postings to count (a place, a level, remote work), or it means pay or employers, which need neither."""
    segment = slots.city or slots.country or slots.company or slots.level or slots.ai_type or slots.remote
    named = slots.skills or slots.sets
    unsliced = max(meant.get("pay", 0.0), meant.get("top_companies", 0.0)) >= MEANT_AT
    return bool(segment or named or unsliced or SKILL_WORDS.search(text))


def _measure(text: str, slots: Slots, words: SkillWords, meant: Mapping[str, float]) -> tuple[Measure, str | None]:
    """The figure asked for: of the measures the slots allow, the one the question's meaning scores highest; a skill
    category for a plain ranking."""
    # Pay and employers need no skill or segment named, so they are computed only when meant; of the rest the slots
    # allow (a share needs a skill in the taxonomy), the likeliest, with a share of the skills named, else a ranking,
    # as the default when nothing scores.
    default: Measure = "skill_share" if slots.skills else "top_skills"
    allowed = {m for m in _possible(text, slots) if m not in ("pay", "top_companies") or meant.get(m, 0.0) >= MEANT_AT}
    measure = max(allowed, key=lambda m: (meant.get(m, 0.0), m == default))
    if slots.groups and measure in ("skill_share", "top_skills"):
        # A kind named: its own share when it is a skill too, beside its products ranked (plan.py); only the ranking
        # when asked which one (the kind itself was dropped from the skills then).
        measure = "skill_share" if slots.skills else "top_skills"
    category = words.category(text) if measure == "top_skills" and not slots.groups else None
    return measure, category


def _only_ranked(meant: Mapping[str, float]) -> bool:
    """Whether the question means a ranking and not a share: when a share is likely too, a kind gets both (plan.py)."""
    return bool(meant) and max(meant, key=meant.__getitem__) == "top_skills" and meant.get("skill_share", 0.0) < MEANT_AT


def _possible(text: str, slots: Slots) -> set[Measure]:
    """The measures the slots allow: a share or what goes with it needs a named skill, a comparison two segments."""
    possible: set[Measure] = {"top_skills", "pay", "top_companies"}
    if slots.skills:
        possible |= {"skill_share", "co_occurrence"}
    if any(compare_sides(text, slots)):
        possible.add("compare")
    return possible


def is_follow_up(text: str) -> bool:
    """True for a turn that leans on the previous one ("and for a data scientist?", "how long will that take?")."""
    return bool(FOLLOW_UP.search(text) or ANAPHORA.search(text) or len(text.split()) <= 5)


def _merge(new: Slots, old: Slots) -> Slots:
    keep = {
        k: getattr(old, k)
        for k in ("background", "skills", "city", "country", "company", "ai_type", "level", "sets")
        if not getattr(new, k) and not (k in ("skills", "sets") and (new.skills or new.sets))
    }
    return replace(new, **keep, remote=new.remote or old.remote)


def _substitute(previous: str, new: Slots, old: Slots) -> str | None:
    """The previous question with the slot the follow-up changes swapped in, when both name that slot."""
    old_spans = dict(old.spans)
    out, changed = previous, False
    for slot, written in new.spans:
        if slot in old_spans:
            out, changed = out.replace(old_spans[slot], written, 1), True
    return out if changed else None


def detect(question: str, earlier: list[str], taxonomy: Taxonomy, router: Router, places: Gazetteer | None = None) -> Intent:
    """The intent of a question, reading the previous question for a follow-up; the router decides the tools."""
    # One-word employers in a question without capitals ("does stripe have openings") only when it asks for jobs.
    lower_case_employers = question.islower() and "find_jobs" in router.route(question).tools
    slots = find_slots(question, taxonomy, places, lower_case_employers)
    text = question
    if earlier and is_follow_up(question):
        prev = detect(earlier[-1], earlier[:-1], taxonomy, router, places)
        if slots.company and not slots.city and prev.slots.city and not prev.slots.company:
            # "What about London?" after a question about Berlin: a bare name replaces the place.
            spans = tuple(("city" if k == "company" else k, v) for k, v in slots.spans)
            slots = replace(slots, city=slots.company, company=None, spans=spans)
        text = _substitute(prev.text, slots, prev.slots) or f"{question} {prev.text}"
        slots = _merge(slots, prev.slots)
    route = router.route(text)
    kinds = tuple(TOOL_KINDS[t] for t in route.tools) or ("general",)
    if "figures" in kinds and not measurable(text, slots, route.measures):
        # Figures count skills, employers and pay; a question about none of them is for the guides.
        kinds = tuple(k for k in kinds if k != "figures") or ("general",)
    if "figures" in kinds and {"jobs", "gap"}.isdisjoint(kinds) and slots.groups and _only_ranked(route.measures):
        # "Which vector db...?" asks which product: the kind's products ranked, not how many want the kind at all.
        general = {g.same for g in slots.groups}
        slots = replace(slots, skills=tuple(s for s in slots.skills if s not in general))
    measure, category = _measure(text, slots, skill_words(taxonomy), route.measures) if "figures" in kinds else (None, None)
    return Intent(kinds, text, slots, route, measure, category)


def compare_sides(text: str, slots: Slots) -> tuple[dict[str, str], dict[str, str]]:
    """The two segments a comparison names: two AI types, levels, work types or places; else the one named versus all
    postings."""
    for slot, patterns in (("ai_type", AI_TYPES), ("level", LEVELS), ("work_type", WORK_TYPES)):
        named = sorted((m.start(), k) for k, p in patterns.items() for m in p.finditer(text))
        if len({k for _, k in named}) >= 2:
            return {slot: named[0][1]}, {slot: next(k for _, k in named if k != named[0][1])}
    places = [m.group(1) for m in PLACE.finditer(text) if m.group(1) not in NOT_NAMES]
    if len(places) >= 2:
        return {"city": places[0]}, {"city": places[1]}
    if slots.ai_type:
        return {"ai_type": slots.ai_type}, {}
    return ({"city": slots.city} if slots.city else {}), {}
