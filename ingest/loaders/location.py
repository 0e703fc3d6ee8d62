"""Job locations as scraped ("Berlin, DEU", "New York, NY, USA", "United States", "3 Locations") to city and country."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Country spellings seen in listings, mapped to the ISO 3166 alpha-3 codes the raw postings use.
COUNTRY_ALIASES: dict[str, str] = {
    "us": "USA",
    "u.s.": "USA",
    "u.s.a.": "USA",
    "usa": "USA",
    "united states": "USA",
    "united states of america": "USA",
    "uk": "GBR",
    "u.k.": "GBR",
    "united kingdom": "GBR",
    "great britain": "GBR",
    "england": "GBR",
    "germany": "DEU",
    "deutschland": "DEU",
    "netherlands": "NLD",
    "the netherlands": "NLD",
    "india": "IND",
    "canada": "CAN",
    "france": "FRA",
    "spain": "ESP",
    "ireland": "IRL",
    "poland": "POL",
    "portugal": "PRT",
    "switzerland": "CHE",
    "singapore": "SGP",
    "australia": "AUS",
    "israel": "ISR",
    "sweden": "SWE",
    "italy": "ITA",
}
_ISO3 = re.compile(r"^[A-Z]{3}$")
_US_STATE = re.compile(r"^[A-Z]{2}$")
_MULTIPLE = re.compile(r"^\d+\s+locations?$", re.IGNORECASE)
_REMOTE = re.compile(r"\bremote\b", re.IGNORECASE)


@dataclass(frozen=True)
class Place:
    """Where a job is: city and country (ISO alpha-3 when known), and whether it says remote."""

    city: str | None = None
    country: str | None = None
    remote: bool = False


def country_code(name: str) -> str | None:
    """ISO alpha-3 code for a country name, alias or code; None when it does not name a country."""
    name = name.strip()
    if _ISO3.match(name):
        return name
    return COUNTRY_ALIASES.get(name.lower())


def parse_location(text: str | None) -> Place:
    """City and country from a location string; multi-location and empty values give an empty Place."""
    text = (text or "").strip()
    remote = bool(_REMOTE.search(text))
    text = _REMOTE.sub("", text).strip(" -,/()")
    if not text or _MULTIPLE.match(text):
        return Place(remote=remote)
    parts = [p.strip() for p in re.split(r"[,;]", text) if p.strip() and not p.strip().isdigit()]
    if not parts:
        return Place(remote=remote)
    country = country_code(parts[-1])
    if country is None:
        # No country given: a lone value is a city ("Berlin"); otherwise keep the last part as written.
        return Place(city=parts[0], country=parts[-1] if len(parts) > 1 else None, remote=remote)
    places = parts[:-1]
    if country == "USA" and len(places) >= 2 and _US_STATE.match(places[-1]):
        # "Brooklyn, New York, NY, USA": the city is the part right before the state code.
        return Place(city=places[-2], country=country, remote=remote)
    if country == "USA" and places and _US_STATE.match(places[-1]):
        return Place(country=country, remote=remote)
    return Place(city=places[0] if places else None, country=country, remote=remote)
