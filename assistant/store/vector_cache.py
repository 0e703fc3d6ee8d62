"""A bounded cache of dense vectors for texts that recur across answers: questions, queries, guide sentences.

Guide sentences are also looked up among the vectors ingest stored, before the model is asked.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np

from assistant.core.embedding import Embedder
from assistant.store.base import SparseVec, Store
from assistant.store.collections import SENTENCES, sentence_id

# About 3 KB a vector (384 float64): 4,096 of them hold every sentence a long session ranks, in 13 MB.
DEFAULT_SIZE = 4096


class StoredSentences:
    """Sentence vectors made at ingest (the `sentences` collection), looked up by text."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __call__(self, texts: Sequence[str]) -> dict[str, list[float]]:
        """Vectors of the texts the index holds; an index from before sentence vectors holds none."""
        if not texts or not self.store.has_collection(SENTENCES):
            return {}
        by_id = {sentence_id(t): t for t in texts}
        return {by_id[i]: v for i, v in self.store.dense_vectors(SENTENCES, list(by_id)).items()}


class CachedEmbedder:
    """An Embedder that remembers recent dense vectors, so a text is embedded once per process.

    A cached vector is the one the model gave (MiniLM's output for a text does not depend on the
    batch it is in), and a stored one the same model's at ingest, kept as float32 and scaled to
    length 1; the answers' cosines agree to about 1e-7. Safe across threads.
    """

    def __init__(
        self, inner: Embedder, size: int = DEFAULT_SIZE, stored: Callable[[Sequence[str]], dict[str, list[float]]] | None = None
    ) -> None:
        self.inner = inner
        self.stored = stored
        self.name = inner.name
        self.dim = inner.dim
        self.size = size
        self.hits = 0
        self.misses = 0
        self.stored_hits = 0
        self._lock = threading.Lock()
        self._vectors: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()

    def _lookup(self, kind: str, texts: Sequence[str]) -> list[np.ndarray | None]:
        with self._lock:
            found = [self._vectors.get((kind, t)) for t in texts]
            for t, v in zip(texts, found, strict=True):
                if v is not None:
                    self._vectors.move_to_end((kind, t))
            hit = sum(v is not None for v in found)
            self.hits += hit
            self.misses += len(texts) - hit
            return found

    def _store(self, kind: str, fresh: dict[str, list[float]]) -> None:
        with self._lock:
            for t, v in fresh.items():
                self._vectors[(kind, t)] = np.asarray(v, dtype=np.float64)
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)

    def _vectors_for(self, kind: str, texts: Sequence[str]) -> list[list[float]]:
        found = self._lookup(kind, texts)
        todo = list(dict.fromkeys(t for t, v in zip(texts, found, strict=True) if v is None))
        fresh: dict[str, list[float]] = {}
        if todo and kind == "passage" and self.stored is not None:
            fresh = self.stored(todo)
            todo = [t for t in todo if t not in fresh]
            with self._lock:
                self.stored_hits += len(fresh)
        if todo:
            vectors = self.inner.passages(todo) if kind == "passage" else self.inner.queries(todo)
            fresh.update(zip(todo, vectors, strict=True))
        if fresh:
            self._store(kind, fresh)
        return [fresh[t] if v is None else v.tolist() for t, v in zip(texts, found, strict=True)]

    def passages(self, texts: Sequence[str]) -> list[list[float]]:
        """Dense vectors for documents; only the texts not seen recently reach the model, in one batch."""
        return self._vectors_for("passage", texts)

    def query(self, text: str) -> list[float]:
        """Dense vector for a search query."""
        return self._vectors_for("query", [text])[0]

    def queries(self, texts: Sequence[str]) -> list[list[float]]:
        """Dense vectors for several queries; the new ones in one batch."""
        return self._vectors_for("query", texts)

    def sparse_passages(self, texts: Sequence[str]) -> list[SparseVec]:
        """BM25 term weights for documents (cheap: not cached)."""
        return self.inner.sparse_passages(texts)

    def sparse_query(self, text: str) -> SparseVec:
        """BM25 query terms (cheap: not cached)."""
        return self.inner.sparse_query(text)

    def clear(self) -> None:
        """Forget every vector and reset the counters."""
        with self._lock:
            self._vectors.clear()
            self.hits = self.misses = self.stored_hits = 0
