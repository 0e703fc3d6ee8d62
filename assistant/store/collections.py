"""The four collections, their payload indexes, and record <-> payload conversion."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Literal

from assistant.core.schema import Chunk, Hit, Posting, SkillsByCategory, carries_meaning, stable_id
from assistant.store.base import CollectionSpec, PayloadType, Record

CHUNKS = "chunks"
POSTINGS = "postings"
FILES = "files"
# Vectors of the guides' quotable sentences, made at ingest so an extractive answer need not embed them.
SENTENCES = "sentences"

CHUNK_INDEXES: dict[str, PayloadType] = {
    "source": "keyword",
    "doc_type": "keyword",
    "city": "keyword",
    "section": "keyword",
    "company": "keyword",
    "job_id": "keyword",
    "position": "integer",
    "embed_hash": "keyword",
}
POSTING_INDEXES: dict[str, PayloadType] = {
    "job_id": "keyword",
    "source": "keyword",
    "company": "keyword",
    "city": "keyword",
    "country": "keyword",
    "level": "keyword",
    "work_type": "keyword",
    "ai_type": "keyword",
    "skills": "keyword",
    "mentioned_skills": "keyword",
    "posted_day": "integer",
}
# A posting's skills as figures count them (`skills`: the structured list, else the raw tags), and as job
# lookups match them (`mentioned_skills`: also a skill its tags or description name).
SkillField = Literal["skills", "mentioned_skills"]
LISTED: SkillField = "skills"
MENTIONED: SkillField = "mentioned_skills"
FILE_INDEXES: dict[str, PayloadType] = {"source": "keyword"}
SENTENCE_INDEXES: dict[str, PayloadType] = {"source": "keyword"}
FILE_VECTOR = [1.0]


def specs(dim: int) -> dict[str, CollectionSpec]:
    """Collection specs for an embedding dimension."""
    return {
        CHUNKS: CollectionSpec(dense_size=dim, sparse=True, indexes=CHUNK_INDEXES),
        POSTINGS: CollectionSpec(dense_size=dim, sparse=False, indexes=POSTING_INDEXES),
        # Qdrant wants a vector per collection; file records carry a constant 1-d one.
        FILES: CollectionSpec(dense_size=1, sparse=False, indexes=FILE_INDEXES),
        SENTENCES: CollectionSpec(dense_size=dim, sparse=False, indexes=SENTENCE_INDEXES),
    }


def sentence_id(text: str) -> str:
    """The point id of a sentence's vector: the same text in two documents shares one point."""
    return stable_id(f"sentence:{text}")


def embed_hash(text: str) -> str:
    """The key a dense vector is reused by: the same embedding text anywhere in the index has the same vector."""
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def chunk_payload(chunk: Chunk) -> dict[str, Any]:
    """A chunk as stored; one with a dense vector carries the hash of the text it was made from."""
    payload = chunk.model_dump(exclude={"id"})
    if carries_meaning(chunk.doc_type, chunk.section):
        payload["embed_hash"] = embed_hash(chunk.embedding_text())
    return payload


def hit_from_record(record: Record) -> Hit:
    """A search hit from a stored chunk."""
    p = record.payload
    return Hit(
        chunk_id=record.id,
        source=p["source"],
        title=p.get("title", ""),
        section=p.get("section") or "",
        page=p.get("page"),
        score=record.score,
        text=p.get("text", ""),
        url=p.get("url"),
        doc_type=p.get("doc_type", "other"),
        company=p.get("company"),
        city=p.get("city"),
    )


def posted_day(iso_date: str | None) -> int | None:
    """YYYY-MM-DD as the integer YYYYMMDD, for range filters."""
    if not iso_date or len(iso_date) < 10:
        return None
    try:
        return int(iso_date[:10].replace("-", ""))
    except ValueError:
        return None


def posting_payload(posting: Posting) -> dict[str, Any]:
    """A posting as stored: canonical skills in `skills` (faceted), every named skill in `mentioned_skills`,
    extracted strings by category kept."""
    data = posting.model_dump(exclude={"skills", "canonical_skills"})
    data["skills"] = list(posting.canonical_skills)
    data["mentioned_skills"] = sorted({*posting.canonical_skills, *posting.mentioned_skills}, key=str.casefold)
    data["skills_by_category"] = posting.skills.model_dump()
    data["posted_day"] = posted_day(posting.posted_date)
    return data


def posting_from_payload(payload: dict[str, Any]) -> Posting:
    """The posting a stored payload describes."""
    data = {k: v for k, v in payload.items() if k not in {"skills", "skills_by_category", "posted_day"}}
    return Posting(
        **data,
        skills=SkillsByCategory(**(payload.get("skills_by_category") or {})),
        canonical_skills=payload.get("skills") or [],
    )


def posting_embedding_text(posting: Posting) -> str:
    """What a posting's vector is made from: title, company, responsibilities and skills."""
    parts = [f"{posting.title} at {posting.company}"]
    parts += posting.responsibilities[:8]
    skills = posting.canonical_skills or posting.skills.all()
    if skills:
        parts.append("Skills: " + ", ".join(skills))
    return "\n".join(parts)


@dataclass(frozen=True)
class FileState:
    """What the index knows about one ingested unit."""

    source: str
    content_hash: str
    kind: str
    chunks: int
    postings: int
    chunking: str = "1"

    def payload(self) -> dict[str, Any]:
        """As stored in the files collection."""
        return {
            "source": self.source,
            "content_hash": self.content_hash,
            "kind": self.kind,
            "chunks": self.chunks,
            "postings": self.postings,
            "chunking": self.chunking,
        }

    @classmethod
    def from_payload(cls, p: dict[str, Any]) -> FileState:
        """From a stored payload."""
        return cls(
            p["source"],
            p["content_hash"],
            p.get("kind", ""),
            int(p.get("chunks", 0)),
            int(p.get("postings", 0)),
            str(p.get("chunking", "1")),
        )
