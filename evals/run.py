"""`python -m evals.run` (`make eval`): bring the index up to date, score retrieval and answers, check the gates.

Exits 0 when every gate passes, 1 when one fails, 2 when the run cannot start (no corpus, no index).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from assistant.ask import ask
from assistant.core.settings import Settings
from assistant.errors import AssistantError, InputError
from assistant.models import OFFLINE, model_name
from assistant.offline.gazetteer import gazetteer_for
from assistant.offline.router import router_for
from assistant.services import Services
from evals.answers import AnswerEvaluation, evaluate_answers
from evals.dataset import EVALS_DIR, SPLITS, GroundTruthCase, load_ground_truth, load_regressions
from evals.gates import DEV_FLOORS, TEST_FLOORS, generalisation_targets, routing_gates, run_gates, split_gates
from evals.judge import judge_model_name, relevance_judge
from evals.metrics import is_refusal, mean
from evals.report import EvalReport, RegressionRow, print_report, write
from evals.retrieval import (
    MODES,
    CaseRetrieval,
    RetrievalScore,
    Retriever,
    evaluate,
    minsearch_retriever,
    run_regressions,
    store_retriever,
    summarize,
)
from evals.routing import RoutedCase, load_routing, route_cases, score
from evals.summary import AnswerRecord, AnswerSummary, summarize_answers
from evals.truth import ComputedTruth, PostingLookup, compute, fill_reference

app = typer.Typer(add_completion=False, help=__doc__)


def ensure_index(services: Services, console: Console) -> str:
    """Run the incremental ingest (cheap when nothing changed) so the eval scores the current corpus."""
    from ingest.chunking import ChunkSpec
    from ingest.pipeline import Ingester

    settings = services.settings
    if not settings.corpus_dir.is_dir():
        raise AssistantError(
            f"corpus dir {settings.corpus_dir} does not exist",
            hint="set ASSISTANT_CORPUS_DIR (CI uses ../shared/corpus) or run `assistant corpus fetch`",
        )
    spec = ChunkSpec(settings.chunk_tokens, settings.chunk_overlap)
    with console.status("bringing the index up to date (incremental ingest)"):
        r = Ingester(services.store, services.embedder, services.taxonomy, spec).run(settings.corpus_dir)
    return f"{r.indexed} indexed, {r.unchanged} unchanged, {r.removed} removed in {r.total_seconds:.0f} s"


def compute_truths(services: Services, cases: Sequence[GroundTruthCase], console: Console) -> dict[str, ComputedTruth | None]:
    """Each statistic case's truth from the postings; None (and a warning) when a filter matches nothing."""
    truths: dict[str, ComputedTruth | None] = {}
    for case in cases:
        if case.statistic is None:
            continue
        try:
            truths[case.id] = compute(services.store, services.taxonomy, case.statistic)
        except InputError as exc:
            console.print(f"[yellow]{case.id}: cannot compute the truth: {exc}[/]")
            truths[case.id] = None
    return truths


def by_category(results: Sequence[CaseRetrieval]) -> dict[str, list[RetrievalScore]]:
    """Retrieval scores per category, every mode."""
    cats = sorted({r.category for r in results})
    return {c: [summarize([r for r in results if r.category == c], m) for m in MODES] for c in cats}


def answer_records(
    services: Services, cases: Sequence[GroundTruthCase], truths: dict[str, ComputedTruth | None], console: Console
) -> list[AnswerRecord]:
    """Ask and score every case (with the LLM judge when a model is configured)."""
    from evals.summary import records_from

    lookup = PostingLookup(services.store)
    references = {c.id: fill_reference(c.reference, truths.get(c.id)) for c in cases if c.statistic and truths.get(c.id)}
    judge = relevance_judge(services.settings, services.embedder)
    run = AnswerEvaluation(services, truths, lookup, judge=judge, references=references)
    with console.status(f"asking {len(cases)} questions"):
        report = evaluate_answers(cases, run)
    return records_from(report)


