"""Heading paths, plain-text headings and line unwrapping shared by the loaders."""

from __future__ import annotations

from ingest.loaders.structure import Heading, build_sections, looks_like_heading, tidy, unwrap


def test_lone_top_heading_is_not_part_of_the_path() -> None:
    sections = build_sections([Heading(1, "Doc"), "intro", Heading(2, "A"), "a", Heading(3, "B"), "b"])
    assert [(s.heading, s.text) for s in sections] == [("", "intro"), ("A", "a"), ("A > B", "b")]


def test_heading_of_equal_level_replaces_the_previous_one() -> None:
    sections = build_sections([Heading(2, "A"), "a", Heading(2, "B"), "b"])
    assert [s.heading for s in sections] == ["A", "B"]


def test_headings_without_text_give_no_section() -> None:
    assert build_sections([Heading(2, "A"), "", Heading(2, "B"), "b"]) == build_sections([Heading(2, "B"), "b"])


def test_tidy_collapses_blank_runs_and_trims() -> None:
    assert tidy(["", "a  ", "", "", "b", ""]) == "a\n\nb"


def test_heading_needs_a_blank_line_before() -> None:
    assert looks_like_heading("Requirements", "", "")
    assert not looks_like_heading("Requirements", "previous text", "")


def test_unwrap_joins_wrapped_lines_and_keeps_bullets_apart() -> None:
    lines = ["We are a fast-", "growing team", "", "- first item", "  continues here", "- second"]
    assert unwrap(lines) == ["We are a fast-growing team", "", "- first item continues here", "- second"]
