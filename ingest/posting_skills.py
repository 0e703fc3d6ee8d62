"""A posting's skills as ingest derives them: those it lists (market figures count these) and every one it names
(job lookups match these), and the fingerprint that tells stored postings to refresh."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from assistant.core.schema import Posting
from assistant.store.base import Filter, Match, Store
from assistant.store.collections import CHUNKS
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
