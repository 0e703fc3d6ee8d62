"""The skill taxonomy file: its entries read, each validated into a Skill."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.errors import ConfigError
from assistant.vocab.terms import TAXONOMY_CATEGORIES


@dataclass(frozen=True)
class Skill:
    """One canonical skill and the strings that mean it."""

    name: str
    category: str
    aliases: tuple[str, ...]
    patterns: tuple[str, ...] = ()
    case_sensitive: frozenset[str] = frozenset()
    context_only: frozenset[str] = frozenset()
    kinds: tuple[str, ...] = ()  # what kinds of tool it is ("vector database"), from the file's `kinds`
    makers: tuple[str, ...] = ()  # who makes it ("Meta"), from the file's `makers`


def read_entries(path: Path) -> list[object]:
    """The `skills` list of a taxonomy file; ConfigError when it cannot be read or holds none."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except OSError as exc:
        raise ConfigError(f"cannot read skill taxonomy {path}: {exc.strerror}", hint="check the path") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}", hint="fix the YAML syntax") from exc
    entries = raw.get("skills") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise ConfigError(f"{path} has no 'skills' list", hint="write 'skills:' followed by a list of skills")
    return entries


def parse_skill(entry: object, path: Path) -> Skill:
    """One YAML entry as a validated Skill."""
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        raise ConfigError(f"{path}: skill entry {entry!r} has no name", hint="give every entry a 'name' string")
    name = entry["name"]

    def strings(field: str) -> tuple[str, ...]:
        values = entry.get(field) or []
        if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
            raise ConfigError(f"{path}: {name}.{field} must be a list of strings", hint="quote values like 'C#'")
        return tuple(values)

    category = entry.get("category")
    if category not in TAXONOMY_CATEGORIES:
        raise ConfigError(f"{path}: {name} has category {category!r}", hint=f"use one of {', '.join(TAXONOMY_CATEGORIES)}")
    aliases = strings("aliases")
    flagged = {f: frozenset(strings(f)) for f in ("case_sensitive", "context_only")}
    for field, values in flagged.items():
        if stray := values - {name, *aliases}:
            raise ConfigError(f"{path}: {name}.{field} lists {sorted(stray)}", hint="list only its aliases there")
    patterns = strings("patterns")
    for pattern in patterns:
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"{path}: {name} pattern {pattern!r}: {exc}", hint="fix the regex") from exc
        if compiled.groups:
            raise ConfigError(f"{path}: {name} pattern {pattern!r} captures", hint="use (?:...) groups")
    kinds = (entry["kind"],) if isinstance(entry.get("kind"), str) else strings("kind")
    flags = flagged["case_sensitive"], flagged["context_only"]
    return Skill(name, category, aliases, patterns, *flags, kinds=kinds, makers=strings("makers"))
