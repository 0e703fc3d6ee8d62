"""Loaders: find the units under a corpus root and turn each into documents (and postings)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assistant.errors import LoaderError
from assistant.schema import Document
from ingest.loaders.base import LoadedUnit, Problem, SourceUnit
from ingest.loaders.discover import discover_units
from ingest.loaders.html import load_html
from ingest.loaders.markdown import load_markdown
from ingest.loaders.pdf import load_pdf
from ingest.loaders.postings import load_posting
from ingest.loaders.text import load_text
from ingest.loaders.yaml_docs import load_yaml

__all__ = ["LoadedUnit", "Problem", "SourceUnit", "discover_units", "load_unit"]

_FILE_LOADERS: dict[str, Callable[[Path, str], Document]] = {
    "markdown": load_markdown,
    "text": load_text,
    "pdf": load_pdf,
    "html": load_html,
}


def load_unit(unit: SourceUnit, root: Path) -> LoadedUnit:
    """Load one unit; raises assistant.errors.LoaderError(path, reason) when it cannot be used."""
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
    loaded.documents = [doc.model_copy(update={"content_hash": unit.content_hash}) for doc in loaded.documents]
    return loaded
