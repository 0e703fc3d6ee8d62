"""Per-file sha256 manifests of a corpus folder: build, read, write, and check a folder against one.

Regenerate the committed field-guide manifest from a trusted copy with
`python -m ingest.make_manifest ../shared/corpus/field-guide -o ingest/field_guide_manifest.json`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError, field_validator

from assistant.errors import CorpusError

HASH_CHUNK = 1 << 20
SHOWN_NAMES = 10


class ManifestEntry(BaseModel):
    """One file: its path relative to the manifest's root (POSIX separators), sha256 and size."""

    path: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)

    @field_validator("path")
    @classmethod
    def _relative_and_plain(cls, value: str) -> str:
        """Refuse paths that could point outside the root."""
        parts = value.split("/")
        if not value or value.startswith("/") or "\\" in value or any(p in ("", ".", "..") for p in parts):
            raise ValueError(f"not a plain relative path: {value!r}")
        return value


class Manifest(BaseModel):
    """Every file a corpus folder must hold, and nothing else."""

    algorithm: str = "sha256"
    files: list[ManifestEntry]

    @field_validator("files")
    @classmethod
    def _unique(cls, files: list[ManifestEntry]) -> list[ManifestEntry]:
        """One entry per path."""
        seen: set[str] = set()
        for entry in files:
            if entry.path in seen:
                raise ValueError(f"duplicate path {entry.path!r}")
            seen.add(entry.path)
        return files

    def paths(self) -> frozenset[str]:
        """The set of listed paths: the keep-list for an extraction."""
        return frozenset(e.path for e in self.files)

    def total_bytes(self) -> int:
        """Sum of all listed sizes."""
        return sum(e.size for e in self.files)


@dataclass(frozen=True)
class TreeCheck:
    """How a folder compares with its manifest."""

    root: Path
    checked: int
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    mismatched: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when every listed file is present and right, and nothing else is there."""
        return not (self.missing or self.extra or self.mismatched)

    def describe(self) -> str:
        """The problems in one line, naming the files (the first few of each kind)."""
        kinds = (("missing", self.missing), ("unexpected", self.extra), ("checksum or size mismatch", self.mismatched))
        return "; ".join(f"{len(names)} {label}: {_names(names)}" for label, names in kinds if names) or "ok"


def _names(names: Sequence[str]) -> str:
    """A short list of names, with a count of the rest."""
    shown = ", ".join(names[:SHOWN_NAMES])
    return f"{shown} (and {len(names) - SHOWN_NAMES} more)" if len(names) > SHOWN_NAMES else shown


def hash_file(path: Path) -> tuple[str, int]:
    """The sha256 hex digest and byte size of a file."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _walk(root: Path) -> list[str]:
    """Every non-directory entry under root, relative with POSIX separators, without following links."""
    found: list[str] = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        rel_folder = Path(folder).relative_to(root)
        # A symlinked folder appears in dirs; it is not a manifest file, so report it as an entry.
        names = files + [d for d in dirs if (Path(folder) / d).is_symlink()]
        found.extend((rel_folder / name).as_posix() for name in names)
    return sorted(found)


def build_manifest(root: Path) -> Manifest:
    """Hash every regular file under root; links are refused because a manifest lists real files."""
    if not root.is_dir():
        raise CorpusError(f"{root} is not a folder", hint="pass the corpus folder to record, e.g. ../shared/corpus/field-guide")
    entries: list[ManifestEntry] = []
    for rel in _walk(root):
        path = root / rel
        if not stat.S_ISREG(path.lstat().st_mode):
            raise CorpusError(f"{path} is not a regular file", hint="a manifest lists regular files only; remove the link")
        digest, size = hash_file(path)
        entries.append(ManifestEntry(path=rel, sha256=digest, size=size))
    return Manifest(files=entries)


def check_tree(root: Path, manifest: Manifest) -> TreeCheck:
    """Compare a folder with a manifest: every listed file hashes right and nothing else is there."""
    if not root.is_dir():
        return TreeCheck(root=root, checked=0, missing=tuple(e.path for e in manifest.files))
    listed = {e.path: e for e in manifest.files}
    present = _walk(root)
    missing = sorted(set(listed) - set(present))
    extra = [p for p in present if p not in listed]
    mismatched: list[str] = []
    for rel in present:
        entry = listed.get(rel)
        if entry is None:
            continue
        path = root / rel
        info = path.lstat()
        # Check the cheap size first; only same-size regular files need hashing.
        if not stat.S_ISREG(info.st_mode) or info.st_size != entry.size or hash_file(path) != (entry.sha256, entry.size):
            mismatched.append(rel)
    return TreeCheck(root=root, checked=len(listed), missing=tuple(missing), extra=tuple(extra), mismatched=tuple(mismatched))


def load_manifest(path: Path) -> Manifest:
    """Read a manifest JSON file."""
    try:
        return Manifest.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        raise CorpusError(f"manifest {path} not found", hint="check the manifest name in sources.toml") from None
    except ValidationError as exc:
        raise CorpusError(f"manifest {path} is invalid: {exc}", hint="regenerate it with python -m ingest.make_manifest") from exc


def write_manifest(manifest: Manifest, path: Path) -> None:
    """Write a manifest as JSON with one file per line, so diffs stay readable."""
    lines = [json.dumps(e.model_dump(), ensure_ascii=False) for e in sorted(manifest.files, key=lambda e: e.path)]
    body = ",\n    ".join(lines)
    path.write_text(f'{{\n  "algorithm": "{manifest.algorithm}",\n  "files": [\n    {body}\n  ]\n}}\n', encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: record a folder's manifest."""
    parser = argparse.ArgumentParser(description="Record the sha256 and size of every file under a folder.")
    parser.add_argument("root", type=Path, help="folder to record, e.g. ../shared/corpus/field-guide")
    parser.add_argument("-o", "--output", type=Path, required=True, help="manifest JSON to write")
    args = parser.parse_args(argv)
    manifest = build_manifest(args.root)
    write_manifest(manifest, args.output)
    print(f"{args.output}: {len(manifest.files)} files, {manifest.total_bytes():,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
