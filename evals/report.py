"""The eval report: one typed record of a run, printed as rich tables and written as JSON and Markdown."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

from evals.gates import Gate, all_passed
from evals.retrieval import MODES, CaseRetrieval, RetrievalScore
from evals.routing import RoutedCase, RoutingScore
from evals.summary import AnswerRecord, AnswerSummary

ANSWER_COLUMNS = (
    ("key facts", "key_fact_recall"),
    ("similarity", "similarity"),
    ("cite prec", "citation_precision"),
    ("cite rec", "citation_recall"),
    ("figures", "figure_accuracy"),
    ("refusals", "refusal_accuracy"),
)


class RegressionRow(BaseModel):
    """One regression case's outcome."""

    id: str
    question: str
    passed: bool
    returned: list[str]
    forbidden_found: list[str]


class EvalReport(BaseModel):
    """Everything one `make eval` run measured."""

    model: str
    judge_model: str | None
    corpus_dir: str
    seconds: float
    ingest: str
    retrieval: list[RetrievalScore]
    retrieval_by_category: dict[str, list[RetrievalScore]]
    answers: AnswerSummary | None
    answers_by_category: dict[str, AnswerSummary]
    retrieval_by_split: dict[str, list[RetrievalScore]] = {}
    answers_by_split: dict[str, AnswerSummary] = {}
    routing: list[RoutingScore] = []
    routing_cases: list[RoutedCase] = []
    gates: list[Gate]
    regressions: list[RegressionRow]
    retrieval_cases: list[CaseRetrieval]
    answer_cases: list[AnswerRecord]

    @property
    def passed(self) -> bool:
        """No enforced gate failed."""
        return all_passed(self.gates)


