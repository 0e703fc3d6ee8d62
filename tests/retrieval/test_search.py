"""Search: modes, filters, empty queries, and ranking on the real corpus."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from assistant.core.schema import stable_id
from assistant.errors import IndexMissingError, InputError
from assistant.retrieval.hybrid import POSTING, chunk_filter, partitions, search
from assistant.retrieval.tuning import DEFAULT_TUNING, SearchTuning
from assistant.services import Services
from assistant.store.base import Point, SparseVec, Store
from assistant.store.collections import CHUNKS, specs
from assistant.store.edge import EdgeStore
from assistant.vocab.skills import Taxonomy
from ingest.chunking import ChunkSpec
from ingest.pipeline import Ingester


@pytest.fixture
def small(tmp_path: Path, fake_embedder: Callable[..., Any]) -> Iterator[tuple[Store, Any]]:
    root = tmp_path / "corpus"
    (root / "learning-paths").mkdir(parents=True)
    (root / "interview").mkdir()
    (root / "learning-paths" / "from-data-engineer.md").write_text(
        "# From Data Engineer\n\nData engineers should learn evaluation and retrieval pipelines.\n"
    )
    (root / "interview" / "take-home.md").write_text("# Take-home assignments\n\nBuild a small RAG app in a weekend.\n")
    store = EdgeStore.open(tmp_path / "index")
    embedder = fake_embedder()
    Ingester(store, embedder, Taxonomy.load(), ChunkSpec(64, 8)).run(root)
    yield store, embedder
    store.close()


@pytest.mark.parametrize("mode", ["hybrid", "dense", "sparse"])
def test_each_mode_finds_the_matching_document(small, mode: str) -> None:  # type: ignore[no-untyped-def]
    store, embedder = small
    hits = search(store, embedder, "take-home assignments weekend", mode=mode, limit=1)  # type: ignore[arg-type]
    assert hits[0].source == "interview/take-home.md"


def test_doc_type_filter_restricts_results(small) -> None:  # type: ignore[no-untyped-def]
    store, embedder = small
    hits = search(store, embedder, "take-home assignments", flt=chunk_filter(["learning_path"]), limit=5)
    assert {h.doc_type for h in hits} == {"learning_path"}


def test_a_slice_the_document_types_rule_out_is_not_queried() -> None:
    guides = partitions(DEFAULT_TUNING, chunk_filter(["learning_path", "role_guide"]))
    assert len(guides) == 2 and all(POSTING not in p.flt.must for p in guides)
    postings = partitions(DEFAULT_TUNING, chunk_filter(["job_posting"]))
    assert [p.weight for p in postings] == [DEFAULT_TUNING.posting_weight]
    assert len(partitions(DEFAULT_TUNING, chunk_filter(city="Berlin"))) == len(partitions(DEFAULT_TUNING)) == 3


def test_unknown_doc_type_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown document type"):
        chunk_filter(["recipes"])


def test_empty_query_is_an_input_error(small) -> None:  # type: ignore[no-untyped-def]
    store, embedder = small
    with pytest.raises(InputError, match="empty"):
        search(store, embedder, "   ")


def test_search_without_index_says_to_ingest(tmp_path: Path, fake_embedder: Callable[..., Any]) -> None:
    store = EdgeStore.open(tmp_path / "empty", read_only=True)
    with pytest.raises(IndexMissingError, match="ingest"):
        search(store, fake_embedder(), "anything")


@pytest.mark.integration
def test_data_engineer_question_ranks_its_learning_path_top_3(full_index: Services) -> None:
    hits = search(full_index.store, full_index.embedder, "what should a data engineer learn to become an AI engineer", limit=3)
    assert "field-guide/learning-paths/from-data-engineer.md" in [h.source for h in hits]


def test_byte_identical_documents_count_as_one_result(tmp_path: Path, fake_embedder: Callable[..., Any]) -> None:
    root = tmp_path / "corpus"
    (root / "webinars").mkdir(parents=True)
    text = "# Webinar\n\nData engineers move into AI engineering through retrieval pipelines.\n"
    (root / "webinars" / "02.md").write_text(text)
    (root / "copy.md").write_text(text)
    (root / "other.md").write_text("# Other\n\nSomething else about pipelines.\n")
    store = EdgeStore.open(tmp_path / "index")
    embedder = fake_embedder()
    Ingester(store, embedder, Taxonomy.load(), ChunkSpec(64, 8)).run(root)
    sources = [h.source for h in search(store, embedder, "data engineers retrieval pipelines", limit=3)]
    store.close()
    assert len(sources) == 2 and len({"webinars/02.md", "copy.md"} & set(sources)) == 1


@pytest.mark.integration
def test_ml_engineer_question_finds_its_learning_path(full_index: Services) -> None:
    hits = search(full_index.store, full_index.embedder, "What should an ML engineer learn to become an AI engineer?", limit=5)
    assert "field-guide/learning-paths/from-ml-engineer.md" in [h.source for h in hits]


@pytest.mark.integration
def test_product_manager_question_finds_the_webinar_answer_for_pms(full_index: Services) -> None:
    # The webinar's answer is headed "PM transitioning to engineering": only the expanded BM25 query finds it.
    question = "I'm a product manager. What's a realistic way for me to move into AI engineering?"
    hits = search(full_index.store, full_index.embedder, question, limit=5)
    assert "field-guide/webinars/03-the-interview-process.md" in [h.source for h in hits]


@pytest.mark.integration
def test_data_scientist_question_leaves_out_the_data_engineer_path(full_index: Services) -> None:
    question = "Roughly how many months should a data scientist plan for to build the engineering skills for AI engineering?"
    sources = [h.source for h in search(full_index.store, full_index.embedder, question, limit=5)]
    assert "field-guide/learning-paths/from-data-scientist.md" in sources
    assert "field-guide/learning-paths/from-data-engineer.md" not in sources


@pytest.mark.integration
def test_take_home_question_finds_interview_material(full_index: Services) -> None:
    hits = search(full_index.store, full_index.embedder, "how do take-home assignments work in AI engineer interviews", limit=5)
    assert any(h.doc_type in ("interview", "webinar", "slides") for h in hits[:3])


@pytest.mark.integration
def test_city_filter_returns_only_that_city(full_index: Services) -> None:
    flt = chunk_filter(["job_posting"], city="Berlin")
    hits = search(full_index.store, full_index.embedder, "LLM agents", flt=flt, limit=10)
    assert hits and {h.city for h in hits} == {"Berlin"}
    assert {h.doc_type for h in hits} == {"job_posting"}


def test_outline_chunk_is_replaced_by_a_passage_of_its_document(tmp_path: Path, fake_embedder: Callable[..., Any]) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    body = "\n\n".join(f"## Part {i}\n\nStep {i} of the pipelines guide." for i in range(4))
    (root / "guide.md").write_text(f"# Pipelines guide\n\nA guide to pipelines.\n\n{body}\n")
    store = EdgeStore.open(tmp_path / "index")
    embedder = fake_embedder()
    Ingester(store, embedder, Taxonomy.load(), ChunkSpec(16, 0)).run(root)
    hits = search(store, embedder, "pipelines guide parts", limit=5)
    store.close()
    assert [h.source for h in hits] == ["guide.md"] and hits[0].section != "Outline"


class _TwoWords:
    """Embeds every query as the first axis, densely and as the first sparse term."""

    dim = 2

    def query(self, text: str) -> list[float]:
        return [1.0, 0.0]

    def sparse_query(self, text: str) -> SparseVec:
        return SparseVec([0], [1.0])


def _tied_store(path: Path, order: list[int]) -> Store:
    """Chunks 0 and 1 swap places between the dense and the sparse ranking, so their fused scores tie exactly."""
    store = EdgeStore.open(path)
    for name, spec in specs(2).items():
        store.ensure_collection(name, spec)
    vectors = [([1.0, 0.0], 0.5), ([0.9, 0.43589], 1.0), ([0.5, 0.866], 0.1)]
    points = [
        Point(
            stable_id(f"tied:{i}"),
            {
                "source": "guide.md",
                "doc_type": "role_guide",
                "title": "Guide",
                "section": f"S{i}",
                "text": f"passage {i}",
                "position": i,
            },
            dense=dense,
            sparse=SparseVec([0], [weight]),
        )
        for i, (dense, weight) in enumerate(vectors)
    ]
    store.upsert(CHUNKS, [points[i] for i in order])
    return store


def test_a_tie_at_the_cut_is_settled_by_id_whatever_order_the_store_holds(tmp_path: Path) -> None:
    found = set()
    for n, order in enumerate(([0, 1, 2], [1, 0, 2], [2, 1, 0], [2, 0, 1])):
        store = _tied_store(tmp_path / str(n), order)
        hits = search(store, _TwoWords(), "q", flt=chunk_filter(source="guide.md"), limit=1, max_per_source=None)  # type: ignore[arg-type]
        found.add(hits[0].chunk_id)
        store.close()
    assert found == {min(stable_id("tied:0"), stable_id("tied:1"))}


def _copies_store(path: Path, order: list[int]) -> Store:
    """Two files' identical chunk (same title, section and text, so the same vectors) and another, written in `order`."""
    store = EdgeStore.open(path)
    for name, spec in specs(2).items():
        store.ensure_collection(name, spec)
    sources = ["webinars/02.md", "seeds/000.txt", "other.md"]
    texts = ["the same passage", "the same passage", "another passage"]
    vectors = [([1.0, 0.0], 1.0), ([1.0, 0.0], 1.0), ([0.6, 0.8], 0.4)]
    points = [
        Point(
            stable_id(f"copy:{i}"),
            {"source": src, "doc_type": "webinar", "title": "Webinar", "section": "Q&A", "text": text, "position": 0},
            dense=dense,
            sparse=SparseVec([0], [weight]),
        )
        for i, (src, text, (dense, weight)) in enumerate(zip(sources, texts, vectors, strict=True))
    ]
    store.upsert(CHUNKS, [points[i] for i in order])
    return store


