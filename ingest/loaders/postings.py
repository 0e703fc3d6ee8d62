"""Job postings: a raw posting, its structured extraction and its listing row joined by job id into one Posting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from assistant.core.schema import SKILL_CATEGORIES, Document, Posting, SkillsByCategory
from assistant.errors import LoaderError
from ingest.loaders.location import parse_location
from ingest.loaders.posting_text import posting_document
from ingest.loaders.textio import decode_text, read_bytes, strip_controls
from ingest.loaders.yamlio import YamlLimitError, parse_yaml, repair_block_scalars, yaml_error_line, yaml_reason

RAW_DIR = "data_raw"
STRUCTURED_DIR = "data_structured"
_WORK_TYPES = {"remote": "Remote", "hybrid": "Hybrid", "in-office": "In-Office", "onsite": "In-Office", "on-site": "In-Office"}
_UNKNOWN = {"", "unknown", "n/a", "none", "null"}

Fields = Mapping[str, object]


@dataclass
class PostingParts:
    """What one job id has: the parsed raw and structured files (None when absent or unusable) and its listing row."""

    job_id: str
    source: str
    raw: Fields | None = None
    structured: Fields | None = None
    listing: Mapping[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _text(value: object) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = " ".join(strip_controls(str(value)).split())
    return text or None


def _known(value: object) -> str | None:
    text = _text(value)
    return None if text is None or text.lower() in _UNKNOWN else text


def _strings(value: object) -> list[str]:
    items = value if isinstance(value, list) else []
    return [text for item in items if (text := _text(item))]


def _mapping(value: object) -> Fields:
    return value if isinstance(value, dict) else {}


def _iso_date(value: object) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = _text(value)
    try:
        return dt.date.fromisoformat(text[:10]).isoformat() if text else None
    except ValueError:
        return None


def _skills(value: object) -> SkillsByCategory:
    by_category: dict[str, list[str]] = {cat: [] for cat in SKILL_CATEGORIES}
    for category, items in _mapping(value).items():
        key = str(category).lower()
        by_category[key if key in by_category else "other"].extend(_strings(items))
    return SkillsByCategory(**by_category)


def _work_type(listing: str | None, raw: str | None, remote: bool) -> str | None:
    # The raw work_type is an employment type (FULL_TIME, INTERN): used only if it names an arrangement.
    if listing:
        return listing
    if raw and raw.lower() in _WORK_TYPES:
        return _WORK_TYPES[raw.lower()]
    return "Remote" if remote else None


def build_posting(parts: PostingParts) -> Posting:
    """The joined Posting; raw values win for the posting's own facts, the listing for location and arrangement."""
    raw, listing = parts.raw or {}, parts.listing
    structured = parts.structured or {}
    company, position = _mapping(structured.get("company")), _mapping(structured.get("position"))
    title = _text(raw.get("title")) or _text(listing.get("title")) or _text(position.get("title"))
    company_name = _text(raw.get("company")) or _text(company.get("name")) or _text(listing.get("company"))
    if not title or not company_name:
        raise LoaderError(parts.source, "no job title or company in the raw, structured or listing data")
    raw_place, listing_place = parse_location(_text(raw.get("location"))), parse_location(listing.get("location"))
    ai_type = position.get("ai_type")
    flags = {key: position.get(key, structured.get(key)) for key in ("is_customer_facing", "is_management")}
    return Posting(
        job_id=parts.job_id,
        source=parts.source,
        title=title,
        company=company_name,
        company_stage=_known(company.get("stage")),
        company_focus=_known(company.get("focus")),
        location=_text(listing.get("location")) or _text(raw.get("location")),
        # The raw location is normalised ("New York, USA"); the listing's is freer ("Brooklyn, New York, NY, USA").
        city=raw_place.city or listing_place.city,
        country=raw_place.country or listing_place.country,
        work_type=_work_type(
            _text(listing.get("work_type")), _text(raw.get("work_type")), raw_place.remote or listing_place.remote
        ),
        level=_text(listing.get("level")) or _text(raw.get("level")),
        ai_type=_text(_mapping(ai_type).get("type") if isinstance(ai_type, dict) else ai_type),
        responsibilities=_strings(position.get("responsibilities")),
        use_cases=_strings(position.get("use_cases")),
        skills=_skills(position.get("skills")),
        raw_skills=_strings(raw.get("skills")),
        compensation=_text(listing.get("compensation")) or _text(raw.get("compensation")),
        posted_date=_iso_date(raw.get("posted_date")) or _iso_date(listing.get("scraped_date")),
        url=_text(raw.get("url")) or _text(listing.get("link")),
        is_customer_facing=flags["is_customer_facing"] if isinstance(flags["is_customer_facing"], bool) else None,
        is_management=flags["is_management"] if isinstance(flags["is_management"], bool) else None,
    )


