"""Extractive answers for the offline model: the chosen guide sentences, figures, gaps and job lists, written out and cited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.agent.corpus_tools import JobSearch, Passage
from assistant.agent.gap_tool import SkillGap
from assistant.agent.grounding import Citation
from assistant.agent.market_tools import Figures
from assistant.offline.selection import Ranked

# Below this cosine similarity between the question and the best guide sentence (MiniLM), nothing
# retrieved answers it. Calibrated on the 144 general-intent questions of evals/ground_truth.yaml:
# in-scope ones scored 0.35 and up, the only out-of-scope one with a domain word 0.26. Off-topic
# questions are declined before this by the router (router.py), whatever words they contain.
DECLINE_BELOW = 0.31
# A threshold no cosine is below: the model answers whatever it finds and the router declines nothing.
NEVER_DECLINE = -1.0


@dataclass
class Cites:
    """Numbers [n] by evidence id in order of first use, with the quote each stands for."""

    order: dict[str, int] = field(default_factory=dict)
    quotes: dict[str, str] = field(default_factory=dict)

    def mark(self, evidence_id: str, quote: str = "") -> str:
        """The [n] marker for the evidence, numbering it on first use."""
        n = self.order.setdefault(evidence_id, len(self.order) + 1)
        if quote and evidence_id not in self.quotes:
            self.quotes[evidence_id] = quote
        return f"[{n}]"

    def citations(self) -> list[Citation]:
        """The citations behind every marker handed out."""
        return [Citation(n=n, id=eid, quote=self.quotes.get(eid, "")) for eid, n in self.order.items()]


def passage_sections(
    ranked: Ranked, passages: Sequence[Passage], chosen: list[int], cites: Cites, heading: str | None = None
) -> list[str]:
    """Chosen units, each cited: under one heading if given, else under a short heading per document."""
    groups: dict[str, list[int]] = {}
    for i in chosen:
        groups.setdefault(passages[ranked.units[i].passage].source, []).append(i)
    lines: list[str] = [f"### {heading}"] if heading and chosen else []
    for idxs in groups.values():
        if heading is None:
            lines.append(f"### {short_title(passages[ranked.units[idxs[0]].passage].title)}")
        for i in sorted(idxs):  # units are numbered in reading order
            unit = ranked.units[i]
            lines.append(f"- {unit.text} {cites.mark(passages[unit.passage].id, unit.quote or unit.text)}")
        if heading is None:
            lines.append("")
    return lines + ([""] if heading and chosen else [])


def short_title(title: str, words: int = 8) -> str:
    """A title cut to a few words for a heading."""
    parts = title.replace("#", "").split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def dated(dates: str | None) -> str:
    """When the counted postings were posted, as an aside: ` (postings dated 2025-08-01 to 2026-02-27)`."""
    return f" ({dates})" if dates else ""


def figure_lines(fig: Figures, cites: Cites) -> list[str]:
    """A cited sentence per headline figure and a table with n for the rest; the posting dates once, in the first."""
    mark = cites.mark(fig.id)
    lines: list[str] = []
    stamp = dated(fig.dates)
    if fig.pay:
        head = fig.rows[0]
        lines.append(
            f"{head.count:,} of {head.total:,} postings ({head.share}) list pay that can be read as a yearly figure, {where(head.postings)}{stamp} {mark}."
        )
        lines += ["", "| Group | Currency | Median a year | Middle half | n |", "| --- | --- | --- | --- | --- |"]
        lines += [f"| {p.group or 'all'} | {p.currency} | {p.median:,} | {p.q1:,}-{p.q3:,} | {p.n:,} |" for p in fig.pay[:10]]
    elif fig.measure.startswith("share"):
        for i, r in enumerate(fig.rows):
            lines.append(
                f"**{r.label}** is listed in {r.count:,} of {r.total:,} postings ({r.share}), {where(r.postings)}{stamp if i == 0 else ''} {mark}."
            )
        lines += ["", "| Skill | Postings listing it | Share | n |", "| --- | --- | --- | --- |"]
        lines += [f"| {r.label} | {r.count:,} | {r.share} | {r.total:,} |" for r in fig.rows]
    elif fig.measure.startswith("skill shares in two") and fig.rows:
        a, b = fig.rows[0], fig.rows[1]
        lines.append(
            f"Skill shares in two sets of postings: {a.postings} (n = {a.total:,}) and {b.postings} (n = {b.total:,}){stamp} {mark}:"
        )
        lines += ["", f"| Skill | {a.postings} | {b.postings} |", "| --- | --- | --- |"]
        pairs = zip(fig.rows[::2], fig.rows[1::2], strict=False)
        lines += [
            f"| {x.label} | {x.count:,} of {x.total:,} ({x.share}) | {y.count:,} of {y.total:,} ({y.share}) |" for x, y in pairs
        ]
    elif fig.rows:
        anchor, rest = (fig.rows[0], fig.rows[1:]) if fig.measure.startswith("skills listed together") else (None, fig.rows)
        if anchor:
            lines.append(
                f"**{anchor.label}** is listed in {anchor.count:,} of {anchor.total:,} postings ({anchor.share}), {where(anchor.postings)}{stamp} {mark}."
            )
        base = rest[0] if rest else fig.rows[0]
        when = f"; {fig.dates}" if fig.dates and not anchor else ""
        lines.append(
            f"{fig.measure[0].upper()}{fig.measure[1:]}, {where(base.postings)} (n = {base.total:,} postings{when}) {mark}:"
        )
        lines += ["", "| Name | Postings | Share |", "| --- | --- | --- |"]
        lines += [f"| {r.label} | {r.count:,} of {r.total:,} | {r.share} |" for r in rest]
    if fig.examples:
        # A posting can be the example for two skills; it is shown once.
        examples = list({e.id: e for e in fig.examples}.values())[:3]
        shown = [
            (f"[{e.title} — {e.company}]({e.url})" if e.url else f"{e.title} — {e.company}")
            + (f", {e.pay}" if e.pay else "")
            + f" {cites.mark(e.id)}"
            for e in examples
        ]
        lines += ["", "Example postings: " + "; ".join(shown)]
    return [*lines, ""]


def where(label: str) -> str:
    """A filter label as words: 'all postings' or 'among postings with city=Berlin'."""
    return f"across {label}" if label.startswith("all postings") else f"among postings with {label}"


def gap_lines(report: SkillGap, cites: Cites, who: str) -> list[str]:
    """The gap as a table of missing skills with demand and n, and the strengths the person brings."""
    mark = cites.mark(report.id)
    lines = [
        "### What to learn",
        f"Skills the target postings ({report.postings}) ask for beyond {who}, by demand"
        f" (n = {report.total:,} postings{'; ' + report.dates if report.dates else ''}) {mark}:",
        "",
        "| Skill | Postings listing it | Share |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {m.skill} | {m.count:,} of {m.total:,} | {m.share} |" for m in report.missing]
    if report.strengths:
        have = ", ".join(f"{s.label} ({s.share})" for s in report.strengths[:6])
        lines += ["", "### What you already have", f"In demand and already yours: {have} {mark}."]
    return [*lines, ""]


def job_lines(found: JobSearch, cites: Cites) -> list[str]:
    """How many postings match, then the closest ones with company, place and link."""
    lines = [
        f"{found.matching:,} postings match {found.postings}{dated(found.dates)} {cites.mark(found.id)}. The closest to your question:",
        "",
    ]
    for j in found.jobs:
        place = f", {j.city}" if j.city else ""
        link = f" — {j.url}" if j.url else ""
        named = f" ({j.named})" if j.named else ""
        lines.append(f"- **{j.title}** at {j.company}{place}{named}{link} {cites.mark(j.id)}")
    return [*lines, ""]
