"""Hand-made hostile files: each is refused with a named reason (or loads), within the per-file bounds."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import LoaderError
from assistant.store.collections import CHUNKS
from assistant.store.edge import EdgeStore
from assistant.vocab.skills import Taxonomy
from ingest import loaders
from ingest.chunking import ChunkSpec
from ingest.loaders.limits import MAX_FILE_BYTES, MAX_TITLE_CHARS
from ingest.loaders.pdf import MAX_PAGES
from ingest.loaders.text import load_text
from ingest.loaders.yamlio import MAX_DEPTH
from ingest.pipeline import Ingester

LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(10)
)
# A PDF case is built when its test runs, by the `hostile` fixture's builders (see _bytes).
Build = Callable[[Any], bytes]
# (file, bytes, words the refusal must contain): the reason names what is wrong and how to fix it.
REFUSED: list[tuple[str, bytes | Build, str]] = [
    ("deep-flow.yaml", b"[" * 100_000, f"nested more than {MAX_DEPTH} levels"),
    ("deep-block.yaml", "".join(" " * i + "- \n" for i in range(2_000)).encode(), "nested more than"),
    ("laughs.yaml", LAUGHS.encode(), "once aliases are expanded"),
    ("cycle.yaml", b"a: &a [1, *a]\n", "unfinished or undefined anchor"),
    ("bad-date.yaml", b"title: T\nposted: 2024-13-45\n", "invalid YAML"),
    ("huge-int.yaml", b"n: " + b"9" * 5_000 + b"\n", "invalid YAML"),
    ("python-tag.yaml", b"x: !!python/object/apply:os.system ['true']\n", "invalid YAML"),
    ("nul.md", b"# Title\n\nText\x00with NUL\n", "NUL bytes"),
    ("nul.yaml", b"title: a\x00b\n", "NUL bytes"),
    ("nul.html", b"<p>a\x00b</p>", "NUL bytes"),
    ("utf16.txt", "Plain text saved as UTF-16".encode("utf-16"), "NUL bytes"),
    ("garbled.txt", bytes(range(1, 9)) * 100, "undecodable"),
    ("spaces.md", b" \n\t\n  ", "empty"),
    ("headings.md", b"# Only\n## Headings\n", "no text besides headings"),
    ("deep.html", b"<div>" * 5_000 + b"text", "nested more than"),
    ("locked.pdf", lambda h: h.encrypted_pdf("user-secret"), "password-protected"),
    ("scan.pdf", lambda h: h.image_only_pdf(), "image-only"),
    ("truncated.pdf", lambda h: h.text_pdf()[:300], "not a readable PDF"),
    ("cyclic.pdf", lambda h: h.cyclic_pdf(), "cyclic"),
    ("bomb.pdf", lambda h: h.bomb_pdf(), "Limit reached"),
    ("pages.pdf", lambda h: h.many_pages_pdf(MAX_PAGES + 1), "page limit"),
    ("pdf-named.md", lambda h: h.text_pdf(), "this is a PDF (name it .pdf)"),
    ("docx-named.txt", b"PK\x03\x04" + bytes(range(40, 120)), "this is a ZIP archive"),
    ("png-named.html", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "this is a PNG image"),
    ("yaml-named.pdf", b"title: AI Engineer\ncompany: Acme\n", "not a readable PDF"),
]
LOADED: list[tuple[str, bytes | Build]] = [
    ("owner-only.pdf", lambda h: h.encrypted_pdf("")),  # an owner password alone does not lock the text
    ("compressed.pdf", lambda h: h.compressed_pdf()),
    ("html-named.txt", b"<html><body><p>Real words in a page.</p></body></html>"),
    ("markdown-named.yaml", b"# Heading\n\nSome prose: with a colon\n"),
    ("merge.yaml", b"base: &b {role: AI Engineer}\nteam: {<<: *b, size: 3}\n"),
]


def _bytes(data: bytes | Build, hostile: Any) -> bytes:
    """A case's bytes: as written, or built now by the hostile file builders."""
    return data if isinstance(data, bytes) else data(hostile)


@pytest.mark.parametrize(("name", "data", "reason"), REFUSED, ids=[case[0] for case in REFUSED])
def test_hostile_file_is_refused_with_a_reason(name: str, data: bytes | Build, reason: str, hostile: Any) -> None:
    outcome = hostile.load_files({name: _bytes(data, hostile)})
    assert reason in outcome.refused.get(name, ""), outcome.refused
    assert outcome.seconds < 10


@pytest.mark.parametrize(("name", "data"), LOADED, ids=[case[0] for case in LOADED])
def test_odd_but_valid_file_loads(name: str, data: bytes | Build, hostile: Any) -> None:
    outcome = hostile.load_files({name: _bytes(data, hostile)})
    assert name in outcome.loaded, outcome.refused


