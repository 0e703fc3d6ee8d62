"""Secret values kept out of logs, answers and error messages: the configured ones and anything shaped like a key."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.core.settings import Settings

REDACTED = "[redacted]"
# Shapes of common provider keys, removed even when they are not this app's own configured secrets.
_KEY_PATTERNS = re.compile(
    r"\b(?:sk-[A-Za-z0-9_\-]{16,}|sk-ant-[A-Za-z0-9_\-]{16,}|hf_[A-Za-z0-9]{20,}|gh[pousr]_[A-Za-z0-9]{20,})"
)


def redact(text: str, secrets: Sequence[str] = ()) -> str:
    """Text with the given secret values and anything shaped like a provider API key replaced."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return _KEY_PATTERNS.sub(REDACTED, text)


def configured_secrets(settings: Settings) -> list[str]:
    """The secret values the settings hold (API keys, the app password), for redaction."""
    return [s.get_secret_value() for s in (settings.openai_api_key, settings.qdrant_api_key, settings.app_password) if s]
