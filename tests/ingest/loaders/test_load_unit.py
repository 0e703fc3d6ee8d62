"""load_unit: dispatch by kind, the unit's hash on every document, and the whole corpus in time."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from assistant.errors import LoaderError
from ingest.loaders import discover_units, load_unit
from ingest.loaders.base import SourceUnit

MAX_CORPUS_SECONDS = 30


def test_documents_carry_the_units_content_hash(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# A\n\nBody.\n")
    unit = SourceUnit(source="a.md", paths=(tmp_path / "a.md",), kind="markdown", content_hash="abc123")
    assert load_unit(unit, tmp_path).documents[0].content_hash == "abc123"


def test_relative_unit_paths_are_resolved_against_root(tmp_path: Path) -> None:
    (tmp_path / "n.txt").write_text("Title\n\nBody.\n")
    unit = SourceUnit(source="n.txt", paths=(Path("n.txt"),), kind="text", content_hash="h")
    assert load_unit(unit, tmp_path).documents[0].title == "Title"


def test_unknown_kind_raises_loader_error(tmp_path: Path) -> None:
    unit = SourceUnit(source="x.bin", paths=(tmp_path / "x.bin",), kind="binary", content_hash="h")
    with pytest.raises(LoaderError, match="no loader"):
        load_unit(unit, tmp_path)


def test_a_broken_file_raises_loader_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "bad.pdf").write_bytes(b"not a pdf at all")
    units, _ = discover_units(tmp_path)
    with pytest.raises(LoaderError) as err:
        load_unit(units[0], tmp_path)
    assert err.value.path == "bad.pdf"


@pytest.mark.integration
def test_whole_corpus_loads_quickly_without_errors(corpus_dir: Path) -> None:
    started = time.perf_counter()
    units, problems = discover_units(corpus_dir)
    loaded = [load_unit(u, corpus_dir) for u in units]
    elapsed = time.perf_counter() - started
    doc_types = {d.doc_type for u in loaded for d in u.documents}
    assert problems == [] and elapsed < MAX_CORPUS_SECONDS
    assert {"job_posting", "learning_path", "role_guide", "interview", "webinar", "slides", "portfolio", "article"} <= doc_types
