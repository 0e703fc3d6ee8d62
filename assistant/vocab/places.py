"""Other names of the places the postings list: spellings, abbreviations, local and metro-area names.

Keys are the values the postings hold (`city`, `country`); a question may use any of the names.
Every city with more than a handful of postings is here; add a row when a new corpus brings a city.
A neighbourhood the postings list as a city of its own (Navi Mumbai, Santa Monica) is not another
name of the larger city: it matches as itself.
"""

from __future__ import annotations

CITY_NAMES: dict[str, tuple[str, ...]] = {
    "New York": ("New York City", "NYC", "NY", "N.Y.", "Manhattan", "Brooklyn", "Big Apple", "Nueva York"),
    "London": ("Londres", "Londra", "Greater London", "City of London"),
    "Berlin": ("Berlín", "Berlino"),
    "Amsterdam": ("Amsterdão", "A'dam"),
    "Los Angeles": ("LA", "L.A.", "Los Ángeles"),
    "Bengaluru": ("Bangalore",),
    "Hyderabad": ("Cyberabad",),
    "Pune": ("Poona",),
    "Chennai": ("Madras",),
    "Mumbai": ("Bombay",),
    "New Delhi": ("Delhi", "Delhi NCR", "NCR"),
    "Gurugram": ("Gurgaon",),
    "Noida": ("Greater Noida",),
    "Kochi": ("Cochin",),
    "Thiruvananthapuram": ("Trivandrum",),
}

COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "USA": ("US", "U.S.", "U.S.A.", "United States", "United States of America", "America", "the States"),
    "IND": ("India",),
    "GBR": ("UK", "U.K.", "United Kingdom", "Britain", "Great Britain", "England"),
    "DEU": ("Germany", "Deutschland"),
    "NLD": ("Netherlands", "the Netherlands", "Holland", "Nederland"),
}
