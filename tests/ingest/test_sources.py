"""Corpus fetch against a real HTTP server on 127.0.0.1: install, verify, refuse, and leave nothing behind."""

from __future__ import annotations

import functools
import hashlib
import io
import json
import socket
import tarfile
import threading
from collections.abc import Iterator, Sequence
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from assistant.errors import CorpusError, UnsafeArchiveError
from ingest.sources import corpus_ready, fetch_sources, load_sources, verify_sources

REPO_ROOT = Path(__file__).resolve().parents[2]
TOP = "guide-0123abc"
GUIDE = {
    "README.md": b"# Field guide\n\nStart here.\n",
    "learning-paths/from-data-engineer.md": b"# From data engineer\n\nLearn retrieval.\n",
    "job-market/data_raw/1_acme.yaml": b"job_id: 1\ntitle: AI Engineer\n",
}
UNKEPT = {"scripts/tool.py": b"print('not corpus')\n", "notes/draft.md": b"draft\n"}


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves a folder without logging every request to stderr."""

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet."""


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A real HTTP server on a free 127.0.0.1 port; yields its base url and the folder it serves."""
    folder = tmp_path / "www"
    folder.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", folder
    server.shutdown()
    server.server_close()


def write_tarball(path: Path, files: dict[str, bytes], extra: Sequence[tuple[tarfile.TarInfo, bytes]] = ()) -> Path:
    """A GitHub-style tarball: every file below one top folder, then any extra (hostile) members."""
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"{TOP}/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for info, data in extra:
            tar.addfile(info, io.BytesIO(data) if info.isreg() else None)
    return path


def write_manifest(path: Path, files: dict[str, bytes]) -> Path:
    """The manifest the test expects, hashed here independently of the code under test."""
    entries = [{"path": p, "sha256": hashlib.sha256(d).hexdigest(), "size": len(d)} for p, d in sorted(files.items())]
    path.write_text(json.dumps({"algorithm": "sha256", "files": entries}), encoding="utf-8")
    return path


def write_sources(corpus: Path, url: str, manifest: Path, **limits: int) -> Path:
    """A sources.toml in the corpus root naming one tarball source."""
    corpus.mkdir(parents=True, exist_ok=True)
    lines = [
        "[[source]]",
        'name = "guide"',
        'type = "tarball"',
        f'url = "{url}"',
        'target = "field-guide"',
        f'manifest = "{manifest.as_posix()}"',
        *(f"{key} = {value}" for key, value in limits.items()),
    ]
    path = corpus / "sources.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """An empty corpus root."""
    return tmp_path / "corpus"


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    """The tiny guide's manifest."""
    return write_manifest(tmp_path / "manifest.json", GUIDE)


def setup_source(served: tuple[str, Path], corpus: Path, manifest: Path, **limits: int) -> Path:
    """Serve a good tarball of the tiny guide (plus files to drop) and point sources.toml at it."""
    base, folder = served
    write_tarball(folder / "guide.tar.gz", GUIDE | UNKEPT)
    return write_sources(corpus, f"{base}/guide.tar.gz", manifest, **limits)


def leftovers(corpus: Path) -> list[str]:
    """Temporary files or folders a fetch left in the corpus root."""
    return sorted(p.name for p in corpus.glob(".fetch-*"))


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_good_fetch_installs_exactly_the_manifest_files(served: tuple[str, Path], corpus: Path, manifest: Path) -> None:
    setup_source(served, corpus, manifest)
    report = fetch_sources(corpus)
    assert [(o.name, o.status, o.files) for o in report.sources] == [("guide", "fetched", 3)]
    assert tree(corpus / "field-guide") == GUIDE
    assert leftovers(corpus) == []


def test_progress_reports_the_bytes_downloaded(served: tuple[str, Path], corpus: Path, manifest: Path) -> None:
    setup_source(served, corpus, manifest)
    seen: list[tuple[int, int | None]] = []
    report = fetch_sources(corpus, progress=lambda done, total: seen.append((done, total)))
    size = (served[1] / "guide.tar.gz").stat().st_size
    assert seen[-1] == (size, size)
    assert report.sources[0].downloaded_bytes == size


