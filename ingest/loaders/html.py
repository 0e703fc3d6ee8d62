"""HTML loader: visible text only, sections from h1-h3, lists and tables kept as readable lines."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PreformattedString, Tag

from assistant.core.schema import Document
from assistant.errors import LoaderError
from ingest.loaders.doctype import file_document
from ingest.loaders.structure import Event, Heading, build_sections
from ingest.loaders.textio import read_bytes, refuse_binary

DROPPED_TAGS = frozenset({"script", "style", "nav", "header", "footer", "noscript", "svg", "template", "head", "iframe"})
# The walker recurses once per nesting level; real pages nest a few dozen levels.
MAX_DEPTH = 200
_SECTION_HEADINGS = {"h1": 1, "h2": 2, "h3": 3}
_LISTS = frozenset({"ul", "ol"})
_INLINE = frozenset(
    {
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "cite",
        "code",
        "data",
        "dfn",
        "em",
        "i",
        "kbd",
        "label",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
        "wbr",
        "img",
        "br",
        "font",
    }
)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _is_text(node: object) -> bool:
    # Comments, doctypes and CDATA are PreformattedString subclasses: never visible text.
    return isinstance(node, NavigableString) and not isinstance(node, PreformattedString)


def _link(tag: Tag, text: str) -> str:
    href = str(tag.get("href") or "")
    if not href.startswith(("http://", "https://")) or href == text:
        return text
    return f"{text} ({href})" if text else href


def inline_text(node: Tag) -> str:
    """The visible text of an element on one line; nested lists and dropped tags left out, links as "text (url)"."""
    parts: list[str] = []
    for child in node.children:
        if _is_text(child):
            parts.append(str(child))
        elif isinstance(child, Tag) and child.name not in DROPPED_TAGS and child.name not in _LISTS:
            if child.name == "br":
                parts.append(" ")
            elif child.name == "a":
                parts.append(_link(child, _squash(inline_text(child))))
            elif child.name in _INLINE:
                parts.append(inline_text(child))
            else:
                parts.append(f" {inline_text(child)} ")
    return _squash("".join(parts))


class _Walker:
    """Turns an element tree into heading and line events, one paragraph per block element."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self._run: list[str] = []

    def flush(self) -> None:
        text = _squash("".join(self._run))
        self._run.clear()
        if text:
            self.events.extend([text, ""])

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if _is_text(child):
                self._run.append(str(child))
            elif not isinstance(child, Tag) or child.name in DROPPED_TAGS:
                continue
            elif child.name in _SECTION_HEADINGS:
                self.flush()
                if text := inline_text(child):
                    self.events.append(Heading(_SECTION_HEADINGS[child.name], text))
            elif child.name in _INLINE:
                self._run.append(_link(child, inline_text(child)) if child.name == "a" else inline_text(child))
            elif child.name in _LISTS:
                self.flush()
                self.list(child, depth=0)
                self.events.append("")
            elif child.name == "table":
                self.flush()
                self.table(child)
            elif child.name == "pre":
                self.flush()
                self.events.extend([*child.get_text().strip("\n").split("\n"), ""])
            else:
                self.flush()
                self.walk(child)
                self.flush()

    def list(self, node: Tag, depth: int) -> None:
        for number, item in enumerate(node.find_all("li", recursive=False), start=1):
            marker = f"{number}." if node.name == "ol" else "-"
            if text := inline_text(item):
                self.events.append(f"{'  ' * depth}{marker} {text}")
            for nested in item.find_all(list(_LISTS)):
                if nested.find_parent("li") is item:
                    self.list(nested, depth + 1)

    def table(self, node: Tag) -> None:
        for row in node.find_all("tr"):
            cells = [inline_text(cell) for cell in row.find_all(["td", "th"], recursive=False)]
            if any(cells):
                self.events.append(" | ".join(cells))
        self.events.append("")


def nesting_depth(root: Tag, limit: int) -> int:
    """How deep elements nest under root, counted without recursion and only up to limit + 1."""
    deepest = 0
    stack = [(root, 0)]
    while stack and deepest <= limit:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tag))
    return deepest


def parse_html(data: bytes, fallback_title: str, source: str) -> tuple[str, list[Event]]:
    """The title (<title>, else first <h1>, else fallback) and the visible-text events of an HTML page."""
    soup = BeautifulSoup(data, "html.parser")
    if nesting_depth(soup, MAX_DEPTH) > MAX_DEPTH:
        raise LoaderError(source, f"elements nested more than {MAX_DEPTH} levels deep; save a simpler copy of the page")
    title_tag = soup.find("title")
    title = _squash(title_tag.get_text()) if title_tag else ""
    walker = _Walker()
    walker.walk(soup.body or soup)
    walker.flush()
    if not title:
        title = next((e.text for e in walker.events if isinstance(e, Heading) and e.level == 1), fallback_title)
    return title, walker.events


def load_html(path: Path, source: str) -> Document:
    """A Document from an HTML file; LoaderError when it is binary or has no visible text."""
    data = read_bytes(path, source)
    refuse_binary(data, source)
    title, events = parse_html(data, fallback_title=path.stem, source=source)
    sections = build_sections(events)
    if not sections:
        raise LoaderError(source, "no visible text in the page (scripts, styles and navigation are dropped)")
    return file_document(source, title, sections, data)
