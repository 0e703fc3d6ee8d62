"""Finding what to load under a corpus root: single files, and job postings grouped by job id, each hashed."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import stat
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from assistant.errors import CorpusError
from ingest.loaders.base import Problem, SourceUnit
from ingest.loaders.limits import MAX_FILE_BYTES
from ingest.loaders.postings import RAW_DIR, STRUCTURED_DIR, job_id_from_name

SUFFIX_KINDS: dict[str, str] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".yaml": "yaml",
    ".yml": "yaml",
}
POSTING_DIRS = (RAW_DIR, STRUCTURED_DIR)
LISTING_FILE = PurePosixPath("_internal/all_jobs_dedup.csv")
LISTING_ID_COLUMN = "id"
# The project's own corpus/ folder explains itself in a README next to sources.toml: not a document.
PROJECT_FILES = {"README.md", "sources.toml"}


@dataclass
class _JobFiles:
    """The files found for one job id in one job-market folder."""

    raw: list[str] = field(default_factory=list)
    structured: list[str] = field(default_factory=list)


def _walk(root: Path) -> list[str]:
    """Loadable files under root as sorted posix paths relative to it, hidden files and folders skipped."""
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        rel = Path(dirpath).relative_to(root)
        own = rel == Path(".") and (root / "sources.toml").is_file()
        found.extend(
            (rel / name).as_posix()
            for name in filenames
            if not name.startswith(".") and Path(name).suffix.lower() in SUFFIX_KINDS and not (own and name in PROJECT_FILES)
        )
    return sorted(found)


def _size_problem(path: Path, source: str) -> Problem | None:
    try:
        info = path.stat()
    except OSError as exc:
        return Problem(source, f"cannot read the file ({exc.strerror or exc})")
    size = info.st_size
    if not stat.S_ISREG(info.st_mode):
        # A FIFO or device (or a link to one) would block or never end when read.
        return Problem(source, "not a regular file (a pipe, device or link to one); replace it with a file")
    if size == 0:
        return Problem(source, "the file is empty; add content or remove it")
    if size > MAX_FILE_BYTES:
        return Problem(source, f"the file is {size / 2**20:.0f} MB, over the {MAX_FILE_BYTES // 2**20} MB limit; split it")
    return None


def _read_listing(root: Path, market: str, problems: list[Problem]) -> dict[str, tuple[tuple[str, str], ...]]:
    """A job-market folder's listing rows by job id, as (column, value) pairs; empty when there is no CSV."""
    source = (PurePosixPath(market) / LISTING_FILE).as_posix()
    path = root / source
    if not path.is_file():
        return {}
    if problem := _size_problem(path, source):
        problems.append(Problem(source, f"{problem.reason}; postings load without it"))
        return {}
    try:
        reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
        rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        problems.append(Problem(source, f"listing CSV unreadable ({exc}); postings load without it"))
        return {}
    if LISTING_ID_COLUMN not in (reader.fieldnames or []):
        problems.append(Problem(source, f"listing CSV has no '{LISTING_ID_COLUMN}' column; postings load without it"))
        return {}
    return {
        row[LISTING_ID_COLUMN].strip(): tuple((k, (v or "").strip()) for k, v in row.items() if k is not None)
        for row in rows
        if row.get(LISTING_ID_COLUMN)
    }


def _hash_files(root: Path, sources: list[str], listing: tuple[tuple[str, str], ...] = ()) -> str:
    digest = hashlib.sha256()
    for source in sources:
        digest.update(f"\0file\0{source}\0".encode())
        digest.update((root / source).read_bytes())
    for column, value in listing:
        digest.update(f"\0{column}\0{value}".encode())
    return digest.hexdigest()


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _posting_units(root: Path, market: str, jobs: dict[str, _JobFiles], problems: list[Problem]) -> list[SourceUnit]:
    listing = _read_listing(root, market, problems)
    units: list[SourceUnit] = []
    for job_id, files in jobs.items():
        for extra in files.raw[1:] + files.structured[1:]:
            problems.append(Problem(extra, f"another file already has job id {job_id}; this one is ignored"))
        raw, structured = files.raw[:1], files.structured[:1]
        if structured and not raw:
            problems.append(
                Problem(
                    structured[0],
                    f"no raw posting ({RAW_DIR}/{job_id}_*.yaml) for this structured file; loaded without a description",
                )
            )
        row = listing.get(job_id, ())
        units.append(
            SourceUnit(
                source=(raw or structured)[0],
                paths=tuple(root / s for s in raw + structured),
                kind="posting",
                content_hash=_hash_files(root, raw + structured, row),
                listing=row,
            )
        )
    return units


def discover_units(root: Path) -> tuple[list[SourceUnit], list[Problem]]:
    """Every loadable unit under the corpus root, sorted by source, each with its content hash."""
    if not root.is_dir():
        # An empty result would make incremental ingest delete the whole index; a missing root is an error.
        raise CorpusError(f"corpus folder {root} does not exist", hint="set ASSISTANT_CORPUS_DIR to a corpus root")
    problems: list[Problem] = []
    units: list[SourceUnit] = []
    markets: dict[str, dict[str, _JobFiles]] = defaultdict(lambda: defaultdict(_JobFiles))
    for source in _walk(root):
        path = root / source
        if problem := _size_problem(path, source):
            problems.append(problem)
            continue
        parent = PurePosixPath(source).parent
        kind = SUFFIX_KINDS[path.suffix.lower()]
        if kind == "yaml" and parent.name in POSTING_DIRS:
            job_id = job_id_from_name(path.name)
            if job_id is None:
                problems.append(Problem(source, "no job id in the file name; name it <job id>_<title>.yaml"))
                continue
            files = markets[parent.parent.as_posix()][job_id]
            (files.raw if parent.name == RAW_DIR else files.structured).append(source)
        else:
            try:
                units.append(SourceUnit(source=source, paths=(path,), kind=kind, content_hash=_file_hash(path)))
            except OSError as exc:
                problems.append(Problem(source, f"cannot read the file ({exc.strerror or exc})"))
    for market, jobs in markets.items():
        try:
            units.extend(_posting_units(root, market, jobs, problems))
        except OSError as exc:
            problems.append(Problem(market, f"cannot read the job postings ({exc}); check file permissions"))
    units.sort(key=lambda unit: unit.source)
    problems.sort(key=lambda problem: problem.source)
    return units, problems
