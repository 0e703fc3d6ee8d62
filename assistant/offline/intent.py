"""What a question asks, for the offline model: its intent (kinds, measure), a follow-up read with the question before."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from assistant.offline.gazetteer import Gazetteer
from assistant.offline.router import Route, Router, ToolName
from assistant.offline.slots import AI_TYPES, NOT_NAMES, PLACE, Slots, find_slots
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
PAY_WORDS = re.compile(r"\b(salary|salaries|pay|paid|earn\w*|compensation|comp|money|wages?)\b|how much do [\w\s-]+ make", _I)
COMPARE_WORDS = re.compile(r"\b(compare|compared|versus|vs\.?|more (in demand|common|often) (in|than|among))\b", _I)
CO_WORDS = re.compile(r"\b(together with|alongside|along with|paired with|combined with|co-?occur\w*)\b", _I)
SKILL_WORDS = re.compile(
    r"\b(skills?|tools?|technolog\w*|stack|frameworks?|librar\w+|languages?|databases?|clouds?|platforms?|vector (db|store)s?)\b",
    _I,
)
# Asking which one: "which vector db", "top cloud providers", "the most popular tracker" (not "how many").
CHOICE_WORDS = re.compile(r"\b(which|top|leading|popular|rank(s|ed|ing)?|favou?rite|best|preferred|dominant)\b", _I)
COMPANY_WORDS = re.compile(r"\b(companies|employers|who posts?|posted the most)\b", _I)
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


def measurable(text: str, slots: Slots) -> bool:
    """Whether the postings' figures can answer: the question names a skill or a kind of skill, pay, employers, or a
    segment of the postings to count (a place, a level, remote work)."""
    segment = slots.city or slots.country or slots.company or slots.level or slots.ai_type or slots.remote
    named = slots.skills or slots.sets
    return bool(segment or named or PAY_WORDS.search(text) or COMPANY_WORDS.search(text) or SKILL_WORDS.search(text))


def _measure(text: str, slots: Slots, words: SkillWords) -> tuple[Measure, str | None]:
    if PAY_WORDS.search(text):
        return "pay", None
    if CO_WORDS.search(text) and slots.skills:
        return "co_occurrence", None
    if COMPARE_WORDS.search(text) and (slots.ai_type or slots.city):
        return "compare", None
    if slots.skills:
        return "skill_share", None
    if slots.groups:
        return "top_skills", None  # a ranking of the products of the kind or maker named
    if COMPANY_WORDS.search(text):
        return "top_companies", None
    return "top_skills", words.category(text)


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
    if "figures" in kinds and not measurable(text, slots):
        # Figures count skills, employers and pay; a question about none of them is for the guides.
        kinds = tuple(k for k in kinds if k != "figures") or ("general",)
    if "figures" in kinds and {"jobs", "gap"}.isdisjoint(kinds) and slots.groups and CHOICE_WORDS.search(question):
        # "Which vector db...?" asks which product: the kind's products ranked, not how many want the kind at all.
        general = {g.same for g in slots.groups}
        slots = replace(slots, skills=tuple(s for s in slots.skills if s not in general))
    measure, category = _measure(text, slots, skill_words(taxonomy)) if "figures" in kinds else (None, None)
    return Intent(kinds, text, slots, route, measure, category)


def compare_sides(text: str, slots: Slots) -> tuple[dict[str, str], dict[str, str]]:
    """The two segments a comparison names: two AI types or two places; else the one named versus all postings."""
    types = sorted((m.start(), k) for k, p in AI_TYPES.items() for m in p.finditer(text))
    if len({k for _, k in types}) >= 2:
        return {"ai_type": types[0][1]}, {"ai_type": next(k for _, k in types if k != types[0][1])}
    places = [m.group(1) for m in PLACE.finditer(text) if m.group(1) not in NOT_NAMES]
    if len(places) >= 2:
        return {"city": places[0]}, {"city": places[1]}
    if slots.ai_type:
        return {"ai_type": slots.ai_type}, {}
    return ({"city": slots.city} if slots.city else {}), {}
