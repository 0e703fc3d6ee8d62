"""Corpus sources from sources.toml: download, safe extraction, manifest verification, atomic install."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import httpx
from pydantic import BaseModel, Field, ValidationError, field_validator

from assistant.errors import CorpusError
from ingest.archive import ArchiveLimits, extract_tarball
from ingest.make_manifest import Manifest, TreeCheck, check_tree, load_manifest

SOURCES_FILE = "sources.toml"
DOCUMENT_SUFFIXES = frozenset({".md", ".txt", ".pdf", ".html", ".htm", ".yaml", ".yml"})
TEMP_PREFIX = ".fetch-"
LOCAL_COPY_HINT = "set ASSISTANT_CORPUS_DIR to a local copy of the corpus (e.g. ../shared/corpus)"
PACKAGE_DIR = Path(__file__).parent

Progress = Callable[[int, int | None], None]


class SourceConfig(BaseModel):
    """One `[[source]]` table: a pinned tarball, where it goes, and the manifest that defines it."""

    name: str = Field(min_length=1)
    type: Literal["tarball"] = "tarball"
    url: str = Field(pattern=r"^https?://\S+$")
    target: str = Field(description="Folder under the corpus root; one plain name.")
    manifest: Path = Field(description="Per-file sha256 manifest; also the keep-list for extraction.")
    strip_top_folder: bool = True
    max_download_bytes: int = Field(200_000_000, gt=0)
    max_extracted_bytes: int = Field(200_000_000, gt=0)
    max_members: int = Field(20_000, gt=0)
    max_download_seconds: float = Field(900.0, gt=0)

    @field_validator("target")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        """The target is one folder name right under the corpus root."""
        if value in ("", ".", "..") or "/" in value or "\\" in value or value.startswith(TEMP_PREFIX):
            raise ValueError(f"target must be one plain folder name, got {value!r}")
        return value


class SourcesFile(BaseModel):
    """The whole sources.toml."""

    source: list[SourceConfig] = Field(default_factory=list)

    @field_validator("source")
    @classmethod
    def _distinct(cls, sources: list[SourceConfig]) -> list[SourceConfig]:
        """Names and targets are unique."""
        for attr in ("name", "target"):
            values = [getattr(s, attr) for s in sources]
            if len(values) != len(set(values)):
                raise ValueError(f"two sources share a {attr}")
        return sources


@dataclass(frozen=True)
class SourceOutcome:
    """What fetching one source did."""

    name: str
    target: Path
    status: Literal["present", "fetched"]
    files: int
    downloaded_bytes: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class FetchReport:
    """One outcome per source, in sources.toml order."""

    sources: tuple[SourceOutcome, ...]


@dataclass(frozen=True)
class SourceCheck:
    """A source and how its target folder compares with its manifest."""

    source: SourceConfig
    check: TreeCheck


def load_sources(path: Path) -> list[SourceConfig]:
    """Parse sources.toml; a relative manifest is found next to it, else among this package's files."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        parsed = SourcesFile.model_validate(raw)
    except FileNotFoundError:
        raise CorpusError(f"{path} not found", hint=f"create it as corpus/README.md shows, or {LOCAL_COPY_HINT}") from None
    except tomllib.TOMLDecodeError as exc:
        raise CorpusError(f"{path} is not valid TOML: {exc}", hint="fix it as corpus/README.md shows") from exc
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise CorpusError(f"{path} is invalid: {problems}", hint="fix it as corpus/README.md shows") from exc
    return [s.model_copy(update={"manifest": _resolve_manifest(s.manifest, path.parent)}) for s in parsed.source]


def _resolve_manifest(manifest: Path, base: Path) -> Path:
    """Absolute manifest path: as given, next to sources.toml, or shipped in the ingest package."""
    if manifest.is_absolute():
        return manifest
    beside = base / manifest
    return beside if beside.exists() else PACKAGE_DIR / manifest


def _sources_path(corpus_dir: Path, sources_file: Path | None) -> Path:
    """The sources file to use: the one given, else sources.toml in the corpus root."""
    return sources_file if sources_file is not None else corpus_dir / SOURCES_FILE


def verify_source(corpus_dir: Path, source: SourceConfig) -> TreeCheck:
    """Check a source's target folder against its manifest."""
    return check_tree(corpus_dir / source.target, load_manifest(source.manifest))


def verify_sources(corpus_dir: Path, *, sources_file: Path | None = None) -> list[SourceCheck]:
    """Check every source in sources.toml (what `assistant corpus verify` reports)."""
    sources = load_sources(_sources_path(corpus_dir, sources_file))
    return [SourceCheck(source=s, check=verify_source(corpus_dir, s)) for s in sources]


def corpus_ready(corpus_dir: Path, *, sources_file: Path | None = None) -> bool:
    """True when there is something to ingest without fetching.

    With a sources.toml, every source must verify; without one (ASSISTANT_CORPUS_DIR points at a
    user's folder or a local copy), any document file under the root is enough.
    """
    path = _sources_path(corpus_dir, sources_file)
    if path.is_file():
        return all(c.check.ok for c in verify_sources(corpus_dir, sources_file=path))
    return corpus_dir.is_dir() and any(p.suffix.lower() in DOCUMENT_SUFFIXES and p.is_file() for p in corpus_dir.rglob("*"))


