"""The ground every stage stands on: settings, domain errors, typed records, secrets, the embedder."""

from assistant.core.settings import Settings

__all__ = ["Settings"]
