"""Compensation parsing: ranges, K suffixes, currencies, periods, garbage, yearly normalisation."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from assistant.vocab.compensation import UNKNOWN_CURRENCY, Pay, currency_for_country, describe, parse_compensation


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$150K-$200K", Pay("USD", "year", 150_000, 200_000)),
        ("150,000 - 200,000 USD", Pay("USD", "year", 150_000, 200_000)),
        ("USD 120k to 150k", Pay("USD", "year", 120_000, 150_000)),
        ("$150K – $200K a year", Pay("USD", "year", 150_000, 200_000)),
        ("CA$120k-140k", Pay("CAD", "year", 120_000, 140_000)),
    ],
)
def test_parses_ranges(text: str, expected: Pay) -> None:
    assert parse_compensation(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("€60K", Pay("EUR", "year", 60_000, 60_000)),
        ("$1.2M", Pay("USD", "year", 1_200_000, 1_200_000)),
        ("60.000 € p.a.", Pay("EUR", "year", 60_000, 60_000)),
        ("Up to $200,000", Pay("USD", "year", 200_000, 200_000)),
    ],
)
def test_parses_single_values(text: str, expected: Pay) -> None:
    assert parse_compensation(text) == expected


def test_k_suffix_on_the_upper_figure_covers_both() -> None:
    assert parse_compensation("£50-60k") == Pay("GBP", "year", 50_000, 60_000)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$50-$70/hr", Pay("USD", "hour", 50, 70)),
        ("$50 - $70 per hour", Pay("USD", "hour", 50, 70)),
        ("$45/hr", Pay("USD", "hour", 45, 45)),
        ("€4,500/month", Pay("EUR", "month", 4_500, 4_500)),
    ],
)
def test_parses_hourly_and_monthly(text: str, expected: Pay) -> None:
    assert parse_compensation(text) == expected


@pytest.mark.parametrize(
    ("text", "period"),
    [("120K-180K Annually", "year"), ("20-25 Hourly", "hour"), ("5K-6K Monthly", "month")],
)
def test_builtin_style_strings_name_their_period(text: str, period: str) -> None:
    pay = parse_compensation(text)
    assert pay is not None and pay.period == period


def test_currency_is_unknown_when_neither_stated_nor_given() -> None:
    assert parse_compensation("120K-180K Annually") == Pay(UNKNOWN_CURRENCY, "year", 120_000, 180_000)


def test_default_currency_applies_when_the_text_has_none() -> None:
    assert parse_compensation("100K-130K Annually", default_currency="EUR") == Pay("EUR", "year", 100_000, 130_000)


def test_currency_in_the_text_wins_over_the_default() -> None:
    pay = parse_compensation("£70K", default_currency="USD")
    assert pay is not None and pay.currency == "GBP"


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "   ",
        "Annually",
        "Competitive",
        "DOE",
        "2-5 Annually",  # not a yearly salary
        "40-40 Annually",
        "1K-2K Annually",
        "200K-150K Annually",  # min above max
        "$100K and £80K",  # two currencies
        "50 - 60",  # no period and too small to be yearly
        "$2,000,000 per hour",
    ],
)
def test_garbage_and_empty_give_none(text: str | None) -> None:
    assert parse_compensation(text) is None


def test_skips_numbers_that_are_not_pay() -> None:
    assert parse_compensation("3+ years experience, $100K") == Pay("USD", "year", 100_000, 100_000)


@pytest.mark.parametrize(
    ("pay", "yearly"),
    [
        (Pay("USD", "hour", 50, 70), Pay("USD", "year", 104_000, 145_600)),
        (Pay("EUR", "month", 5_000, 6_000), Pay("EUR", "year", 60_000, 72_000)),
        (Pay("GBP", "year", 50_000, 60_000), Pay("GBP", "year", 50_000, 60_000)),
    ],
)
def test_yearly_scales_within_the_same_currency(pay: Pay, yearly: Pay) -> None:
    assert pay.yearly() == yearly


def test_mid_is_the_range_midpoint() -> None:
    assert Pay("USD", "year", 100_000, 200_000).mid == 150_000


@pytest.mark.parametrize(
    ("country", "currency"),
    [
        ("USA", "USD"),
        ("United States", "USD"),
        ("GBR", "GBP"),
        ("DEU", "EUR"),
        ("Netherlands", "EUR"),
        ("Mars", None),
        (None, None),
    ],
)
def test_currency_for_country(country: str | None, currency: str | None) -> None:
    assert currency_for_country(country) == currency


@pytest.mark.integration
def test_most_real_compensation_strings_parse(corpus_dir: Path) -> None:
    """553 listings state pay ("120K-180K Annually", "30-70 Hourly"); only implausible ones fail."""
    path = corpus_dir / "field-guide" / "job-market" / "_internal" / "all_jobs_dedup.csv"
    with path.open(encoding="utf-8", newline="") as f:
        texts = [row["compensation"] for row in csv.DictReader(f) if row["compensation"].strip()]
    failed = [t for t in texts if parse_compensation(t) is None]
    assert len(texts) > 500
    assert len(failed) / len(texts) < 0.03
    assert all(t.endswith("Annually") for t in failed)


@pytest.mark.parametrize(
    ("pay", "written"),
    [
        (Pay("USD", "year", 175_000, 225_000), "$175,000-$225,000 a year"),
        (Pay("USD", "hour", 40, 50), "$40-$50 an hour"),
        (Pay("GBP", "year", 90_000, 90_000), "£90,000 a year"),
        (Pay("CAD", "year", 120_000, 140_000), "120,000-140,000 CAD a year"),
        (Pay(UNKNOWN_CURRENCY, "year", 80_000, 120_000), "80,000-120,000 a year (currency not stated)"),
    ],
)
def test_describe_writes_the_range_as_a_reader_would(pay: Pay, written: str) -> None:
    assert describe(pay) == written
