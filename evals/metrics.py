"""Scoring functions: retrieval ranks, key facts, similarity, citations, figures, refusals, latency.

Pure functions over plain values, so each is tested on its own; the runner feeds them real answers.
The figure parser is written independently of the assistant's own grounding check on purpose: an
eval that reused the code under test would share its blind spots.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

K = 5

# 34.7% / 35 % / 12.5 percent
_PERCENT = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?(?:%|percent\b)", re.IGNORECASE)
# "321 of 1,765" / "321 out of 1,765"
_N_OF_M = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)\s+(?:out\s+)?of\s+(?:the\s+)?(\d{1,3}(?:,\d{3})+|\d+)\b")
# $152,500 / $152.5K / $150k / €90,000
_MONEY = re.compile(r"([$€£])\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s?([kKmM])?\b")
# 197,500 written without a currency sign (pay tables put the currency in its own column)
_BARE_THOUSANDS = re.compile(r"(?<![\w.,$€£])(\d{1,3}(?:,\d{3})+)(?![\d,])")
# An ISO date (2026-02-27), as figures state the posting dates they count: a date, not a figure.
_ISO_DATE = re.compile(r"(?<![\w.-])\d{4}-\d{2}-\d{2}(?![\w-])")
# Bare numbers at least this large are read as amounts of money when the truth is pay.
MIN_BARE_AMOUNT = 10_000
# Phrases an answer uses when it declines or says the corpus does not cover a question.
REFUSAL = re.compile(
    r"\b(does not cover|doesn't cover|not covered|no information|nothing in the corpus"
    r"|outside (?:the (?:corpus|scope)|my scope|what (?:I|the corpus))"
    r"|can(?:no|')t help with|only (?:answer|help with)|not (?:something|a question) I can|unable to answer"
    r"|don't have (?:any )?information|do not have (?:any )?information)\b",
    re.IGNORECASE,
)


def first_relevant_rank(sources: Sequence[str], relevant: Callable[[int], bool], k: int = K) -> int | None:
    """1-based rank of the first relevant result within the top k, or None."""
    for i in range(min(k, len(sources))):
        if relevant(i):
            return i + 1
    return None


def hit_at(rank: int | None, k: int) -> float:
    """1.0 when the first relevant result is at rank k or better."""
    return 1.0 if rank is not None and rank <= k else 0.0


def reciprocal_rank(rank: int | None, k: int = K) -> float:
    """1/rank within the top k, else 0 (averaged, this is MRR@k)."""
    return 1.0 / rank if rank is not None and rank <= k else 0.0


def mean(values: Iterable[float]) -> float | None:
    """Arithmetic mean, None for no values."""
    vals = list(values)
    return sum(vals) / len(vals) if vals else None


def matched_facts(text: str, patterns: Sequence[str]) -> list[bool]:
    """For each key-fact regex, whether the text matches it (case-insensitive)."""
    return [re.search(p, text, re.IGNORECASE) is not None for p in patterns]


def key_fact_recall(text: str, patterns: Sequence[str]) -> float | None:
    """Share of key facts the text states; None when the case lists none."""
    if not patterns:
        return None
    hits = matched_facts(text, patterns)
    return sum(hits) / len(hits)


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity of two vectors (0 when either is all zeros)."""
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    na, nb = math.sqrt(sum(x * x for x in a)), math.sqrt(sum(y * y for y in b))
    return dot / (na * nb) if na and nb else 0.0


def citation_precision(good: Sequence[bool]) -> float | None:
    """Share of citations judged good; None when the answer cites nothing."""
    return sum(good) / len(good) if good else None


_CITED_LINE = re.compile(r"^.*\[\d+\].*$", re.MULTILINE)


def is_refusal(text: str) -> bool:
    """True when the answer, outside its cited lines, declines or says the corpus does not cover the question."""
    # A cited line quotes or states what a source says ("These are not covered in the core path above [2]").
    return REFUSAL.search(_CITED_LINE.sub("", text)) is not None


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) by linear interpolation, None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


@dataclass(frozen=True)
class Stated:
    """A figure as an answer writes it: the text, its value and the tolerance its rounding allows."""

    text: str
    value: float
    tolerance: float


