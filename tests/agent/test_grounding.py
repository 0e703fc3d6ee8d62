"""The answer contract: citations must name returned evidence, markers need citations, figures must be computed."""

from __future__ import annotations

from assistant.agent.evidence import Evidence, EvidenceRegistry
from assistant.agent.grounding import Answer, Citation, problems, stated_numbers, tidy


def _registry() -> EvidenceRegistry:
    reg = EvidenceRegistry()
    reg.add(
        Evidence(
            id="doc:aaa",
            kind="passage",
            source="guides/rag.md",
            title="RAG",
            text="Evaluation is the key new skill. About 40% of teams skip it.",
        )
    )
    reg.add(
        Evidence(
            id="stat:bbb",
            kind="figure",
            source="postings index",
            title="share",
            text="Kubernetes: 150 of 1,765 postings (8.5%) — all postings",
        )
    )
    reg.allow_share(150 / 1765)
    return reg


def _answer(text: str, *cites: tuple[int, str], quote: str = "") -> Answer:
    return Answer(answer=text, citations=[Citation(n=n, id=i, quote=quote) for n, i in cites])


def test_grounded_answer_has_no_problems() -> None:
    answer = _answer("Kubernetes is in 150 of 1,765 postings (8.5%) [1]. Learn evaluation [2].", (1, "stat:bbb"), (2, "doc:aaa"))
    assert problems(answer, _registry()) == []


def test_invented_citation_id_is_a_problem() -> None:
    found = problems(_answer("Learn evaluation [1].", (1, "doc:invented")), _registry())
    assert len(found) == 1 and "doc:invented" in found[0]


def test_marker_without_citation_is_a_problem() -> None:
    found = problems(_answer("Learn evaluation [1] and RAG [2].", (1, "doc:aaa")), _registry())
    assert len(found) == 1 and "[2]" in found[0]


def test_invented_percentage_is_a_problem() -> None:
    found = problems(_answer("Kubernetes is in 37% of postings [1].", (1, "stat:bbb")), _registry())
    assert len(found) == 1 and "37%" in found[0]


def test_rounded_computed_share_is_accepted() -> None:
    assert problems(_answer("Kubernetes is in about 8% of postings [1].", (1, "stat:bbb")), _registry()) == []


def test_percentage_written_in_a_passage_is_accepted() -> None:
    assert problems(_answer("About 40% of teams skip evaluation [1].", (1, "doc:aaa")), _registry()) == []


def test_invented_count_is_a_problem() -> None:
    found = problems(_answer("Kubernetes is in 412 postings [1].", (1, "stat:bbb")), _registry())
    assert len(found) == 1 and "412 postings" in found[0]


def test_quote_must_be_in_the_evidence() -> None:
    found = problems(_answer("Learn evaluation [1].", (1, "doc:aaa"), quote="Evaluation is optional."), _registry())
    assert len(found) == 1 and "quote" in found[0]


def test_citation_markers_are_not_read_as_figures() -> None:
    assert stated_numbers("See [12] and [3, 4] for 2 of 5 postings.") == (
        [],
        [("2 of 5", 2.0), ("2 of 5", 5.0), ("5 postings", 5.0)],
    )


def test_a_year_in_a_heading_is_not_a_count_of_the_next_line() -> None:
    assert stated_numbers("### The Ultimate 2026 Guide\n- Companies often want a senior MLOps owner [1].") == ([], [])


def test_tidy_drops_unused_citations_and_extra_follow_ups() -> None:
    answer = Answer(
        answer="Learn evaluation [2].",
        citations=[Citation(n=1, id="stat:bbb"), Citation(n=2, id="doc:aaa")],
        follow_ups=["a?", "b?", "c?", "d?"],
    )
    tidied = tidy(answer)
    assert [c.n for c in tidied.citations] == [2] and tidied.follow_ups == ["a?", "b?", "c?"]
