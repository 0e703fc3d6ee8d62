"""Dense vectors for texts, each distinct text embedded once: reused from the index or from the same batch."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.core.embedding import Embedder
from assistant.store.base import Filter, Match, Store
from assistant.store.collections import CHUNKS, SENTENCES, embed_hash, sentence_id
from ingest.chunking import count_tokens


@dataclass
class EmbedCounts:
    """What one ingest asked of the model: texts embedded, their tokens, vectors reused instead, and guide sentences embedded."""

    embedded: int = 0
    tokens: int = 0
    reused: int = 0
    sentences: int = 0


class DenseVectors:
    """Dense vectors for embedding texts: stored chunks with the same text lend theirs, the model makes the rest."""

    def __init__(self, store: Store, embedder: Embedder, slice_size: int, heartbeat: Callable[[], None]) -> None:
        self.store = store
        self.embedder = embedder
        self.slice_size = slice_size
        self.heartbeat = heartbeat
        self.counts = EmbedCounts()

    def stored(self, keys: Sequence[str]) -> dict[str, list[float]]:
        """Vectors the index already holds, by embed hash (read before a changed file's chunks are replaced)."""
        if not keys or not self.store.has_collection(CHUNKS):
            return {}
        flt = Filter(must=(Match("embed_hash", tuple(keys)),))
        key_of = {r.id: r.payload["embed_hash"] for r in self.store.scroll(CHUNKS, flt, fields=["embed_hash"])}
        return {key_of[i]: v for i, v in self.store.dense_vectors(CHUNKS, list(key_of)).items()}

    def __call__(self, texts: Sequence[str]) -> list[list[float]]:
        """One vector per text, in order."""
        keys = [embed_hash(t) for t in texts]
        distinct = dict(zip(keys, texts, strict=True))
        found = self.stored(list(distinct))
        todo = [(k, t) for k, t in distinct.items() if k not in found]
        for start in range(0, len(todo), self.slice_size):
            part = todo[start : start + self.slice_size]
            vectors = self.embedder.passages([t for _, t in part])
            found.update(zip((k for k, _ in part), vectors, strict=True))
            self.counts.tokens += sum(count_tokens(t) for _, t in part)
            self.heartbeat()
        self.counts.embedded += len(todo)
        self.counts.reused += len(texts) - len(todo)
        return [found[k] for k in keys]

    def sentences(self, sentences: Sequence[str]) -> list[list[float]]:
        """Vectors of guide sentences: those the index holds already are reused, the rest embedded."""
        if not sentences:
            return []
        ids = [sentence_id(s) for s in sentences]
        known = self.store.dense_vectors(SENTENCES, ids) if self.store.has_collection(SENTENCES) else {}
        todo = [s for s, i in zip(sentences, ids, strict=True) if i not in known]
        made: dict[str, list[float]] = {}
        by_length = sorted(todo, key=len)  # slices of like length pad least
        for start in range(0, len(by_length), self.slice_size):
            part = by_length[start : start + self.slice_size]
            made.update(zip(part, self.embedder.passages(part), strict=True))
            self.heartbeat()
        self.counts.sentences += len(todo)
        return [known.get(i) or made[s] for s, i in zip(sentences, ids, strict=True)]
