"""Manifests: recorded hashes and sizes, round trips, tree checks, and the committed field-guide manifest."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.errors import CorpusError
from ingest.make_manifest import ManifestEntry, build_manifest, check_tree, load_manifest, main, write_manifest

COMMITTED = Path(__file__).resolve().parents[2] / "ingest" / "field_guide_manifest.json"


def make_tree(root: Path, files: dict[str, bytes]) -> Path:
    """Write files under root."""
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


FILES = {"README.md": b"# Guide\n", "role/skills.md": b"Python, RAG\n"}


def test_build_records_sha256_and_size_of_every_file(tmp_path: Path) -> None:
    manifest = build_manifest(make_tree(tmp_path / "guide", FILES))
    assert [(e.path, e.sha256, e.size) for e in manifest.files] == [
        (rel, hashlib.sha256(data).hexdigest(), len(data)) for rel, data in sorted(FILES.items())
    ]


def test_build_refuses_a_symlink(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "guide", FILES)
    (root / "link.md").symlink_to(root / "README.md")
    with pytest.raises(CorpusError, match=r"link\.md is not a regular file"):
        build_manifest(root)


def test_write_then_load_gives_the_same_manifest(tmp_path: Path) -> None:
    manifest = build_manifest(make_tree(tmp_path / "guide", FILES))
    write_manifest(manifest, tmp_path / "m.json")
    assert load_manifest(tmp_path / "m.json") == manifest


def test_a_path_leaving_the_root_is_not_a_valid_entry() -> None:
    with pytest.raises(ValidationError, match="not a plain relative path"):
        ManifestEntry(path="../outside.md", sha256="0" * 64, size=1)


def test_check_tree_names_missing_unexpected_and_changed_files(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "guide", FILES)
    manifest = build_manifest(root)
    (root / "README.md").unlink()
    (root / "role" / "skills.md").write_bytes(b"Python, RAG!\n")
    (root / "extra.txt").write_bytes(b"x")
    check = check_tree(root, manifest)
    assert (check.missing, check.extra, check.mismatched) == (("README.md",), ("extra.txt",), ("role/skills.md",))
    assert "1 missing: README.md" in check.describe()


def test_check_tree_sees_a_same_size_edit(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "guide", FILES)
    manifest = build_manifest(root)
    (root / "README.md").write_bytes(b"# Guidf\n")
    assert check_tree(root, manifest).mismatched == ("README.md",)


def test_the_command_line_writes_a_loadable_manifest(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "guide", FILES)
    assert main([str(root), "-o", str(tmp_path / "m.json")]) == 0
    assert check_tree(root, load_manifest(tmp_path / "m.json")).ok


@pytest.mark.integration
def test_the_committed_manifest_matches_the_corpus(corpus_dir: Path) -> None:
    manifest = load_manifest(COMMITTED)
    check = check_tree(corpus_dir / "field-guide", manifest)
    assert check.ok, check.describe()
    assert check.checked == len(manifest.files) == 3632
