"""Markdown loader: sections by heading path; links, tables and code kept as readable plain text."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.core.schema import Document, Section
from assistant.errors import LoaderError
from ingest.loaders.doctype import file_document
from ingest.loaders.structure import Event, Heading, build_sections
from ingest.loaders.textio import decode_text, read_bytes

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_RULE = re.compile(r"^ {0,3}([-*_])(\s*\1){2,}\s*$")
_TABLE_DIVIDER = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_REF_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s+\S+")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)

# Inline patterns run on untrusted lines of any length, so each is written to stay linear: a span may
# not contain its own opening delimiter, so a failed match never rescans the rest of the line from
# every later delimiter ("[[[[…", "**a **a …" or a run of backticks would otherwise take quadratic time).
_IMAGE = re.compile(r"!\[[^\[\]]*\]\([^()]*\)")
_LINK = re.compile(r"\[([^\[\]]*)\]\(\s*<?([^()\s<>]*)>?(?:\s+[\"'][^()]*[\"'])?\s*\)")
_REF_LINK = re.compile(r"\[([^\[\]]+)\]\[[^\[\]]*\]")
_AUTOLINK = re.compile(r"<(https?://[^<>\s]+)>")
_BOLD = re.compile(r"(\*\*|__)(?=\S)((?:(?!\1).)+?)(?<=\S)\1")
_CODE_SPAN = re.compile(r"(?<!`)`+([^`]+?)`+")  # opens only where a backtick run starts
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def _link(match: re.Match[str]) -> str:
    text, url = match.group(1).strip(), match.group(2)
    if not url.startswith(("http://", "https://")):
        return text
    return url if not text or text == url else f"{text} ({url})"


def inline(text: str) -> str:
    """Inline markup made readable: images dropped, links as "text (url)" (relative links: text only)."""
    text = _IMAGE.sub("", text)
    text = _LINK.sub(_link, text)
    text = _REF_LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _BOLD.sub(r"\2", text)
    text = _CODE_SPAN.sub(r"\1", text)
    return _BREAK.sub(" ", text)


def _table_row(line: str) -> str:
    cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
    return " | ".join(inline(cell.strip()) for cell in cells)


def looks_like_markdown(text: str) -> bool:
    """True when text opens with front matter or an ATX heading, so it is Markdown whatever its extension."""
    if _FRONT_MATTER.match(text):
        return True
    first = next((line for line in text.split("\n") if line.strip()), "")
    return bool(first.startswith("#") and _ATX.match(first))


def markdown_events(text: str) -> list[Event]:
    """Heading and body-line events for Markdown text (front matter and comments already removed)."""
    lines = text.split("\n")
    events: list[Event] = []
    fence: str | None = None
    for i, line in enumerate(lines):
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
                events.append("")
            else:
                events.append(line)
            continue
        if opener := _FENCE.match(line):
            fence = opener.group(1)[0] * len(opener.group(1))
            events.append("")
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        prev = lines[i - 1] if i > 0 else ""
        if (heading := _ATX.match(line)) and (title := inline(heading.group(2) or "").strip()):
            events.append(Heading(len(heading.group(1)), title))
        elif _SETEXT.match(nxt) and line.strip() and not prev.strip() and not line.lstrip().startswith(("|", "-", "*", ">")):
            events.append(Heading(1 if nxt.strip().startswith("=") else 2, inline(line.strip())))
        elif (_SETEXT.match(line) and events and isinstance(events[-1], Heading)) or ("|" in line and _TABLE_DIVIDER.match(line)):
            continue
        elif _RULE.match(line) or _REF_DEFINITION.match(line):
            events.append("")
        elif line.lstrip().startswith("|"):
            events.append(_table_row(line))
        elif line.lstrip().startswith(">"):
            events.append(inline(line.lstrip()[1:].lstrip()))
        else:
            events.append(inline(line))
    return events


def strip_comments(text: str) -> str:
    """Text without HTML comments; an unclosed comment hides the rest (a scan, not a regex: linear)."""
    parts: list[str] = []
    at = 0
    while (start := text.find("<!--", at)) >= 0:
        parts.append(text[at:start])
        end = text.find("-->", start + 4)
        at = len(text) if end < 0 else end + 3
    parts.append(text[at:])
    return "".join(parts)


def parse_markdown(text: str, fallback_title: str) -> tuple[str, list[Section]]:
    """The title (first heading, else fallback) and sections of Markdown text."""
    text = strip_comments(_FRONT_MATTER.sub("", text, count=1))
    events = markdown_events(text)
    title = next((e.text for e in events if isinstance(e, Heading)), fallback_title)
    return title, build_sections(events)


def load_markdown(path: Path, source: str) -> Document:
    """A Document from a Markdown file; LoaderError when it is unreadable or has no text."""
    data = read_bytes(path, source)
    title, sections = parse_markdown(decode_text(data, source), fallback_title=path.stem)
    if not sections:
        raise LoaderError(source, "no text besides headings; add content or remove the file")
    return file_document(source, title, sections, data)