def run(
    services: Services, console: Console, *, retrieval_only: bool, ingest_note: str, only: list[str], split: str | None = None
) -> EvalReport:
    """One full eval run (or the cases `only` names, or one split)."""
    started = time.perf_counter()
    cases = [
        c for c in load_ground_truth() if (not only or c.id in only or c.category in only) and (split is None or c.split == split)
    ]
    regressions = load_regressions()
    store, embedder = services.store, services.embedder

    with console.status("building the minsearch baseline over the same chunks"):
        retrievers: dict[str, Retriever] = {
            "dense": store_retriever(store, embedder, "dense"),
            "bm25": store_retriever(store, embedder, "sparse"),
            "hybrid": store_retriever(store, embedder, "hybrid"),
            "hybrid-guides": store_retriever(store, embedder, "hybrid", guides_only=True),
            "minsearch": minsearch_retriever(store),
        }
    with console.status("scoring retrieval"):
        retrieval = evaluate(cases, retrievers)
    regression_results = run_regressions(regressions, store, embedder)

    truths = compute_truths(services, cases, console)
    records = [] if retrieval_only else answer_records(services, cases, truths, console)
    answers = summarize_answers(records) if records else None
    by_cat_answers = {
        c: summarize_answers([r for r in records if r.category == c]) for c in sorted({r.category for r in records})
    }

    overall = {m: summarize(retrieval, m) for m in MODES}
    splits = {sp: [r for r in retrieval if r.split == sp] for sp in SPLITS}
    retrieval_by_split = {sp: [summarize(rs, m) for m in MODES] for sp, rs in splits.items() if rs}
    answers_by_split = {sp: summarize_answers(rs) for sp in SPLITS if (rs := [r for r in records if r.split == sp])}
    routed = [] if only else [r for r in route_suite(services) if split is None or r.split == split]
    routing = {sp: score(routed, sp) for sp in SPLITS if any(r.split == sp for r in routed)}
    seconds = time.perf_counter() - started
    measured = {sp: _measures(retrieval_by_split.get(sp), answers_by_split.get(sp)) for sp in SPLITS}
    gates = [
        *split_gates("dev", measured["dev"], DEV_FLOORS),
        *split_gates("test", measured["test"], TEST_FLOORS),
        *run_gates(mean(1.0 if r.passed else 0.0 for r in regression_results), seconds),
        *generalisation_targets(measured["dev"], measured["test"]),
        *routing_gates(routing["test"].by_label if "test" in routing else None),
    ]
    return EvalReport(
        model=model_name(services.settings),
        judge_model=None if retrieval_only else judge_model_name(services.settings),
        corpus_dir=str(services.settings.corpus_dir),
        seconds=seconds,
        ingest=ingest_note,
        retrieval=list(overall.values()),
        retrieval_by_category=by_category(retrieval),
        answers=answers,
        answers_by_category=by_cat_answers,
        retrieval_by_split=retrieval_by_split,
        answers_by_split=answers_by_split,
        routing=list(routing.values()),
        routing_cases=routed,
        gates=gates,
        regressions=[
            RegressionRow(
                id=r.case.id, question=r.case.question, passed=r.passed, returned=r.returned, forbidden_found=r.forbidden_found
            )
            for r in regression_results
        ],
        retrieval_cases=retrieval,
        answer_cases=records,
    )


def route_suite(services: Services) -> list[RoutedCase]:
    """The routing suite through the offline model: its router and names, and whether its answer declined."""
    router = router_for(services.embedder, services.settings.models_dir)

    def declines(question: str) -> bool:
        return is_refusal(ask(services, question, model=OFFLINE).answer)

    return route_cases(load_routing(), router, services.taxonomy, gazetteer_for(services.store), declines)


def _measures(retrieval: list[RetrievalScore] | None, answers: AnswerSummary | None) -> dict[str, float | None]:
    """One split's measures under the names the gates use."""
    hybrid = next((s for s in retrieval or [] if s.mode == "hybrid"), None)
    return {
        "hybrid_hit5": hybrid.hit5 if hybrid else None,
        "hybrid_mrr5": hybrid.mrr5 if hybrid else None,
        "key_fact_recall": answers.key_fact_recall if answers else None,
        "citation_precision": answers.citation_precision if answers else None,
        "figure_accuracy": answers.figure_accuracy if answers else None,
        "refusal_accuracy": answers.refusal_accuracy if answers else None,
    }


@app.command()
def main(
    retrieval_only: Annotated[bool, typer.Option("--retrieval-only", help="Skip asking the questions.")] = False,
    ingest: Annotated[bool, typer.Option("--ingest/--no-ingest", help="Run the incremental ingest first.")] = True,
    only: Annotated[list[str], typer.Option("--only", help="Case id or category to run (repeatable).")] = [],  # noqa: B006
    split: Annotated[Optional[str], typer.Option("--split", help="Only the dev or the test cases.")] = None,
    json_out: Annotated[Path, typer.Option(help="JSON report path.")] = EVALS_DIR / "report.json",
    md_out: Annotated[Path, typer.Option(help="Markdown report path.")] = EVALS_DIR / "report.md",
) -> None:
    """Score retrieval and answers on the ground truth; exit 1 when a gate fails."""
    console = Console()
    if not console.is_terminal:  # CI logs: wide enough for the comparison tables
        console = Console(width=160)
    settings = Settings()
    try:
        ingest_note, embedder = "skipped (--no-ingest)", None
        if ingest:
            # Write only while ingesting; the run itself reads, so the app or a search may share the index.
            writer = Services(settings)
            try:
                ingest_note, embedder = ensure_index(writer, console), writer.embedder
            finally:
                writer.close()
        services = Services(settings, read_only=True, embedder=embedder)
    except AssistantError as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    try:
        if split is not None and split not in SPLITS:
            raise InputError(f"unknown split {split!r}", hint="use --split dev or --split test")
        report = run(services, console, retrieval_only=retrieval_only, ingest_note=ingest_note, only=only, split=split)
    except AssistantError as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    finally:
        services.close()
    print_report(report, console)
    write(report, json_out, md_out)
    raise typer.Exit(0 if report.passed else 1)


if __name__ == "__main__":
    app()
