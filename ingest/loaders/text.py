"""Plain-text loader: title from the first meaningful line, paragraphs kept, standalone short lines as headings."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.core.schema import Document, Section
from ingest.loaders.doctype import doc_type_for, file_document
from ingest.loaders.markdown import looks_like_markdown, parse_markdown
from ingest.loaders.structure import build_sections, plain_text_events, tidy
from ingest.loaders.textio import decode_text, read_bytes

MAX_TITLE_CHARS = 120
# Lines a saved web page starts with that are navigation, not the title.
_BOILERPLATE = re.compile(r"^(skip to (main )?content|menu|home|blog|navigation)$", re.IGNORECASE)


def text_title(lines: list[str], fallback: str) -> tuple[str, int]:
    """The title and its line index: the first non-empty line that is not page chrome, trimmed."""
    first: tuple[str, int] | None = None
    for i, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        if first is None:
            first = (text, i)
        if not _BOILERPLATE.match(text):
            return _clip(text), i
    if first is None:
        return fallback, -1
    return _clip(first[0]), first[1]


def _clip(text: str) -> str:
    return text if len(text) <= MAX_TITLE_CHARS else text[: MAX_TITLE_CHARS - 1].rstrip() + "…"


def load_text(path: Path, source: str) -> Document:
    """A Document from a .txt file; text that is really Markdown (front matter, leading '#') is parsed as such."""
    data = read_bytes(path, source)
    text = decode_text(data, source)
    doc_type = doc_type_for(source)
    if looks_like_markdown(text):
        title, sections = parse_markdown(text, fallback_title=path.stem)
    else:
        lines = text.split("\n")
        title, title_at = text_title(lines, path.stem)
        body = lines[title_at + 1 :] if title_at >= 0 else lines
        sections = build_sections(plain_text_events(body)) or [Section(heading="", text=tidy(lines))]
    return file_document(source, title, sections, data, doc_type)
