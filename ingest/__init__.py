"""Ingest: discover the corpus, load and chunk what changed, embed it and write it to the index."""

from ingest.pipeline import Ingester

__all__ = ["Ingester"]
