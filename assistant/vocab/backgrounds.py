"""Background presets (data engineer, ML engineer, ...) with the skills each already has."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from assistant.errors import ConfigError, InputError

DEFAULT_PATH = Path(__file__).with_name("backgrounds.yaml")


@dataclass(frozen=True)
class Background:
    """A preset: id, label, canonical skills, and the guide they come from (path under the corpus root)."""

    id: str
    label: str
    skills: tuple[str, ...]
    guide: str


def load_backgrounds(path: Path | None = None) -> list[Background]:
    """All presets, in file order (default: the packaged backgrounds.yaml)."""
    return list(_load((path or DEFAULT_PATH).resolve()))


def get_background(name: str, path: Path | None = None) -> Background:
    """A preset by id or label, forgiving case, spaces and a trailing 's' ("Data Engineers" = data-engineer)."""
    wanted = _slug(name)
    for background in load_backgrounds(path):
        if wanted in (background.id, _slug(background.label), background.id + "s"):
            return background
    valid = ", ".join(b.id for b in load_backgrounds(path))
    raise InputError(f"unknown background {name!r}", hint=f"use one of: {valid}")


def _slug(text: str) -> str:
    """'Data Engineer' / 'data_engineer' / ' data  engineer ' -> 'data-engineer'."""
    return re.sub(r"[\s_\-]+", "-", text.strip().casefold())


@cache
def _load(path: Path) -> tuple[Background, ...]:
    """Parse and check the presets file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read background presets {path}: {exc}", hint="fix or restore the file") from exc
    entries = raw.get("backgrounds") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise ConfigError(f"{path} has no 'backgrounds' list", hint="write 'backgrounds:' and a list of presets")
    presets: list[Background] = []
    for entry in entries:
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("id", "label", "guide")):
            raise ConfigError(f"{path}: preset {entry!r} lacks id, label or guide", hint="give each preset all three")
        skills = entry.get("skills")
        if not isinstance(skills, list) or not skills or not all(isinstance(s, str) for s in skills):
            raise ConfigError(f"{path}: preset {entry['id']} needs a list of skills", hint="list canonical skill names")
        presets.append(Background(entry["id"], entry["label"], tuple(skills), entry["guide"]))
    return tuple(presets)
