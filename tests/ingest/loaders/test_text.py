"""Plain-text loader and decoding: title line, paragraphs, simple headings, encodings, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import LoaderError
from ingest.loaders.text import MAX_TITLE_CHARS, load_text
from ingest.loaders.textio import decode_text


def load(tmp_path: Path, data: str | bytes, source: str = "seeds/guide.txt"):
    path = tmp_path / Path(source).name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return load_text(path, source)


def test_title_is_the_first_non_empty_line(tmp_path: Path) -> None:
    assert load(tmp_path, "\n\n  AI Engineer Hiring Guide  \n\nBody paragraph.\n").title == "AI Engineer Hiring Guide"


def test_page_chrome_before_the_title_is_skipped(tmp_path: Path) -> None:
    assert load(tmp_path, "Skip to main content\n\nThe Real Title\n\nBody.\n").title == "The Real Title"


def test_long_first_line_is_clipped(tmp_path: Path) -> None:
    title = load(tmp_path, "word " * 100 + "\n\nBody.\n").title
    assert len(title) <= MAX_TITLE_CHARS and title.endswith("…")


def test_paragraphs_are_kept(tmp_path: Path) -> None:
    doc = load(tmp_path, "Title\n\nFirst paragraph line one\nline two.\n\n\n\nSecond paragraph.\n")
    assert doc.sections[0].text == "First paragraph line one\nline two.\n\nSecond paragraph."


def test_standalone_short_lines_become_headings(tmp_path: Path) -> None:
    text = "Guide\n\nIntro text here.\n\nKey Responsibilities\n\n- Build RAG systems.\n\nWhat We Offer:\n- Equity.\n"
    doc = load(tmp_path, text)
    assert [s.heading for s in doc.sections] == ["", "Key Responsibilities", "What We Offer"]


def test_sentences_and_fields_are_not_headings(tmp_path: Path) -> None:
    doc = load(tmp_path, "Guide\n\nThis is a sentence.\n\nLocation: Berlin\n\nmore text\n")
    assert [s.heading for s in doc.sections] == [""]


def test_single_line_file_keeps_its_line_as_text(tmp_path: Path) -> None:
    doc = load(tmp_path, "Only a title line\n")
    assert doc.title == "Only a title line" and doc.sections[0].text == "Only a title line"


def test_markdown_in_a_txt_file_is_parsed_as_markdown(tmp_path: Path) -> None:
    doc = load(tmp_path, "---\ntitle: x\n---\n# Research Notes\n\n## Origin\n\nIt began.\n")
    assert doc.title == "Research Notes"
    assert [(s.heading, s.text) for s in doc.sections] == [("Origin", "It began.")]


def test_seeds_are_articles(tmp_path: Path) -> None:
    assert load(tmp_path, "Title\n\nBody.\n", "seeds/001_x.txt").doc_type == "article"


def test_cp1252_text_is_decoded(tmp_path: Path) -> None:
    doc = load(tmp_path, "Café guide\n\nPrices in €.\n".encode("cp1252"))
    assert doc.title == "Café guide" and "€" in doc.sections[0].text


def test_utf8_bom_is_dropped() -> None:
    assert decode_text("\ufeffHello".encode("utf-8"), "a.txt") == "Hello"


def test_windows_line_endings_are_normalised() -> None:
    assert decode_text(b"a\r\nb\rc", "a.txt") == "a\nb\nc"


def test_nul_bytes_raise_loader_error(tmp_path: Path) -> None:
    with pytest.raises(LoaderError, match="NUL"):
        load(tmp_path, b"text\x00more")


def test_garbled_bytes_raise_loader_error() -> None:
    with pytest.raises(LoaderError, match="undecodable"):
        decode_text(bytes(range(1, 32)) * 10, "junk.txt")


def test_empty_file_raises_loader_error(tmp_path: Path) -> None:
    with pytest.raises(LoaderError, match="empty"):
        load(tmp_path, b"  \n\n ")


@pytest.mark.integration
def test_every_seed_loads(corpus_dir: Path) -> None:
    seeds = sorted((corpus_dir / "seeds").glob("*.txt"))
    docs = [load_text(p, f"seeds/{p.name}") for p in seeds]
    assert len(docs) == 5
    assert all(d.doc_type == "article" and d.sections and d.title for d in docs)