def test_a_second_fetch_downloads_nothing(served: tuple[str, Path], corpus: Path, manifest: Path) -> None:
    setup_source(served, corpus, manifest)
    fetch_sources(corpus)
    (served[1] / "guide.tar.gz").unlink()  # a download now would fail with HTTP 404
    report = fetch_sources(corpus)
    assert report.sources[0].status == "present"
    assert tree(corpus / "field-guide") == GUIDE


def test_a_target_that_fails_verification_is_fetched_again(served: tuple[str, Path], corpus: Path, manifest: Path) -> None:
    setup_source(served, corpus, manifest)
    fetch_sources(corpus)
    (corpus / "field-guide" / "README.md").write_bytes(b"edited\n")
    (corpus / "field-guide" / "stray.md").write_bytes(b"stray\n")
    report = fetch_sources(corpus)
    assert report.sources[0].status == "fetched"
    assert tree(corpus / "field-guide") == GUIDE
    assert leftovers(corpus) == []


def hostile(name: str, kind: bytes = tarfile.REGTYPE, linkname: str = "", data: bytes = b"x") -> tuple[tarfile.TarInfo, bytes]:
    """One hostile tar member."""
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    return info, data


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (hostile(f"{TOP}/../../escape.md"), r"escape\.md' contains '\.\.'"),
        (hostile("/tmp/escape.md"), r"'/tmp/escape\.md' has an absolute path"),
        (hostile(f"{TOP}/link.md", tarfile.SYMTYPE, "../../outside.md"), r"symlink .*link\.md.* points outside"),
        (hostile(f"{TOP}/hard.md", tarfile.LNKTYPE, "/etc/passwd"), r"hardlink .*hard\.md.* absolute path"),
        (hostile(f"{TOP}/null", tarfile.CHRTYPE), r"null' is a device file"),
        (hostile(f"{TOP}/pipe", tarfile.FIFOTYPE), r"pipe' is a fifo"),
        (hostile(f"{TOP}/zeros.bin", data=bytes(3_000_000)), r"decompression bomb"),
    ],
    ids=["dotdot", "absolute", "symlink-out", "hardlink-out", "device", "fifo", "bomb"],
)
def test_a_hostile_tarball_is_refused_and_leaves_nothing(
    served: tuple[str, Path], corpus: Path, manifest: Path, extra: tuple[tarfile.TarInfo, bytes], message: str
) -> None:
    base, folder = served
    write_tarball(folder / "bad.tar.gz", GUIDE, [extra])
    write_sources(corpus, f"{base}/bad.tar.gz", manifest, max_extracted_bytes=1_000_000)
    with pytest.raises(UnsafeArchiveError, match=message):
        fetch_sources(corpus)
    assert not (corpus / "field-guide").exists()
    assert leftovers(corpus) == []


def test_a_checksum_mismatch_is_refused_naming_the_file(served: tuple[str, Path], corpus: Path, manifest: Path) -> None:
    base, folder = served
    tampered = GUIDE | {"learning-paths/from-data-engineer.md": b"# From data engineer\n\nLearn retrievaL.\n"}
    write_tarball(folder / "tampered.tar.gz", tampered)
    write_sources(corpus, f"{base}/tampered.tar.gz", manifest)
    with pytest.raises(CorpusError, match=r"checksum or size mismatch: learning-paths/from-data-engineer\.md"):
        fetch_sources(corpus)
    assert not (corpus / "field-guide").exists()
    assert leftovers(corpus) == []


def test_a_file_missing_from_the_tarball_is_named(served: tuple[str, Path], corpus: Path, manifest: Path) -> None:
    base, folder = served
    write_tarball(folder / "short.tar.gz", {k: v for k, v in GUIDE.items() if k != "README.md"})
    write_sources(corpus, f"{base}/short.tar.gz", manifest)
    with pytest.raises(CorpusError, match=r"1 missing: README.md"):
        fetch_sources(corpus)
    assert not (corpus / "field-guide").exists()


