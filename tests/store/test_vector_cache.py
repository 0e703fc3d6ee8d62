"""The answer vector cache: same vectors as the model, each text embedded once, bounded, batched queries."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from assistant.market import gap
from assistant.store.base import Point
from assistant.store.collections import SENTENCES, sentence_id, specs
from assistant.store.edge import EdgeStore
from assistant.store.server import ServerStore
from assistant.store.vector_cache import CachedEmbedder, StoredSentences
from assistant.vocab.skills import Taxonomy


@pytest.fixture
def batching_fake(fake_embedder: Callable[..., Any]) -> Any:
    """A fake with a batch `queries`, counting texts per model call."""

    class BatchingFake(fake_embedder):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            super().__init__(16)
            self.query_batches: list[int] = []
            self.single_queries = 0

        def query(self, text: str) -> list[float]:
            self.single_queries += 1
            return super().query(text)

        def queries(self, texts: Sequence[str]) -> list[list[float]]:
            self.query_batches.append(len(texts))
            return [self._vector(t) for t in texts]

    return BatchingFake()


def test_cached_vectors_are_the_models_vectors(fake_embedder: Callable[..., Any]) -> None:
    inner = fake_embedder(16)
    cache = CachedEmbedder(inner)
    texts = ["rag pipelines need evaluation", "docker and kubernetes", "rag pipelines need evaluation"]
    assert cache.passages(texts) == inner.passages(texts)
    assert cache.passages(texts) == inner.passages(texts)  # from the cache this time
    assert cache.query("how to learn rag") == inner.query("how to learn rag")
    assert cache.query("how to learn rag") == inner.query("how to learn rag")


def test_each_text_reaches_the_model_once(fake_embedder: Callable[..., Any]) -> None:
    inner = fake_embedder(16)
    cache = CachedEmbedder(inner)
    cache.passages(["a b c", "d e f", "a b c"])
    cache.passages(["d e f", "g h i"])
    assert inner.embedded == 3  # a b c, d e f, then only g h i
    assert (cache.hits, cache.misses) == (1, 4)  # lookups: the repeat inside one call is a miss, embedded once


def test_returned_vectors_can_be_changed_without_changing_the_cache(fake_embedder: Callable[..., Any]) -> None:
    cache = CachedEmbedder(fake_embedder(16))
    first = cache.query("vector databases")
    first[0] = 99.0
    assert cache.query("vector databases")[0] != 99.0


def test_the_cache_keeps_only_the_most_recent_texts(fake_embedder: Callable[..., Any]) -> None:
    inner = fake_embedder(16)
    cache = CachedEmbedder(inner, size=2)
    cache.passages(["one two", "three four"])
    cache.passages(["one two"])  # now the most recent
    cache.passages(["five six"])  # evicts "three four"
    before = inner.embedded
    cache.passages(["one two", "five six"])
    assert inner.embedded == before
    cache.passages(["three four"])
    assert inner.embedded == before + 1


def test_queries_and_passages_are_cached_apart(fake_embedder: Callable[..., Any]) -> None:
    inner = fake_embedder(16)
    cache = CachedEmbedder(inner)
    cache.passages(["same text"])
    cache.query("same text")
    assert (cache.hits, cache.misses) == (0, 2)


def test_new_queries_go_to_the_model_in_one_batch(batching_fake: Any) -> None:
    inner = batching_fake
    cache = CachedEmbedder(inner)
    cache.query("how to learn RAG")
    vectors = cache.queries(["how to learn RAG", "how to learn Docker", "how to learn SQL"])
    assert inner.query_batches == [1, 2]
    assert vectors == [inner.query(t) for t in ["how to learn RAG", "how to learn Docker", "how to learn SQL"]]


def test_clear_forgets_everything(fake_embedder: Callable[..., Any]) -> None:
    inner = fake_embedder(16)
    cache = CachedEmbedder(inner)
    cache.passages(["x y z"])
    cache.clear()
    cache.passages(["x y z"])
    assert inner.embedded == 2
    assert (cache.hits, cache.misses) == (0, 1)


def test_skill_gap_embeds_its_guide_queries_in_one_batch(
    batching_fake: Any, market_data: Any, fake_embedder: Callable[..., Any]
) -> None:
    taxonomy = Taxonomy.load()
    store = ServerStore.memory()
    try:
        market_data.fill(store, taxonomy, fake_embedder(16), chunks=True)
        inner = batching_fake
        profile = gap.profile_from_background(taxonomy, "data-engineer")
        report = gap.skill_gap(store, inner, taxonomy, profile)
        plain = gap.skill_gap(store, fake_embedder(16), taxonomy, profile)
    finally:
        store.close()
    assert inner.query_batches == [len(report.missing)]
    assert inner.single_queries == 0
    assert report == plain


def _sentence_store(tmp_path: Path, sentences: dict[str, list[float]]) -> EdgeStore:
    store = EdgeStore.open(tmp_path / "index")
    store.ensure_collection(SENTENCES, specs(16)[SENTENCES])
    store.upsert(SENTENCES, [Point(sentence_id(t), {"source": "guide.md"}, dense=v) for t, v in sentences.items()])
    return store


def test_stored_sentence_vectors_are_used_before_the_model(tmp_path: Path, fake_embedder: Callable[..., Any]) -> None:
    inner = fake_embedder(16)
    stored = "Retrieval quality decides answer quality."
    with _sentence_store(tmp_path, {stored: inner.query(stored)}) as store:
        cache = CachedEmbedder(inner, stored=StoredSentences(store))
        vectors = cache.passages([stored, "A sentence the index never saw."])
    assert inner.embedded == 1 and cache.stored_hits == 1
    assert vectors[0] == pytest.approx(inner.query(stored), abs=1e-6)


def test_an_index_without_sentence_vectors_falls_back_to_the_model(tmp_path: Path, fake_embedder: Callable[..., Any]) -> None:
    inner = fake_embedder(16)
    with EdgeStore.open(tmp_path / "index") as store:
        cache = CachedEmbedder(inner, stored=StoredSentences(store))
        cache.passages(["Retrieval quality decides answer quality."])
    assert inner.embedded == 1 and cache.stored_hits == 0


def test_queries_never_come_from_the_sentence_store(tmp_path: Path, batching_fake: Any) -> None:
    inner = batching_fake
    text = "Retrieval quality decides answer quality."
    with _sentence_store(tmp_path, {text: [1.0] + [0.0] * 15}) as store:
        cache = CachedEmbedder(inner, stored=StoredSentences(store))
        assert cache.query(text) == inner.query(text)
    assert inner.query_batches == [1]
