"""Qdrant Edge store specifics: the index-dir lock, read-only opens, durability, files on disk."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.core.schema import stable_id
from assistant.errors import IndexLockedError, StoreError
from assistant.store import CollectionSpec, FacetCount, Filter, Match, Point
from assistant.store.edge import EdgeStore

REPO = Path(__file__).resolve().parents[2]
SPEC = CollectionSpec(dense_size=2, indexes={"k": "keyword"})


def points(n: int) -> list[Point]:
    return [Point(stable_id(f"edge/{i}"), {"k": str(i % 2)}, [1.0, float(i)]) for i in range(n)]


def run_child(code: str, *args: str) -> subprocess.Popen[str]:
    """A Python child process in the repo root (so `assistant` imports)."""
    return subprocess.Popen(
        [sys.executable, "-c", code, *args], cwd=REPO, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )


@pytest.fixture
def index(tmp_path: Path) -> Path:
    """An index dir holding one collection of 3 points, closed."""
    with EdgeStore.open(tmp_path / "index") as store:
        store.ensure_collection("c", SPEC)
        store.upsert("c", points(3))
    return tmp_path / "index"


def test_second_writer_is_refused_with_a_clear_message(index: Path) -> None:
    with EdgeStore.open(index), pytest.raises(IndexLockedError) as err:
        EdgeStore.open(index)
    assert str(index) in str(err.value) and "stop it or wait" in str(err.value)


def test_readers_share_the_index(index: Path) -> None:
    with EdgeStore.open(index, read_only=True) as one, EdgeStore.open(index, read_only=True) as two:
        assert one.count("c") == two.count("c") == 3


def test_writer_is_refused_while_a_reader_is_open(index: Path) -> None:
    with EdgeStore.open(index, read_only=True), pytest.raises(IndexLockedError):
        EdgeStore.open(index)


def test_reader_is_refused_while_a_writer_is_open(index: Path) -> None:
    with EdgeStore.open(index), pytest.raises(IndexLockedError):
        EdgeStore.open(index, read_only=True)


def test_close_releases_the_lock(index: Path) -> None:
    EdgeStore.open(index).close()
    with EdgeStore.open(index) as again:
        assert again.count("c") == 3


def test_read_only_store_refuses_writes(index: Path) -> None:
    with EdgeStore.open(index, read_only=True) as store:
        with pytest.raises(StoreError, match="read-only"):
            store.upsert("c", points(1))
        with pytest.raises(StoreError, match="read-only"):
            store.write_meta({"a": 1})


def test_lock_held_by_another_process_is_detected(index: Path) -> None:
    holder = run_child(
        "import sys; from pathlib import Path; from assistant.store.edge import EdgeStore\n"
        "s = EdgeStore.open(Path(sys.argv[1])); print('ready', flush=True); sys.stdin.read(); s.close()",
        str(index),
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(IndexLockedError):
            EdgeStore.open(index, read_only=True)
    finally:
        holder.communicate("", timeout=30)
    with EdgeStore.open(index, read_only=True) as store:
        assert store.count("c") == 3


def test_writes_survive_a_process_that_dies_without_close(tmp_path: Path) -> None:
    child = run_child(
        "import os, sys; from pathlib import Path\n"
        "from assistant.core.schema import stable_id; from assistant.store import CollectionSpec, Point\n"
        "from assistant.store.edge import EdgeStore\n"
        "s = EdgeStore.open(Path(sys.argv[1])); s.ensure_collection('c', CollectionSpec(dense_size=2))\n"
        "s.upsert('c', [Point(stable_id(str(i)), {}, [1.0, 0.0]) for i in range(4)])\n"
        "os._exit(0)",
        str(tmp_path / "index"),
    )
    assert child.wait(timeout=60) == 0
    with EdgeStore.open(tmp_path / "index") as store:
        assert store.count("c") == 4


def test_meta_json_is_written_whole_without_temp_files(index: Path) -> None:
    with EdgeStore.open(index) as store:
        store.write_meta({"embedding_model": "m", "dimension": 2})
    assert json.loads((index / "meta.json").read_text()) == {"dimension": 2, "embedding_model": "m"}
    assert not list(index.glob(".meta-*"))


def test_corrupt_meta_json_names_the_file(index: Path) -> None:
    (index / "meta.json").write_text("{not json")
    with EdgeStore.open(index) as store, pytest.raises(StoreError, match=r"meta.json"):
        store.read_meta()


def test_disk_bytes_grows_with_data(tmp_path: Path) -> None:
    with EdgeStore.open(tmp_path / "index") as store:
        store.ensure_collection("c", SPEC)
        empty = store.disk_bytes()
        store.upsert("c", [Point(stable_id(f"big/{i}"), {"text": "x" * 2000}, [1.0, float(i)]) for i in range(500)])
        assert store.disk_bytes() > empty > 0


def test_drop_collection_removes_its_files(index: Path) -> None:
    with EdgeStore.open(index) as store:
        store.drop_collection("c")
    assert list((index / "collections").iterdir()) == []


def test_collection_name_cannot_escape_the_index(index: Path) -> None:
    with EdgeStore.open(index) as store, pytest.raises(StoreError, match="invalid collection name"):
        store.ensure_collection("../outside", SPEC)


def test_closed_store_refuses_use(index: Path) -> None:
    store = EdgeStore.open(index)
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.count("c")


def test_facet_counts_equal_a_count_per_value_after_replacing_and_deleting(tmp_path: Path) -> None:
    # One segment: Edge's one-pass facet, whose filtered path differs below and above ~30% of the points.
    with EdgeStore.open(tmp_path / "index") as store:
        store.ensure_collection("c", CollectionSpec(dense_size=2, indexes={"k": "keyword", "g": "keyword"}))
        store.upsert("c", [Point(stable_id(f"f/{i}"), {"k": [str(i % 3), str(i % 5)], "g": "b"}, [1.0, i]) for i in range(20)])
        store.upsert("c", [Point(stable_id(f"f/{i}"), {"k": ["7"], "g": "a"}, [1.0, i]) for i in range(5)])
        store.delete_ids("c", [stable_id(f"f/{i}") for i in range(15, 18)])
        for flt in (Filter(), Filter(must=(Match("g", ("a",)),)), Filter(must=(Match("g", ("b",)),))):
            counts = {v: store.count("c", flt.and_(Match("k", (v,)))) for v in map(str, range(8))}
            assert {f.value: f.count for f in store.facet("c", "k", flt)} == {v: n for v, n in counts.items() if n}


def test_facet_limit_breaks_ties_by_value(tmp_path: Path) -> None:
    with EdgeStore.open(tmp_path / "index") as store:
        store.ensure_collection("c", SPEC)
        store.upsert("c", [Point(stable_id(f"t/{i}"), {"k": v}, [1.0, i]) for i, v in enumerate("dcbaae")])
        assert store.facet("c", "k", limit=3) == [FacetCount("a", 2), FacetCount("b", 1), FacetCount("c", 1)]
