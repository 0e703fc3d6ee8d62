"""Reading a source file's bytes and decoding them to text, refusing binary or unreadable files."""

from __future__ import annotations

from pathlib import Path

from assistant.errors import LoaderError

# Share of replacement or control characters above which decoded text is treated as unreadable.
MAX_JUNK_RATIO = 0.1
_ALLOWED_CONTROLS = frozenset("\t\n\r\f")


def read_bytes(path: Path, source: str) -> bytes:
    """All bytes of a file; LoaderError when it is missing, unreadable or empty."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoaderError(source, f"cannot read the file ({exc.strerror or exc}); check it exists and is readable") from exc
    if not data.strip():
        raise LoaderError(source, "the file is empty; add content or remove it")
    return data


def decode_text(data: bytes, source: str) -> str:
    """Text from bytes: UTF-8 (with or without BOM), else cp1252; LoaderError for binary or garbled data."""
    if b"\x00" in data:
        raise LoaderError(source, "binary data (NUL bytes), not text; convert it to UTF-8 text")
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
