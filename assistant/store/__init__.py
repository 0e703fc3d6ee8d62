"""Vector store: one interface, two implementations (Qdrant Edge embedded, qdrant-client server)."""

from __future__ import annotations

from assistant.core.settings import Settings
from assistant.store.base import (
    DENSE,
    SPARSE,
    CollectionSpec,
    FacetCount,
    Filter,
    Match,
    Point,
    Range,
    Record,
    SparseVec,
    Store,
)

__all__ = [
    "DENSE",
    "SPARSE",
    "CollectionSpec",
    "FacetCount",
    "Filter",
    "Match",
    "Point",
    "Range",
    "Record",
    "SparseVec",
    "Store",
    "open_store",
]


def open_store(settings: Settings, *, read_only: bool = False) -> Store:
    """The store the settings name: a Qdrant server when QDRANT_URL is set, else Qdrant Edge under the data dir.

    `read_only` lets several readers (app, CLI search) share the embedded index while no writer runs.
    """
    if settings.qdrant_url:
        from assistant.store.server import ServerStore

        key = settings.qdrant_api_key.get_secret_value() if settings.qdrant_api_key else None
        return ServerStore.connect(settings.qdrant_url, api_key=key)
    from assistant.store.edge import EdgeStore

    return EdgeStore.open(settings.index_dir, read_only=read_only)
