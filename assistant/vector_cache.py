"""A bounded cache of dense vectors for texts that recur across answers: questions, queries, guide sentences."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from assistant.store.base import SparseVec
from ingest.embedding import Embedder, query_vectors

# About 3 KB a vector (384 float64): 4,096 of them hold every sentence a long session ranks, in 13 MB.
DEFAULT_SIZE = 4096


class CachedEmbedder:
    """An Embedder that remembers recent dense vectors, so a text is embedded once per process.

    A cached vector is the one the model gave (MiniLM's output for a text does not depend on the
    batch it is in), so answers are the same with or without the cache. Safe across threads.
    """

    def __init__(self, inner: Embedder, size: int = DEFAULT_SIZE) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.size = size
        self.hits = 0
        self.misses = 0
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
        if todo:
            vectors = self.inner.passages(todo) if kind == "passage" else query_vectors(self.inner, todo)
            fresh = dict(zip(todo, vectors, strict=True))
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
            self.hits = self.misses = 0
