"""Reading a source file's bytes and decoding them to text, refusing binary or unreadable files."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.errors import LoaderError
from ingest.loaders.limits import MAX_FILE_BYTES

# Share of replacement or control characters above which decoded text is treated as unreadable.
MAX_JUNK_RATIO = 0.1
_ALLOWED_CONTROLS = frozenset("\t\n\r\f")
# Escaped in YAML ("\0", "\e") or taken from a PDF they survive decoding; in a terminal, ESC sequences act.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Signatures of binary files that turn up under a text extension; a PDF can even decode as cp1252 "text".
_MAGIC = {
    b"%PDF-": "a PDF (name it .pdf)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive (docx, xlsx, …)",
    b"\x1f\x8b": "a gzip archive",
}


def read_bytes(path: Path, source: str) -> bytes:
    """All bytes of a file; LoaderError when it is missing, unreadable, empty or over MAX_FILE_BYTES."""
    try:
        with path.open("rb") as fh:
            # Read one byte past the limit rather than trusting stat: the file may have grown since discovery.
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise LoaderError(source, f"cannot read the file ({exc.strerror or exc}); check it exists and is readable") from exc
    if len(data) > MAX_FILE_BYTES:
        raise LoaderError(source, f"the file is over the {MAX_FILE_BYTES // 2**20} MB limit; split it")
    if not data.strip():
        raise LoaderError(source, "the file is empty; add content or remove it")
    return data


def strip_controls(text: str) -> str:
    """text without control characters other than tab and newline (NUL, terminal escapes, C1 codes)."""
    return _CONTROLS.sub("", text)


def refuse_binary(data: bytes, source: str) -> None:
    """LoaderError when bytes meant as text are a known binary format (a wrong extension) or hold NUL bytes."""
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise LoaderError(source, f"this is {kind}, not text: the extension is wrong; rename or convert it")
    if b"\x00" in data:
        raise LoaderError(source, "binary data (NUL bytes), not text; convert it to UTF-8 text")


def decode_text(data: bytes, source: str) -> str:
    """Text from bytes: UTF-8 (with or without BOM), else cp1252; LoaderError for binary or garbled data."""
    refuse_binary(data, source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    junk = sum(1 for ch in text if ch == "\ufffd" or (ord(ch) < 32 and ch not in _ALLOWED_CONTROLS))
    if junk > MAX_JUNK_RATIO * len(text):
        raise LoaderError(source, "undecodable text (neither UTF-8 nor cp1252); save it as UTF-8")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise LoaderError(source, "the file holds only whitespace; add content or remove it")
    return text


def read_text(path: Path, source: str) -> str:
    """A file's decoded text (see decode_text)."""
    return decode_text(read_bytes(path, source), source)
