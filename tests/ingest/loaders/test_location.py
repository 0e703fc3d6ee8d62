"""Location strings from postings and listings to city and country."""

from __future__ import annotations

import pytest

from ingest.loaders.location import Place, parse_location


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Berlin, DEU", Place("Berlin", "DEU")),
        ("USA", Place(None, "USA")),
        ("United States", Place(None, "USA")),
        ("U.S.", Place(None, "USA")),
        ("UK", Place(None, "GBR")),
        ("The Netherlands", Place(None, "NLD")),
        ("New York, NY, USA", Place("New York", "USA")),
        ("Brooklyn, New York, NY, USA", Place("New York", "USA")),
        ("10014, New York, NY, USA", Place("New York", "USA")),
        ("London, Greater London, England, GBR", Place("London", "GBR")),
        ("3 Locations", Place()),
        ("", Place()),
        (None, Place()),
        ("Remote", Place(remote=True)),
        ("Remote - US", Place(None, "USA", remote=True)),
        ("Berlin", Place("Berlin", None)),
        ("Tokyo, Japan", Place("Tokyo", "Japan")),
    ],
)
def test_parse_location(text: str | None, expected: Place) -> None:
    assert parse_location(text) == expected
