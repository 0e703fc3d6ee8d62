"""A posting's skills as ingest derives them: those it lists (market figures count these) and every one it names
(job lookups match these), and the fingerprint that tells stored postings to refresh."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from assistant.core.schema import Posting
from assistant.store.base import Filter, Match, Point, Store
from assistant.store.collections import CHUNKS, POSTINGS, posting_from_payload, posting_payload
from assistant.vocab.mentions import prose_skills
from assistant.vocab.skills import Taxonomy

# Bump when `canonical_skills` or `mentioned_skills` changes how it derives skills: stored postings are then refreshed.
SKILLS_RULE = "structured-else-raw/1+mentions/1"


def taxonomy_fingerprint(taxonomy: Taxonomy) -> str:
    """A hash of the skill taxonomy and the rule: postings' canonical and mentioned skills depend on them."""
    digest = hashlib.sha256(SKILLS_RULE.encode())
    for name in taxonomy.names():
        s = taxonomy.skill(name)
        flags = (sorted(s.case_sensitive), sorted(s.context_only))  # how free text is matched
        digest.update(repr((s.name, s.category, sorted(s.aliases), sorted(s.patterns), flags)).encode())
    return digest.hexdigest()[:16]


def canonical_skills(taxonomy: Taxonomy, posting: Posting) -> list[str]:
    """A posting's canonical skills: from the structured extraction, else the raw listing's tags."""
    # The published market figures count the structured skills; raw tags are sparser and noisier.
    return taxonomy.canonical_set(posting.skills.all() or posting.raw_skills)


def mentioned_skills(taxonomy: Taxonomy, posting: Posting, texts: Iterable[str]) -> list[str]:
    """Every canonical skill a posting names: in its structured skills, its raw tags or its own text."""
    named = {*posting.canonical_skills, *taxonomy.canonical_set([*posting.skills.all(), *posting.raw_skills])}
    return sorted(named | prose_skills(taxonomy, texts), key=str.casefold)


def texts_by_job(chunks: Iterable[tuple[str | None, str, str]]) -> dict[str, list[str]]:
    """Postings' chunk sections and texts (from (job id, section, text) triples) by job id: what `mentioned_skills`
    reads, at load from the chunks about to be indexed and on a refresh from the indexed ones, so both find the same."""
    texts: dict[str, list[str]] = {}
    for job_id, section, text in chunks:
        if job_id:
            texts.setdefault(job_id, []).extend(t for t in (section, text) if t)
    return texts


def indexed_texts(store: Store, job_ids: Sequence[str]) -> dict[str, list[str]]:
    """`texts_by_job` of these postings' indexed chunks."""
    if not job_ids:
        return {}
    records = store.scroll(CHUNKS, Filter(must=(Match("job_id", tuple(job_ids)),)), fields=["job_id", "section", "text"])
    return texts_by_job((r.payload.get("job_id"), r.payload.get("section") or "", r.payload.get("text") or "") for r in records)


def refresh_skills(store: Store, taxonomy: Taxonomy, batch: int = 256) -> int:
    """Re-derive every stored posting's listed and mentioned skills after the taxonomy changed; how many were refreshed.

    Nothing is re-embedded: mentions are read again from the indexed chunks.
    """
    # The stored vector was made with the old skill names in its text; the drift is small and
    # the next change to the posting itself re-embeds it.
    done = 0
    points: list[Point] = []
    for point in store.scroll_points(POSTINGS):
        points.append(point)
        if len(points) == batch:
            done += _refresh(store, taxonomy, points)
            points = []
    return done + _refresh(store, taxonomy, points)


def _refresh(store: Store, taxonomy: Taxonomy, points: list[Point]) -> int:
    postings = [posting_from_payload(point.payload) for point in points]
    texts = indexed_texts(store, [p.job_id for p in postings])
    for posting in postings:
        posting.canonical_skills = canonical_skills(taxonomy, posting)
        posting.mentioned_skills = mentioned_skills(taxonomy, posting, texts.get(posting.job_id, []))
    store.upsert(POSTINGS, [Point(pt.id, posting_payload(p), dense=pt.dense) for pt, p in zip(points, postings, strict=True)])
    return len(points)
