"""Loaders: find the units under a corpus root and turn each into documents (and postings)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assistant.core.schema import Document
from assistant.errors import LoaderError
from ingest.loaders import limits
from ingest.loaders.base import LoadedUnit, Problem, SourceUnit
from ingest.loaders.discover import discover_units
from ingest.loaders.html import load_html
from ingest.loaders.markdown import load_markdown
from ingest.loaders.pdf import load_pdf
from ingest.loaders.postings import load_posting
from ingest.loaders.text import load_text
from ingest.loaders.textio import strip_controls
from ingest.loaders.yaml_docs import load_yaml

__all__ = ["LoadedUnit", "Problem", "SourceUnit", "discover_units", "load_unit"]

_FILE_LOADERS: dict[str, Callable[[Path, str], Document]] = {
    "markdown": load_markdown,
    "text": load_text,
    "pdf": load_pdf,
    "html": load_html,
}


def load_unit(unit: SourceUnit, root: Path, time_limit: float | None = None) -> LoadedUnit:
    """Load one unit within a time limit (default limits.MAX_LOAD_SECONDS); LoaderError(path, reason) when unusable."""
    seconds = limits.MAX_LOAD_SECONDS if time_limit is None else time_limit
    try:
        return limits.call_with_time_limit(lambda: _load(unit, root), seconds, unit.source)
    except LoaderError:
        raise
    except Exception as exc:
        # Corpus files are untrusted input: a parser bug on one file must cost that file, not the whole ingest.
        raise LoaderError(unit.source, f"unexpected {type(exc).__name__} while loading ({exc}); please report it") from exc


def _load(unit: SourceUnit, root: Path) -> LoadedUnit:
    paths = tuple(root / path for path in unit.paths)
    loaded = LoadedUnit(unit=unit)
    if unit.kind == "posting":
        posting, document, warnings = load_posting(unit.source, paths, dict(unit.listing), unit.content_hash)
        loaded.postings.append(posting)
        loaded.documents.extend([document] if document else [])
        loaded.warnings.extend(warnings)
    elif unit.kind == "yaml":
        documents, postings = load_yaml(paths[0], unit.source)
        loaded.documents.extend(documents)
        loaded.postings.extend(postings)
    elif unit.kind in _FILE_LOADERS:
        loaded.documents.append(_FILE_LOADERS[unit.kind](paths[0], unit.source))
    else:
        raise LoaderError(unit.source, f"no loader for kind {unit.kind!r}")
    # The unit's hash (taken at discovery) is the one incremental ingest compares against.
    loaded.documents = [_finish(doc, unit.content_hash) for doc in loaded.documents]
    for doc in loaded.documents:
        if repeated := limits.repeated_word(" ".join(s.text for s in doc.sections)):
            word, share = repeated
            raise LoaderError(unit.source, f"refused: {share:.0%} of its words are '{limits.clip(word, 40)}'; nothing to index")
    return loaded


def _finish(doc: Document, content_hash: str) -> Document:
    """The document with the unit's hash, titles and headings clipped, control characters removed."""
    sections = [
        s.model_copy(update={"heading": limits.clip(strip_controls(s.heading)), "text": strip_controls(s.text)})
        for s in doc.sections
    ]
    title = limits.clip(strip_controls(doc.title))
    return doc.model_copy(update={"content_hash": content_hash, "title": title, "sections": sections})