def closed_port() -> int:
    """A 127.0.0.1 port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_server_says_to_use_a_local_copy(corpus: Path, manifest: Path) -> None:
    write_sources(corpus, f"http://127.0.0.1:{closed_port()}/guide.tar.gz", manifest)
    with pytest.raises(CorpusError) as caught:
        fetch_sources(corpus, timeout=5)
    text = str(caught.value)
    assert "download from" in text and "failed" in text
    assert "set ASSISTANT_CORPUS_DIR to a local copy of the corpus (e.g. ../shared/corpus)" in text
    assert not (corpus / "field-guide").exists()
    assert leftovers(corpus) == []


def test_an_http_error_is_named(served: tuple[str, Path], corpus: Path, manifest: Path) -> None:
    write_sources(corpus, f"{served[0]}/nothing-here.tar.gz", manifest)
    with pytest.raises(CorpusError, match="failed: HTTP 404"):
        fetch_sources(corpus)
    assert leftovers(corpus) == []


def test_a_download_over_its_size_bound_is_refused(served: tuple[str, Path], corpus: Path, manifest: Path) -> None:
    setup_source(served, corpus, manifest, max_download_bytes=100)
    with pytest.raises(CorpusError, match="over max_download_bytes"):
        fetch_sources(corpus)
    assert leftovers(corpus) == []


def test_a_failed_fetch_keeps_the_previous_target(served: tuple[str, Path], corpus: Path, manifest: Path) -> None:
    setup_source(served, corpus, manifest)
    fetch_sources(corpus)
    (corpus / "field-guide" / "README.md").write_bytes(b"edited\n")
    (served[1] / "guide.tar.gz").unlink()
    with pytest.raises(CorpusError, match="HTTP 404"):
        fetch_sources(corpus)
    assert (corpus / "field-guide" / "README.md").read_bytes() == b"edited\n"


def test_verify_names_changed_and_unexpected_files(served: tuple[str, Path], corpus: Path, manifest: Path) -> None:
    setup_source(served, corpus, manifest)
    fetch_sources(corpus)
    (corpus / "field-guide" / "README.md").write_bytes(b"edited\n")
    (corpus / "field-guide" / "stray.md").write_bytes(b"stray\n")
    [result] = verify_sources(corpus)
    assert result.check.mismatched == ("README.md",)
    assert result.check.extra == ("stray.md",)


def test_corpus_ready_follows_the_sources(served: tuple[str, Path], corpus: Path, manifest: Path) -> None:
    setup_source(served, corpus, manifest)
    assert not corpus_ready(corpus)
    fetch_sources(corpus)
    assert corpus_ready(corpus)


def test_corpus_ready_without_sources_means_any_document(tmp_path: Path) -> None:
    own = tmp_path / "own"
    (own / "notes").mkdir(parents=True)
    assert not corpus_ready(own)
    (own / "notes" / "role.txt").write_text("A role guide.\n", encoding="utf-8")
    assert corpus_ready(own)


def test_a_target_that_escapes_the_corpus_root_is_rejected(tmp_path: Path, manifest: Path) -> None:
    path = write_sources(tmp_path / "corpus", "http://127.0.0.1:1/x.tar.gz", manifest)
    path.write_text(path.read_text().replace('target = "field-guide"', 'target = "../elsewhere"'))
    with pytest.raises(CorpusError, match=r"sources\.toml is invalid: .*one plain folder name"):
        load_sources(path)


def test_a_missing_sources_file_says_how_to_fix_it(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match=r"sources.toml not found") as caught:
        fetch_sources(tmp_path / "empty")
    assert "ASSISTANT_CORPUS_DIR" in str(caught.value)


def test_the_shipped_sources_pin_the_field_guide_commit() -> None:
    [source] = load_sources(REPO_ROOT / "corpus" / "sources.toml")
    assert source.url.endswith("/tar.gz/1961e786814ab362b38532bfd5faeef4231c9db7")
    assert source.target == "field-guide"
    assert source.manifest == REPO_ROOT / "ingest" / "field_guide_manifest.json"
