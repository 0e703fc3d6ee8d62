"""Personal data in text a person typed: e-mail addresses, phone numbers and configured secrets, replaced."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.core.secrets import redact

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# A run of digits with phone separators (+49 30 1234 5678, (555) 123-4567, 555-123-4567), not inside a word or a url.
_PHONE_LIKE = re.compile(r"(?<![\w/=.,:@-])(?:\+|\(\+?)?\d[\d \t().-]{5,}\d(?![\w-])")
# A date (2026-02-27, as figures state posting dates) is not a phone number.
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
PHONE_DIGITS = (7, 15)
EMAIL_MARK, PHONE_MARK = "[email]", "[phone]"


def _phone(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = sum(c.isdigit() for c in text)
    if not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1] or _DATE.search(text):
        return text
    return PHONE_MARK


def remove_personal_data(text: str, secrets: Sequence[str] = ()) -> str:
    """Text with secrets and key-shaped strings (`redact`), e-mail addresses and phone numbers replaced."""
    text = EMAIL.sub(EMAIL_MARK, redact(text, secrets))
    return _PHONE_LIKE.sub(_phone, text)