# The worst single lines for backtracking inline patterns: each delimiter opens a span that never closes.
RUNS = ["`", "[", "![", "](", "**a ", "__a ", "<!--", "<http://", "[a][", "[a](u 'x "]


@pytest.mark.parametrize("unit", RUNS)
def test_a_long_line_of_one_delimiter_loads_in_linear_time(unit: str, hostile: Any) -> None:
    # Parsed in full, then refused for what it is: one "word" repeated (issue 18); the parse must not backtrack.
    line = unit * (300_000 // len(unit))
    outcome = hostile.load_files({"long.md": f"# Title\n\nBody {line}\n".encode()}, time_limit=5)
    assert "long.md" in outcome.loaded or "of its words are" in outcome.refused.get("long.md", ""), outcome.refused
    assert "took over" not in outcome.refused.get("long.md", "")
    assert outcome.seconds < 3


def test_huge_title_is_clipped_in_every_document(hostile: Any) -> None:
    outcome = hostile.load_files({"long.md": b"# " + b"word " * 100_000 + b"\n\nBody text.\n"})
    doc = outcome.loaded["long.md"].documents[0]
    assert len(doc.title) <= MAX_TITLE_CHARS and doc.title.endswith("…")


def test_50_mb_single_line_file_is_refused_by_discovery_and_by_the_loader(tmp_path: Path, hostile: Any) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (50 * 2**20))
    outcome = hostile.load_corpus(tmp_path)
    assert "limit" in outcome.problems["big.txt"] and not outcome.loaded
    # A file that grows after discovery hits the loader's own bound.
    with pytest.raises(LoaderError, match="limit"):
        load_text(big, "big.txt")
    assert big.stat().st_size > MAX_FILE_BYTES


def test_empty_file_and_fifo_are_problems_not_hangs(tmp_path: Path, hostile: Any) -> None:
    (tmp_path / "empty.md").write_bytes(b"")
    os.mkfifo(tmp_path / "pipe.md")
    os.symlink("/dev/zero", tmp_path / "zero.txt")
    outcome = hostile.load_corpus(tmp_path)
    assert "empty" in outcome.problems["empty.md"]
    assert "not a regular file" in outcome.problems["pipe.md"]
    assert "not a regular file" in outcome.problems["zero.txt"]


def test_a_loader_that_hangs_is_stopped_by_the_time_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hostile: Any) -> None:
    def spin(path: Path, source: str) -> None:
        while True:
            pass

    monkeypatch.setitem(loaders._FILE_LOADERS, "markdown", spin)
    (tmp_path / "slow.md").write_text("# Slow\n\ntext\n")
    started = time.perf_counter()
    outcome = hostile.load_corpus(tmp_path, time_limit=1)
    assert "took over 1 s" in outcome.refused["slow.md"]
    assert time.perf_counter() - started < 5


def test_unclosed_html_comments_are_stopped_by_the_time_bound(hostile: Any) -> None:
    # html.parser rescans an unclosed comment on every "<!--": quadratic, so only the time bound ends it.
    outcome = hostile.load_files({"comments.html": b"<p>x</p>" + b"<!--" * 200_000}, time_limit=1)
    assert "took over 1 s" in outcome.refused["comments.html"]


def test_a_loader_bug_costs_one_file_not_the_ingest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hostile: Any) -> None:
    def broken(path: Path, source: str) -> None:
        raise KeyError("surprise")

    monkeypatch.setitem(loaders._FILE_LOADERS, "html", broken)
    (tmp_path / "page.html").write_text("<p>Hello</p>")
    assert "unexpected KeyError" in hostile.load_corpus(tmp_path).refused["page.html"]


@pytest.mark.slow
def test_batch_of_hostile_files_indexes_the_good_ones_and_names_every_bad_one(
    tmp_path: Path, hostile: Any, fake_embedder: Callable[..., Any]
) -> None:
    root = tmp_path / "corpus"
    for name, data, _ in REFUSED:
        (root / "bad").mkdir(parents=True, exist_ok=True)
        (root / "bad" / name).write_bytes(_bytes(data, hostile))
    (root / "bad" / "empty.md").write_bytes(b"")
    good = {f"good/guide-{i}.md": f"# Guide {i}\n\n## Retrieval\n\nChunk and index document {i}.\n" for i in range(5)}
    good |= {f"good/{name}": _bytes(data, hostile).decode("latin-1") for name, data in LOADED}
    for rel, text in good.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(text.encode("latin-1"))
    with EdgeStore.open(tmp_path / "index") as store:
        report = Ingester(store, fake_embedder(), Taxonomy.load(), ChunkSpec(64, 8)).run(root)
        indexed = {str(f.value) for f in store.facet(CHUNKS, "source", limit=1000)}
    named = {p.source for p in report.problems}
    assert named == {f"bad/{name}" for name, _, _ in REFUSED} | {"bad/empty.md"}
    assert indexed == set(good) and report.indexed == len(good)