def fetch_sources(
    corpus_dir: Path,
    *,
    sources_file: Path | None = None,
    timeout: float = 60,
    progress: Progress | None = None,
) -> FetchReport:
    """Make every source's target folder match its manifest, downloading only those that do not."""
    sources = load_sources(_sources_path(corpus_dir, sources_file))
    corpus_dir.mkdir(parents=True, exist_ok=True)
    outcomes: list[SourceOutcome] = []
    for source in sources:
        manifest = load_manifest(source.manifest)
        target = corpus_dir / source.target
        if check_tree(target, manifest).ok:
            outcomes.append(SourceOutcome(source.name, target, "present", len(manifest.files)))
            continue
        outcomes.append(_fetch_one(source, manifest, corpus_dir, timeout=timeout, progress=progress))
    return FetchReport(sources=tuple(outcomes))


def _fetch_one(
    source: SourceConfig, manifest: Manifest, corpus_dir: Path, *, timeout: float, progress: Progress | None
) -> SourceOutcome:
    """Download, extract and verify one source in temporary places, then swap it into its target."""
    started = time.monotonic()
    target = corpus_dir / source.target
    with _temp_file(corpus_dir, source.name) as archive, _temp_dir(corpus_dir, source.name) as staging:
        downloaded = download(source, archive, timeout=timeout, progress=progress)
        limits = ArchiveLimits(max_bytes=source.max_extracted_bytes, max_members=source.max_members)
        extract_tarball(archive, staging, keep=manifest.paths(), strip_top_folder=source.strip_top_folder, limits=limits)
        check = check_tree(staging, manifest)
        if not check.ok:
            raise CorpusError(
                f"{source.name}: the download from {source.url} does not match manifest {source.manifest.name}: {check.describe()}",
                hint=f"check the url in sources.toml points at the pinned commit, or {LOCAL_COPY_HINT}",
            )
        _install(staging, target, corpus_dir, source.name)
    return SourceOutcome(source.name, target, "fetched", len(manifest.files), downloaded, time.monotonic() - started)


def download(source: SourceConfig, dest: Path, *, timeout: float, progress: Progress | None = None) -> int:
    """Stream a source's url into dest within its size and time bounds; returns the bytes written."""
    deadline = time.monotonic() + source.max_download_seconds
    written = 0
    try:
        # identity: the tarball is compressed already, and a second encoding would hide its real size.
        with httpx.stream(
            "GET", source.url, timeout=timeout, follow_redirects=True, headers={"Accept-Encoding": "identity"}
        ) as response:
            response.raise_for_status()
            total = _content_length(response)
            if total is not None and total > source.max_download_bytes:
                raise CorpusError(
                    f"{source.name}: {source.url} is {total:,} bytes, over max_download_bytes ({source.max_download_bytes:,})",
                    hint="check the url, or raise max_download_bytes in sources.toml",
                )
            with dest.open("wb") as out:
                for chunk in response.iter_bytes():
                    written += len(chunk)
                    if written > source.max_download_bytes:
                        raise CorpusError(
                            f"{source.name}: download from {source.url} passed max_download_bytes ({source.max_download_bytes:,})",
                            hint="check the url, or raise max_download_bytes in sources.toml",
                        )
                    if time.monotonic() > deadline:
                        raise CorpusError(
                            f"{source.name}: download from {source.url} took longer than {source.max_download_seconds:.0f} s",
                            hint=f"retry on a faster connection, or {LOCAL_COPY_HINT}",
                        )
                    out.write(chunk)
                    if progress is not None:
                        progress(written, total)
    except httpx.HTTPStatusError as exc:
        raise CorpusError(
            f"{source.name}: download from {source.url} failed: HTTP {exc.response.status_code}",
            hint=f"check the url in sources.toml, or {LOCAL_COPY_HINT}",
        ) from exc
    except httpx.HTTPError as exc:
        raise CorpusError(
            f"{source.name}: download from {source.url} failed ({type(exc).__name__}: {exc}); are you offline?",
            hint=LOCAL_COPY_HINT,
        ) from exc
    return written


def _content_length(response: httpx.Response) -> int | None:
    """The announced body size, when the server gives a usable one."""
    value = response.headers.get("Content-Length", "")
    return int(value) if value.isdigit() else None


def _install(staging: Path, target: Path, corpus_dir: Path, name: str) -> None:
    """Put staging at target with renames on one filesystem; an old target is moved aside, then removed."""
    old: Path | None = None
    if target.exists() or target.is_symlink():
        old = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{name}-old-", dir=corpus_dir))
        os.replace(target, old / "previous")
    try:
        os.replace(staging, target)
    except OSError:
        if old is not None:
            os.replace(old / "previous", target)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


@contextmanager
def _temp_file(corpus_dir: Path, name: str) -> Iterator[Path]:
    """A temporary download file in the corpus root, always removed."""
    handle, raw = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{name}-", suffix=".tar.gz", dir=corpus_dir)
    os.close(handle)
    path = Path(raw)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


@contextmanager
def _temp_dir(corpus_dir: Path, name: str) -> Iterator[Path]:
    """A temporary staging folder next to the target, always removed."""
    path = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{name}-", dir=corpus_dir))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
