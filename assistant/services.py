"""The parts a command needs, opened lazily from one Settings: store, embedder, taxonomy."""

from __future__ import annotations

from functools import cached_property

from assistant.core.embedding import Embedder, FastEmbedder
from assistant.core.settings import Settings
from assistant.store import Store, open_store
from assistant.store.vector_cache import CachedEmbedder, StoredSentences
from assistant.vocab.skills import Taxonomy


class Services:
    """Opens each part on first use so a command pays only for what it touches."""

    def __init__(
        self,
        settings: Settings,
        *,
        read_only: bool = False,
        store: Store | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        self.settings = settings
        self.read_only = read_only
        if store is not None:
            self.__dict__["store"] = store
        if embedder is not None:
            self.__dict__["embedder"] = embedder

    @cached_property
    def store(self) -> Store:
        """The vector store the settings name."""
        return open_store(self.settings, read_only=self.read_only)

    @cached_property
    def embedder(self) -> Embedder:
        """The embedding model (offline MiniLM by default)."""
        return FastEmbedder(self.settings)

    @cached_property
    def answer_embedder(self) -> CachedEmbedder:
        """The embedder behind answers: guide sentence vectors from the index, and a memory of recent ones."""
        return CachedEmbedder(self.embedder, stored=StoredSentences(self.store))

    @cached_property
    def taxonomy(self) -> Taxonomy:
        """The skill taxonomy."""
        return Taxonomy.load()

    def close(self) -> None:
        """Release the store if it was opened."""
        store = self.__dict__.get("store")
        if store is not None:
            store.close()
