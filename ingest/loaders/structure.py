"""Document structure shared by the loaders: heading/line events in, sections with heading paths out."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.core.schema import Section

HEADING_SEPARATOR = " > "
_BULLET = re.compile(r"^\s*(?:[-*•·◦▪]|\d{1,3}[.)])\s+")
_MAX_HEADING_WORDS = 8
_MAX_HEADING_CHARS = 70


@dataclass(frozen=True)
class Heading:
    """A heading event: its level (1 = top) and its text."""

    level: int
    text: str


Event = Heading | str
"""A heading, or one line of body text ("" is a paragraph break)."""


def tidy(lines: Iterable[str]) -> str:
    """Lines joined with trailing spaces removed, blank runs collapsed to one, outer blanks dropped."""
    out: list[str] = []
    for line in lines:
        line = line.rstrip()
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def build_sections(events: Sequence[Event]) -> list[Section]:
    """Sections keyed by heading path ("Skills > Python"); a lone level-1 heading is the title, not a path part."""
    top_levels = [e for e in events if isinstance(e, Heading) and e.level == 1]
    lone_top = len(top_levels) == 1
    stack: list[Heading] = []
    sections: list[Section] = []
    lines: list[str] = []

    def flush() -> None:
        text = tidy(lines)
        if text:
            sections.append(Section(heading=HEADING_SEPARATOR.join(h.text for h in stack), text=text))
        lines.clear()

    for event in events:
        if isinstance(event, Heading):
            flush()
            while stack and stack[-1].level >= event.level:
                stack.pop()
            if not (lone_top and event.level == 1):
                stack.append(event)
        else:
            lines.append(event)
    flush()
    return sections


def is_bullet(line: str) -> bool:
    """True for a list item line ("- x", "• x", "1. x")."""
    return bool(_BULLET.match(line))


def looks_like_heading(line: str, prev: str, nxt: str) -> bool:
    """A short standalone line (blank before, blank or a list after) that reads as a title, not a sentence."""
    text = line.strip()
    if not text or prev.strip() or (nxt.strip() and not is_bullet(nxt)):
        return False
    if is_bullet(line) or len(text) > _MAX_HEADING_CHARS or len(text.split()) > _MAX_HEADING_WORDS:
        return False
    if ": " in text or not any(c.isalpha() for c in text):
        return False  # "Location: Berlin" is a field, not a heading
    return text[0].isupper() and not text.endswith((".", ",", ";", "!"))


def plain_text_events(lines: Sequence[str], level: int = 2) -> list[Event]:
    """Events for plain text: heading-like standalone lines become headings, the rest stays body text."""
    events: list[Event] = []
    for i, line in enumerate(lines):
        prev = lines[i - 1] if i > 0 else ""
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if looks_like_heading(line, prev, nxt):
            events.append(Heading(level, line.strip().rstrip(":").strip()))
        else:
            events.append(line)
    return events


def unwrap(lines: Sequence[str]) -> list[str]:
    """Hard-wrapped paragraphs and list items joined back into one line each; blank lines kept."""
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        if not stripped or is_bullet(line) or not out or not out[-1].strip():
            out.append(line.rstrip())
        elif out[-1].endswith("-") and out[-1][-2:-1].isalpha():
            out[-1] = out[-1] + stripped
        else:
            out[-1] = f"{out[-1]} {stripped}"
    return out
