"""Safe YAML parsing (the C loader when available) and a repair for unindented lines in block scalars."""

from __future__ import annotations

import re

import yaml

# The C loader is several times faster; both are safe loaders (no arbitrary objects).
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TOP_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*:(\s|$)")
_BLOCK_START = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*:\s*[|>][-+0-9]*\s*$")
BLOCK_INDENT = "  "


# Postings nest 3-4 levels and hold a few hundred values; these bounds leave ample room for real files.
MAX_DEPTH = 64
MAX_NODES = 100_000


class YamlLimitError(yaml.YAMLError):
    """The YAML is valid but too deep or too large (after alias expansion) to load safely."""


def check_shape(data: bytes | str) -> None:
    """YamlLimitError when nesting exceeds MAX_DEPTH or the document, aliases expanded, exceeds MAX_NODES.

    Walks the parser's event stream (flat, in C) before anything is built: the C composer recurses per
    nesting level and segfaults on deep input, and aliases ("billion laughs") expand exponentially in
    whatever later walks the result. An alias to an unfinished anchor (a cycle) is refused too.
    """
    expanded = 0  # values so far, each alias counted as the whole subtree it stands for
    opened: list[tuple[int, str | None]] = []  # open collections: (expanded when opened, anchor)
    sizes: dict[str, int] = {}  # finished anchors: their expanded sizes
    for event in yaml.parse(data, Loader=_LOADER):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            opened.append((expanded, event.anchor))
            expanded += 1
            if len(opened) > MAX_DEPTH:
                raise YamlLimitError(f"nested more than {MAX_DEPTH} levels deep")
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            began, anchor = opened.pop()
            if anchor:
                sizes[anchor] = expanded - began
        elif isinstance(event, yaml.ScalarEvent):
            expanded += 1
            if event.anchor:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor not in sizes:
                raise YamlLimitError(f"alias *{event.anchor} refers to an unfinished or undefined anchor")
            expanded += sizes[event.anchor]
        if expanded > MAX_NODES:
            raise YamlLimitError(f"more than {MAX_NODES:,} values once aliases are expanded")


def parse_yaml(data: bytes | str) -> object:
    """The parsed document; yaml.YAMLError when it is invalid, YamlLimitError when too deep or large."""
    check_shape(data)
    try:
        return yaml.load(data, Loader=_LOADER)
    except yaml.YAMLError:
        raise
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        # Values the resolver accepts but Python cannot build: "2024-13-45", a 5,000-digit integer.
        raise yaml.YAMLError(f"a value cannot be read ({exc})") from exc


def yaml_error_line(exc: yaml.YAMLError) -> int | None:
    """The 1-based line a YAML error points at (where the bad construct starts), when it says."""
    mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
    return mark.line + 1 if mark is not None else None


def yaml_reason(exc: yaml.YAMLError) -> str:
    """Why YAML could not be used, for a message: the bound it broke, or "invalid YAML" and the line."""
    if isinstance(exc, YamlLimitError):
        return f"the YAML is {exc}"
    line = yaml_error_line(exc)
    return f"invalid YAML at line {line}" if line else "invalid YAML"


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
