"""Compensation text parsed into currency, period and range, with yearly figures within one currency."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

Period = Literal["year", "month", "week", "day", "hour"]

UNKNOWN_CURRENCY = "unknown"
PER_YEAR: dict[str, int] = {"year": 1, "month": 12, "week": 52, "day": 260, "hour": 2080}
# Below or above these yearly amounts a figure is a typo or not a salary ("2-5 Annually").
MIN_YEARLY, MAX_YEARLY = 5_000.0, 50_000_000.0

_SYMBOLS = {
    "US$": "USD",
    "CA$": "CAD",
    "C$": "CAD",
    "AU$": "AUD",
    "A$": "AUD",
    "NZ$": "NZD",
    "S$": "SGD",
    "HK$": "HKD",
    "R$": "BRL",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "₹": "INR",
    "¥": "JPY",
    "₪": "ILS",
}
_CODES = (
    "USD",
    "EUR",
    "GBP",
    "CAD",
    "AUD",
    "NZD",
    "CHF",
    "SGD",
    "HKD",
    "INR",
    "JPY",
    "CNY",
    "SEK",
    "NOK",
    "DKK",
    "PLN",
    "CZK",
    "ILS",
    "BRL",
    "MXN",
    "ZAR",
    "AED",
)
_CURRENCY = re.compile(
    "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True)) + r"|\b(?:" + "|".join(_CODES) + r")\b",
    re.IGNORECASE,
)
_PERIODS: dict[Period, re.Pattern[str]] = {
    "hour": re.compile(r"/\s*(?:hr|hour|h)\b|\bper\s+(?:hr|hour)\b|\ban\s+hour\b|\bhourly\b", re.I),
    "day": re.compile(r"/\s*day\b|\bper\s+day\b|\ba\s+day\b|\bdaily\b|\bday\s+rate\b", re.I),
    "week": re.compile(r"/\s*(?:wk|week)\b|\bper\s+week\b|\ba\s+week\b|\bweekly\b", re.I),
    "month": re.compile(r"/\s*(?:mo|mth|month)\b|\bper\s+month\b|\ba\s+month\b|\bmonthly\b", re.I),
    "year": re.compile(
        r"/\s*(?:yr|year|annum)\b|\bper\s+(?:year|annum|yr)\b|\ba\s+year\b|\bannual(?:ly)?\b|\byearly\b"
        r"|\bp\.?a\.?(?!\w)",
        re.I,
    ),
}
_NUMBER = r"(\d{1,3}(?:[,.\u00a0\u202f']\d{3})+(?!\d)|\d+(?:\.\d+)?)\s*([km](?![a-z]))?"
_RANGE = re.compile(rf"{_NUMBER}(?:\s*(?:-|–|—|to)\s*{_NUMBER})?", re.IGNORECASE)
_COUNTRY_CURRENCY: dict[str, str] = {
    **dict.fromkeys(("usa", "us", "u.s.", "u.s.a.", "united states", "united states of america"), "USD"),
    **dict.fromkeys(("gbr", "gb", "uk", "u.k.", "united kingdom", "england", "scotland", "wales"), "GBP"),
    **dict.fromkeys(("can", "ca", "canada"), "CAD"),
    **dict.fromkeys(("aus", "au", "australia"), "AUD"),
    **dict.fromkeys(("che", "ch", "switzerland"), "CHF"),
    **dict.fromkeys(("ind", "in", "india"), "INR"),
    **dict.fromkeys(("sgp", "sg", "singapore"), "SGD"),
    **dict.fromkeys(
        (
            "deu",
            "de",
            "germany",
            "nld",
            "nl",
            "netherlands",
            "the netherlands",
            "fra",
            "fr",
            "france",
            "esp",
            "es",
            "spain",
            "irl",
            "ie",
            "ireland",
            "ita",
            "it",
            "italy",
            "aut",
            "at",
            "austria",
            "bel",
            "be",
            "belgium",
            "prt",
            "pt",
            "portugal",
            "fin",
            "fi",
            "finland",
        ),
        "EUR",
    ),
}


@dataclass(frozen=True)
class Pay:
    """A pay range in one currency and period; min equals max for a single figure."""

    currency: str
    period: Period
    min: float
    max: float

    @property
    def mid(self) -> float:
        """Midpoint of the range."""
        return (self.min + self.max) / 2

    def yearly(self) -> Pay:
        """The same range per year, same currency (hour x 2080, day x 260, week x 52, month x 12)."""
        factor = PER_YEAR[self.period]
        return replace(self, period="year", min=self.min * factor, max=self.max * factor)


def parse_compensation(text: str | None, default_currency: str | None = None) -> Pay | None:
    """Parse "$150K-$200K", "150,000 - 200,000 USD", "£50-60k", "$50-$70/hr", "120K-180K Annually"; None if unusable.

    The currency comes from a symbol or ISO code in the text, else `default_currency` (e.g. from the
    posting's country, see `currency_for_country`), else UNKNOWN_CURRENCY. Two different currencies in
    one text, no figure, min above max, or a yearly equivalent outside MIN_YEARLY..MAX_YEARLY give None.
    Without a stated period, a figure of 10,000 or more is yearly; a smaller one is ambiguous (None).
    """
    if not text or not text.strip():
        return None
    currencies = {_SYMBOLS.get(m.group().upper(), m.group().upper()) for m in _CURRENCY.finditer(text)}
    if len(currencies) > 1:
        return None
    currency = currencies.pop() if currencies else (default_currency or UNKNOWN_CURRENCY)
    period = _period(text)
    for m in _RANGE.finditer(_CURRENCY.sub(" ", text)):
        pay = _pay(m, currency, period)
        if pay is not None:
            return pay
    return None


_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£"}
_PER = {"year": "a year", "month": "a month", "week": "a week", "day": "a day", "hour": "an hour"}


def describe(pay: Pay) -> str:
    """The range as a reader writes it: "$175,000-$225,000 a year", "40-50 CAD an hour", "$90,000 a year"."""
    sign = _SIGNS.get(pay.currency, "")
    amounts = [f"{sign}{v:,.0f}" for v in dict.fromkeys((pay.min, pay.max))]
    if sign or pay.currency != UNKNOWN_CURRENCY:
        return f"{'-'.join(amounts)}{'' if sign else ' ' + pay.currency} {_PER[pay.period]}"
    return f"{'-'.join(amounts)} {_PER[pay.period]} (currency not stated)"


def currency_for_country(country: str | None) -> str | None:
    """ISO currency for a country name or code ("USA", "GBR", "Germany"); None when unknown."""
    return _COUNTRY_CURRENCY.get(country.strip().casefold()) if country else None


def _period(text: str) -> Period | None:
    """The period named first in the text, if any."""
    found = [(m.start(), name) for name, rx in _PERIODS.items() if (m := rx.search(text))]
    return min(found)[1] if found else None


def _pay(m: re.Match[str], currency: str, period: Period | None) -> Pay | None:
    """One number or range as a plausible Pay, or None."""
    lo_raw, lo_unit, hi_raw, hi_unit = m.groups()
    lo = _amount(lo_raw)
    hi = _amount(hi_raw) if hi_raw else lo
    if hi_raw and hi_unit and not lo_unit and lo <= hi:  # "£50-60k": the suffix covers both figures
        lo_unit = hi_unit
    lo, hi = lo * _scale(lo_unit), hi * _scale(hi_unit if hi_raw else lo_unit)
    if lo > hi:
        return None
    if period is None:
        if hi < 10_000:
            return None
        period = "year"
    if not (lo * PER_YEAR[period] >= MIN_YEARLY and hi * PER_YEAR[period] <= MAX_YEARLY):
        return None
    return Pay(currency=currency, period=period, min=lo, max=hi)


def _amount(raw: str) -> float:
    """'150,000' / '60.000' / '1.5' as a float (a separator before exactly three digits groups thousands)."""
    if re.fullmatch(r"\d{1,3}(?:[,.\u00a0\u202f']\d{3})+", raw):
        return float(re.sub(r"\D", "", raw))
    return float(raw)


def _scale(unit: str | None) -> float:
    """Multiplier for a K or M suffix."""
    return {"k": 1_000.0, "m": 1_000_000.0}.get((unit or "").lower(), 1.0)
