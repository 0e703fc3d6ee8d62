"""The vocabulary of kinds of tool and of makers, and what a question names by them.

It is data in skills.yaml: each skill's `kind` (Pinecone: vector database) and `makers` (Llama: Meta);
each kind's words (`kinds:`), each maker's other names (`makers:`), each category's words
(`categories:`). `vocab.skill_words` reads them in questions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

import yaml

from assistant.errors import ConfigError
from assistant.vocab.skill_file import Skill

SHOWN = 6  # products named in a description
TOKEN = re.compile(r"[\w+#]+(?:[./'’][\w+#]+)*['’]?")
By = Literal["kind", "maker"]


@dataclass(frozen=True)
class Kind:
    """A kind of tool: its name, the words that name it on their own, and the words that do beside a maker."""

    name: str
    words: tuple[str, ...] = ()
    short: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    """The kinds, the makers with their other names, and the words of each category, as a taxonomy file gives them."""

    kinds: tuple[Kind, ...] = ()
    makers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    categories: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def check(self, skills: Iterable[Skill]) -> None:
        """Every kind and maker a skill names is defined."""
        names = {k.name for k in self.kinds}
        for skill in skills:
            if stray := set(skill.kinds) - names:
                raise ConfigError(
                    f"skill {skill.name} has unknown kind {sorted(stray)}", hint="define it under `kinds:` in skills.yaml"
                )
            if stray := set(skill.makers) - set(self.makers):
                raise ConfigError(
                    f"skill {skill.name} has unknown maker {sorted(stray)}", hint="list it under `makers:` in skills.yaml"
                )


@dataclass(frozen=True)
class SkillSet:
    """Skills a question names by their kind or their maker, with the words that named them."""

    written: str
    skills: tuple[str, ...]
    by: By
    name: str  # the kind or the maker
    start: int
    end: int
    close: bool = False  # read from a close spelling
    same: str | None = None  # the skill the same words name ("vector db" is also Vector databases)

    @property
    def title(self) -> str:
        """What a ranking of them is called: "vector databases", "Google products"."""
        if self.by == "maker":
            return f"{self.name} products"
        head, _, last = self.name.rpartition(" ")
        plural = last[:-1] + "ies" if last.endswith("y") and last[-2:-1] not in "aeiou" else last + "s"
        return f"{head} {plural}".strip() if last.islower() else self.name + "s"

    def describe(self) -> str:
        """How it was read: "vector db → kind: vector database → Pinecone, Weaviate, …", "Meta's models → Llama (maker)"."""
        spelt = " (close spelling)" if self.close else ""
        if len(self.skills) == 1:
            return f"{self.written} → {self.skills[0]} ({self.by}){spelt}"
        shown = ", ".join(self.skills[:SHOWN]) + (", …" if len(self.skills) > SHOWN else "")
        return f"{self.written} → {self.by}: {self.name} → {shown}{spelt}"


def fold(word: str) -> str:
    """A word compared: lower case, no possessive, no plural ("Google's" = "google", "libraries" = "library")."""
    w = word.casefold().replace("’", "'")
    w = w[:-2] if w.endswith("'s") else w.rstrip("'")
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) >= 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def words(text: str) -> tuple[str, ...]:
    """The text's words, folded."""
    return tuple(fold(m.group()) for m in TOKEN.finditer(text))


@cache
def load_vocabulary(path: Path) -> Vocabulary:
    """The `kinds`, `makers` and `categories` of a taxonomy file, validated."""
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    raw = raw if isinstance(raw, dict) else {}

    def strings(value: object, where: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise ConfigError(f"{path}: {where} must be a list of strings", hint="quote values like 'C#'")
        return tuple(value)

    kinds = []
    for entry in raw.get("kinds") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise ConfigError(f"{path}: kind {entry!r} has no name", hint="give every kind a 'name' string")
        name = entry["name"]
        kinds.append(Kind(name, strings(entry.get("words"), f"{name}.words"), strings(entry.get("short"), f"{name}.short")))
    makers = {str(m): strings(others, f"makers.{m}") for m, others in (raw.get("makers") or {}).items()}
    categories = {str(c): strings(words, f"categories.{c}") for c, words in (raw.get("categories") or {}).items()}
    return Vocabulary(tuple(kinds), makers, categories)
