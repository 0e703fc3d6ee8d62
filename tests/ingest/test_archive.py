"""Safe extraction: kept files land below the stripped top folder; hostile members refuse the archive."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from assistant.errors import CorpusError, UnsafeArchiveError
from ingest.archive import ArchiveLimits, extract_tarball

TOP = "guide-0123abc"


def member(name: str, data: bytes = b"", kind: bytes = tarfile.REGTYPE, linkname: str = "") -> tuple[tarfile.TarInfo, bytes]:
    """A tar header (and body for regular files) as the test wants it, however hostile."""
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    return info, data


def write_tar(path: Path, members: list[tuple[tarfile.TarInfo, bytes]], mode: str = "w:gz") -> Path:
    """Write members, in order, to a tarball."""
    with tarfile.open(path, mode) as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if info.isreg() else None)
    return path


def extract(tmp_path: Path, members: list[tuple[tarfile.TarInfo, bytes]], keep: set[str], **limits: int) -> Path:
    """Build a tarball from members and extract it into a fresh folder; returns that folder."""
    archive = write_tar(tmp_path / "in.tar.gz", members)
    dest = tmp_path / "out"
    dest.mkdir()
    extract_tarball(archive, dest, keep=keep, limits=ArchiveLimits(**limits))
    return dest


def files_under(root: Path) -> set[str]:
    """Every file or link below root, relative."""
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() or p.is_symlink()}


def test_writes_only_kept_regular_files_below_the_top_folder(tmp_path: Path) -> None:
    members = [
        member(f"{TOP}/", kind=tarfile.DIRTYPE),
        member(f"{TOP}/README.md", b"# Guide\n"),
        member(f"{TOP}/role/skills.md", b"skills\n"),
        member(f"{TOP}/scripts/tool.py", b"print()\n"),
    ]
    dest = extract(tmp_path, members, keep={"README.md", "role/skills.md"})
    assert files_under(dest) == {"README.md", "role/skills.md"}
    assert (dest / "role" / "skills.md").read_bytes() == b"skills\n"


def test_reads_an_uncompressed_tar_too(tmp_path: Path) -> None:
    archive = write_tar(tmp_path / "in.tar", [member(f"{TOP}/a.md", b"a")], mode="w")
    dest = tmp_path / "out"
    dest.mkdir()
    result = extract_tarball(archive, dest, keep={"a.md"})
    assert result.written == ("a.md",)
    assert (dest / "a.md").read_bytes() == b"a"


@pytest.mark.parametrize("name", [f"{TOP}/../evil.md", f"{TOP}/role/../../evil.md", "../evil.md"])
def test_refuses_a_parent_path(tmp_path: Path, name: str) -> None:
    with pytest.raises(UnsafeArchiveError, match=r"contains '\.\.'"):
        extract(tmp_path, [member(f"{TOP}/a.md", b"a"), member(name, b"x")], keep={"a.md"})


@pytest.mark.parametrize("name", ["/tmp/evil.md", "C:/evil.md", "\\evil.md"])
def test_refuses_an_absolute_path(tmp_path: Path, name: str) -> None:
    with pytest.raises(UnsafeArchiveError, match="absolute path"):
        extract(tmp_path, [member(f"{TOP}/a.md", b"a"), member(name, b"x")], keep={"a.md"})


@pytest.mark.parametrize("target", ["../../outside.md", "/etc/passwd", "sub/../../../outside.md"])
def test_refuses_a_symlink_out(tmp_path: Path, target: str) -> None:
    with pytest.raises(UnsafeArchiveError, match=r"symlink .*link\.md"):
        extract(tmp_path, [member(f"{TOP}/link.md", kind=tarfile.SYMTYPE, linkname=target)], keep={"link.md"})


@pytest.mark.parametrize("target", ["../outside.md", "/etc/passwd"])
def test_refuses_a_hardlink_out(tmp_path: Path, target: str) -> None:
    with pytest.raises(UnsafeArchiveError, match=r"hardlink .*hard\.md"):
        extract(tmp_path, [member(f"{TOP}/hard.md", kind=tarfile.LNKTYPE, linkname=target)], keep={"hard.md"})


def test_links_that_stay_inside_are_never_written(tmp_path: Path) -> None:
    members = [
        member(f"{TOP}/a.md", b"a"),
        member(f"{TOP}/sym.md", kind=tarfile.SYMTYPE, linkname="a.md"),
        member(f"{TOP}/hard.md", kind=tarfile.LNKTYPE, linkname=f"{TOP}/a.md"),
    ]
    dest = extract(tmp_path, members, keep={"a.md", "sym.md", "hard.md"})
    assert files_under(dest) == {"a.md"}


@pytest.mark.parametrize(("kind", "word"), [(tarfile.CHRTYPE, "device"), (tarfile.BLKTYPE, "device"), (tarfile.FIFOTYPE, "fifo")])
def test_refuses_device_files_and_fifos(tmp_path: Path, kind: bytes, word: str) -> None:
    with pytest.raises(UnsafeArchiveError, match=rf"{TOP}/dev\.md' is a {word}"):
        extract(tmp_path, [member(f"{TOP}/dev.md", kind=kind)], keep={"dev.md"})


def test_refuses_a_bomb_even_in_a_member_it_would_not_keep(tmp_path: Path) -> None:
    members = [member(f"{TOP}/a.md", b"a"), member(f"{TOP}/zeros.bin", bytes(2_000_000))]
    with pytest.raises(UnsafeArchiveError, match="more than 1,000,000 bytes after decompression"):
        extract(tmp_path, members, keep={"a.md"}, max_bytes=1_000_000)


def test_refuses_too_many_members(tmp_path: Path) -> None:
    members = [member(f"{TOP}/{i}.md", b"x") for i in range(6)]
    with pytest.raises(UnsafeArchiveError, match="more than 5 members"):
        extract(tmp_path, members, keep=set(), max_members=5)


def test_refuses_a_member_that_appears_twice(tmp_path: Path) -> None:
    members = [member(f"{TOP}/a.md", b"first"), member(f"{TOP}/a.md", b"second")]
    with pytest.raises(UnsafeArchiveError, match="appears twice"):
        extract(tmp_path, members, keep={"a.md"})


def test_refuses_a_member_outside_the_single_top_folder(tmp_path: Path) -> None:
    members = [member(f"{TOP}/a.md", b"a"), member("other/b.md", b"b")]
    with pytest.raises(UnsafeArchiveError, match="outside the archive's single top folder"):
        extract(tmp_path, members, keep={"a.md", "b.md"})


def test_a_truncated_download_is_a_clear_corpus_error(tmp_path: Path) -> None:
    whole = write_tar(tmp_path / "whole.tar.gz", [member(f"{TOP}/a.md", bytes(range(256)) * 400)])
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(whole.read_bytes()[:200])
    dest = tmp_path / "out"
    dest.mkdir()
    with pytest.raises(CorpusError, match=r"not a readable tar or tar.gz archive"):
        extract_tarball(cut, dest, keep={"a.md"})
