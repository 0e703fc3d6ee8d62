"""Charts as real PNG files: top skills of a segment, and a skill gap; titled, with n in the subtitle."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import InputError
from assistant.market.gap import GapReport
from assistant.market.results import SkillRanking

MISSING_COLOR = "#e4572e"
HAVE_COLOR = "#2e86ab"
BAR_COLOR = "#4c72b0"


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: label, share 0-1, count behind it, colour."""

    label: str
    share: float
    count: int
    color: str


def _check_path(path: Path) -> Path:
    if path.suffix.lower() != ".png":
        raise InputError(f"chart file {path} is not a .png", hint="name the file with a .png ending, e.g. --plot skills.png")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _bar_chart(bars: Sequence[Bar], title: str, subtitle: str, path: Path, legend: dict[str, str] | None = None) -> Path:
    """Render horizontal bars (largest on top) with share labels to a PNG."""
    # The Agg canvas is attached to this figure only: no pyplot, no global backend switch.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    path = _check_path(path)
    fig = Figure(figsize=(9, 1.2 + 0.38 * max(len(bars), 1)), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    rows = list(reversed(bars))
    ax.barh([b.label for b in rows], [100 * b.share for b in rows], color=[b.color for b in rows])
    for i, b in enumerate(rows):
        ax.text(100 * b.share + 0.8, i, f"{100 * b.share:.1f}%  (n={b.count:,})", va="center", fontsize=8)
    ax.set_xlim(0, min(100, 100 * max((b.share for b in bars), default=0.1) * 1.3 + 5))
    ax.set_xlabel("share of postings (%)")
    ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(title, fontsize=13, fontweight="bold")
    ax.set_title(subtitle, fontsize=9, color="#555555")
    if legend:
        ax.legend(handles=[Patch(color=c, label=lbl) for lbl, c in legend.items()], loc="lower right", fontsize=8)
    try:
        fig.savefig(path, format="png")
    except OSError as exc:
        raise InputError(f"cannot write the chart {path}: {exc}", hint="pick a writable path") from None
    return path


def plot_top_skills(ranking: SkillRanking, path: Path) -> Path:
    """Bar chart of a segment's most listed skills."""
    scope = f"{ranking.category} skills" if ranking.category else "skills"
    bars = [Bar(s.skill, s.share, s.count, BAR_COLOR) for s in ranking.skills]
    subtitle = f"n = {ranking.total:,} postings · {ranking.filters.label()}"
    return _bar_chart(bars, f"Most requested {scope} in AI engineering postings", subtitle, path)


def plot_gap(report: GapReport, path: Path) -> Path:
    """Bar chart of the missing skills (by demand) and the person's strengths, in the target segment."""
    bars = [Bar(m.skill, m.share, m.count, MISSING_COLOR) for m in report.missing]
    bars += [Bar(s.skill, s.share, s.count, HAVE_COLOR) for s in report.strengths]
    subtitle = f"n = {report.total:,} postings · {report.filters.label()} · {len(report.recognised)} skills recognised"
    return _bar_chart(
        bars,
        f"Skill gap for {report.target} roles",
        subtitle,
        path,
        legend={"missing (learn next)": MISSING_COLOR, "you have": HAVE_COLOR},
    )
