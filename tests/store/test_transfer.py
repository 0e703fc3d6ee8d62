"""Moving an index without re-embedding: Qdrant Edge into qdrant-client's local mode, directly and via a directory."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from assistant.cli.index import register
from assistant.core.schema import stable_id
from assistant.core.settings import Settings
from assistant.errors import IndexStateError, InputError
from assistant.retrieval.hybrid import chunk_filter, search
from assistant.services import Services
from assistant.store import Point, Store
from assistant.store.collections import CHUNKS, FILES, POSTINGS
from assistant.store.edge import EdgeStore
from assistant.store.server import ServerStore
from assistant.store.transfer import MANIFEST, copy_index, export_dir, import_dir, read_manifest
from ingest.chunking import ChunkSpec
from ingest.pipeline import Ingester

QUERIES = ["evaluate LLM answers", "portfolio projects", "python pipelines for RAG", "interview take-home"]


@pytest.fixture(scope="module")
def embedder(fake_embedder: Callable[..., Any]) -> Any:
    """The fake embedder that built the index, for queries against it."""
    return fake_embedder()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Path:
    """A small real index, built once: ingested chunks and file states, plus two postings."""
    from assistant.vocab.skills import Taxonomy

    base = tmp_path_factory.mktemp("transfer")
    root = base / "corpus"
    (root / "role").mkdir(parents=True)
    (root / "role" / "skills.md").write_text(
        "# Skills\n\n## Evaluation\n\nEvaluate LLM answers with labelled questions.\n\n"
        "## Retrieval\n\nBuild python pipelines that feed RAG with clean data.\n"
    )
    (root / "notes.txt").write_text("Notes\n\nPortfolio projects matter. A take-home shows how you work.\n")
    with EdgeStore.open(base / "edge") as store:
        Ingester(store, embedder, Taxonomy.load(), ChunkSpec(60, 10)).run(root)
        store.upsert(
            POSTINGS,
            [
                Point(
                    stable_id(f"job:{i}"),
                    {"job_id": str(i), "title": f"AI engineer {i}", "skills": ["python", "rag"][: i + 1]},
                    dense=embedder.query(f"AI engineer {i}"),
                )
                for i in range(2)
            ],
        )
    return base / "edge"


@pytest.fixture
def edge(built: Path, tmp_path: Path) -> Iterator[Store]:
    """A private copy of the built index, open for writing."""
    shutil.copytree(built, tmp_path / "edge")
    store = EdgeStore.open(tmp_path / "edge")
    yield store
    store.close()


def _points(store: Store, name: str) -> dict[str, Point]:
    return {p.id: p for p in store.scroll_points(name)}


def assert_same_index(a: Store, b: Store, embedder: Any) -> None:
    """Same metadata, ids, payloads and vectors in every collection, and the same search results (queries embedded by embedder)."""
    assert a.read_meta() == b.read_meta()
    for name in (CHUNKS, POSTINGS, FILES):
        pa, pb = _points(a, name), _points(b, name)
        assert sorted(pa) == sorted(pb) and pa
        for pid, p in pa.items():
            q = pb[pid]
            assert q.payload == p.payload
            assert (q.dense is None) == (p.dense is None) and (q.sparse is None) == (p.sparse is None)
            if p.dense is not None:
                assert q.dense == pytest.approx(p.dense, abs=1e-6)
            if p.sparse is not None:
                assert q.sparse is not None and q.sparse.indices == p.sparse.indices
                assert q.sparse.values == pytest.approx(p.sparse.values)
    for query in QUERIES:
        for mode in ("hybrid", "dense", "sparse"):
            for flt in (None, chunk_filter(doc_types=["role_guide"])):
                ha = search(a, embedder, query, mode=mode, flt=flt, limit=5)  # type: ignore[arg-type]
                hb = search(b, embedder, query, mode=mode, flt=flt, limit=5)  # type: ignore[arg-type]
                assert [h.chunk_id for h in ha] == [h.chunk_id for h in hb]
                assert [h.score for h in ha] == pytest.approx([h.score for h in hb], abs=1e-5)


def test_copy_from_edge_into_local_mode_keeps_everything(edge: Store, embedder: Any) -> None:
    target = ServerStore.memory()
    report = copy_index(edge, target, batch=2)
    assert report.points[CHUNKS] == edge.count(CHUNKS) and report.points[POSTINGS] == 2
    assert_same_index(edge, target, embedder)


def test_directory_roundtrip_into_local_mode(edge: Store, tmp_path: Path, embedder: Any) -> None:
    export_dir(edge, tmp_path / "export", batch=3)
    assert read_manifest(tmp_path / "export")["meta"] == edge.read_meta()
    target = ServerStore.memory()
    import_dir(tmp_path / "export", target)
    assert_same_index(edge, target, embedder)


def test_copy_back_into_a_new_edge_index(edge: Store, tmp_path: Path, embedder: Any) -> None:
    middle = ServerStore.memory()
    copy_index(edge, middle)
    with EdgeStore.open(tmp_path / "again") as back:
        copy_index(middle, back)
        assert_same_index(edge, back, embedder)


def test_an_existing_index_is_kept_unless_replace(edge: Store) -> None:
    target = ServerStore.memory()
    copy_index(edge, target)
    with pytest.raises(IndexStateError, match="already holds an index"):
        copy_index(edge, target)
    copy_index(edge, target, replace=True)
    assert target.count(CHUNKS) == edge.count(CHUNKS)


def test_unfinished_export_is_refused(edge: Store, tmp_path: Path) -> None:
    export_dir(edge, tmp_path / "export")
    (tmp_path / "export" / MANIFEST).unlink()
    with pytest.raises(InputError, match=r"has no manifest.json"):
        import_dir(tmp_path / "export", ServerStore.memory())


def test_export_needs_an_index(tmp_path: Path) -> None:
    with EdgeStore.open(tmp_path / "empty") as empty, pytest.raises(IndexStateError, match="no index"):
        export_dir(empty, tmp_path / "export")


def test_cli_export_then_import_into_a_new_data_dir(edge: Store, tmp_path: Path, embedder: Any) -> None:
    edge.close()
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    source = Services(Settings(data_dir=tmp_path / "src"), embedder=embedder)
    source.settings.data_dir.mkdir()
    (tmp_path / "edge").rename(source.settings.index_dir)
    result = runner.invoke(app, ["index", "export", str(tmp_path / "export")], obj=source)
    assert result.exit_code == 0, result.output
    target = Services(Settings(data_dir=tmp_path / "dst"), embedder=embedder)
    result = runner.invoke(app, ["index", "import", str(tmp_path / "export")], obj=target)
    assert result.exit_code == 0, result.output
    with EdgeStore.open(source.settings.index_dir, read_only=True) as a:
        assert_same_index(a, target.store, embedder)
    target.close()
