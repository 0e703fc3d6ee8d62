"""Disk full or read-only data dir during ingest: a clear message naming the dir and the fix; the index survives.

Root ignores file modes, so chmod cannot make a dir read-only here. A user + mount namespace
(`unshare --user --map-root-user --mount`, no privileges needed) gives a real read-only bind mount and
a small tmpfs instead; the tests skip when the kernel does not allow that. A real ENOSPC cannot be
shown to Qdrant Edge safely: it writes through mmap, so a full disk kills it with SIGBUS, which is why
the store checks free space before each write. On tmpfs even reading Edge's sparse files takes space,
so the index is copied out of the namespace before it is read.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import StoreError
from assistant.store import CollectionSpec, Point, locking
from assistant.store.edge import EdgeStore


def _namespaces_work() -> bool:
    try:
        probe = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "true"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


needs_namespaces = pytest.mark.skipif(not _namespaces_work(), reason="unshare --user --mount is not permitted here")


def in_namespace(script: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a shell script as root of a new user + mount namespace (its mounts vanish when it exits)."""
    return subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def fake_previous(
    tmp_path: Path,
    write_corpus_version: Callable[[Path, int], None],
    run_ingest: Callable[[Path, Path], Any],
    snapshot: Callable[..., dict[str, object]],
) -> tuple[Path, Path, dict[str, object]]:
    """Corpus v2, an index of corpus v1 (the previous ingest, fake embedder), and its snapshot."""
    write_corpus_version(tmp_path / "v1", 1)
    write_corpus_version(tmp_path / "v2", 2)
    run_ingest(tmp_path / "v1", tmp_path / "previous")
    return tmp_path / "v2", tmp_path / "previous", snapshot(tmp_path / "previous")


@pytest.fixture(scope="module")
def previous(
    models_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
    child_cli: Any,
    write_corpus_version: Callable[[Path, int], None],
    snapshot: Callable[..., dict[str, object]],
) -> tuple[Path, Path, dict[str, object]]:
    """Corpus v2, an index of corpus v1 built by `assistant ingest` (the offline model), and its snapshot."""
    base = tmp_path_factory.mktemp("previous")
    write_corpus_version(base / "v1", 1)
    write_corpus_version(base / "v2", 2)
    data = child_cli.data_dir(base / "data", models_dir)
    assert child_cli.run(["ingest"], child_cli.env(data, base / "v1"), base).returncode == 0
    return base / "v2", data / "index", snapshot(data / "index")


def test_low_disk_space_stops_ingest_before_any_write(
    fake_previous: tuple[Path, Path, dict[str, object]],
    monkeypatch: pytest.MonkeyPatch,
    run_ingest: Callable[[Path, Path], Any],
    snapshot: Callable[..., dict[str, object]],
) -> None:
    corpus, index, before = fake_previous
    monkeypatch.setattr(locking, "MIN_FREE_BYTES", shutil.disk_usage(index).free + 2**30)
    with pytest.raises(StoreError) as err:
        run_ingest(corpus, index)
    assert str(index) in err.value.message and "free at least" in (err.value.hint or "")
    monkeypatch.undo()
    assert snapshot(index) == before


@pytest.mark.slow
@needs_namespaces
def test_disk_full_data_dir_gives_a_clear_message_and_keeps_the_index(
    previous: tuple[Path, Path, dict[str, object]],
    models_dir: Path,
    tmp_path: Path,
    child_cli: Any,
    snapshot: Callable[..., dict[str, object]],
) -> None:
    corpus, index, before = previous
    mount, out = tmp_path / "small-disk", tmp_path / "after"
    mount.mkdir()
    env = child_cli.env(mount, corpus) | {
        "MNT": str(mount),
        "PREV": str(index),
        "MODELS": str(models_dir),
        "OUT": str(out),
        "PY": sys.executable,
    }
    # 16 MB free is under the store's 128 MB floor; without that check Edge runs into the full disk and dies (SIGBUS).
    proc = in_namespace(
        'mount -t tmpfs -o size=16m tmpfs "$MNT" && cp -a --sparse=always "$PREV" "$MNT/index" && ln -s "$MODELS" "$MNT/models"'
        ' && "$PY" -m assistant.cli ingest; echo "rc=$?" >&2; cp -a --sparse=always "$MNT/index" "$OUT"',
        env,
        tmp_path,
    )
    failed = subprocess.CompletedProcess(proc.args, 1 if "rc=1" in proc.stderr else -1, proc.stdout, proc.stderr)
    child_cli.assert_clear_failure(failed, "MB free on the disk holding the index", str(mount / "index"), "free at least")
    assert snapshot(out) == before


@pytest.mark.slow
@needs_namespaces
def test_read_only_data_dir_gives_a_clear_message_and_keeps_the_index(
    previous: tuple[Path, Path, dict[str, object]],
    models_dir: Path,
    tmp_path: Path,
    child_cli: Any,
    snapshot: Callable[..., dict[str, object]],
    copy_index: Callable[[Path, Path], None],
) -> None:
    corpus, index, before = previous
    data = child_cli.data_dir(tmp_path / "data", models_dir)
    copy_index(index, data / "index")
    env = child_cli.env(data, corpus) | {"DATA": str(data), "PY": sys.executable}
    bind = 'mount --bind "$DATA" "$DATA" && mount -o remount,ro,bind "$DATA" "$DATA" && '
    ingest = in_namespace(bind + '"$PY" -m assistant.cli ingest', env, tmp_path)
    child_cli.assert_clear_failure(ingest, f"cannot write to the index dir {data / 'index'}", "Read-only file system", "writable")
    info = in_namespace(bind + '"$PY" -m assistant.cli info', env, tmp_path)
    child_cli.assert_clear_failure(info, "Read-only file system", "writable")
    # Writable again (the namespace is gone), the index is the previous one and answers searches.
    assert snapshot(data / "index") == before
    after = child_cli.run(["search", "retrieval step", "--json"], env, tmp_path)
    assert after.returncode == 0 and '"source": "guides/' in after.stdout, after.stderr[-2000:]


def test_os_error_outside_the_store_is_a_message_not_a_traceback(tmp_path: Path, child_cli: Any) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "models").write_text("a file where the model folder should be")
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.md").write_text("# A\n\ntext\n")
    proc = child_cli.run(["ingest"], child_cli.env(data, tmp_path / "corpus"), tmp_path)
    child_cli.assert_clear_failure(proc, str(data / "models"))


@pytest.mark.parametrize(
    ("detail", "fix"),
    [
        ("Qdrant Edge: No space left on device (os error 28)", "free disk space"),
        ("[Errno 27] File too large", "free disk space"),
        ("Failed to open mmap payload storage: Read-only file system (os error 30)", "writable"),
        ("Permission denied (os error 13)", "writable"),
        ("segment checksum mismatch", "rebuild"),
    ],
)
def test_engine_failures_get_the_fix_their_os_error_calls_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, detail: str, fix: str
) -> None:
    with EdgeStore.open(tmp_path / "index") as store:
        store.ensure_collection("c", CollectionSpec(dense_size=2))
        shard = store._shard("c")

        class Failing:
            def __getattr__(self, name: str) -> object:
                return getattr(shard, name)

            def update(self, op: object) -> None:
                raise RuntimeError(detail)

        monkeypatch.setitem(store._shards, "c", Failing())
        with pytest.raises(StoreError) as err:
            store.upsert("c", [Point("00000000-0000-0000-0000-000000000001", {}, [1.0, 0.0])])
        monkeypatch.setitem(store._shards, "c", shard)
    assert fix in (err.value.hint or "") and str(tmp_path / "index") in err.value.message
