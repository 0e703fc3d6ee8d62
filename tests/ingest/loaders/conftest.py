"""Fixtures for the loader tests: builders of hostile corpus files (hand-written PDFs) and a loader run over files."""

from __future__ import annotations

import io
import tempfile
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from assistant.errors import LoaderError
from ingest.loaders import discover_units, load_unit
from ingest.loaders.base import LoadedUnit

# Per-file time bound in these tests (ingest's default is limits.MAX_LOAD_SECONDS).
TIME_LIMIT_S = 10.0
_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF from object bodies numbered 1..n (object 1 is the catalog), with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def text_pdf(
    text: str = "Retrieval augmented generation in practice",
    kids: bytes = b"[3 0 R]",
    count: int = 1,
    content: bytes | None = None,
    filters: bytes = b"",
) -> bytes:
    """A one-page-object PDF whose page shows text; kids/count let a test repeat or cycle the page."""
    content = content if content is not None else b"BT /F1 12 Tf 72 720 Td (%s) Tj ET" % text.encode("latin-1")
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids %s /Count %d >>" % (kids, count),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            _stream(content, filters),
            _FONT,
        ]
    )


def compressed_pdf() -> bytes:
    """The text PDF with its content stream deflated, as real PDFs have: binary bytes, NULs included."""
    content = b"BT /F1 12 Tf 72 720 Td (Compressed page) Tj ET" + b"\n% padding" * 2_000
    return text_pdf(content=zlib.compress(content, 9), filters=b"/Filter /FlateDecode")


def many_pages_pdf(pages: int) -> bytes:
    """A small file declaring many pages (one page object listed again and again)."""
    return text_pdf(kids=b"[" + b" ".join([b"3 0 R"] * pages) + b"]", count=pages)


def cyclic_pdf() -> bytes:
    """A page tree that lists itself among its kids."""
    return text_pdf(kids=b"[2 0 R 3 0 R]", count=2)


def bomb_pdf(megabytes: int = 300) -> bytes:
    """A content stream of a few hundred KB that inflates to hundreds of MB."""
    body = b"BT /F1 12 Tf 72 720 Td (Bomb) Tj ET " + b" " * (megabytes * 2**20)
    return text_pdf(content=zlib.compress(body, 9), filters=b"/Filter /FlateDecode")


def encrypted_pdf(user_password: str) -> bytes:
    """The text PDF encrypted with RC4 (AES needs the `cryptography` package); "" opens without a password."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf())))
    writer.encrypt(user_password, "owner-secret", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def image_only_pdf() -> bytes:
    """A PDF whose only page has no text (what a scan looks like to a text extractor)."""
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


@dataclass
class Outcome:
    """What ingest's loading stage made of a corpus: units loaded, units refused, discovery problems."""

    loaded: dict[str, LoadedUnit]
    refused: dict[str, str]
    problems: dict[str, str]
    seconds: float


def load_corpus(root: Path, time_limit: float = TIME_LIMIT_S) -> Outcome:
    """Discover and load every unit under root as ingest does; any exception but LoaderError propagates."""
    started = time.perf_counter()
    units, problems = discover_units(root)
    loaded: dict[str, LoadedUnit] = {}
    refused: dict[str, str] = {}
    for unit in units:
        try:
            loaded[unit.source] = load_unit(unit, root, time_limit=time_limit)
        except LoaderError as exc:
            refused[unit.source] = exc.reason
    return Outcome(loaded, refused, {p.source: p.reason for p in problems}, time.perf_counter() - started)


def load_files(files: dict[str, bytes], time_limit: float = TIME_LIMIT_S) -> Outcome:
    """load_corpus over a fresh temporary corpus holding files (relative path -> bytes)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for rel, data in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
        return load_corpus(root, time_limit)


class Hostile:
    """Hostile corpus files and ingest's loading stage over them: `load_files`, `load_corpus` and the PDF builders."""

    time_limit_s = TIME_LIMIT_S
    raw_pdf = staticmethod(raw_pdf)
    text_pdf = staticmethod(text_pdf)
    compressed_pdf = staticmethod(compressed_pdf)
    many_pages_pdf = staticmethod(many_pages_pdf)
    cyclic_pdf = staticmethod(cyclic_pdf)
    bomb_pdf = staticmethod(bomb_pdf)
    encrypted_pdf = staticmethod(encrypted_pdf)
    image_only_pdf = staticmethod(image_only_pdf)
    load_corpus = staticmethod(load_corpus)
    load_files = staticmethod(load_files)


@pytest.fixture(scope="session")
def hostile() -> type[Hostile]:
    """Builders of hostile files and a loader run over them; see Hostile."""
    return Hostile
