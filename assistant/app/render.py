"""HTML and table rendering for the app: every string that came from a document or posting is escaped."""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Callable, Sequence
from html import escape
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlparse

from PIL import Image

from assistant.agent.evidence import pct
from assistant.ask import AskResult, SourceRef
from assistant.core.schema import Hit
from assistant.core.sentences import quote
from assistant.errors import AssistantError
from assistant.market.dates import DateRange
from assistant.market.gap import GapReport
from assistant.market.pay import PayReport
from assistant.market.results import Comparison, PostingList, PostingRef, SkillRanking

Row = list[str | int | float]
Result = TypeVar("Result")

log = logging.getLogger(__name__)


def safe_url(url: str | None) -> str | None:
    """The url if it is an absolute http(s) link, else None (no javascript:, data: or relative links)."""
    if not url:
        return None
    parsed = urlparse(url.strip())
    return url.strip() if parsed.scheme in ("http", "https") and parsed.netloc else None


def link(url: str | None, text: str) -> str:
    """An escaped link opening in a new tab, or the escaped text alone when the url is unusable."""
    href = safe_url(url)
    if href is None:
        return escape(text)
    return f'<a href="{escape(href, quote=True)}" target="_blank" rel="noopener noreferrer">{escape(text)}</a>'


def message(text: str, hint: str | None = None, *, kind: str = "error") -> str:
    """An error or notice box (escaped)."""
    fix = f"<br><span class='ca-hint'>How to fix: {escape(hint)}</span>" if hint else ""
    return f"<div class='ca-{kind}' role='alert'>{escape(text)}{fix}</div>"


def failure(exc: Exception) -> str:
    """An error as a message box: domain errors say what to fix; anything else is logged, never shown as a traceback."""
    if isinstance(exc, AssistantError):
        return message(exc.message, exc.hint)
    log.exception("unexpected error in the app", exc_info=exc)
    return message("Something went wrong on the server; the details are in the server log.")


def chart_image(draw: Callable[[Result, Path], Path], result: Result) -> Image.Image:
    """Draw a chart with the library's plot function into a temporary PNG and load it as an image."""
    with tempfile.TemporaryDirectory(prefix="assistant-chart-") as tmp:
        path = draw(result, Path(tmp) / "chart.png")
        with Image.open(path) as img:
            img.load()
            return img.copy()


def posting_items(refs: Sequence[PostingRef]) -> str:
    """Postings as a list: title (linked), company, city."""
    if not refs:
        return "<p class='ca-muted'>No postings to show.</p>"
    items = []
    for r in refs:
        where = f" · {escape(r.city)}" if r.city else ""
        items.append(f"<li>{link(r.url, r.title)} — {escape(r.company)}{where}</li>")
    return "<ul class='ca-postings'>" + "".join(items) + "</ul>"


def dated(dates: DateRange | None) -> str:
    """` (postings dated 2025-08-01 to 2026-02-27)` after a figure, or nothing when the postings carry no date."""
    return f" ({dates.label()})" if dates else ""


def dates_note(ranking: SkillRanking) -> str:
    """Which postings the tab's figures count: how many, their filters and the dates they were posted."""
    when = f", {ranking.dates.label()}" if ranking.dates else ""
    return f"Figures over **{ranking.total:,}** postings ({plain(ranking.filters.label())}){when}."


def postings_html(result: PostingList) -> str:
    """The postings behind the current filter, with how many match and when they were posted."""
    head = (
        f"<p><b>{result.total:,}</b> postings match <i>{escape(result.filters.label())}</i>{escape(dated(result.dates))}; "
        f"showing {len(result.postings)}.</p>"
    )
    return head + posting_items(result.postings)


# A learning passage beside a skill gap is quoted at more length than an answer's citation.
GAP_QUOTE_CHARS = 400


def citation_block(c: Hit) -> str:
    """A guide passage: title and section linked to its public url, the quote in an expandable block."""
    where = f" — {escape(c.section)}" if c.section else ""
    return (
        f"<details class='ca-cite'><summary>{link(c.url, c.title)}{where}</summary>"
        f"<blockquote>{escape(quote(c.text, GAP_QUOTE_CHARS))}</blockquote><p class='ca-muted'>{escape(c.source)}</p></details>"
    )


def recognised_html(report: GapReport, origin: str) -> str:
    """The skills recognised in the person's input, as chips."""
    chips = "".join(f"<span class='ca-chip'>{escape(s)}</span>" for s in report.recognised)
    return f"<p><b>{len(report.recognised)} skills recognised</b> from {escape(origin)}:</p><div>{chips}</div>"


def gap_rows(report: GapReport) -> list[Row]:
    """The ranked gap table: rank, skill, category, share of target postings, n."""
    return [[i, m.skill, m.category, pct(m.share), f"{m.count:,} of {m.total:,}"] for i, m in enumerate(report.missing, 1)]


GAP_HEADERS = ["#", "skill to learn", "category", "share of postings", "n"]


def strengths_html(report: GapReport) -> str:
    """Skills the person has that the target postings ask for."""
    if not report.strengths:
        return "<p class='ca-muted'>None of your recognised skills is listed by these postings.</p>"
    items = "".join(f"<li>{escape(s.skill)}: {pct(s.share)} ({s.count:,} of {s.total:,})</li>" for s in report.strengths)
    return f"<p><b>Your advantage</b> (skills you have that these postings ask for):</p><ul>{items}</ul>"


