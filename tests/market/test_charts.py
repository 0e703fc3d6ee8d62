"""Charts are real PNG files whose size follows the data."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.image import imread

from assistant.errors import InputError
from assistant.market.charts import plot_gap, plot_top_skills
from assistant.market.filters import MarketFilter
from assistant.market.gap import GapReport, GapSkill, Strength
from assistant.market.results import SkillRanking, SkillStat

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _ranking(n: int) -> SkillRanking:
    stats = [SkillStat(f"skill {i}", "genai", 100 - i, (100 - i) / 200, []) for i in range(n)]
    return SkillRanking(None, 200, MarketFilter(city="Berlin"), stats, [])


def test_top_skills_chart_is_a_png(tmp_path: Path) -> None:
    out = plot_top_skills(_ranking(5), tmp_path / "skills.png")
    assert out.read_bytes()[:8] == PNG_MAGIC
    height, width, _ = imread(out).shape
    assert width > 500 and height > 200


def test_chart_grows_with_the_number_of_bars(tmp_path: Path) -> None:
    small = imread(plot_top_skills(_ranking(3), tmp_path / "a.png")).shape[0]
    large = imread(plot_top_skills(_ranking(20), tmp_path / "b.png")).shape[0]
    assert large > small


def test_gap_chart_is_a_png(tmp_path: Path) -> None:
    report = GapReport(
        "ai-first",
        MarketFilter(ai_type="ai-first"),
        6,
        ["Python"],
        [GapSkill("RAG", "genai", 6, 6, 1.0, [], []), GapSkill("LLMs", "genai", 3, 6, 0.5, [], [])],
        [Strength("Python", "languages", 6, 6, 1.0)],
        [],
        None,
    )
    out = plot_gap(report, tmp_path / "nested" / "gap.png")
    assert out.read_bytes()[:8] == PNG_MAGIC


def test_chart_path_must_be_png(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"not a .png"):
        plot_top_skills(_ranking(2), tmp_path / "skills.jpg")
