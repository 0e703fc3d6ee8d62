"""Hybrid search over the chunks: dense and BM25 slices fused by rank, title and sentence rankings, every knob in `tuning`."""

from assistant.retrieval.hybrid import search

__all__ = ["search"]