def read_raw_posting(path: Path, source: str, warnings: list[str]) -> Fields | None:
    """A raw posting's fields; invalid YAML is repaired when continuation lines lost their indent, else None."""
    try:
        text = decode_text(read_bytes(path, source), source)
    except LoaderError as exc:
        warnings.append(f"raw posting unusable ({exc.reason}); built from the structured data and listing")
        return None
    try:
        data = parse_yaml(text)
    except YamlLimitError as exc:
        warnings.append(f"raw posting unusable ({yaml_reason(exc)}); built from the structured data and listing")
        return None
    except yaml.YAMLError as exc:
        where = f" at line {line}" if (line := yaml_error_line(exc)) else ""
        repaired, moved = repair_block_scalars(text)
        try:
            data = parse_yaml(repaired) if moved else None
        except yaml.YAMLError:
            data = None
        if not isinstance(data, dict):
            warnings.append(f"raw posting is invalid YAML{where}; built from the structured data and listing, no description")
            return None
        warnings.append(f"raw posting is invalid YAML{where}; read it leniently ({moved} unindented description lines)")
    if not isinstance(data, dict):
        warnings.append("raw posting is not a YAML mapping; built from the structured data and listing")
        return None
    return data


def read_structured(path: Path, source: str, job_id: str, warnings: list[str]) -> Fields | None:
    """A structured extraction's fields, None (with a warning) when unusable; warns when its job id disagrees."""
    try:
        data = parse_yaml(decode_text(read_bytes(path, source), source))
    except (LoaderError, yaml.YAMLError) as exc:
        reason = exc.reason if isinstance(exc, LoaderError) else yaml_reason(exc)
        warnings.append(f"structured file {path.name} unusable ({reason})")
        return None
    if not isinstance(data, dict):
        warnings.append(f"structured file {path.name} is not a YAML mapping")
        return None
    meta_id = _text(_mapping(data.get("meta")).get("job_id"))
    if meta_id and meta_id != job_id:
        warnings.append(f"structured file {path.name} says job id {meta_id}, its name says {job_id}")
    return data


def read_parts(job_id: str, source: str, paths: tuple[Path, ...], listing: Mapping[str, str]) -> PostingParts:
    """Read the files of one job (raw and/or structured, told apart by their folder) into PostingParts."""
    parts = PostingParts(job_id=job_id, source=source, listing=dict(listing))
    for path in paths:
        if path.parent.name == RAW_DIR:
            parts.raw = read_raw_posting(path, source, parts.warnings)
        elif path.parent.name == STRUCTURED_DIR:
            parts.structured = read_structured(path, source, job_id, parts.warnings)
    return parts


def job_id_from_name(name: str) -> str | None:
    """The job id a posting file name starts with: the part before the first "_" (or the whole stem)."""
    stem = name.rsplit(".", 1)[0]
    job_id = stem.split("_", 1)[0].strip()
    return job_id or None


def load_posting(
    source: str, paths: tuple[Path, ...], listing: Mapping[str, str], content_hash: str
) -> tuple[Posting, Document | None, list[str]]:
    """The Posting, its description document and any warnings for one job's files and listing row."""
    job_id = next((j for p in paths if (j := job_id_from_name(p.name))), None) or listing.get("id", "")
    if not job_id:
        raise LoaderError(source, "no job id in the file names or listing row; name files <job id>_<title>.yaml")
    parts = read_parts(job_id, source, paths, listing)
    posting = build_posting(parts)
    description = (parts.raw or {}).get("description")
    document = posting_document(posting, description if isinstance(description, str) else None, content_hash)
    return posting, document, parts.warnings
