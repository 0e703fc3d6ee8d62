"""Quotable sentences: the statements in a passage an extractive answer may quote, found the same way at ingest and at answer time."""

from __future__ import annotations

import re

MIN_CHARS = 30
MAX_CHARS = 320
PER_PASSAGE = 14
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
# A sentence ends at . ! ? before a capital; a flattened list ("... back. - Prompt ...") drops its dash there.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?:[-*•]\s+)?(?=[A-Z0-9\"'(“])")
# Links and footnote markers: a reference to a source, not something the source says.
_REFERENCE = re.compile(r"\(?https?://\S+|\[\^[^\]]*\]|\[([^\]]*)\]\([^)]*\)")


def quotable_sentences(text: str, limit: int = PER_PASSAGE) -> list[str]:
    """Sentences and list items of a passage in order, skipping headings, tables, fragments and repeats."""
    found: list[str] = []
    for line in text.splitlines():
        line = _BULLET.sub("", line.strip())
        if not line or line.startswith(("#", "|", "```", "!", "<")):
            continue
        for sentence in _SENTENCE_END.split(line):
            sentence = sentence.strip()
            if _answers_something(sentence) and sentence not in found:
                found.append(sentence[:MAX_CHARS].rsplit(" ", 1)[0] if len(sentence) > MAX_CHARS else sentence)
    return found[:limit]


def _answers_something(sentence: str) -> bool:
    """A full statement in words: not a question, link, or fragment."""
    if len(sentence) < MIN_CHARS or len(sentence.split()) < 5:
        return False
    # Questions (FAQ headings, interview prompts), list intros and links do not answer anything by themselves.
    if sentence.endswith(("?", ":")) or sentence.startswith(("(", "[", "http")):
        return False
    # A source's title beside its link ("InterviewNode — Cracking take-homes (https://…)") names a reference:
    # a few words, mostly link. A statement with its source linked after it stays.
    words = _REFERENCE.sub(r"\1", sentence).split()
    if len(words) < 5 or (len(" ".join(words)) < 0.6 * len(sentence) and len(words) < 12):
        return False
    letters = sum(ch.isalpha() or ch.isspace() for ch in sentence)
    return letters >= 0.8 * len(sentence)


def quote(text: str, chars: int = 300) -> str:
    """A passage as a citation shows it: on one line, at most `chars` characters, a cut marked with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= chars else flat[: chars - 1].rstrip() + "…"
