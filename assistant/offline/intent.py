"""What a question asks, for the offline model: the intent, and the slots (background, skills, place, company) it names."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from assistant.vocab.backgrounds import load_backgrounds
from assistant.vocab.roles import ROLES
from assistant.vocab.skills import Taxonomy
from assistant.vocab.terms import Measure

Kind = Literal["figures", "gap", "jobs", "general"]

_I = re.IGNORECASE
FIGURE_WORDS = re.compile(
    r"\b(share|percent(age)?|proportion|fraction|how many(?! (months|weeks|years|days|hours|rounds|interviews?)\b)"
    r"|how (common|often|popular|much demand)|do many|(posted|hire|hires|hiring) the most|for most|(listed|requested|asked for) most"
    r"|most (in[- ]demand|common|requested|popular|wanted|listed|frequent|often)|top \d*\s*(skills|companies|employers)"
    r"|in demand|demand for|statistics|stats)\b|%",
    _I,
)
MARKET_NOUNS = re.compile(
    r"\b(skills?|tools?|technolog\w*|frameworks?|platforms?|languages?|stack|postings?|jobs?|roles?|ads|cloud|databases?"
    r"|companies|employers)\b",
    _I,
)
NOT_FIGURE = re.compile(r"\b(responsibilit\w*|use cases?|industr\w*|words|questions|problems)\b", _I)
PAY_WORDS = re.compile(r"\b(salary|salaries|pay|paid|earn|earns|compensation|comp)\b|how much do [\w\s-]+ make", _I)
PAY_FIGURE = re.compile(r"\b(typical|median|average|range|how much|what do|what does|get paid|expect)\b", _I)
ADVICE = re.compile(r"\b(negotiat\w*|should i|how do i|pay cut|offer)\b", _I)
NOT_JOBS = re.compile(r"\b(interview\w*|process|questions|take-home|work trial|how do(es)? [\w ]+ hire)\b", _I)
JOB_WORDS = re.compile(
    r"\b(hiring|openings?|open roles|have open|looking for|(show|find|list)( me)? (the )?(ai |ml )?\w* ?(jobs|roles|postings)"
    r"|(jobs|roles|postings) (in|at|with|that)|any (ai )?\w* ?(jobs|postings|roles)|which companies|what companies"
    r"|companies (in|that|want)|want \w+ (in|at))\b",
    _I,
)
GAP_WORDS = re.compile(
    r"\b(learn|study|focus on|missing|gap|lack|need to know|become|becoming|transition|switch|move into|get into"
    r"|break into|path|coming from|carry over|useful)\b",
    _I,
)
ABOUT_ME = re.compile(r"\b(i know|i have|my skills|i'm|i am|i use|i work|my background|my cv)\b", _I)
NOT_GAP = re.compile(r"^\s*(how long|why|when|is |isn't|honestly|what's my advantage|what's the hard)", _I)
COMPARE_WORDS = re.compile(r"\b(compare|compared|versus|vs\.?|more (in demand|common|often) (in|than|among))\b", _I)
CO_WORDS = re.compile(r"\b(together with|alongside|along with|paired with|combined with|co-?occur\w*)\b", _I)
COMPANY_WORDS = re.compile(r"\b(companies|employers|who posts?|posted the most)\b", _I)
FOLLOW_UP = re.compile(r"^\s*(and|so|then|also|now|what about|how about|same for|what if)\b", _I)
ANAPHORA = re.compile(r"\b(that|they|them|it|those|these|this|there|my)\b", _I)
AI_TYPES = {
    "ai-first": re.compile(r"\bai[- ]first\b", _I),
    "ai-support": re.compile(r"\bai[- ]support\b", _I),
    "ml-first": re.compile(r"\bml[- ]first\b", _I),
}
LEVELS = {
    "Senior": re.compile(r"\bsenior\b", _I),
    "Junior": re.compile(r"\b(junior|entry[- ]level|new grad)\b", _I),
    "Mid": re.compile(r"\bmid[- ]level\b", _I),
}
REMOTE = re.compile(r"\bremote\b", _I)
CATEGORY_WORDS = {
    "cloud": r"cloud",
    "databases": r"databases?",
    "languages": r"(programming )?languages?",
    "ops": r"(dev|ml|llm)?ops",
    "genai": r"gen ?ai|llm",
    "data": r"data (tools|skills)",
    "web": r"web",
}
# "in Berlin", "in New York": a capitalised place after a preposition.
PLACE = re.compile(r"\b(?:in|near|around|based in)\s+((?:[A-Z][\w'-]+|[A-Z]{2,})(?:\s+[A-Z][\w'-]+)*)")
# Capitalised names that are not companies even when they look like one.
NOT_NAMES = {
    "AI",
    "ML",
    "LLM",
    "I",
    "I'm",
    "Is",
    "What",
    "Which",
    "Who",
    "Does",
    "Do",
    "Show",
    "Find",
    "Any",
    "Are",
    "How",
    "And",
    "So",
    "The",
    "Then",
    "Remote",
    "Senior",
    "Junior",
    "US",
    "USA",
    "Give",
    "List",
    "Can",
    "What's",
    "Where",
    "When",
    "Why",
    "Should",
    "I've",
    "I'd",
    "Engineer",
    "Engineers",
    "README",
    "PhD",
    "AI-first",
    "AI-support",
    "ML-first",
    "Please",
    "Tell",
}
# A vendor that is also a skill ("Anthropic" = Claude) names the company in "is Anthropic hiring".
VENDOR_AS_COMPANY = re.compile(r"\b(?:[Ii]s|[Dd]oes|at|from|for)\s+([A-Z][\w.-]*(?:\s+AI)?)\s+(?:hiring|have|has|hire)\b")
NAME = re.compile(r"\b[A-Z][\w&'.-]*(?:\s+[A-Z][\w&'.-]*)*")
# Words of the domain: a question with none of them (and no skill) must match the corpus more closely.
DOMAIN_WORDS = re.compile(
    r"\b(ai|ml|llms?|genai|engineer\w*|jobs?|interview\w*|careers?|roles?|hir\w+|salar\w+|pay|paid|comp|compensation"
    r"|offers?|portfolio|projects?|take-?homes?|resumes?|cv|recruit\w*|skills?|learn\w*|compan\w+|startups?|postings?"
    r"|rag|agents?|agentic|data|github|models?|prompt\w*|coding|leetcode|system design|rounds?|readme|transition\w*"
    r"|switch\w*|junior|senior|grad\w*|bootcamp|employers?|work)\b",
    _I,
)
BACKGROUND_WORDS = {r.id: r.pattern for r in ROLES if r.pattern}


@dataclass(frozen=True)
class Slots:
    """The things a question names; each span is kept so a follow-up can replace it."""

    background: str | None = None
    skills: tuple[str, ...] = ()
    city: str | None = None
    company: str | None = None
    ai_type: str | None = None
    level: str | None = None
    remote: bool = False
    spans: tuple[tuple[str, str], ...] = ()  # (slot, text as written)


@dataclass(frozen=True)
class Intent:
    """What to do for a question: its kind, the measure for figures, the slots, and the text to search with."""

    kind: Kind
    text: str
    slots: Slots
    measure: Measure | None = None
    category: str | None = None
    on_topic: bool = True


def find_slots(text: str, taxonomy: Taxonomy) -> Slots:
    """The background, skills, place, company and segment words a question names."""
    spans: list[tuple[str, str]] = []
    background = None
    ids = {b.id for b in load_backgrounds()}
    for bid, pattern in BACKGROUND_WORDS.items():
        if bid in ids and (m := re.search(rf"\b({pattern})\b", text, _I)):
            background = bid
            spans.append(("background", m.group(0)))
            break
    mentions = [m for m in taxonomy.match_text(text) if not (background and m.text.casefold() in spans[0][1].casefold())]
    skills = tuple(dict.fromkeys(m.skill for m in mentions))
    spans += [("skills", m.text) for m in mentions]
    skill_words = {m.text.casefold() for m in mentions}
    city = None
    if (m := PLACE.search(text)) and m.group(1) not in NOT_NAMES and not taxonomy.normalise(m.group(1)):
        city = m.group(1)
        spans.append(("city", city))
    company = None
    for m in NAME.finditer(text):
        words = m.group(0).split()
        if m.start() == 0 and words[0] not in NOT_NAMES:
            words = words[1:]  # a capital at the start of the question is just grammar
        words = [re.sub(r"('s|[.,;:!?])$", "", w) for w in words]
        name = " ".join(w for w in words if w not in NOT_NAMES and w.casefold() not in skill_words)
        if name and (city is None or name not in city) and not taxonomy.normalise(name):
            company = name
            spans.append(("company", name))
            break
    if company is None and (m := VENDOR_AS_COMPANY.search(text)):
        company = m.group(1)
        spans.append(("company", company))
        skills = tuple(s for s in skills if s != taxonomy.normalise(company))
    ai_type = next((k for k, p in AI_TYPES.items() if p.search(text)), None)
    level = next((k for k, p in LEVELS.items() if p.search(text)), None)
    return Slots(background, skills, city, company, ai_type, level, bool(REMOTE.search(text)), tuple(spans))


def _measure(text: str, slots: Slots) -> tuple[Measure, str | None]:
    if PAY_WORDS.search(text):
        return "pay", None
    if CO_WORDS.search(text) and slots.skills:
        return "co_occurrence", None
    if COMPARE_WORDS.search(text) and (slots.ai_type or slots.city):
        return "compare", None
    if slots.skills:
        return "skill_share", None
    if COMPANY_WORDS.search(text):
        return "top_companies", None
    category = next((c for c, p in CATEGORY_WORDS.items() if re.search(rf"\b{p}\b", text, _I)), None)
    return "top_skills", category


def own_kind(text: str, slots: Slots) -> Kind | None:
    """The intent the words of this question alone signal, if any."""
    pay = PAY_WORDS.search(text) and PAY_FIGURE.search(text) and not ADVICE.search(text)
    market = slots.skills or MARKET_NOUNS.search(text)
    figure = FIGURE_WORDS.search(text) or (CO_WORDS.search(text) and slots.skills)
    if pay or (figure and market and not ADVICE.search(text) and not NOT_FIGURE.search(text)):
        return "figures"
    if JOB_WORDS.search(text) and not NOT_JOBS.search(text):
        return "jobs"
    about_me = slots.background or (slots.skills and ABOUT_ME.search(text))
    if GAP_WORDS.search(text) and about_me and not NOT_GAP.search(text):
        return "gap"
    return None


def is_follow_up(text: str) -> bool:
    """True for a turn that leans on the previous one ("and for a data scientist?", "how long will that take?")."""
    return bool(FOLLOW_UP.search(text) or ANAPHORA.search(text) or len(text.split()) <= 5)


def _merge(new: Slots, old: Slots) -> Slots:
    keep = {k: getattr(old, k) for k in ("background", "skills", "city", "company", "ai_type", "level") if not getattr(new, k)}
    return replace(new, **keep, remote=new.remote or old.remote)


def _substitute(previous: str, new: Slots, old: Slots) -> str | None:
    """The previous question with the slot the follow-up changes swapped in, when both name that slot."""
    old_spans = dict(old.spans)
    out, changed = previous, False
    for slot, written in new.spans:
        if slot in old_spans:
            out, changed = out.replace(old_spans[slot], written, 1), True
    return out if changed else None


def detect(question: str, earlier: list[str], taxonomy: Taxonomy) -> Intent:
    """The intent of a question, reading the previous question for a follow-up."""
    slots = find_slots(question, taxonomy)
    kind = own_kind(question, slots)
    text = question
    if earlier and is_follow_up(question):
        prev_text = earlier[-1]
        prev = detect(prev_text, earlier[:-1], taxonomy)
        if slots.company and not slots.city and prev.slots.city and not prev.slots.company:
            # "What about London?" after a question about Berlin: a bare name replaces the place.
            spans = tuple(("city" if k == "company" else k, v) for k, v in slots.spans)
            slots = replace(slots, city=slots.company, company=None, spans=spans)
        text = _substitute(prev.text, slots, prev.slots) or f"{question} {prev.text}"
        slots = _merge(slots, prev.slots)
        if kind is None and FOLLOW_UP.search(question):
            kind = prev.kind
    kind = kind or "general"
    on_topic = bool(DOMAIN_WORDS.search(text) or slots.skills or slots.background)
    if kind == "figures":
        measure, category = _measure(text, slots)
        return Intent(kind, text, slots, measure, category, on_topic)
    return Intent(kind, text, slots, on_topic=on_topic)


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
