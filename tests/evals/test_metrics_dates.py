"""A date is not a figure: the posting dates a figure states are neither wrong figures nor the asked-for one."""

from __future__ import annotations

from evals.metrics import FigureTruth, check_figures


def test_iso_dates_are_not_read_as_figures() -> None:
    truth = FigureTruth(headline_percents=(40.9,), counts=(722,), totals=(1765,), headline_counts=(722,))
    answer = "RAG is listed in 722 of 1,765 postings (40.9%), postings dated 2025-08-01 to 2026-02-27 [1]."
    assert check_figures(answer, truth).accurate


def test_a_headline_count_is_not_found_inside_a_date() -> None:
    truth = FigureTruth(headline_counts=(27,), totals=(100,))
    assert not check_figures("Postings dated 2025-08-01 to 2026-02-27 [1].", truth).stated_headline
    assert check_figures("27 of 100 postings, dated 2025-08-01 to 2026-02-27 [1].", truth).accurate
