"""Safe YAML parsing (the C loader when available) and a repair for unindented lines in block scalars."""

from __future__ import annotations

import re

import yaml

# The C loader is several times faster; both are safe loaders (no arbitrary objects).
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TOP_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*:(\s|$)")
_BLOCK_START = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*:\s*[|>][-+0-9]*\s*$")
BLOCK_INDENT = "  "


def parse_yaml(data: bytes | str) -> object:
    """The parsed document; raises yaml.YAMLError when it is not valid YAML."""
    return yaml.load(data, Loader=_LOADER)  # noqa: S506 - a safe loader class


def yaml_error_line(exc: yaml.YAMLError) -> int | None:
    """The 1-based line a YAML error points at (where the bad construct starts), when it says."""
    mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
    return mark.line + 1 if mark is not None else None


def repair_block_scalars(text: str) -> tuple[str, int]:
    """Text with column-0 lines inside a top-level `key: |` block re-indented, and how many lines were moved.

    Scrapers sometimes write a multi-line value whose continuation lines lost their indentation; YAML
    then reads them as new keys and fails. A column-0 line that is not itself `key:` belongs to the block.
    """
    out: list[str] = []
    in_block = False
    moved = 0
    for line in text.split("\n"):
        if not line.strip() or line.startswith((" ", "\t")):
            out.append(line)
        elif _TOP_KEY.match(line) or line.startswith(("#", "- ", "---", "...")):
            in_block = bool(_BLOCK_START.match(line))
            out.append(line)
        elif in_block:
            out.append(BLOCK_INDENT + line)
            moved += 1
        else:
            out.append(line)
    return "\n".join(out), moved