def stated_percents(text: str) -> list[Stated]:
    """Percentages in the text; tolerance is half a unit of the last written digit."""
    out = []
    for m in _PERCENT.finditer(text):
        decimals = len(m.group(1).partition(".")[2])
        out.append(Stated(m.group(0), float(m.group(1)), 0.5 * 10**-decimals + 1e-9))
    return out


def stated_counts(text: str) -> list[tuple[int, int]]:
    """'N of M' pairs in the text."""
    return [(int(a.replace(",", "")), int(b.replace(",", ""))) for a, b in _N_OF_M.findall(text)]


def stated_money(text: str) -> list[Stated]:
    """Money amounts in the text, scaled by K/M suffixes, with the tolerance their rounding allows."""
    out = []
    for m in _MONEY.finditer(text):
        whole, frac, suffix = m.group(2).replace(",", ""), m.group(3) or "", (m.group(4) or "").lower()
        scale = {"k": 1e3, "m": 1e6}.get(suffix, 1.0)
        value = float(f"{whole}.{frac}" if frac else whole) * scale
        out.append(Stated(m.group(0), value, 0.5 * 10 ** -len(frac) * scale + 1e-9))
    return out


def stated_bare_amounts(text: str) -> list[Stated]:
    """Numbers with thousands separators and no currency sign, of at least MIN_BARE_AMOUNT."""
    out = []
    for m in _BARE_THOUSANDS.finditer(text):
        value = float(m.group(1).replace(",", ""))
        if value >= MIN_BARE_AMOUNT:
            out.append(Stated(m.group(1), value, 0.5 + 1e-9))
    return out


@dataclass(frozen=True)
class FigureTruth:
    """What the postings say: the headline figures an answer must state, and every other true figure."""

    headline_percents: tuple[float, ...] = ()
    percents: tuple[float, ...] = ()
    counts: tuple[int, ...] = ()
    totals: tuple[int, ...] = ()
    headline_money: tuple[float, ...] = ()
    money: tuple[float, ...] = ()
    headline_counts: tuple[int, ...] = ()


@dataclass(frozen=True)
class FigureCheck:
    """Whether an answer's figures are right, and which ones were wrong."""

    stated_headline: bool
    wrong: tuple[str, ...]

    @property
    def accurate(self) -> bool:
        """The headline figure is there and no stated figure contradicts the truth."""
        return self.stated_headline and not self.wrong


def _near(s: Stated, truths: Iterable[float]) -> bool:
    return any(abs(s.value - t) <= s.tolerance for t in truths)


def check_figures(answer: str, truth: FigureTruth, quoted: str = "") -> FigureCheck:
    """Every percentage, 'N of M' and amount in the answer must equal a computed truth or be quoted from a source.

    Dates are not figures: an ISO date (the posting dates a figure counts) is read as no number at all.
    """
    answer = _ISO_DATE.sub(" ", answer)
    percents, money, counts = stated_percents(answer), stated_money(answer), stated_counts(answer)
    all_percents = (*truth.headline_percents, *truth.percents)
    all_money = (*truth.headline_money, *truth.money)
    all_counts = (*truth.headline_counts, *truth.counts)
    if all_money:
        known = {*all_counts, *truth.totals}
        money += [b for b in stated_bare_amounts(answer) if b.value not in known]
    wrong = [p.text for p in percents if not _near(p, all_percents) and p.text not in quoted]
    wrong += [m.text for m in money if not _near(m, all_money) and m.text not in quoted]
    wrong += [
        f"{n} of {m}"
        for n, m in counts
        if not (n in all_counts and m in truth.totals) and not re.search(rf"\b{n}\b.*\b{m}\b", quoted.replace(",", ""))
    ]
    headline = (
        any(_near(p, truth.headline_percents) for p in percents)
        or any(_near(m, truth.headline_money) for m in money)
        or any(n in truth.headline_counts for n, _ in counts)
        or any(re.search(rf"(?<![\d,.]){c:,}(?![\d,])|(?<![\d,.]){c}(?![\d,])", answer) for c in truth.headline_counts)
    )
    return FigureCheck(headline, tuple(wrong))