def _f(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _gate_mark(gate: Gate) -> str:
    if not gate.enforced:
        return {True: "target met", False: "below target", None: "skipped"}[gate.passed]
    return {True: "pass", False: "FAIL", None: "skipped"}[gate.passed]


def _rows(report: EvalReport) -> dict[str, list[list[str]]]:
    """Every table as header + rows of strings, shared by the terminal and Markdown renderers."""
    tables: dict[str, list[list[str]]] = {}
    tables["Retrieval, overall (same cases and chunks)"] = [["mode", "n", "hit@1", "hit@5", "MRR@5"]] + [
        [s.mode, str(s.n), _f(s.hit1), _f(s.hit5), _f(s.mrr5)] for s in report.retrieval
    ]
    head = ["category", "n"] + [f"{m} hit@5" for m in MODES] + ["hybrid MRR@5"]
    rows = []
    for cat, scores in report.retrieval_by_category.items():
        by = {s.mode: s for s in scores}
        rows.append([cat, str(scores[0].n)] + [_f(by[m].hit5) for m in MODES] + [_f(by["hybrid"].mrr5)])
    tables["Retrieval by category"] = [head, *rows]
    if report.answers is not None:
        head = ["category", "n", *(c for c, _ in ANSWER_COLUMNS), "latency p50 s", "errors"]
        summaries = {**report.answers_by_category, "OVERALL": report.answers}
        tables[f"Answers ({report.model})"] = [head] + [
            [cat, str(s.n), *(_f(getattr(s, attr)) for _, attr in ANSWER_COLUMNS), _f(s.latency_p50, 2), str(s.errors)]
            for cat, s in summaries.items()
        ]
        if report.answers.judge:
            tables[f"LLM judge ({report.judge_model})"] = [["label", "cases"]] + [
                [label, str(n)] for label, n in sorted(report.answers.judge.items())
            ]
    if report.retrieval_by_split or report.answers_by_split:
        head = ["split", "n", "hybrid hit@5", "hybrid MRR@5", *(c for c, _ in ANSWER_COLUMNS)]
        rows = []
        for split in sorted({*report.retrieval_by_split, *report.answers_by_split}):
            hybrid = next((s for s in report.retrieval_by_split.get(split, []) if s.mode == "hybrid"), None)
            ans = report.answers_by_split.get(split)
            rows.append(
                [
                    split,
                    str(ans.n if ans else hybrid.n if hybrid else 0),
                    _f(hybrid.hit5 if hybrid else None),
                    _f(hybrid.mrr5 if hybrid else None),
                    *(_f(getattr(ans, a) if ans else None) for _, a in ANSWER_COLUMNS),
                ]
            )
        tables["Dev and test side by side (tune on dev, report test)"] = [head, *rows]
    if report.routing:
        labels = list(report.routing[0].by_label)
        tables["Routing suite (evals/routing.yaml)"] = [["split", "n", "exact", *labels, "measure"]] + [
            [
                r.split,
                str(r.n),
                _f(r.exact),
                *(f"{_f(r.by_label[lb])} ({r.counts[lb]})" for lb in labels),
                f"{_f(r.measure)} ({r.measured})",
            ]
            for r in report.routing
        ]
    tables["Gates"] = [["gate", "value", "threshold", "result"]] + [
        [g.name, _f(g.value), f"{g.op} {g.threshold:g}", _gate_mark(g)] for g in report.gates
    ]
    tables["Regressions"] = [["id", "result", "forbidden found"]] + [
        [r.id, "pass" if r.passed else "FAIL", ", ".join(r.forbidden_found)] for r in report.regressions
    ]
    return tables


def _misses(report: EvalReport, limit: int = 40) -> list[list[str]]:
    """Hybrid retrieval misses: the query and the top sources that came instead."""
    rows = [["case", "query", "hybrid top 3"]]
    for c in report.retrieval_cases:
        if c.ranks.get("hybrid") is None:
            rows.append([c.case_id, c.query[:90], "; ".join(c.returned["hybrid"][:3])])
    return rows[: limit + 1]


def print_report(report: EvalReport, console: Console) -> None:
    """Rich tables: retrieval comparison, answers per category and overall, gates, regressions."""
    for title, rows in _rows(report).items():
        table = Table(title=title, title_justify="left")
        for i, header in enumerate(rows[0]):
            table.add_column(header, no_wrap=i == 0, justify="left" if i == 0 else "right")
        for row in rows[1:]:
            table.add_row(*row)
        console.print(table)
    if report.answers is None:
        console.print("[yellow]answers were not evaluated (--retrieval-only)[/]")
    elif report.judge_model is None:
        console.print("LLM judge skipped: no model configured (set ASSISTANT_MODEL or OPENAI_API_KEY to run it).")
    verdict = "[green]all gates pass[/]" if report.passed else "[red]a gate failed[/]"
    console.print(f"{verdict} in {report.seconds:.0f} s; details in evals/report.md and evals/report.json")


def _md_table(rows: list[list[str]]) -> str:
    clean = [[cell.replace("|", "\\|").replace("\n", " ") for cell in row] for row in rows]
    lines = ["| " + " | ".join(clean[0]) + " |", "|" + "---|" * len(clean[0])]
    lines += ["| " + " | ".join(r) + " |" for r in clean[1:]]
    return "\n".join(lines)


def to_markdown(report: EvalReport) -> str:
    """A readable report: every table, then the retrieval misses and the weakest answers."""
    parts = [
        "# Eval report",
        f"Model `{report.model}`, judge `{report.judge_model or 'skipped (no model configured)'}`, "
        f"corpus `{report.corpus_dir}`, {report.seconds:.0f} s. Ingest: {report.ingest}.",
    ]
    for title, rows in _rows(report).items():
        parts += [f"## {title}", _md_table(rows)]
    parts += ["## Hybrid retrieval misses", _md_table(_misses(report))]
    weak = sorted(
        (r for r in report.answer_cases if (r.key_fact_recall or 0) < 0.5 or r.figure_accurate is False or r.error),
        key=lambda r: (r.category, r.id),
    )
    if weak:
        rows = [["case", "why", "answer (start)"]] + [
            [r.id, r.error or "; ".join(f"{k}: {v}" for k, v in r.reasons.items()), r.answer[:160]] for r in weak
        ]
        parts += ["## Weak answers", _md_table(rows)]
    return "\n\n".join(parts) + "\n"


def write(report: EvalReport, json_path: Path, md_path: Path) -> None:
    """Write the JSON and Markdown reports."""
    json_path.write_text(report.model_dump_json(indent=2), encoding="utf-8")
    md_path.write_text(to_markdown(report), encoding="utf-8")
