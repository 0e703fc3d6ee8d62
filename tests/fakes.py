"""A deterministic stand-in embedder for unit tests (integration tests use the real model)."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence

from assistant.store.base import SparseVec


class FakeEmbedder:
    """Hashed bag of words: texts sharing words get similar vectors; no model files needed."""

    name = "fake-hash-embedder"

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.calls = 0
        self.embedded = 0

    def _vector(self, text: str) -> list[float]:
        vec = [0.0] * self.dim
        for word in re.findall(r"[a-z0-9]+", text.lower()):
            h = int(hashlib.md5(word.encode()).hexdigest(), 16)
            vec[h % self.dim] += 1.0 if (h >> 8) % 2 else -1.0
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]

    def passages(self, texts: Sequence[str]) -> list[list[float]]:
        self.calls += 1
        self.embedded += len(texts)
        return [self._vector(t) for t in texts]

    def query(self, text: str) -> list[float]:
        return self._vector(text)

    def queries(self, texts: Sequence[str]) -> list[list[float]]:
        return [self.query(t) for t in texts]

    def sparse_passages(self, texts: Sequence[str]) -> list[SparseVec]:
        return [self._sparse(t) for t in texts]

    def sparse_query(self, text: str) -> SparseVec:
        return self._sparse(text)

    def _sparse(self, text: str) -> SparseVec:
        counts: dict[int, float] = {}
        for word in re.findall(r"[a-z0-9]+", text.lower()):
            idx = int(hashlib.md5(word.encode()).hexdigest(), 16) % 100_000
            counts[idx] = counts.get(idx, 0.0) + 1.0
        return SparseVec(indices=sorted(counts), values=[counts[i] for i in sorted(counts)])
