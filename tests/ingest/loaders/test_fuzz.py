"""Property tests: whatever bytes a corpus file holds, loading it ends in a Document or a LoaderError, in time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.core.schema import Posting
from ingest.loaders.limits import MAX_TITLE_CHARS

# No example database: nothing is written into the repo, and CI explores afresh each run.
FUZZ = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
PATHS = [
    "notes.md",
    "notes.txt",
    "deck.pdf",
    "page.html",
    "record.yaml",
    "jobs/data_raw/7_Acme_AI.yaml",
    "jobs/data_structured/7_Acme_AI.yaml",
    "jobs/_internal/all_jobs_dedup.csv",
]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-32", "latin-1", "cp1252", "shift_jis", "koi8_r", "gb18030"]
GOOD_RAW = {
    "job_id": 7,
    "title": "AI Engineer",
    "company": "Acme",
    "location": "Berlin, DEU",
    "work_type": "Remote",
    "level": "Senior",
    "skills": ["Python"],
    "compensation": "$100k",
    "posted_date": dt.date(2026, 1, 2),
    "url": "https://example.com/7",
    "description": "Build RAG.\n\nRequirements\n\n- Python",
}
GOOD_STRUCTURED = {
    "company": {"name": "Acme", "stage": "Series A", "focus": "agents"},
    "position": {
        "title": "AI Engineer",
        "ai_type": {"type": "ai-first"},
        "responsibilities": ["Ship"],
        "use_cases": ["RAG"],
        "skills": {"genai": ["LangChain"]},
        "is_customer_facing": False,
        "is_management": False,
    },
    "meta": {"job_id": "7"},
}

long_text = st.integers(min_value=MAX_TITLE_CHARS, max_value=5_000).map(lambda n: "Title " * (n // 6))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=40),
    long_text,
    st.dates(),
    st.datetimes(),
    st.binary(max_size=8),
)
# Any YAML value: what a scraper or a hostile user could put in any field.
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8) | st.integers(), inner, max_size=4),
    max_leaves=12,
)


def _overrides(fields: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(fields), values, max_size=len(fields))


def _assert_bounded(outcome: Any, time_limit_s: float) -> None:
    """In time, every refusal with a reason, and no NUL or terminal escape passed on as text."""
    assert outcome.seconds < time_limit_s + 5, f"loading took {outcome.seconds:.1f} s"
    assert all(reason.strip() for reason in {**outcome.refused, **outcome.problems}.values())
    for unit in outcome.loaded.values():
        texts = [p.title + p.company for p in unit.postings]
        texts += [d.title + "".join(s.heading + s.text for s in d.sections) for d in unit.documents]
        assert not any("\x00" in t or "\x1b" in t for t in texts)


@FUZZ
@given(path=st.sampled_from(PATHS), data=st.binary(max_size=4096))
def test_random_bytes_under_any_name_load_or_are_refused(path: str, data: bytes, hostile: Any) -> None:
    # load_files lets nothing but LoaderError escape; every refusal carries a reason.
    _assert_bounded(hostile.load_files({path: data}), hostile.time_limit_s)


@FUZZ
@given(
    path=st.sampled_from(PATHS[:5] + PATHS[5:6]),
    text=st.text(max_size=1500),
    encoding=st.sampled_from(ENCODINGS),
    nul_at=st.none() | st.integers(min_value=0, max_value=1500),
)
def test_text_in_any_encoding_with_or_without_nul_bytes(
    path: str, text: str, encoding: str, nul_at: int | None, hostile: Any
) -> None:
    data = text.encode(encoding, errors="replace")
    if nul_at is not None:
        data = data[:nul_at] + b"\x00" + data[nul_at:]
    _assert_bounded(hostile.load_files({path: data}), hostile.time_limit_s)


PDF_BASES = ["text", "owner-only", "locked", "image-only"]


@pytest.fixture(scope="module")
def pdf_bases(hostile: Any) -> dict[str, bytes]:
    """Readable, owner-password-only, user-password-locked and image-only PDFs to corrupt."""
    return {
        "text": hostile.text_pdf(),
        "owner-only": hostile.encrypted_pdf(""),
        "locked": hostile.encrypted_pdf("user-secret"),
        "image-only": hostile.image_only_pdf(),
    }


@FUZZ
@given(
    base=st.sampled_from(PDF_BASES),
    cut=st.integers(min_value=0, max_value=2000),
    flips=st.lists(st.tuples(st.integers(min_value=0, max_value=2000), st.integers(0, 255)), max_size=8),
    insert=st.binary(max_size=64),
)
def test_truncated_and_corrupted_pdfs(
    pdf_bases: dict[str, bytes], hostile: Any, base: str, cut: int, flips: list[tuple[int, int]], insert: bytes
) -> None:
    data = bytearray(pdf_bases[base])
    for at, value in flips:
        data[at % len(data)] = value
    data[cut % len(data) : cut % len(data)] = insert
    truncated = bytes(data[: max(1, len(data) - cut)])
    _assert_bounded(hostile.load_files({"a.pdf": bytes(data), "b.pdf": truncated}), hostile.time_limit_s)


@settings(FUZZ, max_examples=100)
@given(
    raw=_overrides(list(GOOD_RAW)),
    company=_overrides(list(GOOD_STRUCTURED["company"])),
    position=_overrides(list(GOOD_STRUCTURED["position"])),
    top=_overrides(list(GOOD_STRUCTURED)),
)
def test_wrong_types_in_every_posting_field(
    raw: dict[str, Any], company: dict[str, Any], position: dict[str, Any], top: dict[str, Any], hostile: Any
) -> None:
    structured = {
        **GOOD_STRUCTURED,
        "company": {**GOOD_STRUCTURED["company"], **company},
        "position": {**GOOD_STRUCTURED["position"], **position},
        **top,
    }
    raw_text = yaml.safe_dump({**GOOD_RAW, **raw}).encode()
    structured_text = yaml.safe_dump(structured).encode()
    outcome = hostile.load_files(
        {
            "jobs/data_raw/7_Acme_AI.yaml": raw_text,
            "jobs/data_structured/7_Acme_AI.yaml": structured_text,
            "mine/raw.yaml": raw_text,
            "mine/structured.yaml": structured_text,
        }
    )
    _assert_bounded(outcome, hostile.time_limit_s)
    for unit in outcome.loaded.values():
        for posting in unit.postings:
            assert isinstance(posting, Posting) and posting.title.strip() and posting.company.strip()
        # A title is repeated in every chunk: a 20,000-character one must not be.
        assert all(len(doc.title) <= MAX_TITLE_CHARS for doc in unit.documents)


# YAML made of its own punctuation and tokens, so anchors, aliases, merges, tags and nesting come up often.
_YAML_TOKENS = [
    *"ab01 \n\t-:[]{},!|>?'\"#%@`.<=",
    "\n  ",
    "&a ",
    "&b ",
    "*a",
    "*b",
    "<<: ",
    "!!binary ",
    "!!python/object ",
    "2024-13-45",
    "2023-02-29",
    "1" * 5000,
    ".inf",
    "0o9",
    "~",  # scalars the resolver accepts but Python cannot build
]
yaml_text = st.lists(st.sampled_from(_YAML_TOKENS), max_size=120).map("".join)


@FUZZ
@given(text=yaml_text)
def test_random_yaml_syntax_with_anchors_and_aliases(text: str, hostile: Any) -> None:
    _assert_bounded(
        hostile.load_files({"record.yaml": text.encode(), "jobs/data_raw/7_x.yaml": text.encode()}), hostile.time_limit_s
    )


_INLINE_TOKENS = [
    "[",
    "]",
    "(",
    ")",
    "![",
    "](",
    "**",
    "__",
    "`",
    "<!--",
    "-->",
    "<http://",
    "<",
    ">",
    "a",
    " ",
    "'",
    "#",
    "|",
    "*",
]


@settings(FUZZ, max_examples=40)
@given(pattern=st.lists(st.sampled_from(_INLINE_TOKENS), min_size=1, max_size=6), size=st.integers(100_000, 200_000))
def test_markdown_inline_markup_of_any_shape_loads_in_linear_time(pattern: list[str], size: int, hostile: Any) -> None:
    # One long line of repeated delimiters: a backtracking pattern takes quadratic time on it.
    unit = "".join(pattern)
    line = (unit * (size // len(unit) + 1))[:size]
    outcome = hostile.load_files({"long.md": f"# Title\n\nBody {line}\n".encode()}, time_limit=5)
    # Parsed in full; a line that is one word repeated is then refused for that (issue 18), never for time.
    assert "long.md" in outcome.loaded or "of its words are" in outcome.refused.get("long.md", ""), outcome.refused
    assert outcome.seconds < 5, f"{outcome.seconds:.1f} s for {size:,} characters of {unit!r}"
