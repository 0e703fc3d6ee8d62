"""A job posting's searchable document: its description split at the headings it uses, or its extracted fields."""

from __future__ import annotations

from assistant.core.schema import GLANCE_SECTION, Document, Posting, Section
from ingest.loaders.structure import build_sections, plain_text_events, unwrap

# A description with more "headings" than body lines is really a list of short lines: keep it whole.
MAX_HEADINGS_SHARE = 1.0


def description_sections(description: str) -> list[Section]:
    """Sections of a description: hard wraps undone, lines like "What You'll Do" or "## Requirements" as headings."""
    lines = [_strip_markup(line) for line in unwrap(description.replace("\r\n", "\n").split("\n"))]
    events = plain_text_events(lines)
    sections = build_sections(events)
    body_lines = sum(1 for e in events if isinstance(e, str) and e.strip())
    headings = len(events) - sum(1 for e in events if isinstance(e, str))
    if not sections or headings > MAX_HEADINGS_SHARE * max(body_lines, 1):
        text = "\n".join(line for line in lines).strip()
        return [Section(heading="", text=text)] if text else []
    return sections


def _strip_markup(line: str) -> str:
    stripped = line.strip()
    if stripped.startswith("#") and stripped.lstrip("#").startswith(" "):
        return stripped.lstrip("#").strip()
    if len(stripped) > 4 and stripped.startswith("**") and stripped.endswith("**"):
        return stripped[2:-2].strip()
    return line


def fields_sections(posting: Posting) -> list[Section]:
    """Sections from the extracted fields, for a posting whose description is missing."""
    parts = [
        ("Responsibilities", posting.responsibilities),
        ("Use cases", posting.use_cases),
        ("Skills", posting.skills.all() or posting.raw_skills),
    ]
    return [Section(heading=heading, text="\n".join(f"- {item}" for item in items)) for heading, items in parts if items]


def glance_text(posting: Posting, sections: list[Section]) -> str:
    """What the job is, for its dense vector: responsibilities, use cases and skills, else the description's start."""
    parts = [*posting.responsibilities[:8], *posting.use_cases[:4]]
    skills = posting.skills.all() or posting.raw_skills
    if skills:
        parts.append("Skills: " + ", ".join(skills))
    if not posting.responsibilities and not posting.use_cases:
        # No extraction to lean on: the description's own words stand in (the chunker cuts them to size).
        parts.insert(0, "\n".join(s.text for s in sections))
    return "\n".join(p for p in parts if p.strip())


def posting_document(posting: Posting, description: str | None, content_hash: str) -> Document | None:
    """The posting's document (doc_type job_posting), or None when it has no text at all; its at-a-glance section last."""
    sections = description_sections(description) if description and description.strip() else []
    sections = sections or fields_sections(posting)
    if not sections:
        return None
    sections = [*sections, Section(heading=GLANCE_SECTION, text=glance_text(posting, sections))]
    return Document(
        source=posting.source,
        title=f"{posting.title} at {posting.company}",
        doc_type="job_posting",
        url=posting.url,
        sections=sections,
        content_hash=content_hash,
        company=posting.company,
        city=posting.city,
        job_id=posting.job_id,
    )
