"""Single YAML files (postings, interview-process records, other data) and the block-scalar repair."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import LoaderError
from ingest.loaders.yaml_docs import load_yaml
from ingest.loaders.yamlio import parse_yaml, repair_block_scalars

INTERVIEW = """company: "Mutiny"
role: "Senior Software Engineer (AI Products)"
source_files:
  - "4476482_Mutiny_Senior_Software_Engineer_AI_Products.yaml"
steps:
  - name: "Hiring manager phone screen"
    duration: "30 min"
  - name: "Virtual onsite"
    details: "two technical rounds"
notable: "CTO runs the first screen."
"""


def write(tmp_path: Path, text: str, name: str = "doc.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_interview_process_record_becomes_a_readable_interview_document(tmp_path: Path) -> None:
    source = "field-guide/interview/data/job-descriptions/4476482.yaml"
    docs, postings = load_yaml(write(tmp_path, INTERVIEW), source)
    assert postings == []
    assert docs[0].title == "Interview process at Mutiny: Senior Software Engineer (AI Products)"
    assert docs[0].doc_type == "interview"
    assert docs[0].sections[0].text.splitlines()[2:5] == [
        "Steps:",
        "1. Hiring manager phone screen (30 min)",
        "2. Virtual onsite (two technical rounds)",
    ]
    assert "4476482 Mutiny Senior Software Engineer AI Products" in docs[0].sections[0].text


def test_users_own_raw_posting_yaml_gives_a_posting_and_its_document(tmp_path: Path) -> None:
    text = (
        "title: ML Engineer\ncompany: Beta\nlocation: Remote\ndescription: |\n  We build models.\nurl: https://jobs.example/1\n"
    )
    docs, postings = load_yaml(write(tmp_path, text, "555_beta.yaml"), "my-jobs/555_beta.yaml")
    assert (postings[0].job_id, postings[0].work_type, postings[0].source) == ("555", "Remote", "my-jobs/555_beta.yaml")
    assert (docs[0].doc_type, docs[0].title, docs[0].url) == ("job_posting", "ML Engineer at Beta", "https://jobs.example/1")


def test_structured_shaped_posting_yaml_gives_a_posting(tmp_path: Path) -> None:
    text = "company: {name: Gamma}\nposition:\n  title: AI Engineer\n  responsibilities: [Build agents]\nmeta: {job_id: '77'}\n"
    docs, postings = load_yaml(write(tmp_path, text), "mine/gamma.yaml")
    assert (postings[0].job_id, postings[0].company) == ("77", "Gamma")
    assert docs[0].sections[0].text == "- Build agents"


def test_other_yaml_is_rendered_as_key_value_text(tmp_path: Path) -> None:
    docs, _ = load_yaml(write(tmp_path, "name: Study plan\nweeks:\n  - topic: RAG\n    hours: 5\n"), "notes/plan.yaml")
    assert docs[0].title == "Study plan"
    assert docs[0].sections[0].text == "name: Study plan\nweeks:\n  - topic: RAG\n    hours: 5"


def test_invalid_yaml_raises_loader_error_with_line(tmp_path: Path) -> None:
    with pytest.raises(LoaderError, match="invalid YAML at line"):
        load_yaml(write(tmp_path, "a: 1\nb: [unclosed\n"), "bad.yaml")


def test_empty_yaml_document_raises_loader_error(tmp_path: Path) -> None:
    with pytest.raises(LoaderError, match="no data"):
        load_yaml(write(tmp_path, "# only a comment\n"), "empty.yaml")


def test_repair_reindents_column_zero_lines_inside_a_block() -> None:
    text = "description: |\n  first line\nsecond line\n  third\nurl: x\n"
    repaired, moved = repair_block_scalars(text)
    assert moved == 1
    assert parse_yaml(repaired) == {"description": "first line\nsecond line\nthird\n", "url": "x"}


def test_repair_leaves_valid_yaml_alone() -> None:
    text = "a: 1\nb: |\n  text\nc: [1, 2]\n"
    assert repair_block_scalars(text) == (text, 0)
