"""HTML loader: visible text only, title, h1-h3 sections, lists and tables readable."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import LoaderError
from ingest.loaders.html import load_html

PAGE = """<!doctype html><html><head><title>Interview Guide</title><style>.x{color:red}</style>
<script>var secret = "script text";</script></head>
<body><nav><a href="/">Home</a> Menu</nav><header>Site header</header>
<h1>Interview Guide</h1><p>Intro <b>bold</b> text.</p>
<h2>Rounds</h2><ol><li>Recruiter screen</li><li>System design<ul><li>RAG</li></ul></li></ol>
<h3>Take-home</h3><p>Build an agent. See <a href="https://example.com/a">the brief</a>.</p>
<table><tr><th>Step</th><th>Minutes</th></tr><tr><td>Screen</td><td>30</td></tr></table>
<noscript>Enable JS</noscript><svg><text>chart label</text></svg><!-- a comment -->
<footer>Copyright footer</footer></body></html>"""


def load(tmp_path: Path, html: str, source: str = "pages/guide.html"):
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    return load_html(path, source)


def all_text(doc) -> str:
    return "\n".join(s.text for s in doc.sections)


def test_title_comes_from_title_tag(tmp_path: Path) -> None:
    assert load(tmp_path, PAGE).title == "Interview Guide"


def test_title_falls_back_to_first_h1(tmp_path: Path) -> None:
    assert load(tmp_path, "<body><h1>Only <br>Heading</h1><p>x</p></body>").title == "Only Heading"


@pytest.mark.parametrize(
    "hidden", ["script text", "color:red", "Menu", "Site header", "Enable JS", "chart label", "a comment", "Copyright footer"]
)
def test_invisible_and_chrome_text_is_dropped(tmp_path: Path, hidden: str) -> None:
    assert hidden not in all_text(load(tmp_path, PAGE))


def test_sections_follow_h1_to_h3(tmp_path: Path) -> None:
    assert [s.heading for s in load(tmp_path, PAGE).sections] == ["", "Rounds", "Rounds > Take-home"]


def test_lists_are_numbered_and_nested(tmp_path: Path) -> None:
    rounds = load(tmp_path, PAGE).sections[1].text
    assert rounds == "1. Recruiter screen\n2. System design\n  - RAG"


def test_links_and_tables_stay_readable(tmp_path: Path) -> None:
    take_home = load(tmp_path, PAGE).sections[2].text
    assert "See the brief (https://example.com/a)." in take_home
    assert "Step | Minutes\nScreen | 30" in take_home


def test_inline_markup_does_not_split_words(tmp_path: Path) -> None:
    assert load(tmp_path, PAGE).sections[0].text == "Intro bold text."


def test_page_without_visible_text_raises_loader_error(tmp_path: Path) -> None:
    with pytest.raises(LoaderError, match="no visible text"):
        load(tmp_path, "<html><head><title>T</title></head><body><script>x()</script></body></html>")


def test_slides_path_gives_slides_doc_type(tmp_path: Path) -> None:
    assert load(tmp_path, PAGE, "field-guide/webinars/slides/deck.html").doc_type == "slides"


@pytest.mark.integration
def test_field_guide_slide_deck_html_loads(corpus_dir: Path) -> None:
    source = "field-guide/webinars/slides/ai-engineer-role.html"
    doc = load_html(corpus_dir / source, source)
    assert doc.title == "Defining the AI Engineer Role"
    assert len(doc.sections) > 30
    assert "reveal" not in all_text(doc)
