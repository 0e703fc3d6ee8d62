"""Quotable sentences: what an extractive answer may quote from a passage."""

from __future__ import annotations

from assistant.core.sentences import MAX_CHARS, quotable_sentences, quotable_units


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


def test_a_statement_of_figures_is_quotable_and_symbols_are_not() -> None:
    figures = "At Meta, total compensation for an E4 MLE is ~$332K, E5 ~$492K, E6 ~$648K annually."
    text = f"{figures}\nconfig = {{'top_k': [5, 10], 'alpha': (0.5 + 0.25) * 2}} # tune => {{}}"
    assert quotable_sentences(text) == [figures]


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


def test_a_list_of_short_names_is_one_unit_under_the_line_that_names_it() -> None:
    text = "- Fraud detection\n- Risk assessment and underwriting\n\nHealthcare (232+ mentions)\n- Clinical decision support\n- Medical literature search"
    units = quotable_units(text, section="Domains Served > Finance (340+ mentions)")
    assert [u.text for u in units] == [
        "Finance (340+ mentions): Fraud detection; Risk assessment and underwriting",
        "Healthcare (232+ mentions): Clinical decision support; Medical literature search",
    ]


def test_a_named_list_is_backed_by_its_own_lines_even_with_statements_between() -> None:
    text = "What engineers do:\n- Build agents\n- Evaluate every change against labelled questions.\n- Deploy to production"
    named, statement = quotable_units(text)
    assert named.text == "What engineers do: Build agents; Deploy to production"
    assert named.quote == "Build agents - Evaluate every change against labelled questions. - Deploy to production"
    assert " ".join(named.quote.split()) in " ".join(text.replace("\n", " ").split())
    assert statement.text == statement.quote == "Evaluate every change against labelled questions."


def test_short_items_with_figures_are_names_in_their_list() -> None:
    text = "Time allocation:\n- ~5 min clarifying the problem\n- 10-15 min high-level design\n- 15-20 min deep dive"
    (unit,) = quotable_units(text)
    assert unit.text == "Time allocation: ~5 min clarifying the problem; 10-15 min high-level design; 15-20 min deep dive"


def test_a_lone_name_links_and_a_linked_label_are_not_shown_as_a_list() -> None:
    assert quotable_units("Tools:\n- Fraud detection") == []
    linked = quotable_units("- [Course](https://example.com/course)\n- [Book](https://example.com/book)")
    assert linked == []
    (unit,) = quotable_units("See [the guide](https://example.com) for:\n- Fraud detection\n- Risk scoring")
    assert unit.text == "Fraud detection; Risk scoring"


def test_a_table_row_of_figures_is_read_with_its_header() -> None:
    text = "Skill | AI-First | AI-Support\nRAG | 50.2% | 17.3%\nDocker | 31.2% | -"
    units = quotable_units(text)
    assert [u.text for u in units] == ["RAG (AI-First: 50.2%; AI-Support: 17.3%)", "Docker (AI-First: 31.2%)"]
    assert units[0].quote == "RAG | 50.2% | 17.3%"
    # A row in words is a statement already, quoted as it is.
    words = quotable_units("Category | Description\nVery common | Core responsibility - majority of roles")
    assert [u.text for u in words] == ["Very common | Core responsibility - majority of roles"]


def test_a_header_row_is_not_quoted_even_when_it_reads_like_a_sentence() -> None:
    text = "Level | Big Tech Total Comp | AI Startup Range\nSenior | $350K-$500K | $250K-$400K + equity"
    assert [u.text for u in quotable_units(text)] == [
        "Senior (Big Tech Total Comp: $350K-$500K; AI Startup Range: $250K-$400K + equity)"
    ]
