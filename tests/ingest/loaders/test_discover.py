"""Discovery: which files become units, how postings are grouped, hashes, and what is reported."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from assistant.errors import CorpusError
from ingest.loaders import discover_units
from ingest.loaders.discover import MAX_FILE_BYTES

HEADER = "title,company,location,work_type,level,compensation,link,id,scraped_date\n"


def put(root: Path, rel: str, data: str | bytes = "text\n") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def posting_folder(root: Path, csv_rows: str = "T,C,,,,,,101,2026-02-04\nT2,C2,,,,,,102,2026-02-04\n") -> None:
    put(root, "jm/data_raw/101_C_T.yaml", "title: T\ncompany: C\ndescription: x\n")
    put(root, "jm/data_structured/101_C_T.yaml", "company: {name: C}\nposition: {title: T}\n")
    put(root, "jm/_internal/all_jobs_dedup.csv", HEADER + csv_rows)


def test_files_are_found_by_extension_with_kinds(tmp_path: Path) -> None:
    for rel in ["a.md", "b/c.markdown", "d.txt", "e.pdf", "f.html", "g.htm", "h.yaml", "i.YML", "skip.csv", "skip.json"]:
        put(tmp_path, rel)
    units, _ = discover_units(tmp_path)
    assert [(u.source, u.kind) for u in units] == [
        ("a.md", "markdown"),
        ("b/c.markdown", "markdown"),
        ("d.txt", "text"),
        ("e.pdf", "pdf"),
        ("f.html", "html"),
        ("g.htm", "html"),
        ("h.yaml", "yaml"),
        ("i.YML", "yaml"),
    ]


def test_hidden_files_and_folders_are_skipped(tmp_path: Path) -> None:
    put(tmp_path, ".hidden.md")
    put(tmp_path, ".git/notes.md")
    put(tmp_path, "ok/visible.md")
    assert [u.source for u in discover_units(tmp_path)[0]] == ["ok/visible.md"]


def test_single_file_hash_is_sha256_of_its_bytes(tmp_path: Path) -> None:
    put(tmp_path, "a.md", "# Hello\n")
    assert discover_units(tmp_path)[0][0].content_hash == hashlib.sha256(b"# Hello\n").hexdigest()


def test_postings_are_one_unit_per_job_id_with_listing_row(tmp_path: Path) -> None:
    posting_folder(tmp_path)
    units, problems = discover_units(tmp_path)
    assert problems == []
    assert [(u.source, u.kind) for u in units] == [("jm/data_raw/101_C_T.yaml", "posting")]
    assert [p.parent.name for p in units[0].paths] == ["data_raw", "data_structured"]
    assert dict(units[0].listing)["id"] == "101"


def test_posting_hash_changes_with_its_listing_row_only(tmp_path: Path) -> None:
    posting_folder(tmp_path)
    before = discover_units(tmp_path)[0][0].content_hash
    put(tmp_path, "jm/_internal/all_jobs_dedup.csv", HEADER + "T,C,,,,,,101,2026-02-04\nT2,Other,,,,,,102,2026-03-01\n")
    assert discover_units(tmp_path)[0][0].content_hash == before
    put(tmp_path, "jm/_internal/all_jobs_dedup.csv", HEADER + "T,C,,Remote,,,,101,2026-02-04\n")
    assert discover_units(tmp_path)[0][0].content_hash != before


def test_posting_hash_changes_with_its_structured_file(tmp_path: Path) -> None:
    posting_folder(tmp_path)
    before = discover_units(tmp_path)[0][0].content_hash
    put(tmp_path, "jm/data_structured/101_C_T.yaml", "company: {name: C}\nposition: {title: T2}\n")
    assert discover_units(tmp_path)[0][0].content_hash != before


def test_csv_is_not_a_unit_and_raw_only_folder_works(tmp_path: Path) -> None:
    put(tmp_path, "jm/data_raw/7_C_T.yaml", "title: T\ncompany: C\n")
    put(tmp_path, "jm/_internal/all_jobs_dedup.csv", HEADER)
    units, problems = discover_units(tmp_path)
    assert [(u.source, u.kind) for u in units] == [("jm/data_raw/7_C_T.yaml", "posting")] and problems == []


def test_yaml_outside_a_job_market_folder_is_a_yaml_unit(tmp_path: Path) -> None:
    put(tmp_path, "interview/data/job-descriptions/101.yaml", "company: X\nsteps: []\n")
    assert [u.kind for u in discover_units(tmp_path)[0]] == ["yaml"]


def test_empty_file_is_a_problem_not_a_unit(tmp_path: Path) -> None:
    put(tmp_path, "empty.md", b"")
    units, problems = discover_units(tmp_path)
    assert units == [] and [(p.source, "empty" in p.reason) for p in problems] == [("empty.md", True)]


def test_oversized_file_is_a_problem_not_a_unit(tmp_path: Path) -> None:
    path = put(tmp_path, "huge.txt", b"x")
    with path.open("r+b") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: no real 20 MB write
    units, problems = discover_units(tmp_path)
    assert units == [] and "limit" in problems[0].reason


def test_posting_file_without_job_id_is_a_problem(tmp_path: Path) -> None:
    put(tmp_path, "jm/data_raw/_nameless.yaml", "title: T\n")
    units, problems = discover_units(tmp_path)
    assert units == [] and "job id" in problems[0].reason


def test_duplicate_job_id_is_reported_and_first_file_used(tmp_path: Path) -> None:
    put(tmp_path, "jm/data_raw/5_a.yaml", "title: A\ncompany: C\n")
    put(tmp_path, "jm/data_raw/5_b.yaml", "title: B\ncompany: C\n")
    units, problems = discover_units(tmp_path)
    assert [u.source for u in units] == ["jm/data_raw/5_a.yaml"]
    assert [p.source for p in problems] == ["jm/data_raw/5_b.yaml"]


def test_listing_without_id_column_is_reported(tmp_path: Path) -> None:
    put(tmp_path, "jm/data_raw/5_a.yaml", "title: A\ncompany: C\n")
    put(tmp_path, "jm/_internal/all_jobs_dedup.csv", "title,company\nA,C\n")
    units, problems = discover_units(tmp_path)
    assert len(units) == 1 and units[0].listing == ()
    assert problems[0].source == "jm/_internal/all_jobs_dedup.csv"


def test_missing_root_raises_corpus_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        discover_units(tmp_path / "absent")


@pytest.mark.integration
def test_corpus_discovery_counts(corpus_dir: Path) -> None:
    units, problems = discover_units(corpus_dir)
    kinds = [u.kind for u in units]
    assert problems == []
    assert kinds.count("posting") == 1765
    assert kinds.count("pdf") == 2 and kinds.count("html") == 2 and kinds.count("text") == 5
    assert units == sorted(units, key=lambda u: u.source)


def test_project_corpus_readme_is_not_a_document(tmp_path: Path) -> None:
    (tmp_path / "sources.toml").write_text("[[source]]\n")
    (tmp_path / "README.md").write_text("# How this folder works\n")
    (tmp_path / "guide.md").write_text("# Guide\n\nText.\n")
    units, _ = discover_units(tmp_path)
    assert [u.source for u in units] == ["guide.md"]
