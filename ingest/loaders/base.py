"""Types shared by the loaders: a source unit to load, what loading gives, and what went wrong."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assistant.core.schema import Chunk, Document, Posting

FIELD_GUIDE_REPO = "alexeygrigorev/ai-engineering-field-guide"
FIELD_GUIDE_COMMIT = "1961e786814ab362b38532bfd5faeef4231c9db7"
FIELD_GUIDE_BLOB = f"https://github.com/{FIELD_GUIDE_REPO}/blob/{FIELD_GUIDE_COMMIT}/"


@dataclass(frozen=True)
class SourceUnit:
    """One thing to load: a file, or a job posting joined from several files; hashed before loading."""

    source: str
    paths: tuple[Path, ...]
    kind: str
    content_hash: str
    listing: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    """For a posting: its listing-CSV row as (column, value) pairs, part of content_hash."""


@dataclass
class LoadedUnit:
    """What one unit gave: documents to chunk and, for postings, the posting record; the pipeline adds the chunks."""

    unit: SourceUnit
    documents: list[Document] = field(default_factory=list)
    postings: list[Posting] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)


@dataclass(frozen=True)
class Problem:
    """A file that was skipped or only partly used, with the reason."""

    source: str
    reason: str
