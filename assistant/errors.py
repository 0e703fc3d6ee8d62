"""Domain errors: each says what went wrong, naming the file or setting, and how to fix it."""

from __future__ import annotations


class AssistantError(Exception):
    """Base for errors the CLI and UI show as a message, never a traceback."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  fix: {self.hint}" if self.hint else self.message


class ConfigError(AssistantError):
    """A setting is missing or invalid."""


class CorpusError(AssistantError):
    """The corpus is missing, or cannot be fetched or verified."""


class UnsafeArchiveError(CorpusError):
    """A corpus tarball holds a path or member that would escape its target."""


class LoaderError(AssistantError):
    """One file could not be loaded; ingest reports it and goes on."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class ModelAssetsError(AssistantError):
    """Offline embedding model files are missing or corrupt."""


class IndexStateError(AssistantError):
    """The index is missing, locked, or built with another embedding model."""


class IndexMissingError(IndexStateError):
    """Nothing has been ingested yet."""


class IndexMismatchError(IndexStateError):
    """The index was built with another embedding model or dimension."""


class IndexLockedError(IndexStateError):
    """Another process holds the embedded index."""


class StoreError(AssistantError):
    """The vector store refused or failed an operation."""


class InputError(AssistantError):
    """A user's input (question, filter, skill, CV) cannot be used as given."""


class ModelError(AssistantError):
    """The LLM provider failed: bad key, timeout, rate limit, server down."""
