"""Quotable sentences: what an extractive answer may quote from a passage."""

from __future__ import annotations

from assistant.core.sentences import MAX_CHARS, quotable_sentences


def test_sentences_and_list_items_are_split_in_order() -> None:
    text = "Learn retrieval well before you learn agents. Then build an evaluation set of questions.\n- Ship a small RAG project to production first."
    assert quotable_sentences(text) == [
        "Learn retrieval well before you learn agents.",
        "Then build an evaluation set of questions.",
        "Ship a small RAG project to production first.",
    ]


def test_headings_tables_and_code_are_skipped() -> None:
    text = "# How to learn retrieval well\n| Skill | Share of postings here |\n```python code block here```\nKeep a notebook of failed queries."
    assert quotable_sentences(text) == ["Keep a notebook of failed queries."]


def test_questions_list_intros_and_fragments_are_skipped() -> None:
    text = "What should you learn first in this field?\nThe plan has three steps to follow:\nToo short.\nVector search needs good chunking."
    assert quotable_sentences(text) == ["Vector search needs good chunking."]


def test_a_repeated_sentence_is_quoted_once() -> None:
    line = "Evaluate every change against labelled questions."
    assert quotable_sentences(f"{line}\n{line}") == [line]


def test_a_long_sentence_is_cut_at_a_word() -> None:
    sentence = "Retrieval " + "quality matters " * 40 + "a lot."
    (cut,) = quotable_sentences(sentence)
    assert len(cut) <= MAX_CHARS and sentence.startswith(cut) and not cut.endswith(" ")


def test_at_most_limit_sentences_per_passage() -> None:
    text = "\n".join(f"Sentence number {i} says something useful here." for i in range(20))
    assert len(quotable_sentences(text, limit=5)) == 5
