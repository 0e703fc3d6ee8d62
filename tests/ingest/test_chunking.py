"""Chunking: token bounds, overlap, headings, deterministic ids."""

from __future__ import annotations

from assistant.core.schema import Document, Section, stable_id
from ingest.chunking import (
    OUTLINE_SECTION,
    ChunkSpec,
    chunk_document,
    chunking_version,
    count_tokens,
    is_link_list,
    split_text,
)


def _doc(*sections: Section, source: str = "guides/a.md") -> Document:
    return Document(source=source, title="A guide", doc_type="role_guide", sections=list(sections), content_hash="h")


def test_short_text_is_one_chunk() -> None:
    assert split_text("One paragraph only.", ChunkSpec(50, 10)) == ["One paragraph only."]


def test_chunks_stay_within_token_bound() -> None:
    text = "\n\n".join(f"Paragraph {i} talks about retrieval and evaluation of models." for i in range(60))
    chunks = split_text(text, ChunkSpec(max_tokens=40, overlap=10))
    assert len(chunks) > 5
    assert all(count_tokens(c) <= 40 for c in chunks)


def test_neighbouring_chunks_share_overlap() -> None:
    text = "\n\n".join(f"Sentence number {i} is here." for i in range(30))
    chunks = split_text(text, ChunkSpec(max_tokens=30, overlap=10))
    first_tail = chunks[0].split("\n\n")[-1]
    assert chunks[1].startswith(first_tail)


def test_long_paragraph_splits_at_sentences() -> None:
    para = " ".join(f"This is sentence {i} about vector search." for i in range(40))
    chunks = split_text(para, ChunkSpec(max_tokens=30, overlap=0))
    assert all(c.endswith(".") for c in chunks)


def test_run_without_breaks_is_cut_by_tokens() -> None:
    chunks = split_text("word" * 500, ChunkSpec(max_tokens=50, overlap=0))
    assert len(chunks) > 1 and all(count_tokens(c) <= 50 for c in chunks)


def test_chunk_keeps_heading_path_and_page() -> None:
    doc = _doc(Section(heading="Skills > Python", text="Learn Python well. " * 40, page=3))
    chunks = chunk_document(doc, ChunkSpec(60, 10))
    assert {c.section for c in chunks} == {"Skills > Python"}
    assert {c.page for c in chunks} == {3}


def test_ids_are_deterministic_and_positional() -> None:
    doc = _doc(Section(heading="H", text="Alpha beta. " * 100))
    first = chunk_document(doc, ChunkSpec(40, 5))
    again = chunk_document(doc, ChunkSpec(40, 5))
    assert [c.id for c in first] == [c.id for c in again]
    assert [c.position for c in first] == list(range(len(first)))
    assert len({c.id for c in first}) == len(first)


def test_ids_differ_between_sources() -> None:
    a = chunk_document(_doc(Section(text="Same text."), source="a.md"))
    b = chunk_document(_doc(Section(text="Same text."), source="b.md"))
    assert a[0].id != b[0].id


def test_tiny_sections_are_merged() -> None:
    doc = _doc(Section(heading="Intro", text="Short."), Section(heading="Intro > More", text="Also short."))
    chunks = chunk_document(doc, ChunkSpec(100, 10))
    assert len(chunks) == 1
    assert "Also short." in chunks[0].text and chunks[0].section == "Intro"


def test_embedding_text_carries_title_and_section() -> None:
    doc = _doc(Section(heading="Evaluation", text="Measure answers."))
    text = chunk_document(doc)[0].embedding_text()
    assert text.startswith("A guide — Evaluation\n")


def test_empty_sections_give_no_chunks() -> None:
    assert chunk_document(_doc(Section(heading="Empty", text="   "))) == []


def _guide(headings: int, doc_type: str = "learning_path") -> Document:
    sections = [Section(heading="", text="Data engineers move fast. They know pipelines. A third sentence.")]
    sections += [Section(heading=f"Part {i}", text=f"Body of part {i}.") for i in range(headings)]
    return Document(source="g.md", title="From Data Engineer", doc_type=doc_type, sections=sections, content_hash="h")  # type: ignore[arg-type]


def test_guide_with_headings_gets_an_outline_chunk_last() -> None:
    chunks = chunk_document(_guide(3))
    outline = chunks[-1]
    assert outline.section == OUTLINE_SECTION and outline.position == len(chunks) - 1
    assert outline.text.startswith("Data engineers move fast.") and "Sections: Part 0; Part 1; Part 2" in outline.text


def test_outline_does_not_move_the_body_chunk_ids() -> None:
    with_outline = chunk_document(_guide(3))
    body = [c.id for c in with_outline if c.section != OUTLINE_SECTION]
    assert body == [stable_id(f"g.md#{i}") for i in range(len(body))]


def test_guide_with_few_headings_has_no_outline() -> None:
    assert all(c.section != OUTLINE_SECTION for c in chunk_document(_guide(2)))


def test_job_posting_has_no_outline() -> None:
    assert all(c.section != OUTLINE_SECTION for c in chunk_document(_guide(5, doc_type="job_posting")))


def test_outline_intro_stops_at_a_sentence_within_its_budget() -> None:
    long_first = Section(heading="", text=" ".join(f"Sentence {i} is about retrieval pipelines." for i in range(40)))
    doc = _guide(3).model_copy(update={"sections": [long_first, *_guide(3).sections[1:]]})
    intro = chunk_document(doc)[-1].text.split("\nSections:")[0]
    assert intro.endswith(".") and count_tokens(intro) <= 60


def test_postings_and_guides_have_their_own_chunking_versions() -> None:
    assert chunking_version("posting") != chunking_version("markdown")


def _links(n: int, words_between: int) -> str:
    filler = " ".join(["word"] * words_between)
    return "\n".join(f"- Thread {i} https://example.com/{i} {filler}" for i in range(n))


def test_document_mostly_links_is_flagged_on_every_chunk() -> None:
    doc = _doc(Section(heading="Threads", text=_links(30, 5)), Section(heading="About", text="Plain prose. " * 40))
    chunks = chunk_document(doc)
    assert is_link_list(doc) and len(chunks) > 1 and all(c.mostly_links for c in chunks)


def test_prose_with_a_few_links_is_not_flagged() -> None:
    doc = _doc(Section(heading="Guide", text=_links(30, 40)))
    assert not is_link_list(doc) and not any(c.mostly_links for c in chunk_document(doc))


def test_short_note_of_links_is_not_a_link_list() -> None:
    # Dense in links, but too few of them for a list of sources.
    assert not is_link_list(_doc(Section(heading="See also", text=_links(5, 1))))


def test_a_passage_that_points_elsewhere_is_flagged_in_a_prose_guide() -> None:
    pointer = "Next webinar: take-home assignments, see https://example.com/a and https://example.com/b"
    chunks = chunk_document(_doc(Section(heading="Prose", text="Plain prose. " * 40), Section(heading="Next", text=pointer)))
    assert [c.mostly_links for c in chunks] == [False, True]


def test_a_postings_links_are_not_counted() -> None:
    posting = Document(
        source="jobs/1.yaml",
        title="AI Engineer",
        doc_type="job_posting",
        content_hash="h",
        sections=[Section(text="Apply at https://example.com/a or https://example.com/b")],
    )
    assert not any(c.mostly_links for c in chunk_document(posting))