def test_identical_chunks_of_two_files_rank_alike_whatever_order_the_store_wrote_them(tmp_path: Path) -> None:
    seen = set()
    for n, order in enumerate(([0, 1, 2], [1, 0, 2], [2, 1, 0])):
        store = _copies_store(tmp_path / str(n), order)
        # _TwoWords has only the Embedder methods search calls.
        hits = search(store, _TwoWords(), "q", limit=3, max_per_source=None)  # type: ignore[arg-type]
        seen.add(tuple((h.chunk_id, h.score) for h in hits))
        store.close()
    assert len(seen) == 1
    (first, top), (second, level), _ = next(iter(seen))
    assert top == level and first == min(stable_id("copy:0"), stable_id("copy:1")) and second != first


def test_a_list_of_links_keeps_part_of_its_score(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_embedder: Callable[..., Any]
) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    links = "\n".join(f"- Retrieval pipelines thread https://example.com/{i}" for i in range(25))
    (root / "threads.md").write_text(f"# Threads\n\n{links}\n")
    (root / "guide.md").write_text("# Guide\n\nHow retrieval pipelines are built and evaluated, step by step.\n")
    store = EdgeStore.open(tmp_path / "index")
    embedder = fake_embedder()
    Ingester(store, embedder, Taxonomy.load(), ChunkSpec(64, 8)).run(root)

    def scores(tuning: SearchTuning) -> dict[str, float]:
        return {h.source: h.score for h in search(store, embedder, "retrieval pipelines", limit=2, tuning=tuning)}

    demoted = scores(DEFAULT_TUNING)
    plain = scores(replace(DEFAULT_TUNING, links_weight=1.0))
    store.close()
    assert demoted["threads.md"] == pytest.approx(plain["threads.md"] * DEFAULT_TUNING.links_weight)
    assert demoted["guide.md"] == pytest.approx(plain["guide.md"])
