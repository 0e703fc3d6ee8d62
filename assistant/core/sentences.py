"""Quotable units: the sentences, named lists and table rows an extractive answer may quote, found the same way at ingest and at answer time."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MIN_CHARS = 30
MAX_CHARS = 320
PER_PASSAGE = 14
# A list item this short names one thing ("Fraud detection"); a run of them says something only with their heading.
LIST_ITEM_WORDS = 8
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
# A sentence ends at . ! ? before a capital; a flattened list ("... back. - Prompt ...") drops its dash there.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?:[-*•]\s+)?(?=[A-Z0-9\"'(“])")
# Links and footnote markers: a reference to a source, not something the source says.
_REFERENCE = re.compile(r"\(?https?://\S+|\[\^[^\]]*\]|\[([^\]]*)\]\([^)]*\)")


@dataclass(frozen=True)
class Quotable:
    """What an answer may show from a passage, and the passage's own words that back it."""

    text: str
    quote: str


@dataclass
class _List:
    """A list being read: the items too short to quote alone, under the line that names them, and the statements."""

    label: str
    names: list[str] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # as written, from the first name to the last
    pending: list[str] = field(default_factory=list)  # lines read since the last name

    def read(self, line: str, item: str) -> None:
        if _names_one_thing(item):
            self.lines += [*self.pending, line] if self.lines else [item]
            self.pending.clear()
            self.names.append(item)
        else:
            self.pending.append(line)
            self.statements += _statements(item)

    def units(self) -> list[Quotable]:
        """The names as one unit (two or more of them), then each statement."""
        units = [Quotable(s, s) for s in self.statements]
        if len(self.names) < 2:
            return units
        names = "; ".join(self.names)
        # A label with a link would put words in the answer that the quote (the list's own lines) does not back.
        shown = f"{self.label}: {names}" if self.label and not _REFERENCE.search(self.label) else names
        return [Quotable(_cut(shown), _cut(" ".join(self.lines))), *units]


def quotable_sentences(text: str, section: str = "", limit: int = PER_PASSAGE) -> list[str]:
    """The text of every quotable unit of a passage, in order (what ingest embeds ahead of answers)."""
    return [q.text for q in quotable_units(text, section, limit)]


def quotable_units(text: str, section: str = "", limit: int = PER_PASSAGE) -> list[Quotable]:
    """Sentences, list items and table rows of a passage in order, skipping headings, fragments and repeats.

    A run of list items too short to say anything alone ("Fraud detection") becomes one unit, led by the
    heading or line that names them; `section` is the passage's section path, whose last step heads its text.
    A table row of figures is read with its header row.
    """
    found: dict[str, Quotable] = {}

    def keep(units: list[Quotable]) -> None:
        for unit in units:
            found.setdefault(unit.text, unit)

    label = section.rsplit(">", 1)[-1].strip()
    listed: _List | None = None
    header: list[str] | None = None  # the first row of the table being read
    for raw in text.splitlines():
        line = raw.strip()
        item = _BULLET.sub("", line)
        if item != line:
            listed = listed or _List(label)
            listed.read(line, item)
            continue
        if listed and line:
            keep(listed.units())
            listed = None
        cells = [c.strip() for c in line.split(" | ")] if " | " in line else None
        if cells is None:
            header = None
        elif header is None or len(cells) != len(header):
            header = cells  # a table's first row names its columns
            continue
        elif not _answers_something(line) and (row := _row(header, cells)):
            keep([Quotable(row, line)])
            continue
        if not line or line.startswith(("|", "```", "!", "<")):
            continue
        if line.startswith("#") or not _answers_something(line):
            label = line.lstrip("#").strip().rstrip(":")  # a heading, one flattened into the text, or a list's intro
            continue
        keep([Quotable(s, s) for s in _statements(line)])
    if listed:
        keep(listed.units())
    return list(found.values())[:limit]


def _row(header: list[str], cells: list[str]) -> str | None:
    """A table row of figures read with its header: "RAG (AI-First: 50.2%; AI-Support: 17.3%)"."""
    pairs = [f"{h}: {c}" for h, c in zip(header[1:], cells[1:], strict=True) if c.strip("-– ")]
    if not cells[0] or not pairs or not any(ch.isalpha() for ch in cells[0]):
        return None
    return _cut(f"{cells[0]} ({'; '.join(pairs)})")


def _statements(line: str) -> list[str]:
    return [_cut(s.strip()) for s in _SENTENCE_END.split(line) if _answers_something(s.strip())]


def _cut(sentence: str) -> str:
    return sentence[:MAX_CHARS].rsplit(" ", 1)[0] if len(sentence) > MAX_CHARS else sentence


def _names_one_thing(item: str) -> bool:
    """A short list item in words or figures, no link ("Risk assessment and underwriting", "10-15 min high-level
    design"): a name, not a statement."""
    if len(item.split()) > LIST_ITEM_WORDS or item.endswith(("?", ":", ".", "!")) or _REFERENCE.search(item):
        return False
    return len(item) >= 3 and _in_words(item)


def _answers_something(sentence: str) -> bool:
    """A full statement in words: not a question, link, or fragment."""
    if len(sentence) < MIN_CHARS or len(sentence.split()) < 5:
        return False
    # Questions (FAQ headings, interview prompts), list intros and links do not answer anything by themselves.
    if sentence.endswith(("?", ":")) or sentence.startswith(("(", "[", "http")):
        return False
    # A source's title beside its link ("InterviewNode — Cracking take-homes (https://…)") names a reference:
    # a few words, mostly link. A statement with its source linked after it stays.
    words = _REFERENCE.sub(r"\1", sentence).split()
    if len(words) < 5 or (len(" ".join(words)) < 0.6 * len(sentence) and len(words) < 12):
        return False
    return _in_words(sentence)


def _in_words(text: str) -> bool:
    """At least 80% letters, digits and spaces: prose, not code or markup."""
    # Digits count as words: a guide's most distinctive facts are often its figures ("E4 ~$332K, E5 ~$492K").
    return sum(ch.isalnum() or ch.isspace() for ch in text) >= 0.8 * len(text)


def quote(text: str, chars: int = 300) -> str:
    """A passage as a citation shows it: on one line, at most `chars` characters, a cut marked with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= chars else flat[: chars - 1].rstrip() + "…"
