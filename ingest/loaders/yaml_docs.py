"""Single YAML files: a job posting (raw or structured shape), an interview-process record, or any other data."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

import yaml

from assistant.core.schema import Document, Posting, Section
from assistant.errors import LoaderError
from ingest.loaders.doctype import file_document
from ingest.loaders.posting_text import posting_document
from ingest.loaders.postings import PostingParts, build_posting, job_id_from_name
from ingest.loaders.textio import decode_text, read_bytes
from ingest.loaders.yamlio import YamlLimitError, parse_yaml, yaml_reason

_TITLE_KEYS = ("title", "name", "role")


def _is_raw_posting(data: Mapping[str, object]) -> bool:
    return isinstance(data.get("title"), str) and isinstance(data.get("company"), str) and "description" in data


def _is_structured_posting(data: Mapping[str, object]) -> bool:
    return isinstance(data.get("position"), dict) and isinstance(data.get("company"), dict)


def _is_interview_process(data: Mapping[str, object]) -> bool:
    return isinstance(data.get("company"), str) and ("steps" in data or "process_summary" in data)


def _items(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


def _scalar(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def render(value: object, indent: str = "") -> list[str]:
    """Any YAML value as readable indented "key: value" / "- item" lines."""
    if isinstance(value, dict):
        lines: list[str] = []
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines += [f"{indent}{key}:", *render(item, indent + "  ")]
            elif _scalar(item):
                lines.append(f"{indent}{key}: {_scalar(item)}")
        return lines
    if isinstance(value, list):
        lines = []
        for item in value:
            nested = render(item, indent + "  ")
            if nested:
                lines += [f"{indent}- {nested[0].strip()}", *nested[1:]]
        return lines
    return [f"{indent}{_scalar(value)}"] if _scalar(value) else []


def interview_process_text(data: Mapping[str, object]) -> str:
    """An interview-process record (company, role, steps, notes, source postings) as readable text."""
    lines = [f"Company: {_scalar(data.get('company'))}", f"Role: {_scalar(data.get('role'))}"]
    if summary := _scalar(data.get("process_summary")):
        lines.append(f"Process: {summary}")
    steps = _items(data.get("steps"))
    if steps:
        lines.append("Steps:")
    for number, item in enumerate(steps, start=1):
        step: Mapping[str, object] = item if isinstance(item, dict) else {"name": item}
        extras = "; ".join(_scalar(step[k]) for k in ("duration", "details") if _scalar(step.get(k)))
        lines.append(f"{number}. {_scalar(step.get('name'))}" + (f" ({extras})" if extras else ""))
    if notable := _scalar(data.get("notable")):
        lines.append(f"Notable: {notable}")
    postings = [Path(str(name)).stem.replace("_", " ") for name in _items(data.get("source_files")) if name]
    if postings:
        lines.append("Based on job postings: " + "; ".join(postings))
    return "\n".join(lines)


def _document(source: str, title: str, text: str, data: bytes) -> Document:
    return file_document(source, title, [Section(heading="", text=text)], data)


def load_yaml(path: Path, source: str) -> tuple[list[Document], list[Posting]]:
    """Documents and postings from one YAML file, by what its content looks like; LoaderError when unusable."""
    data = read_bytes(path, source)
    try:
        parsed = parse_yaml(decode_text(data, source))
    except yaml.YAMLError as exc:
        fix = "simplify it" if isinstance(exc, YamlLimitError) else "fix the syntax"
        raise LoaderError(source, f"{yaml_reason(exc)}; {fix}") from exc
    if not parsed:
        raise LoaderError(source, "the YAML file holds no data; add content or remove it")
    content_hash = hashlib.sha256(data).hexdigest()
    if isinstance(parsed, dict) and (_is_raw_posting(parsed) or _is_structured_posting(parsed)):
        raw = parsed if _is_raw_posting(parsed) else None
        meta = parsed.get("meta")
        meta_id = meta.get("job_id") if isinstance(meta, dict) else None
        job_id = _scalar(parsed.get("job_id")) or _scalar(meta_id) or job_id_from_name(path.name)
        parts = PostingParts(job_id=job_id or path.stem, source=source, raw=raw, structured=None if raw else parsed)
        posting = build_posting(parts)
        description = parsed.get("description") if raw else None
        document = posting_document(posting, description if isinstance(description, str) else None, content_hash)
        return ([document] if document else []), [posting]
    if isinstance(parsed, dict) and _is_interview_process(parsed):
        title = f"Interview process at {_scalar(parsed['company'])}: {_scalar(parsed.get('role')) or 'AI roles'}"
        return [_document(source, title, interview_process_text(parsed), data)], []
    title = next((_scalar(parsed[k]) for k in _TITLE_KEYS if isinstance(parsed, dict) and _scalar(parsed.get(k))), path.stem)
    text = "\n".join(render(parsed))
    if not text.strip():
        raise LoaderError(source, "the YAML file holds no text values; add content or remove it")
    return [_document(source, title, text, data)], []
