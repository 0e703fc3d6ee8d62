"""Safe tarball extraction: only regular files on a keep-list are written, and every member is checked."""

from __future__ import annotations

import gzip
import io
import posixpath
import re
import tarfile
import zlib
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import CorpusError, UnsafeArchiveError

GZIP_MAGIC = b"\x1f\x8b"
WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
COPY_CHUNK = 1 << 16


@dataclass(frozen=True)
class ArchiveLimits:
    """Bounds that stop a decompression bomb: bytes after decompression, and member count."""

    max_bytes: int = 200_000_000
    max_members: int = 20_000


@dataclass(frozen=True)
class Extraction:
    """What an extraction wrote and saw."""

    written: tuple[str, ...]
    members: int
    bytes_read: int


class _BoundedReader:
    """A read-only stream that counts the bytes it hands out and refuses to pass a bound."""

    def __init__(self, raw: io.BufferedIOBase, limit: int, archive: Path) -> None:
        self._raw = raw
        self._limit = limit
        self._archive = archive
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        """Read like the wrapped stream, but never more than the bound in total."""
        # Ask for one byte past the bound so crossing it is seen rather than silently truncated.
        room = self._limit - self.count + 1
        data = self._raw.read(room if size is None or size < 0 else min(size, room))
        self.count += len(data)
        if self.count > self._limit:
            raise UnsafeArchiveError(
                f"{self._archive.name}: more than {self._limit:,} bytes after decompression; refused as a decompression bomb",
                hint="check the source url, or raise max_extracted_bytes in sources.toml if the archive is genuinely this big",
            )
        return data


def _open_stream(archive: Path) -> io.BufferedIOBase:
    """Open the archive's bytes, decompressing gzip when the magic number says so."""
    with archive.open("rb") as probe:
        magic = probe.read(2)
    if magic == GZIP_MAGIC:
        return gzip.open(archive, "rb")
    return archive.open("rb")


def _member_path(name: str, archive: Path) -> tuple[str, ...]:
    """Split a member name into path parts, refusing absolute paths and '..' anywhere."""
    if name.startswith(("/", "\\")) or WINDOWS_DRIVE.match(name):
        raise UnsafeArchiveError(f"{archive.name}: member {name!r} has an absolute path; refused")
    parts = tuple(p for p in name.split("/") if p not in ("", "."))
    if ".." in parts:
        raise UnsafeArchiveError(f"{archive.name}: member {name!r} contains '..'; refused")
    if any("\\" in p or "\x00" in p for p in parts):
        raise UnsafeArchiveError(f"{archive.name}: member {name!r} has a backslash or NUL in its name; refused")
    return parts


def _check_link(member: tarfile.TarInfo, parts: tuple[str, ...], archive: Path) -> None:
    """Refuse a link whose target leaves the archive; links inside are allowed but never written."""
    target = member.linkname
    kind = "symlink" if member.issym() else "hardlink"
    if target.startswith(("/", "\\")):
        raise UnsafeArchiveError(f"{archive.name}: {kind} {member.name!r} points to absolute path {target!r}; refused")
    # A symlink resolves against its own folder; a hardlink names another member from the archive root.
    base = posixpath.join(*parts[:-1]) if member.issym() and len(parts) > 1 else ""
    resolved = posixpath.normpath(posixpath.join(base, target))
    if resolved == ".." or resolved.startswith("../"):
        raise UnsafeArchiveError(f"{archive.name}: {kind} {member.name!r} points outside the archive ({target!r}); refused")


def _check_kind(member: tarfile.TarInfo, archive: Path) -> None:
    """Refuse device files, fifos and any member type that is not a file, folder or link."""
    if member.ischr() or member.isblk():
        raise UnsafeArchiveError(f"{archive.name}: member {member.name!r} is a device file; refused")
    if member.isfifo():
        raise UnsafeArchiveError(f"{archive.name}: member {member.name!r} is a fifo; refused")
    if not (member.isreg() or member.isdir() or member.issym() or member.islnk()):
        raise UnsafeArchiveError(f"{archive.name}: member {member.name!r} has unsupported type {member.type!r}; refused")
    if member.isreg() and member.issparse():
        raise UnsafeArchiveError(f"{archive.name}: member {member.name!r} is a sparse file; refused")


