"""What a question names, for the offline model: the background, skills, place, company and segment slots."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.offline.gazetteer import Found, Gazetteer, key
from assistant.vocab.backgrounds import load_backgrounds
from assistant.vocab.kinds import SkillSet
from assistant.vocab.roles import ROLES
from assistant.vocab.skill_words import skill_words
from assistant.vocab.skills import Taxonomy

_I = re.IGNORECASE
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
# The postings' work types, as a question may set two of them side by side ("remote vs onsite").
WORK_TYPES = {
    "Remote": REMOTE,
    "Hybrid": re.compile(r"\bhybrid\b", _I),
    "In-Office": re.compile(r"\b(on-?site|in[- ]office|office[- ]based|in the office|in person)\b", _I),
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
# A vendor that is also a skill ("Anthropic" = Claude) names the company in "is Anthropic hiring" and "the loop at Anthropic".
VENDOR_AS_COMPANY = re.compile(
    r"\b(?:(?:[Ii]s|[Dd]oes|at|from|for)\s+([A-Z][\w.-]*(?:\s+AI)?)\s+(?:hiring|have|has|hire)\b"
    r"|\bat\s+([A-Z][\w.-]*(?:\s+AI)?)(?!['’]s)\b)"
)
NAME = re.compile(r"\b[A-Z][\w&'.-]*(?:\s+[A-Z][\w&'.-]*)*")
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
    country: str | None = None
    readings: tuple[Found, ...] = ()  # places and employers as the postings list them, and how each was written
    sets: tuple[SkillSet, ...] = ()  # skills named by their kind or maker ("vector db", "Meta's models")

    @property
    def groups(self) -> tuple[SkillSet, ...]:
        """The kinds and makers that stand for several products, to be ranked."""
        return tuple(s for s in self.sets if len(s.skills) > 1)

    def resolved(self, groups: bool = True) -> list[str]:
        """The names read as another one ("NYC → New York (other name)", "Meta's models → Llama (maker)"); the kinds and
        makers standing for several products only with `groups` (they are ranked only beside figures)."""
        sets = [s.describe() for s in self.sets if groups or len(s.skills) == 1]
        return [f.describe() for f in self.readings if f.how != "as listed"] + sets


def find_slots(text: str, taxonomy: Taxonomy, places: Gazetteer | None = None, lower_case_employers: bool = True) -> Slots:
    """The background, skills, place, company and segment words a question names.

    With the postings' names (`places`), a city, country or employer is whatever the postings list
    under any of its names; without them (no index yet), a capitalised name after "in" or anywhere.
    """
    spans: list[tuple[str, str]] = []
    ids = {b.id for b in load_backgrounds()}
    roles = {
        bid: m.group(0)
        for bid, pattern in BACKGROUND_WORDS.items()
        if bid in ids and (m := re.search(rf"\b({pattern})\b", text, _I))
    }
    # Written all in lower case, a question carries no case to tell "rag" the skill from a word.
    skill_text = taxonomy.cased(text) if not any(c.isupper() for c in text) else text
    found = [m for m in taxonomy.match_text(skill_text) if not any(m.text.casefold() in w.casefold() for w in roles.values())]
    # Skills named by their kind ("vector db") or maker ("Meta's models") too; one single product is a named skill.
    mentions, sets = skill_words(taxonomy).find(text, found)
    named = sorted([(m.start, m.skill) for m in mentions] + [(s.start, s.skills[0]) for s in sets if len(s.skills) == 1])
    skills = tuple(dict.fromkeys(name for _, name in named))
    background = _own_role(list(roles), skills, taxonomy)
    spans[:0] = [("background", roles[background])] if background else []
    spans += [("skills", text[m.start : m.end]) for m in mentions] + [("skills", s.written) for s in sets]
    taken = {m.text.casefold() for m in mentions} | {key(w) for s in sets for w in s.written.split()}
    # A word read as a segment is not also an employer ("any remote junior positions": not the company Junior).
    segments = [(k, m) for p in (AI_TYPES, LEVELS, WORK_TYPES) for k, pattern in p.items() for m in pattern.finditer(text)]
    taken |= {key(m.group(0)) for _, m in segments}
    if places is not None:
        # Skill spans were read from `skill_text`, which keeps the question's length (only letter case changes).
        covered = [(m.start, m.end) for m in mentions if " " in m.text.strip()]
        readings = tuple(places.find(text, skip=taken, companies_in_lower_case=lower_case_employers, covered=covered))
        picked = {slot: next((f for f in readings if f.slot == slot), None) for slot in ("city", "country", "company")}
        spans += [(slot, f.written) for slot, f in picked.items() if f is not None]
        city, country, company = (f.value if f else None for f in picked.values())
    else:
        readings, country = (), None
        city, company = _capitalised_names(text, taxonomy, taken, spans)
    if company is None and (m := VENDOR_AS_COMPANY.search(text)) and (vendor := m.group(1) or m.group(2)) not in NOT_NAMES:
        company = vendor
        spans.append(("company", company))
        by_maker = {x.skills[0] for x in sets if len(x.skills) == 1 and key(x.written) == key(company)}
        skills = tuple(s for s in skills if s != taxonomy.normalise(company) and s not in by_maker)
        sets = [x for x in sets if key(x.written) != key(company)]
    ai_type = next((k for k, _ in segments if k in AI_TYPES), None)
    level = next((k for k, _ in segments if k in LEVELS), None)
    remote = any(k == "Remote" for k, _ in segments)
    return Slots(background, skills, city, company, ai_type, level, remote, tuple(spans), country, readings, tuple(sets))


def _own_role(named: list[str], skills: Sequence[str], taxonomy: Taxonomy) -> str | None:
    """Of the roles a question names, the asker's: the one whose preset shares most of the skills they state, else
    the first ("I write React and TypeScript; the team comes from backend. Does my frontend background help?")."""
    if len(named) < 2 or not skills:
        return named[0] if named else None
    presets = {b.id: {taxonomy.resolve(s) for s in b.skills} for b in load_backgrounds()}
    return max(named, key=lambda bid: len(presets[bid].intersection(skills)))


def _capitalised_names(
    text: str, taxonomy: Taxonomy, skill_words: set[str], spans: list[tuple[str, str]]
) -> tuple[str | None, str | None]:
    """A place after "in" and a capitalised name that is no skill: the guess when no postings are indexed."""
    city = None
    if (m := PLACE.search(text)) and m.group(1) not in NOT_NAMES and not taxonomy.normalise(m.group(1)):
        city = m.group(1)
        spans.append(("city", city))
    for m in NAME.finditer(text):
        words = m.group(0).split()
        if m.start() == 0 and words[0] not in NOT_NAMES:
            words = words[1:]  # a capital at the start of the question is just grammar
        words = [re.sub(r"('s|[.,;:!?])$", "", w) for w in words]
        name = " ".join(w for w in words if w not in NOT_NAMES and w.casefold() not in skill_words)
        if name and (city is None or name not in city) and not taxonomy.normalise(name):
            spans.append(("company", name))
            return city, name
    return city, None
