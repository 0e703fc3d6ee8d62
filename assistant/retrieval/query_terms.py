"""Query expansion for BM25: the other words the guides use for a role, field or abbreviation in the question."""

from __future__ import annotations

import re
from functools import cache

from assistant.vocab.roles import ROLES

# A person names their role ("data scientist", "product manager"); the guides often name the field
# ("from data science") or an abbreviation ("PM"). No stemmer joins these, so the keyword ranking
# gets the other forms too. The dense ranking already sees them as close and gets the query as is.
EQUIVALENTS: tuple[tuple[str, ...], ...] = (
    *(role.forms for role in ROLES if role.forms),
    ("LLM", "large language model"),
    ("RAG", "retrieval augmented generation", "retrieval-augmented generation"),
)
# Short upper-case abbreviations match only as written: "pm" is also a time of day.
_ABBREVIATION = re.compile(r"^[A-Z]{2,4}$")


def _pattern(form: str) -> re.Pattern[str]:
    flags = 0 if _ABBREVIATION.match(form) else re.IGNORECASE
    return re.compile(rf"(?<![\w-]){re.escape(form)}s?(?![\w-])", flags)


@cache
def _groups() -> list[list[tuple[str, re.Pattern[str]]]]:
    return [[(form, _pattern(form)) for form in group] for group in EQUIVALENTS]


def expand(query: str) -> str:
    """The query followed by the equivalent forms of every role, field or abbreviation it names."""
    extra: list[str] = []
    for group in _groups():
        if any(p.search(query) for _, p in group):
            extra += [form for form, p in group if not p.search(query)]
    return " ".join([query, *extra]) if extra else query
