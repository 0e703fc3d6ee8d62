"""doc_type and public url inferred from a source path."""

from __future__ import annotations

import pytest

from ingest.loaders.base import FIELD_GUIDE_BLOB
from ingest.loaders.doctype import doc_type_for, url_for


@pytest.mark.parametrize(
    ("source", "doc_type"),
    [
        ("field-guide/job-market/data_raw/1_X.yaml", "job_posting"),
        ("field-guide/job-market/data_structured/1_X.yaml", "job_posting"),
        ("field-guide/learning-paths/from-data-engineer.md", "learning_path"),
        ("field-guide/role/02-skills.md", "role_guide"),
        ("field-guide/interview/questions/01-theory.md", "interview"),
        ("field-guide/interview/data/job-descriptions/4476482.yaml", "interview"),
        ("field-guide/webinars/slides/interview-process.pdf", "slides"),
        ("field-guide/webinars/Slides/deck.HTML", "slides"),
        ("field-guide/webinars/02-defining-the-role.md", "webinar"),
        ("field-guide/portfolio/README.md", "portfolio"),
        ("seeds/001_x.txt", "article"),
        ("my-notes/role-guide.txt", "article"),
        ("field-guide/README.md", "other"),
        ("field-guide/job-market/README.md", "other"),
        ("controller/notes.md", "other"),
    ],
)
def test_doc_type_for(source: str, doc_type: str) -> None:
    assert doc_type_for(source) == doc_type


def test_field_guide_url_points_at_the_pinned_blob() -> None:
    assert url_for("field-guide/role/02-skills.md") == FIELD_GUIDE_BLOB + "role/02-skills.md"


def test_other_sources_have_no_url() -> None:
    assert url_for("seeds/001_x.txt") is None
