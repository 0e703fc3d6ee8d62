"""What a source is (doc_type) and where it lives publicly (url), both inferred from its path."""

from __future__ import annotations

import hashlib

from assistant.core.schema import DocType, Document, Section
from ingest.loaders.base import FIELD_GUIDE_BLOB

FIELD_GUIDE_PREFIX = "field-guide/"

# First match wins: (path fragment, doc_type). Fragments are matched on "/"-bounded, lower-cased paths.
_PATH_RULES: tuple[tuple[str, DocType], ...] = (
    ("/data_raw/", "job_posting"),
    ("/data_structured/", "job_posting"),
    ("/webinars/slides/", "slides"),
    ("/learning-paths/", "learning_path"),
    ("/role/", "role_guide"),
    ("/interview/", "interview"),
    ("/webinars/", "webinar"),
    ("/portfolio/", "portfolio"),
    ("/seeds/", "article"),
)
_ARTICLE_SUFFIXES = (".txt",)


def doc_type_for(source: str) -> DocType:
    """The doc_type of a source path relative to the corpus root; plain-text files default to article."""
    path = "/" + source.lower().lstrip("/")
    for fragment, doc_type in _PATH_RULES:
        if fragment in path:
            return doc_type
    return "article" if path.endswith(_ARTICLE_SUFFIXES) else "other"


def url_for(source: str) -> str | None:
    """The public GitHub blob URL (pinned commit) for a field-guide file; None for anything else."""
    if source.startswith(FIELD_GUIDE_PREFIX):
        return FIELD_GUIDE_BLOB + source[len(FIELD_GUIDE_PREFIX) :]
    return None


def file_document(source: str, title: str, sections: list[Section], data: bytes, doc_type: DocType | None = None) -> Document:
    """A Document for one file: doc_type and public url from its path, hash of its bytes."""
    return Document(
        source=source,
        title=title,
        doc_type=doc_type or doc_type_for(source),
        url=url_for(source),
        sections=sections,
        content_hash=hashlib.sha256(data).hexdigest(),
    )
