"""Typed records passed between stages: documents, postings, chunks, sparse vectors, search hits."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from pydantic import BaseModel, Field

from assistant.vocab.terms import DOC_TYPES, SKILL_CATEGORIES, DocType

__all__ = ["DOC_TYPES", "SKILL_CATEGORIES", "DocType", "SparseVec"]


@dataclass(frozen=True)
class SparseVec:
    """A sparse vector (BM25 term weights)."""

    indices: list[int]
    values: list[float]


# The section name of a guide's outline chunk (title, opening sentences, headings), which search treats apart.
OUTLINE_SECTION = "Outline"
# The section name of a posting's one dense-embedded chunk (title, responsibilities, use cases, skills): the rest
# of a posting (benefits, boilerplate, the full description) is searched by its words only.
GLANCE_SECTION = "At a glance"


def carries_meaning(doc_type: str, section: str) -> bool:
    """Whether a chunk gets a dense vector: every guide chunk, and a posting's at-a-glance chunk only."""
    return doc_type != "job_posting" or section == GLANCE_SECTION


def searched_by_words(doc_type: str, section: str) -> bool:
    """Whether a chunk gets a BM25 vector: all but a posting's at-a-glance chunk, whose words its description holds."""
    return doc_type != "job_posting" or section != GLANCE_SECTION


# Namespace for deterministic point ids (uuid5 of a stable key).
ID_NAMESPACE = uuid.UUID("6f1c1b2e-8d4a-4c7e-9a57-3c2b1d0e5f91")


def stable_id(key: str) -> str:
    """A deterministic UUID string for a key, usable as a Qdrant point id."""
    return str(uuid.uuid5(ID_NAMESPACE, key))


class Section(BaseModel):
    """A piece of a document under one heading path (or one PDF page)."""

    heading: str = Field("", description="Heading path joined with ' > ', empty for text before any heading.")
    text: str
    page: int | None = None


class Document(BaseModel):
    """One loaded file (or one job posting's description), ready for chunking."""

    source: str = Field(description="Path relative to the corpus root, with forward slashes.")
    title: str
    doc_type: DocType
    url: str | None = None
    sections: list[Section]
    content_hash: str = Field(description="sha256 of the bytes the document came from.")
    company: str | None = None
    city: str | None = None
    job_id: str | None = None


class SkillsByCategory(BaseModel):
    """Extracted skills as the structured postings list them (free text)."""

    genai: list[str] = []
    ml: list[str] = []
    web: list[str] = []
    databases: list[str] = []
    data: list[str] = []
    cloud: list[str] = []
    ops: list[str] = []
    languages: list[str] = []
    domains: list[str] = []
    other: list[str] = []

    def all(self) -> list[str]:
        """Every skill string across categories, in order, without duplicates."""
        seen: dict[str, None] = {}
        for cat in SKILL_CATEGORIES:
            for s in getattr(self, cat):
                seen.setdefault(s, None)
        return list(seen)


class Posting(BaseModel):
    """One job: raw posting, structured extraction and listing row joined by job id."""

    job_id: str
    source: str = Field(description="The data_raw file (or the structured one when the raw file is unusable).")
    title: str
    company: str
    company_stage: str | None = None
    company_focus: str | None = None
    location: str | None = None
    city: str | None = None
    country: str | None = None
    work_type: str | None = None
    level: str | None = None
    ai_type: str | None = None
    responsibilities: list[str] = []
    use_cases: list[str] = []
    skills: SkillsByCategory = SkillsByCategory()
    raw_skills: list[str] = []
    compensation: str | None = None
    posted_date: str | None = Field(None, description="ISO date, YYYY-MM-DD.")
    url: str | None = None
    is_customer_facing: bool | None = None
    is_management: bool | None = None
    canonical_skills: list[str] = Field([], description="Canonical skill names, filled at indexing from the taxonomy.")
    mentioned_skills: list[str] = Field(
        [], description="Canonical skills named anywhere: structured skills, raw tags or description; filled at indexing."
    )


class Chunk(BaseModel):
    """A token-bounded slice of a document, with the context it is embedded with."""

    id: str
    source: str
    position: int
    title: str
    doc_type: DocType
    section: str = ""
    page: int | None = None
    text: str
    url: str | None = None
    content_hash: str
    company: str | None = None
    city: str | None = None
    job_id: str | None = None
    mostly_links: bool = Field(False, description="A guide passage, or a guide, that is mostly links (chunking.mostly_links).")

    def embedding_text(self) -> str:
        """Title and section prepended so a chunk is found by what it is about."""
        head = self.title if not self.section or self.section == self.title else f"{self.title} — {self.section}"
        return f"{head}\n{self.text}"


class Hit(BaseModel):
    """One search result: a chunk with its score."""

    chunk_id: str
    source: str
    title: str
    section: str = ""
    page: int | None = None
    score: float
    text: str
    url: str | None = None
    doc_type: DocType = "other"
    company: str | None = None
    city: str | None = None
