"""Markdown loader: title, heading paths, readable links/tables/code, front matter skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import LoaderError
from ingest.loaders.base import FIELD_GUIDE_BLOB
from ingest.loaders.markdown import inline, load_markdown, looks_like_markdown


def load(tmp_path: Path, text: str, source: str = "notes/guide.md"):
    path = tmp_path / Path(source).name
    path.write_text(text, encoding="utf-8")
    return load_markdown(path, source)


def test_title_is_the_first_heading(tmp_path: Path) -> None:
    assert load(tmp_path, "Intro line\n\n# Becoming an AI Engineer\n\nBody.\n").title == "Becoming an AI Engineer"


def test_title_falls_back_to_file_stem(tmp_path: Path) -> None:
    assert load(tmp_path, "Just a paragraph.\n", "notes/my-notes.md").title == "my-notes"


def test_sections_carry_heading_paths_below_the_title(tmp_path: Path) -> None:
    text = "# Guide\n\nIntro.\n\n## Skills\n\nOverview.\n\n### Python\n\nLearn typing.\n\n## Jobs\n\nMany.\n"
    doc = load(tmp_path, text)
    assert [(s.heading, s.text) for s in doc.sections] == [
        ("", "Intro."),
        ("Skills", "Overview."),
        ("Skills > Python", "Learn typing."),
        ("Jobs", "Many."),
    ]


def test_several_top_headings_stay_in_the_path(tmp_path: Path) -> None:
    doc = load(tmp_path, "# Part A\n\n## One\n\nx\n\n# Part B\n\ny\n")
    assert [s.heading for s in doc.sections] == ["Part A > One", "Part B"]


def test_absolute_links_keep_their_url_relative_links_keep_text(tmp_path: Path) -> None:
    doc = load(tmp_path, "See [the docs](https://example.com/docs) and [skills](../role/02-skills.md).\n")
    assert doc.sections[0].text == "See the docs (https://example.com/docs) and skills."


def test_images_are_dropped() -> None:
    assert inline("Chart: ![bar chart](img/chart.png) done") == "Chart:  done"


def test_bold_and_code_spans_are_unwrapped() -> None:
    assert inline("Use **RAG** with `pgvector`") == "Use RAG with pgvector"


def test_tables_become_pipe_separated_rows(tmp_path: Path) -> None:
    doc = load(tmp_path, "| Skill | Jobs |\n|---|---:|\n| **Python** | 738 |\n| RAG | 321 |\n")
    assert doc.sections[0].text == "Skill | Jobs\nPython | 738\nRAG | 321"


def test_code_fences_keep_their_text_and_hide_fake_headings(tmp_path: Path) -> None:
    doc = load(tmp_path, "# Setup\n\n```bash\n# not a heading\npip install x\n```\n")
    assert [s.heading for s in doc.sections] == [""]
    assert doc.sections[0].text == "# not a heading\npip install x"


def test_front_matter_is_skipped(tmp_path: Path) -> None:
    doc = load(tmp_path, "---\ntitle: Hidden\ntags: [a]\n---\n\n# Visible\n\nBody.\n")
    assert doc.title == "Visible"
    assert "tags" not in doc.sections[0].text


def test_setext_headings_are_recognised(tmp_path: Path) -> None:
    doc = load(tmp_path, "Guide\n=====\n\nIntro.\n\nUsage\n-----\n\nRun it.\n")
    assert doc.title == "Guide"
    assert [(s.heading, s.text) for s in doc.sections] == [("", "Intro."), ("Usage", "Run it.")]


def test_html_comments_are_removed(tmp_path: Path) -> None:
    assert load(tmp_path, "Kept <!-- hidden\nnote --> text.\n").sections[0].text == "Kept  text."


def test_field_guide_source_gets_a_pinned_blob_url(tmp_path: Path) -> None:
    doc = load(tmp_path, "# Path\n\nBody.\n", "field-guide/learning-paths/from-data-engineer.md")
    assert doc.url == FIELD_GUIDE_BLOB + "learning-paths/from-data-engineer.md"
    assert doc.doc_type == "learning_path"


def test_user_file_has_no_url(tmp_path: Path) -> None:
    assert load(tmp_path, "# Mine\n\nBody.\n", "my-notes/plan.md").url is None


def test_content_hash_is_sha256_of_the_file(tmp_path: Path) -> None:
    import hashlib

    doc = load(tmp_path, "# T\n\nBody.\n")
    assert doc.content_hash == hashlib.sha256(b"# T\n\nBody.\n").hexdigest()


def test_headings_only_file_raises_loader_error(tmp_path: Path) -> None:
    with pytest.raises(LoaderError, match="no text"):
        load(tmp_path, "# Title\n\n## Empty\n")


def test_nul_bytes_raise_loader_error(tmp_path: Path) -> None:
    path = tmp_path / "bin.md"
    path.write_bytes(b"# T\x00\x01\x02")
    with pytest.raises(LoaderError, match="NUL"):
        load_markdown(path, "bin.md")


def test_looks_like_markdown_detects_heading_or_front_matter() -> None:
    assert looks_like_markdown("\n# Title\n\ntext")
    assert looks_like_markdown("---\na: 1\n---\ntext")
    assert not looks_like_markdown("Title\n\n#hashtag later")


@pytest.mark.integration
def test_field_guide_skills_page_has_nested_sections(corpus_dir: Path) -> None:
    source = "field-guide/role/02-skills.md"
    doc = load_markdown(corpus_dir / source, source)
    assert doc.doc_type == "role_guide"
    assert any(" > " in s.heading for s in doc.sections)
    assert any(" | " in s.text for s in doc.sections)
