"""Evidence the agent's tools return: records with stable ids, and the per-run registry answers are checked against."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel

from assistant.market.dates import ISO_DATE

EvidenceKind = Literal["passage", "figure", "posting"]

# Numbers as written in prose and tables: 1,765 / 12.5 / 40.
NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.])\d+(?:\.\d+)?")
# A percentage as written: 12.5% / 12.5 % / 12.5 percent.
PERCENT = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?(?:%|percent\b)", re.IGNORECASE)
# Corpus text reaches the model only between these tags (see `as_data`); the instructions say it is data.
DATA_OPEN, DATA_CLOSE = "<retrieved-text>", "</retrieved-text>"
_DATA_TAG = re.compile(r"<(\s*/?\s*retrieved-text)", re.IGNORECASE)


class Evidence(BaseModel):
    """One citable thing a tool returned: a passage, a computed figure or a job posting."""

    id: str
    kind: EvidenceKind
    source: str
    title: str
    section: str = ""
    page: int | None = None
    url: str | None = None
    text: str


def as_data(text: str) -> str:
    """Corpus text wrapped in the data tags, any tag inside it defused so the text cannot close the block early."""
    return "\n".join((DATA_OPEN, _DATA_TAG.sub(r"&lt;\1", text), DATA_CLOSE))


def passage_id(chunk_id: str) -> str:
    """Stable short id of a corpus chunk (its point id, shortened)."""
    return "doc:" + chunk_id.replace("-", "")[:10]


def posting_id(job_id: str) -> str:
    """Stable id of a job posting."""
    return f"job:{job_id}"


def figure_id(*parts: str) -> str:
    """Stable id of a computed figure: a hash of what was computed and over which postings."""
    return "stat:" + hashlib.sha1("|".join(parts).encode()).hexdigest()[:10]


def numbers_in(text: str) -> set[float]:
    """Every number written in the text, commas removed."""
    return {float(m.replace(",", "")) for m in NUMBER.findall(text)}


def pct(share: float) -> str:
    """A share in [0, 1] as the percentage the tools print (one decimal)."""
    return f"{100 * share:.1f}%"


@dataclass
class EvidenceRegistry:
    """What the tools returned in one run: citable evidence by id, and every number they stated."""

    items: dict[str, Evidence] = field(default_factory=dict)
    numbers: set[float] = field(default_factory=set)
    percents: set[float] = field(default_factory=set)

    def add(self, evidence: Evidence) -> Evidence:
        """Register evidence (idempotent by id) and the numbers its text states; a date's digits are no such number."""
        self.items.setdefault(evidence.id, evidence)
        figures = ISO_DATE.sub(" ", evidence.text)
        self.numbers |= numbers_in(figures)
        self.percents |= {float(m) for m in PERCENT.findall(figures)}
        return evidence

    def allow_share(self, share: float) -> None:
        """Record a computed share in [0, 1], so any rounding of it may be stated."""
        self.percents.add(100 * share)

    def allow_count(self, n: int) -> None:
        """Record a count a tool computed that appears in no evidence text (e.g. how many results)."""
        self.numbers.add(float(n))

    def get(self, evidence_id: str) -> Evidence | None:
        """The evidence with this id, if a tool returned it this run."""
        return self.items.get(evidence_id)

    def known_percent(self, value: float, decimals: int) -> bool:
        """True when a stated percentage is a rounding of a computed share or is written in the evidence."""
        tolerance = 0.5 * 10**-decimals + 1e-9
        return any(abs(p - value) <= tolerance for p in self.percents)

    def known_count(self, value: float) -> bool:
        """True when a stated count was returned by a tool."""
        return value in self.numbers
