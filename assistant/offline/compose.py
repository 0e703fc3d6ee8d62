"""Extractive answers for the offline model: the most relevant, least redundant sentences, grouped and cited."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from assistant.agent.corpus_tools import JobSearch, Passage
from assistant.agent.grounding import Citation
from assistant.agent.market_tools import Figures, SkillGap
from assistant.core.embedding import Embedder
from assistant.core.sentences import quotable_units

# Below this cosine similarity between the question and the best guide sentence (MiniLM), nothing
# retrieved answers it. Calibrated on the 144 general-intent questions of evals/ground_truth.yaml:
# in-scope ones scored 0.35 and up, the only out-of-scope one with a domain word 0.26. Off-topic
# questions are declined before this by the router (router.py), whatever words they contain.
DECLINE_BELOW = 0.31
# A threshold no cosine is below: the model answers whatever it finds and the router declines nothing.
NEVER_DECLINE = -1.0
# Beside figures, added to a guide sentence's relevance: weight / (1 + its document's place in the
# search results), and a bonus for the first document. The search ranking (dense, BM25 and titles
# fused) knows better than one sentence's cosine which document answers: it put an expected document
# first for 78% of the eval's guide questions, the best single sentence for 50%. Guide-only answers
# go further and quote the first document alone (`offline.OfflineResponder.answer`).
SOURCE_PRIOR = 0.5
LEAD_BONUS = 0.1
MMR_LAMBDA = 0.7
# Sections that list what a document covers rather than say anything (a deck's agenda, a guide's contents).
NAVIGATION = re.compile(r"(?:table of )?contents$|(?:today's )?agenda$", re.IGNORECASE)
NEAR_DUPLICATE = 0.85
DROPPED = float("-inf")  # below any floor, so `mmr` never picks the unit


@dataclass(frozen=True)
class Unit:
    """A sentence or named list from a passage that an answer may quote, with the passage's words that back it."""

    text: str
    passage: int
    quote: str = ""


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


def split_units(passages: Sequence[Passage]) -> list[Unit]:
    """The quotable units of each passage (sentences, named lists, table rows), skipping tables of contents."""
    return [
        Unit(q.text, i, q.quote)
        for i, p in enumerate(passages)
        if not NAVIGATION.match(p.section.rsplit(">", 1)[-1].strip())
        for q in quotable_units(p.text, p.section)
    ]


def _unit_rows(vectors: Sequence[Sequence[float]]) -> np.ndarray:
    """The vectors as rows of length 1 (a zero vector stays zero, so its cosine with anything is 0)."""
    m = np.asarray(vectors, dtype=np.float64)
    norms = np.sqrt((m * m).sum(axis=1, keepdims=True))
    return np.divide(m, norms, out=np.zeros_like(m), where=norms > 0)


def _cosines(rows: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Cosine of every unit row with one unit vector."""
    # Elementwise products, not a BLAS matrix product: OpenBLAS threads spin against ONNX Runtime's on 2 cores.
    return (rows * v).sum(axis=1)


@dataclass(frozen=True)
class Ranked:
    """Units scored against the question, with their vectors for redundancy checks."""

    units: list[Unit]
    relevance: list[float]
    vectors: list[list[float]]

    @property
    def best(self) -> float:
        """Relevance of the best unit (0 when there are none)."""
        return max(self.relevance, default=0.0)

    @cached_property
    def rows(self) -> np.ndarray:
        """The unit vectors scaled to length 1, one row per unit."""
        return _unit_rows(self.vectors)


def rank(question: str, passages: Sequence[Passage], embedder: Embedder) -> Ranked:
    """Every unit of the passages with its cosine similarity to the question."""
    units = split_units(passages)
    if not units:
        return Ranked([], [], [])
    q = embedder.query(question)
    vectors = embedder.passages([u.text for u in units])
    return Ranked(units, _cosines(_unit_rows(vectors), _unit_rows([q])[0]).tolist(), vectors)


def document_places(passages: Sequence[Passage]) -> dict[str, int]:
    """Each document's place (0 = first) in the order its passages first appear, which is search order."""
    place: dict[str, int] = {}
    for p in passages:
        place.setdefault(p.source, len(place))
    return place


def with_source_prior(
    ranked: Ranked, passages: Sequence[Passage], weight: float = SOURCE_PRIOR, lead: float = LEAD_BONUS
) -> Ranked:
    """The units with weight / (1 + their document's place) added, and `lead` more for the first document."""
    place = document_places(passages)
    relevance = []
    for u, r in zip(ranked.units, ranked.relevance, strict=True):
        at = place[passages[u.passage].source]
        relevance.append(r + weight / (1 + at) + (lead if at == 0 else 0.0))
    return Ranked(ranked.units, relevance, ranked.vectors)


def mmr(ranked: Ranked, k: int, floor: float, seed: Sequence[int] = ()) -> list[int]:
    """Up to k unit indexes by maximal marginal relevance after the seed ones, none below floor, no near-duplicates."""
    chosen: list[int] = list(seed)
    near: dict[int, np.ndarray] = {}  # cosines of each chosen unit with every unit

    def sim(i: int, j: int) -> float:
        if j not in near:
            near[j] = _cosines(ranked.rows, ranked.rows[j])
        return float(near[j][i])

    candidates = [i for i, r in enumerate(ranked.relevance) if r >= floor and i not in chosen]
    while candidates and len(chosen) < k:

        def score(i: int) -> float:
            redundancy = max((sim(i, j) for j in chosen), default=0.0)
            return MMR_LAMBDA * ranked.relevance[i] - (1 - MMR_LAMBDA) * redundancy

        best = max(candidates, key=score)
        candidates.remove(best)
        if all(sim(best, j) < NEAR_DUPLICATE for j in chosen):
            chosen.append(best)
    return chosen


def with_openings(ranked: Ranked, chosen: Sequence[int], allowed: Sequence[bool] | None = None) -> list[int]:
    """The chosen units, each led by the first (allowed) unit of its passage, which says what the passage is about."""
    # "Complexity: beginner. Good first AI engineering project." names the project only under its section's
    # opening sentence. Eval key facts, guide answers: dev 0.767 -> 0.784, test 0.720 -> 0.728; beside figures
    # as well: 0.790 and 0.731 (an opening only before sentences of <= 8 or 16 words: dev 0.769, 0.781).
    first: dict[int, int] = {}
    for i, u in enumerate(ranked.units):
        first.setdefault(u.passage, i)
    out: list[int] = []
    for i in chosen:
        opening = first[ranked.units[i].passage]
        if opening not in chosen and opening not in out and (allowed is None or allowed[opening]):
            out.append(opening)
        out.append(i)
    return out


def only(ranked: Ranked, keep: Sequence[bool]) -> Ranked:
    """The same units, with those not kept scored below anything an answer quotes."""
    relevance = [r if k else DROPPED for r, k in zip(ranked.relevance, keep, strict=True)]
    return Ranked(ranked.units, relevance, ranked.vectors)


def best_of(ranked: Ranked, passages: Sequence[Passage], source: str, k: int) -> list[int]:
    """The k most relevant units from one document."""
    own = [i for i, u in enumerate(ranked.units) if passages[u.passage].source == source]
    return sorted(own, key=lambda i: -ranked.relevance[i])[:k]


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
        f"Skills the target postings ({report.postings}) ask for that {who} does not list yet, by demand"
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
