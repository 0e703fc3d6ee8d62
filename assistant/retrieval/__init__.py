"""Hybrid search over the chunks: dense and BM25 slices fused by rank, a title ranking, every knob in `tuning`."""

from assistant.retrieval.hybrid import search

__all__ = ["search"]
