"""PDF loader (pypdf): one section per page with its page number, slide titles used as headings."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PasswordType, PdfReader

from assistant.core.schema import Document, Section
from assistant.errors import LoaderError
from ingest.loaders.doctype import file_document
from ingest.loaders.structure import tidy
from ingest.loaders.textio import read_bytes

MAX_SLIDE_TITLE_CHARS = 80
MAX_SLIDE_TITLE_WORDS = 10
# A few KB of PDF can declare thousands of pages (one shared page object); text extraction costs per page.
MAX_PAGES = 2000


def _page_lines(text: str, number: int) -> list[str]:
    lines = [" ".join(line.split()) for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    # Slide decks print the page number as the last line; it is not content.
    if lines and lines[-1] == str(number):
        lines.pop()
    return lines


def _slide_title(lines: list[str]) -> str | None:
    first = next((line for line in lines if line), "")
    words = first.split()
    if len(lines) < 2 or not words or len(first) > MAX_SLIDE_TITLE_CHARS or len(words) > MAX_SLIDE_TITLE_WORDS:
        return None
    if first.endswith((".", ",", ";", ":")) or first.replace(",", "").replace(".", "").isdigit():
        return None
    return first


def page_section(text: str, number: int, landscape: bool) -> Section | None:
    """A page's section: landscape pages (slides) use their first line as heading, others "Page N"; None if blank."""
    lines = _page_lines(text, number)
    if not any(lines):
        return None
    title = _slide_title(lines) if landscape else None
    if title is None:
        return Section(heading=f"Page {number}", text=tidy(lines), page=number)
    rest = lines[lines.index(title) + 1 :]
    return Section(heading=title, text=tidy(rest) or title, page=number)


def _open(data: bytes, source: str) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise LoaderError(source, "the PDF is password-protected; save an unencrypted copy")
        return reader
    except LoaderError:
        raise
    except Exception as exc:  # pypdf raises many error types on damaged input; each means the same here.
        raise LoaderError(source, f"not a readable PDF ({type(exc).__name__}: {exc}); re-export or replace it") from exc


def _first_line(section: Section) -> str:
    line = section.heading if not section.heading.startswith("Page ") else section.text.split("\n", 1)[0]
    return line[:MAX_SLIDE_TITLE_CHARS]


def _metadata_title(reader: PdfReader) -> str:
    try:
        title = reader.metadata.title if reader.metadata else None
    except Exception:  # a damaged info dictionary only costs us the title
        return ""
    return " ".join(str(title or "").split())


def load_pdf(path: Path, source: str) -> Document:
    """A Document from a PDF: text per page, page numbers kept; LoaderError for corrupt, locked or image-only files."""
    data = read_bytes(path, source)
    reader = _open(data, source)
    sections: list[Section] = []
    try:
        if (pages := len(reader.pages)) > MAX_PAGES:
            raise LoaderError(source, f"the PDF has {pages:,} pages, over the {MAX_PAGES:,}-page limit; split it")
        for number, page in enumerate(reader.pages, start=1):
            box = page.mediabox
            section = page_section(page.extract_text() or "", number, landscape=box.width > box.height)
            if section is not None:
                sections.append(section)
    except LoaderError:
        raise
    except Exception as exc:  # same reason as in _open: damaged content streams fail in many ways
        raise LoaderError(source, f"cannot extract text ({type(exc).__name__}: {exc}); re-export the PDF") from exc
    if not sections:
        raise LoaderError(source, "no extractable text (image-only or empty PDF); run OCR or add a text version")
    return file_document(source, _metadata_title(reader) or _first_line(sections[0]), sections, data)
