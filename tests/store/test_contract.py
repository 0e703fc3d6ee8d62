"""One contract, two stores: every test runs on Qdrant Edge and on qdrant-client's local mode."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from assistant.core.schema import stable_id
from assistant.errors import StoreError
from assistant.store import CollectionSpec, FacetCount, Filter, Match, Point, Range, Record, SparseVec, Store
from assistant.store.base import RRF_K, Partition
from assistant.store.edge import EdgeStore
from assistant.store.server import ServerStore

COL = "docs"
SPEC = CollectionSpec(
    dense_size=4,
    sparse=True,
    indexes={"doc_type": "keyword", "tags": "keyword", "year": "integer", "salary": "float", "remote": "bool"},
)
ID = {name: stable_id(f"contract/{name}") for name in "abcde"}
NAME = {v: k for k, v in ID.items()}
TERM = 7  # the sparse query term: weight 3 in "a", 1 in "d", absent elsewhere

POINTS = [
    Point(
        ID["a"],
        {"doc_type": "guide", "tags": ["rag", "python"], "year": 2021, "salary": 120.5, "remote": True},
        [1.0, 0.0, 0.0, 0.0],
        SparseVec([1, TERM], [1.0, 3.0]),
    ),
    Point(
        ID["b"],
        {"doc_type": "posting", "tags": ["python", "sql"], "year": 2022, "salary": 90.0, "remote": False},
        [0.8, 0.6, 0.0, 0.0],
        SparseVec([1], [1.0]),
    ),
    Point(
        ID["c"],
        {"doc_type": "posting", "tags": ["rag", "llm", "rag"], "year": 2023, "salary": 150.0, "remote": True},
        [0.6, 0.8, 0.0, 0.0],
        SparseVec([2], [1.0]),
    ),
    Point(
        ID["d"],
        {"doc_type": "posting", "tags": ["python"], "year": 2024, "salary": 60.0, "remote": False},
        [0.0, 0.0, 1.0, 0.0],
        SparseVec([TERM], [1.0]),
    ),
    Point(
        ID["e"],
        {"doc_type": "slides", "tags": ["llm"], "year": 2024, "remote": True},
        [0.0, 0.0, 0.0, 1.0],
        SparseVec([3], [1.0]),
    ),
]
QUERY_DENSE = [1.0, 0.0, 0.0, 0.0]
QUERY_SPARSE = SparseVec([TERM], [1.0])


def open_persistent(kind: str, root: Path) -> Store:
    """A store that keeps its data on disk under `root`."""
    return EdgeStore.open(root / "index") if kind == "edge" else ServerStore.local(root / "qdrant")


@pytest.fixture(params=["edge", "server"])
def kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def store(kind: str, tmp_path: Path) -> Iterator[Store]:
    s: Store = EdgeStore.open(tmp_path / "index") if kind == "edge" else ServerStore.memory()
    yield s
    s.close()


@pytest.fixture
def docs(store: Store) -> Store:
    store.ensure_collection(COL, SPEC)
    store.upsert(COL, POINTS)
    return store


def names(records: Iterable[Record]) -> list[str]:
    return [NAME[r.id] for r in records]


def selected(store: Store, *must: Match | Range, must_not: tuple[Match | Range, ...] = ()) -> set[str]:
    """Names of the points a filter selects, checked against count."""
    flt = Filter(must=must, must_not=must_not)
    found = set(names(store.scroll(COL, flt)))
    assert store.count(COL, flt) == len(found)
    return found


def test_upsert_then_count_is_exact(docs: Store) -> None:
    assert docs.count(COL) == 5


def test_match_single_value(docs: Store) -> None:
    assert selected(docs, Match("doc_type", ("posting",))) == {"b", "c", "d"}


def test_match_any_of_several_values(docs: Store) -> None:
    assert selected(docs, Match("doc_type", ("guide", "slides"))) == {"a", "e"}


def test_match_on_array_field_means_contains(docs: Store) -> None:
    assert selected(docs, Match("tags", ("rag",))) == {"a", "c"}


def test_match_any_on_array_field(docs: Store) -> None:
    assert selected(docs, Match("tags", ("sql", "llm"))) == {"b", "c", "e"}


def test_match_bool(docs: Store) -> None:
    assert selected(docs, Match("remote", (True,))) == {"a", "c", "e"}
    assert selected(docs, Match("remote", (False,))) == {"b", "d"}


def test_match_several_integers(docs: Store) -> None:
    assert selected(docs, Match("year", (2021, 2024))) == {"a", "d", "e"}


def test_match_float_value(docs: Store) -> None:
    assert selected(docs, Match("salary", (90.0,))) == {"b"}


def test_match_without_values_selects_nothing(docs: Store) -> None:
    assert selected(docs, Match("doc_type", ())) == set()


def test_range_on_float_field(docs: Store) -> None:
    assert selected(docs, Range("salary", lte=100)) == {"b", "d"}
    assert selected(docs, Range("salary", gte=100, lte=150)) == {"a", "c"}


def test_range_on_integer_field(docs: Store) -> None:
    assert selected(docs, Range("year", gte=2023)) == {"c", "d", "e"}


def test_must_not_excludes(docs: Store) -> None:
    assert selected(docs, must_not=(Match("doc_type", ("posting",)),)) == {"a", "e"}
    assert selected(docs, Match("remote", (True,)), must_not=(Match("tags", ("llm",)),)) == {"a"}


def test_dense_query_ranks_by_cosine(docs: Store) -> None:
    hits = docs.query(COL, dense=QUERY_DENSE, limit=3)
    assert names(hits) == ["a", "b", "c"]
    assert [h.score for h in hits] == pytest.approx([1.0, 0.8, 0.6], abs=1e-5)


def test_sparse_query_ranks_by_term_weight_and_skips_non_matching(docs: Store) -> None:
    hits = docs.query(COL, sparse=QUERY_SPARSE, limit=5)
    assert names(hits) == ["a", "d"]
    assert hits[0].score > hits[1].score > 0


def test_hybrid_query_fuses_dense_and_sparse_with_rrf(docs: Store) -> None:
    hits = docs.query(COL, dense=QUERY_DENSE, sparse=QUERY_SPARSE, limit=3, prefetch_limit=2)
    # Dense prefetch: a, b. Sparse prefetch: a, d. RRF, 1 / (k + rank from 0): a first in both lists,
    # b and d second in one each; c was never fetched.
    assert names(hits)[0] == "a"
    assert set(names(hits)[1:]) == {"b", "d"}
    first, second = 1 / RRF_K, 1 / (RRF_K + 1)
    assert [h.score for h in hits] == pytest.approx([2 * first, second, second], abs=1e-5)


def test_query_applies_filter(docs: Store) -> None:
    flt = Filter(must_not=(Match("doc_type", ("guide",)),))
    hits = docs.query(COL, dense=QUERY_DENSE, sparse=QUERY_SPARSE, flt=flt, limit=5, prefetch_limit=5)
    assert "a" not in names(hits)
    assert names(hits)[0] == "d"  # second in sparse, fourth in dense: the best fused rank left
    assert names(docs.query(COL, dense=QUERY_DENSE, flt=flt, limit=1)) == ["b"]


def test_query_returns_payload(docs: Store) -> None:
    hit = docs.query(COL, dense=QUERY_DENSE, limit=1)[0]
    assert hit.payload["doc_type"] == "guide" and hit.payload["tags"] == ["rag", "python"]


def test_query_without_payload_ranks_the_same_points(docs: Store) -> None:
    for dense, sparse in ((QUERY_DENSE, None), (None, QUERY_SPARSE)):
        full = docs.query(COL, dense=dense, sparse=sparse, limit=4)
        bare = docs.query(COL, dense=dense, sparse=sparse, limit=4, with_payload=False)
        assert [(r.id, round(r.score, 5)) for r in bare] == [(r.id, round(r.score, 5)) for r in full]
        assert all(r.payload == {} for r in bare) and all(r.payload for r in full)


def test_query_needs_a_vector(docs: Store) -> None:
    with pytest.raises(ValueError):
        docs.query(COL)


def test_facet_counts_each_array_value_once_per_point(docs: Store) -> None:
    # "c" lists "rag" twice and still counts once; ties are ordered by value.
    assert docs.facet(COL, "tags") == [FacetCount("python", 3), FacetCount("llm", 2), FacetCount("rag", 2), FacetCount("sql", 1)]


def test_facet_with_filter(docs: Store) -> None:
    flt = Filter(must=(Match("remote", (True,)),))
    assert docs.facet(COL, "tags", flt) == [FacetCount("llm", 2), FacetCount("rag", 2), FacetCount("python", 1)]


def test_facet_limit_keeps_most_frequent(docs: Store) -> None:
    assert docs.facet(COL, "doc_type", limit=2) == [FacetCount("posting", 3), FacetCount("guide", 1)]


def test_facet_forgets_values_whose_points_were_deleted(docs: Store) -> None:
    docs.delete(COL, Filter(must=(Match("tags", ("sql",)),)))
    assert "sql" not in {f.value for f in docs.facet(COL, "tags")}


def test_facet_on_integer_field(docs: Store) -> None:
    assert docs.facet(COL, "year") == [FacetCount(2024, 2), FacetCount(2021, 1), FacetCount(2022, 1), FacetCount(2023, 1)]


def test_scroll_yields_all_in_id_order_across_batches(docs: Store) -> None:
    ids = [r.id for r in docs.scroll(COL, batch=2)]
    assert ids == sorted(ID.values())


def test_scroll_projects_requested_fields(docs: Store) -> None:
    records = list(docs.scroll(COL, fields=["doc_type", "year"]))
    assert len(records) == 5
    assert all(set(r.payload) == {"doc_type", "year"} for r in records)
    assert all(r.payload == {} for r in docs.scroll(COL, fields=[]))


def test_scroll_with_filter(docs: Store) -> None:
    records = docs.scroll(COL, Filter(must=(Match("tags", ("python",)),)), fields=["tags"], batch=1)
    assert sorted(names(records)) == ["a", "b", "d"]


def test_delete_by_filter(docs: Store) -> None:
    docs.delete(COL, Filter(must=(Match("doc_type", ("posting",)),)))
    assert sorted(names(docs.scroll(COL))) == ["a", "e"]


def test_delete_ids_ignores_missing(docs: Store) -> None:
    docs.delete_ids(COL, [ID["a"], stable_id("never-stored")])
    assert docs.count(COL) == 4
    assert docs.retrieve(COL, [ID["a"]]) == []


def test_reupsert_same_id_replaces_point(docs: Store) -> None:
    docs.upsert(COL, [Point(ID["a"], {"doc_type": "article"}, [0.0, 1.0, 0.0, 0.0])])
    assert docs.count(COL) == 5
    assert docs.retrieve(COL, [ID["a"]])[0].payload == {"doc_type": "article"}
    assert names(docs.query(COL, dense=[0.0, 1.0, 0.0, 0.0], limit=1)) == ["a"]


def test_retrieve_keeps_order_and_skips_missing(docs: Store) -> None:
    records = docs.retrieve(COL, [ID["c"], stable_id("never-stored"), ID["a"]])
    assert names(records) == ["c", "a"]
    assert records[0].payload["year"] == 2023


def test_dense_vectors_by_id_skip_missing(docs: Store) -> None:
    found = docs.dense_vectors(COL, [ID["b"], stable_id("never-stored"), ID["d"]])
    assert set(found) == {ID["b"], ID["d"]}
    # Cosine collections store vectors scaled to length 1; these two already are.
    assert found[ID["b"]] == pytest.approx([0.8, 0.6, 0.0, 0.0], abs=1e-6)
    assert found[ID["d"]] == pytest.approx([0.0, 0.0, 1.0, 0.0], abs=1e-6)


def test_upsert_larger_than_one_batch(store: Store) -> None:
    rng = random.Random(0)
    points = [Point(stable_id(f"bulk/{i}"), {"i": i}, [rng.random() for _ in range(4)]) for i in range(600)]
    store.ensure_collection("bulk", CollectionSpec(dense_size=4))
    store.upsert("bulk", points)
    assert store.count("bulk") == 600
    assert len(list(store.scroll("bulk", batch=128))) == 600


def test_meta_roundtrip(store: Store) -> None:
    assert store.read_meta() is None
    store.write_meta({"embedding_model": "m", "dimension": 4, "last_ingest": "2025-01-01T00:00:00Z"})
    assert store.read_meta() == {"embedding_model": "m", "dimension": 4, "last_ingest": "2025-01-01T00:00:00Z"}
    store.write_meta({"embedding_model": "n"})
    assert store.read_meta() == {"embedding_model": "n"}


def test_has_and_drop_collection(docs: Store) -> None:
    assert docs.has_collection(COL)
    docs.drop_collection(COL)
    assert not docs.has_collection(COL)
    docs.drop_collection(COL)  # dropping a missing collection is a no-op


def test_ensure_collection_twice_keeps_data(docs: Store) -> None:
    docs.ensure_collection(COL, SPEC)
    assert docs.count(COL) == 5


def test_missing_collection_raises_store_error(store: Store) -> None:
    with pytest.raises(StoreError, match="nope"):
        store.count("nope")


def test_reopen_keeps_points_indexes_and_meta(kind: str, tmp_path: Path) -> None:
    first = open_persistent(kind, tmp_path)
    first.ensure_collection(COL, SPEC)
    first.upsert(COL, POINTS)
    first.write_meta({"dimension": 4})
    first.close()
    again = open_persistent(kind, tmp_path)
    try:
        assert again.count(COL) == 5
        assert again.read_meta() == {"dimension": 4}
        assert names(again.query(COL, dense=QUERY_DENSE, sparse=QUERY_SPARSE, limit=1, prefetch_limit=2)) == ["a"]
        assert again.facet(COL, "doc_type", limit=1) == [FacetCount("posting", 3)]
    finally:
        again.close()


def test_scroll_points_returns_payloads_and_vectors_in_id_order(docs: Store) -> None:
    points = list(docs.scroll_points(COL, batch=2))
    assert [p.id for p in points] == sorted(ID.values())
    by_id = {p.id: p for p in points}
    for original in POINTS:
        got = by_id[original.id]
        assert got.payload == original.payload
        assert original.dense is not None and got.dense is not None
        norm = sum(x * x for x in original.dense) ** 0.5  # cosine collections store unit vectors
        assert got.dense == pytest.approx([x / norm for x in original.dense], abs=1e-6)
        assert original.sparse is not None and got.sparse is not None
        order = sorted(range(len(original.sparse.indices)), key=lambda i: original.sparse.indices[i])
        assert got.sparse.indices == [original.sparse.indices[i] for i in order]
        assert got.sparse.values == pytest.approx([original.sparse.values[i] for i in order])


def test_scroll_points_with_filter_and_without_sparse(store: Store) -> None:
    store.ensure_collection("dense_only", CollectionSpec(dense_size=2, indexes={"k": "keyword"}))
    store.upsert("dense_only", [Point(ID["a"], {"k": "x"}, [1.0, 0.0]), Point(ID["b"], {"k": "y"}, [0.0, 1.0])])
    (point,) = store.scroll_points("dense_only", Filter(must=(Match("k", ("y",)),)))
    assert point.id == ID["b"] and point.payload == {"k": "y"}
    assert point.dense == pytest.approx([0.0, 1.0]) and point.sparse is None


def test_points_read_back_can_be_upserted_elsewhere_with_the_same_results(docs: Store) -> None:
    docs.ensure_collection("copy", SPEC)
    docs.upsert("copy", list(docs.scroll_points(COL)))
    # Limits chosen so that no two points tie within what is fetched (a tie may come back in either order).
    for kwargs in (
        {"dense": QUERY_DENSE, "limit": 3},
        {"sparse": QUERY_SPARSE, "limit": 5},
        {"dense": QUERY_DENSE, "sparse": QUERY_SPARSE, "limit": 3, "prefetch_limit": 2},
    ):
        original, copied = docs.query(COL, **kwargs), docs.query("copy", **kwargs)  # type: ignore[arg-type]
        assert sorted((round(r.score, 5), r.id) for r in original) == sorted((round(r.score, 5), r.id) for r in copied)
        assert {r.id: r.payload for r in original} == {r.id: r.payload for r in copied}


def test_partition_weight_lifts_a_slice_over_a_closer_match(docs: Store) -> None:
    # "a" is the nearest point overall; weighting the posting slice up puts a posting first.
    query = QUERY_DENSE
    postings = Partition(Filter(must=(Match("doc_type", ("posting",)),)), weight=10.0)
    rest = Partition(Filter(must_not=(Match("doc_type", ("posting",)),)), weight=1.0)
    plain = docs.query(COL, dense=query, limit=5)
    lifted = docs.query(COL, dense=query, limit=5, partitions=[postings, rest])
    assert names(plain)[0] == "a"
    assert NAME[lifted[0].id] in {"b", "c", "d"}
    assert sorted(names(lifted)) == sorted(names(plain))


def test_exact_search_and_optimize_keep_the_results(docs: Store) -> None:
    def hybrid(exact: bool = False) -> list[str]:
        return names(docs.query(COL, dense=QUERY_DENSE, sparse=QUERY_SPARSE, limit=5, exact=exact))

    before = hybrid()
    assert hybrid(exact=True) == before
    # Five points: Qdrant Edge keeps searching them exactly, and a server's optimizer needs no call.
    assert docs.optimize(COL) is False
    assert hybrid() == before
