"""The offline model: understands a question, calls the agent's tools and writes an extractive cited answer."""

from assistant.offline.model import offline_model

__all__ = ["offline_model"]
