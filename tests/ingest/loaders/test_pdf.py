"""PDF loader: page sections with page numbers, slide titles, and clear errors for bad PDFs."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
import pytest
from pypdf import PdfReader, PdfWriter

from assistant.errors import LoaderError
from ingest.loaders.pdf import load_pdf, page_section

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.backends.backend_pdf import PdfPages

SLIDE = (10.0, 5.6)
PORTRAIT = (8.5, 11.0)


def make_pdf(pages: list[tuple[tuple[float, float], list[str]]], title: str | None = None) -> bytes:
    """A real PDF with one page per entry: (figure size in inches, text lines from top to bottom)."""
    buf = io.BytesIO()
    with PdfPages(buf, metadata={"Title": title} if title else None) as pdf:
        for size, lines in pages:
            fig = plt.figure(figsize=size)
            for i, line in enumerate(lines):
                fig.text(0.1, 0.85 - 0.1 * i, line)
            pdf.savefig(fig)
            plt.close(fig)
    return buf.getvalue()


def write(tmp_path: Path, data: bytes, name: str = "deck.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_each_page_is_a_section_with_its_page_number(tmp_path: Path) -> None:
    data = make_pdf([(PORTRAIT, ["First page sentence."]), (PORTRAIT, ["Second page sentence."])])
    doc = load_pdf(write(tmp_path, data), "docs/deck.pdf")
    assert [(s.page, s.heading) for s in doc.sections] == [(1, "Page 1"), (2, "Page 2")]
    assert "Second page sentence." in doc.sections[1].text


def test_slide_title_becomes_the_heading_on_landscape_pages(tmp_path: Path) -> None:
    data = make_pdf([(SLIDE, ["Why RAG Matters", "Retrieval grounds answers in documents."])])
    section = load_pdf(write(tmp_path, data), "webinars/slides/deck.pdf").sections[0]
    assert (section.heading, section.page) == ("Why RAG Matters", 1)
    assert section.text == "Retrieval grounds answers in documents."


def test_title_comes_from_metadata(tmp_path: Path) -> None:
    data = make_pdf([(SLIDE, ["Opening", "Welcome everyone"])], title="Deck From Metadata")
    assert load_pdf(write(tmp_path, data), "deck.pdf").title == "Deck From Metadata"


def test_title_falls_back_to_first_line_of_first_page(tmp_path: Path) -> None:
    data = make_pdf([(PORTRAIT, ["Quarterly Hiring Report", "Body text follows here."])])
    assert load_pdf(write(tmp_path, data), "report.pdf").title == "Quarterly Hiring Report"


def test_pages_without_text_are_skipped(tmp_path: Path) -> None:
    data = make_pdf([(PORTRAIT, ["Some text."]), (PORTRAIT, []), (PORTRAIT, ["More text."])])
    assert [s.page for s in load_pdf(write(tmp_path, data), "a.pdf").sections] == [1, 3]


def test_trailing_page_number_line_is_dropped() -> None:
    section = page_section("Agenda\nFirst topic\n7", 7, landscape=True)
    assert section is not None and section.text == "First topic"


def test_doc_type_and_url_follow_the_path(tmp_path: Path) -> None:
    data = make_pdf([(SLIDE, ["Title", "Body"])])
    doc = load_pdf(write(tmp_path, data), "field-guide/webinars/slides/x.pdf")
    assert doc.doc_type == "slides"
    assert doc.url is not None and doc.url.endswith("/webinars/slides/x.pdf")


def test_corrupt_pdf_raises_loader_error(tmp_path: Path) -> None:
    with pytest.raises(LoaderError, match="not a readable PDF"):
        load_pdf(write(tmp_path, b"%PDF-1.4\nthis is not a pdf body\n%%EOF"), "bad.pdf")


def test_truncated_pdf_raises_loader_error(tmp_path: Path) -> None:
    data = make_pdf([(PORTRAIT, ["Some text."])])
    with pytest.raises(LoaderError) as err:
        load_pdf(write(tmp_path, data[: len(data) // 3]), "cut.pdf")
    assert err.value.path == "cut.pdf"


def test_image_only_pdf_raises_loader_error(tmp_path: Path) -> None:
    with pytest.raises(LoaderError, match="no extractable text"):
        load_pdf(write(tmp_path, make_pdf([(PORTRAIT, []), (SLIDE, [])])), "scan.pdf")


def test_password_protected_pdf_raises_loader_error(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf([(PORTRAIT, ["Secret."])]))))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(LoaderError, match="password-protected"):
        load_pdf(write(tmp_path, out.getvalue()), "locked.pdf")


@pytest.mark.integration
def test_field_guide_slide_deck_loads_every_text_page(corpus_dir: Path) -> None:
    source = "field-guide/webinars/slides/interview-process.pdf"
    doc = load_pdf(corpus_dir / source, source)
    assert doc.title == "The AI Engineering Interview Process"
    assert doc.doc_type == "slides"
    assert len(doc.sections) > 40
    assert all(s.page is not None for s in doc.sections)