def learning_html(report: GapReport) -> str:
    """For each missing skill: the guide passages on learning it and example postings that ask for it."""
    parts = [
        f"<p class='ca-muted'>Target: {escape(report.target)} · {escape(report.filters.label())} · "
        f"n = {report.total:,} postings{escape(dated(report.dates))}</p>"
    ]
    for m in report.missing:
        cites = "".join(citation_block(c) for c in m.citations) or "<p class='ca-muted'>No guide passage found.</p>"
        parts.append(
            f"<section class='ca-gap-skill'><h4>{escape(m.skill)} <span class='ca-muted'>{pct(m.share)} · "
            f"{m.count:,} of {m.total:,}</span></h4>{cites}<p><b>Postings that ask for it:</b></p>{posting_items(m.examples)}</section>"
        )
    return "".join(parts)


def ranking_rows(ranking: SkillRanking) -> list[Row]:
    """Top skills as table rows: skill, category, share, n."""
    return [[s.skill, s.category, pct(s.share), f"{s.count:,} of {ranking.total:,}"] for s in ranking.skills]


def compare_headers(cmp: Comparison) -> list[str]:
    """Column names naming both segments."""
    return [
        "skill",
        f"{cmp.a.filters.label()} (n={cmp.a.total:,})",
        f"{cmp.b.filters.label()} (n={cmp.b.total:,})",
        "difference (pp)",
    ]


def compare_rows(cmp: Comparison) -> list[Row]:
    """One row a skill: its share in each segment (with counts) and the difference in percentage points."""
    return [
        [r.skill, f"{pct(r.a_share)} ({r.a_count:,})", f"{pct(r.b_share)} ({r.b_count:,})", f"{r.diff_pp:+.1f}"] for r in cmp.rows
    ]


PAY_HEADERS = ["level", "currency", "n", "median / year", "middle half (IQR)"]


def pay_rows(report: PayReport) -> list[Row]:
    """Yearly pay by level: n, median and interquartile range, one row per level and currency."""
    return [[g.group or "all", g.currency, g.n, f"{g.median:,.0f}", f"{g.q1:,.0f} – {g.q3:,.0f}"] for g in report.groups]


def pay_note(report: PayReport) -> str:
    """How many postings the pay figures rest on, and how many were left out and why."""
    return (
        f"Pay from {report.count:,} of {report.total:,} postings ({pct(report.share)}) that state it; "
        f"{report.not_listed:,} list no pay, {report.unparsed:,} could not be parsed{dated(report.dates)}. "
        "Never mixed across currencies."
    )


def plain(text: str) -> str:
    """Model or document text for the chat's markdown: raw HTML tags and image syntax are shown as text, the rest renders.

    A markdown image would make the browser fetch its url from another host as soon as the message is shown.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace("![", "!\\[")


def chat_error(text: str, hint: str | None = None) -> str:
    """An error shown in place of an answer."""
    fix = f"\n\n_How to fix:_ {plain(hint)}" if hint else ""
    return f"**Could not answer:** {plain(text)}{fix}"


def source_line(c: SourceRef) -> str:
    """A citation's heading: [n], linked title, section or page."""
    where = " — ".join(x for x in (c.section, f"page {c.page}" if c.page else "") if x)
    return f"[{c.n}] {link(c.url, c.title or c.source)}" + (f" <span class='ca-muted'>— {escape(where)}</span>" if where else "")


def sources_html(citations: Sequence[SourceRef]) -> str:
    """Numbered sources under an answer, each quote in an expandable block."""
    if not citations:
        return ""
    items = "".join(
        f"<details class='ca-cite'><summary>{source_line(c)}</summary><blockquote>{escape(c.quote)}</blockquote>"
        f"<p class='ca-muted'>{escape(c.source)}</p></details>"
        for c in citations
    )
    return f"<div class='ca-sources'><p><b>Sources</b></p>{items}</div>"


def trace_html(result: AskResult, reading: Sequence[str] = ()) -> str:
    """The collapsible 'how this answer was made': how the question was read (offline model), each tool call with
    arguments and time, the model, latency, usage."""
    rows = "".join(
        f"<tr><td>{escape(t.name)}{'' if t.ok else ' (failed)'}</td>"
        f"<td><code>{escape(json.dumps(t.args, ensure_ascii=False, default=str))}</code></td><td>{t.duration_ms:,.0f} ms</td></tr>"
        for t in result.tools
    )
    u = result.usage
    cost = f" · ~${u.cost_usd:.4f}" if u.cost_usd is not None else ""
    return (
        "<details class='ca-trace'><summary>How this answer was made</summary>"
        + ("<ul class='ca-reading'>" + "".join(f"<li>{escape(line)}</li>" for line in reading) + "</ul>" if reading else "")
        + f"<table><tr><th>tool</th><th>arguments</th><th>time</th></tr>{rows}</table>"
        f"<p class='ca-muted'>model {escape(result.model)} · {result.latency_ms / 1000:.1f} s · {u.requests} model requests · "
        f"{u.input_tokens:,} tokens in, {u.output_tokens:,} out{cost}</p></details>"
    )


def answer_markdown(result: AskResult, reading: Sequence[str] = ()) -> str:
    """The chat message for a finished answer: the answer, its numbered sources, and the trace."""
    parts = (plain(result.answer), sources_html(result.citations), trace_html(result, reading))
    return "\n\n".join(part for part in parts if part)


def progress_line(tools: Sequence[str]) -> str:
    """What the assistant is doing before the answer text arrives."""
    if not tools:
        return THINKING
    return THINKING + "\n\n" + "\n".join(f"- calling `{escape(t)}`" for t in tools)


THINKING = "_Searching the guides and postings…_"
