"""Skill taxonomy: canonical skills, alias lookup, and a fast matcher for free text."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from assistant.errors import ConfigError, InputError
from assistant.vocab.skill_file import Skill, parse_skill, read_entries

DEFAULT_PATH = Path(__file__).with_name("skills.yaml")

_SEPARATORS = re.compile(r"[\s\-_.]+")
_SEPARATOR_CHARS = frozenset(" \t\n-_.")
_PAREN = re.compile(r"(.+?)\s*\((.+)\)\s*")
_JOINERS = re.compile(r"\s*(?:/|&|,|\band\b)\s*")
# Where an alias may start: a word character (or the dot of ".NET") not glued to a previous word.
_WORD_START = re.compile(r"(?<![\w.])(?:\.(?=\w)|\w)")
_END = r"(?![\w+#])"

# Context for short or ambiguous aliases (see the header of skills.yaml).
_LIST_LEFT = (
    r"(?:(?<=,)|(?<=, )|(?<=/)|(?<=\()|(?<=: )|(?<=; )|(?<=\band )|(?<=\bor )|(?<=& )"
    r"|(?<=[-*•] )|(?<![^\n]))"
)
_LIST_RIGHT = r"(?=\s*[,/;)]|\s+(?:and|or|&)\s|\.?\s*$|\.?\s*\n|\.\s)"
_PREP_LEFT = r"(?:(?<=\bin )|(?<=\bIn )|(?<=\bwith )|(?<=\bWith )|(?<=\busing )|(?<=\bUsing ))"
_NOT_PHRASE = r"(?![\w\-'&+#]|\s+(?:to|for|of|ahead|live|back|through|out|on|up)\b)"
_ROLE_RIGHT = (
    r"(?= (?:developers?|engineers?|engineering|programmers?|programming|language|code|codebases?"
    r"|services|microservices|backends?|modules|libraries|development|scripts?)\b)"
)


def _key(text: str) -> str:
    """Lookup key: case, spaces, hyphens, underscores and dots ignored."""
    return _SEPARATORS.sub("", text.casefold())


@dataclass(frozen=True)
class SkillMention:
    """A canonical skill found in free text, with the span that named it."""

    skill: str
    start: int
    end: int
    text: str


class Taxonomy:
    """Canonical skills with alias lookup, free-text matching and suggestions."""

    def __init__(self, skills: Iterable[Skill], source: Path | None = None) -> None:
        self.source = source  # the file it was read from, which also holds its kinds and makers
        self._skills: dict[str, Skill] = {}
        self._by_exact: dict[str, str] = {}
        first: dict[str, tuple[str, Skill]] = {}
        ambiguous: set[str] = set()
        clashes: list[str] = []
        for skill in skills:
            if skill.name in self._skills:
                raise ConfigError(f"skill {skill.name!r} is defined twice", hint="merge the two entries")
            self._skills[skill.name] = skill
            for alias in (skill.name, *skill.aliases):
                if alias in skill.case_sensitive:
                    self._by_exact[_SEPARATORS.sub("", alias)] = skill.name
                key = _key(alias)
                other_alias, other = first.setdefault(key, (alias, skill))
                if other is skill:
                    continue
                # "ReAct" (Agents) vs "React": exact case decides; other casings go to the skill so named.
                if alias in skill.case_sensitive and other_alias in other.case_sensitive and alias != other_alias:
                    if alias == skill.name:
                        first[key] = (alias, skill)
                    elif other_alias != other.name:
                        ambiguous.add(key)
                else:
                    clashes.append(f"{alias!r} ({other.name} / {skill.name})")
        if clashes:
            raise ConfigError("aliases map to two skills: " + ", ".join(clashes), hint="keep each alias under one skill")
        self._by_key = {key: skill.name for key, (_, skill) in first.items() if key not in ambiguous}

    @classmethod
    def load(cls, path: Path | None = None) -> Taxonomy:
        """The taxonomy in a YAML file (default: the packaged skills.yaml); cached per path."""
        return _load((path or DEFAULT_PATH).resolve())

    def names(self) -> list[str]:
        """All canonical skill names, sorted."""
        return sorted(self._skills, key=str.casefold)

    def skills(self) -> list[Skill]:
        """Every skill, in the order the file lists them."""
        return list(self._skills.values())

    def skill(self, name: str) -> Skill:
        """The Skill for a canonical name or any alias; InputError when unknown."""
        return self._skills[self.resolve(name)]

    def category(self, name: str) -> str:
        """Category of a canonical skill (or of the skill an alias names)."""
        return self.skill(name).category

    def normalise(self, text: str) -> str | None:
        """One extracted skill string to its canonical name, or None when unmapped."""
        if hit := self._lookup(text):
            return hit
        if paren := _PAREN.fullmatch(text):
            for part in paren.groups():
                if hit := self._lookup(part):
                    return hit
        parts = [p for p in _JOINERS.split(text) if p.strip()]
        if len(parts) > 1:
            names = {self._lookup(p) for p in parts}
            if len(names) == 1 and None not in names:
                return names.pop()
        return None

    def canonical_set(self, strings: Iterable[str]) -> list[str]:
        """Sorted unique canonical names of the strings that map."""
        return sorted({n for s in strings if (n := self.normalise(s))}, key=str.casefold)

    def unmapped(self, strings: Iterable[str], top: int) -> list[tuple[str, int]]:
        """The most frequent strings that map to no skill, with their counts."""
        counts = Counter(s.strip() for s in strings if s.strip() and self.normalise(s) is None)
        return counts.most_common(top)

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """Nearest canonical names for an unknown skill (by name and alias spelling)."""
        spellings: dict[str, str] = {}
        for skill in self._skills.values():
            for alias in (skill.name, *skill.aliases):
                spellings.setdefault(alias.casefold(), skill.name)
        close = difflib.get_close_matches(name.casefold().strip(), spellings, n=n * 4, cutoff=0.6)
        return list(dict.fromkeys(spellings[c] for c in close))[:n]

    def resolve(self, name: str) -> str:
        """A user-typed skill name to its canonical name; InputError with suggestions when unknown."""
        if not name.strip():
            raise InputError("empty skill name", hint="name a skill, e.g. 'Python' or 'RAG'")
        if hit := self.normalise(name):
            return hit
        nearest = self.suggest(name)
        hint = f"did you mean: {', '.join(nearest)}?" if nearest else "use a skill name such as 'Kubernetes' or 'RAG'"
        raise InputError(f"unknown skill {name!r}", hint=hint)

    def cased(self, text: str) -> str:
        """Text written without capitals, with each case-sensitive alias ("rag", "cursor") in its own case."""
        return self._cased_pattern.sub(lambda m: self._cased[m.group(0).casefold()], text)

    @cached_property
    def _cased(self) -> dict[str, str]:
        return {a.casefold(): a for s in self._skills.values() for a in s.case_sensitive}

    @cached_property
    def _cased_pattern(self) -> re.Pattern[str]:
        names = sorted(self._cased, key=len, reverse=True)
        return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w-])", re.IGNORECASE)

    def match_text(self, text: str) -> list[SkillMention]:
        """Canonical skills named in free text (a chat message, a CV), leftmost-longest, in order."""
        found: list[SkillMention] = []
        buckets = self._matcher.buckets
        folded = text.lower()
        if len(folded) != len(text):  # a few characters change length when lowered; keep offsets aligned
            folded = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
        for start in _WORD_START.finditer(text):
            pos = start.start()
            for key in (folded[pos : pos + 3], folded[pos : pos + 2], folded[pos]):
                if (regex := buckets.get(key)) and (m := regex.match(text, pos)):
                    found.append(self._mention(m))
        if self._matcher.patterns is not None:
            found.extend(self._mention(m) for m in self._matcher.patterns.finditer(text))
        found.sort(key=lambda m: (m.start, m.start - m.end))
        kept: list[SkillMention] = []
        for mention in found:
            if not kept or mention.start >= kept[-1].end:
                kept.append(mention)
        return kept

    def _mention(self, m: re.Match[str]) -> SkillMention:
        """A regex match of the combined matcher as a SkillMention."""
        skill = self._matcher.groups[m.lastgroup or ""]
        return SkillMention(skill=skill, start=m.start(), end=m.end(), text=m.group())

    def _lookup(self, text: str) -> str | None:
        """Exact-case lookup of case-sensitive aliases, then case-folded, then singular/plural."""
        if hit := self._by_exact.get(_SEPARATORS.sub("", text)):
            return hit
        key = _key(text)
        if hit := self._by_key.get(key):
            return hit
        if len(key) >= 4 and text.rstrip().endswith("s"):  # "LLMs", not the acronym "AD FS"
            return self._by_key.get(key[:-1])
        return self._by_key.get(key + "s") if len(key) >= 3 else None

    @cached_property
    def _matcher(self) -> _Matcher:
        """Compiled on first use: aliases bucketed by their first characters, plus extra patterns."""
        return _Matcher.build(self._skills.values())


@dataclass(frozen=True)
class _Matcher:
    """Aliases grouped into one regex per 1-3 character prefix, so a word start tries only a few."""

    buckets: dict[str, re.Pattern[str]]
    patterns: re.Pattern[str] | None
    groups: dict[str, str]

    @classmethod
    def build(cls, skills: Iterable[Skill]) -> _Matcher:
        """Compile the bucket regexes and the combined extra-pattern regex."""
        by_prefix: dict[str, list[tuple[int, str, str]]] = {}
        groups: dict[str, str] = {}
        extra: list[str] = []
        for skill in skills:
            context_keys = {_key(a) for a in skill.context_only}
            for alias in dict.fromkeys((skill.name, *skill.aliases)):
                group = f"g{len(groups)}"
                groups[group] = skill.name
                body = _alias_regex(alias, skill, _key(alias) in context_keys)
                by_prefix.setdefault(_prefix(alias), []).append((len(alias), group, body))
            for pattern in skill.patterns:
                group = f"g{len(groups)}"
                groups[group] = skill.name
                extra.append(f"(?P<{group}>{pattern})")
        buckets = {
            prefix: re.compile("|".join(f"(?P<{g}>{b})" for _, g, b in sorted(items, reverse=True)), re.IGNORECASE)
            for prefix, items in by_prefix.items()
        }
        patterns = re.compile("|".join(extra), re.IGNORECASE) if extra else None
        return cls(buckets=buckets, patterns=patterns, groups=groups)


def _prefix(alias: str) -> str:
    """Bucket key: the first three characters, cut at the first separator (".NET" keeps its dot)."""
    head = alias[:3].lower()
    cut = next((i for i, ch in enumerate(head) if i and ch in _SEPARATOR_CHARS), len(head))
    return head[:cut]


def _alias_regex(alias: str, skill: Skill, context_only: bool) -> str:
    """Regex for one alias in free text: flexible separators, optional plural, word boundaries."""
    if context_only:
        word = re.escape(alias)
        rules = [f"{_LIST_LEFT}{word}{_LIST_RIGHT}"]
        if skill.category == "languages":
            rules += [f"{_PREP_LEFT}{word}{_NOT_PHRASE}", f"{word}{_ROLE_RIGHT}"]
        # A capitalised name ("Go", "R", "CV") must keep its case; a common word ("evaluation") need not.
        return ("(?-i:{})" if alias != alias.lower() else "(?:{})").format("|".join(rules))
    pieces = re.split(r"([\s\-_.]+)", alias)
    body = "".join(re.escape(p) if i % 2 == 0 or (i == 1 and not pieces[0]) else r"[\s\-_.]{0,3}" for i, p in enumerate(pieces))
    if alias in skill.case_sensitive:
        return f"(?-i:{body}){_END}"
    plural = "s?" if alias[-1].isalpha() and len(alias) >= 3 else ""
    return f"{body}{plural}{_END}"


@cache
def _load(path: Path) -> Taxonomy:
    """Parse and validate a taxonomy file."""
    return Taxonomy((parse_skill(entry, path) for entry in read_entries(path)), source=path)