def _strip_top(parts: tuple[str, ...], top: list[str], member: str, archive: Path) -> str:
    """Drop the single top folder every member must share; '' is the top folder itself."""
    if not top:
        top.append(parts[0])
    elif parts[0] != top[0]:
        raise UnsafeArchiveError(
            f"{archive.name}: member {member!r} is outside the archive's single top folder {top[0]!r}; refused"
        )
    return "/".join(parts[1:])


def _write_member(tar: tarfile.TarFile, member: tarfile.TarInfo, dest: Path, rel: str, archive: Path) -> None:
    """Copy one regular member's bytes into dest/rel, never overwriting and never following links."""
    out_path = dest.joinpath(*rel.split("/"))
    source = tar.extractfile(member)
    if source is None:
        raise CorpusError(f"{archive.name}: member {member.name!r} has no readable data")
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        # "x" refuses a second member with the same path instead of silently replacing the first.
        with out_path.open("xb") as out:
            while chunk := source.read(COPY_CHUNK):
                out.write(chunk)
    except FileExistsError:
        raise UnsafeArchiveError(f"{archive.name}: member {member.name!r} appears twice; refused") from None
    except OSError as exc:
        raise CorpusError(
            f"cannot write {out_path}: {exc.strerror or exc}", hint="check free disk space and permissions"
        ) from exc


def extract_tarball(
    archive: Path,
    dest: Path,
    *,
    keep: Collection[str],
    strip_top_folder: bool = True,
    limits: ArchiveLimits = ArchiveLimits(),
) -> Extraction:
    """Extract the regular files whose paths are in `keep` into the existing folder `dest`.

    Every member is checked, kept or not: absolute paths, '..', links leaving the archive, device
    files, fifos, too many members or too many bytes refuse the whole archive (UnsafeArchiveError).
    Links that stay inside are never written. The caller owns `dest` and removes it on failure.
    """
    written: list[str] = []
    top: list[str] = []
    members = 0
    try:
        with _open_stream(archive) as raw:
            counted = _BoundedReader(raw, limits.max_bytes, archive)
            # Stream mode reads members in order and never seeks, so the byte count covers everything.
            # typeshed's file protocol asks for write and seek too; stream mode ("r|") only reads.
            with tarfile.open(fileobj=counted, mode="r|") as tar:  # type: ignore[call-overload]
                for member in tar:
                    members += 1
                    if members > limits.max_members:
                        raise UnsafeArchiveError(
                            f"{archive.name}: more than {limits.max_members:,} members; refused as a decompression bomb",
                            hint="check the source url, or raise max_members in sources.toml",
                        )
                    parts = _member_path(member.name, archive)
                    _check_kind(member, archive)
                    if member.issym() or member.islnk():
                        _check_link(member, parts, archive)
                    if not parts:
                        continue
                    rel = _strip_top(parts, top, member.name, archive) if strip_top_folder else "/".join(parts)
                    # Defence in depth: the standard library's own rules for untrusted archives.
                    tarfile.data_filter(member, str(dest))
                    if member.isreg() and rel in keep:
                        _write_member(tar, member, dest, rel, archive)
                        written.append(rel)
            return Extraction(written=tuple(written), members=members, bytes_read=counted.count)
    except tarfile.FilterError as exc:
        raise UnsafeArchiveError(f"{archive.name}: {exc}; refused") from exc
    except (tarfile.TarError, gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise CorpusError(
            f"{archive.name} is not a readable tar or tar.gz archive: {exc}",
            hint="the download may be truncated; run the fetch again",
        ) from exc
