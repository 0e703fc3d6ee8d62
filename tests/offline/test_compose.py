"""The extractive composer: chosen sentences, figures and job lists written out with their citations."""

from __future__ import annotations

from assistant.agent.corpus_tools import Job, Passage
from assistant.agent.evidence import Evidence, EvidenceRegistry
from assistant.agent.grounding import Answer, problems
from assistant.agent.market_tools import FigureRow, Figures
from assistant.offline.compose import Cites, figure_lines, passage_sections
from assistant.offline.selection import Ranked, split_units


def _passage(section: str, text: str) -> Passage:
    return Passage(id="doc:1", source="deck.pdf", title="Deck", section=section, doc_type="slides", score=0.0, text=text)


def test_quoted_lists_of_names_and_table_rows_pass_the_citation_check() -> None:
    text = (
        "- Fraud detection\n- Risk assessment and underwriting\n\nHealthcare (232+ mentions)\n- Clinical decision support\n"
        "- Medical literature search\n\nSkill | AI-First | AI-Support\nRAG | 50.2% | 17.3%"
    )
    passage = _passage("Domains Served > Finance (340+ mentions)", text)
    units = split_units([passage])
    ranked = Ranked(units, [1.0] * len(units), [[1.0, 0.0]] * len(units))
    cites = Cites()
    lines = passage_sections(ranked, [passage], list(range(len(units))), cites, "What the guides say")
    assert "- Healthcare (232+ mentions): Clinical decision support; Medical literature search [1]" in lines
    assert "- RAG (AI-First: 50.2%; AI-Support: 17.3%) [1]" in lines
    registry = EvidenceRegistry()
    registry.add(Evidence(id=passage.id, kind="passage", source=passage.source, title=passage.title, text=text))
    assert problems(Answer(answer="\n".join(lines), citations=cites.citations()), registry) == []


def test_a_posting_that_is_the_example_for_two_skills_is_shown_once() -> None:
    job = Job(id="posting:1", title="AI Engineer", company="Acme", url="https://jobs.example.org/1")
    rows = [FigureRow(label=s, count=1, total=2, share="50.0%", postings="all postings") for s in ("RAG", "Agents")]
    lines = figure_lines(Figures(id="fig:1", measure="share of postings", rows=rows, examples=[job, job]), Cites())
    assert "\n".join(lines).count("AI Engineer — Acme") == 1


def test_a_pay_example_shows_the_pay_its_posting_lists() -> None:
    job = Job(
        id="posting:1", title="AI Engineer", company="Acme", url="https://jobs.example.org/1", pay="$150,000-$200,000 a year"
    )
    rows = [FigureRow(label="postings listing parseable pay", count=1, total=2, share="50.0%", postings="all postings")]
    lines = figure_lines(Figures(id="fig:1", measure="yearly pay", rows=rows, examples=[job]), Cites())
    assert "[AI Engineer — Acme](https://jobs.example.org/1), $150,000-$200,000 a year [2]" in "\n".join(lines)
