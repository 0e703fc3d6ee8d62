"""Commands for the corpus and its index: fetch, verify, ingest, search, info."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Annotated, Any, Optional, cast

import typer
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from assistant.cli.output import console, err, print_json, progress_bar, services_of
from assistant.core.settings import Settings
from assistant.errors import AssistantError
from assistant.store.base import SearchMode

# The project's own source list: what `corpus fetch` pins when the corpus dir has no sources.toml of its own.
PROJECT_SOURCES = Path(__file__).resolve().parents[2] / "corpus" / "sources.toml"
_COMMIT = re.compile(r"(?<![0-9a-f])[0-9a-f]{40}(?![0-9a-f])")

# Seconds between progress lines when stderr is not a terminal; embedding reports between slices of chunks.
PROGRESS_LOG_S = 10

corpus_app = typer.Typer(help="Fetch and verify the corpus.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the corpus, ingest, search and info commands."""
    app.add_typer(corpus_app, name="corpus")
    app.command("ingest")(ingest)
    app.command("search")(search)
    app.command("info")(info)


@corpus_app.command("fetch")
def corpus_fetch(ctx: typer.Context) -> None:
    """Download the sources in corpus/sources.toml and verify them (a no-op when the corpus is there)."""
    from ingest.sources import corpus_ready, fetch_sources

    corpus_dir = services_of(ctx).settings.corpus_dir
    if corpus_ready(corpus_dir):
        console.print(f"corpus ready at {corpus_dir}")
        return
    with progress_bar() as bar:
        task = bar.add_task("download", total=None, rate="")

        def on_bytes(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total, rate=f"{done / 1e6:.1f} MB")

        report = fetch_sources(corpus_dir, progress=on_bytes)
    for o in report.sources:
        console.print(
            f"{o.name}: {o.status}, {o.files} files in {o.target} ({o.downloaded_bytes / 1e6:.1f} MB, {o.seconds:.1f} s)"
        )


@corpus_app.command("verify")
def corpus_verify(ctx: typer.Context) -> None:
    """Check the fetched corpus files against their recorded sha256 sums."""
    from ingest.sources import verify_sources

    checks = verify_sources(services_of(ctx).settings.corpus_dir)
    for c in checks:
        console.print(f"{c.source.name}: " + ("ok" if c.check.ok else c.check.describe()))
    if not all(c.check.ok for c in checks):
        raise typer.Exit(1)


class _RichProgress:
    """Adapts the ingest Progress protocol to a rich progress bar with a rate (log lines when not a terminal)."""

    def __init__(self, bar: Progress) -> None:
        self.bar = bar
        self.task: Any = None
        self.logged = 0.0

    def stage(self, name: str, total: int) -> None:
        self.task = self.bar.add_task(name, total=total, rate="")
        self.logged = 0.0

    def advance(self, n: int = 1) -> None:
        self.bar.advance(self.task, n)
        t = self.bar.tasks[self.task]
        if not t.elapsed:
            return
        self.bar.update(self.task, rate=f"{t.completed / t.elapsed:.1f}/s")
        # Logs (CI, a redirect) get a line at least every 10 s instead of an invisible bar.
        if not err.is_terminal and t.elapsed - self.logged >= PROGRESS_LOG_S:
            self.logged = t.elapsed
            err.print(f"{t.description}: {t.completed:.0f}/{t.total:.0f} ({t.completed / t.elapsed:.1f}/s, {t.elapsed:.0f} s)")


def ingest(
    ctx: typer.Context,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Drop the index and embed everything again.")] = False,
) -> None:
    """Index the corpus: only new or changed files are embedded; deleted files are removed."""
    from ingest.chunking import ChunkSpec
    from ingest.pipeline import Ingester

    services = services_of(ctx)
    settings = services.settings
    root = settings.corpus_dir
    if not root.is_dir():
        raise AssistantError(
            f"corpus dir {root} does not exist",
            hint="run `assistant corpus fetch`, or set ASSISTANT_CORPUS_DIR to a folder of documents",
        )
    spec = ChunkSpec(settings.chunk_tokens, settings.chunk_overlap)
    with progress_bar() as bar:
        ingester = Ingester(services.store, services.embedder, services.taxonomy, spec, _RichProgress(bar))
        report = ingester.run(root, rebuild=rebuild)
    table = Table("", "count", title=f"Ingest of {root} into {services.store.kind}:{services.store.location}")
    table.add_row("units found", str(report.discovered))
    table.add_row("unchanged (skipped)", str(report.unchanged))
    table.add_row("indexed", str(report.indexed))
    table.add_row("removed (deleted files)", str(report.removed))
    table.add_row("postings with refreshed skills", str(report.refreshed))
    table.add_row("chunks indexed", str(report.chunks))
    table.add_row("texts embedded (dense)", f"{report.embedding.embedded} ({report.embedding.tokens:,} tokens)")
    table.add_row("dense vectors reused", str(report.embedding.reused))
    table.add_row("postings indexed", str(report.postings))
    table.add_row("guide sentences embedded", str(report.sentences))
    table.add_row("skipped with errors", str(len(report.problems)))
    table.add_row("time (s)", f"{report.total_seconds:.1f} = " + ", ".join(f"{k} {v:.1f}" for k, v in report.seconds.items()))
    console.print(table)
    for p in report.problems:
        console.print(f"[yellow]skipped[/] {p.source}: {p.reason}")
    for w in report.warnings:
        console.print(f"[yellow]warning[/] {w.source}: {w.reason}")


def search(
    ctx: typer.Context,
    query: str,
    doc_type: Annotated[Optional[list[str]], typer.Option("--type", help="Document type (repeatable).")] = None,
    city: Annotated[Optional[str], typer.Option(help="Only chunks of postings in this city.")] = None,
    company: Annotated[Optional[str], typer.Option(help="Only chunks of this company's postings.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100)] = 5,
    mode: Annotated[str, typer.Option(help="hybrid, dense or sparse")] = "hybrid",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Search the corpus and print ranked passages with their sources."""
    from assistant.retrieval.hybrid import chunk_filter
    from assistant.retrieval.hybrid import search as run_search

    if mode not in ("hybrid", "dense", "sparse"):
        raise AssistantError(f"unknown mode {mode!r}", hint="use --mode hybrid, dense or sparse")
    services = services_of(ctx)
    hits = run_search(
        services.store,
        services.embedder,
        query,
        mode=cast(SearchMode, mode),
        flt=chunk_filter(doc_type, city, company),
        limit=limit,
    )
    if as_json:
        print_json(
            {
                "query": query,
                "results": [
                    {
                        "source": h.source,
                        "title": h.title,
                        "section": h.section,
                        "page": h.page,
                        "score": round(h.score, 4),
                        "text": h.text,
                        "url": h.url,
                        "doc_type": h.doc_type,
                    }
                    for h in hits
                ],
            }
        )
        return
    if not hits:
        console.print("No results. Try other words, or fewer filters.")
    for i, h in enumerate(hits, 1):
        where = h.section + (f" (page {h.page})" if h.page else "")
        console.print(f"[bold]{i}. {escape(h.title)}[/]  [dim]{escape(h.source)}[/]  score {h.score:.3f}")
        if where:
            console.print(f"   [cyan]{escape(where)}[/]")
        snippet = " ".join(h.text.split())
        console.print(f"   {escape(snippet[:280])}{'…' if len(snippet) > 280 else ''}")
        if h.url:
            console.print(f"   [link={h.url}]{h.url}[/link]")


def corpus_snapshot(settings: Settings, meta: dict[str, Any]) -> dict[str, Any]:
    """Which corpus the index holds: the dir it was ingested from, and each pinned source with its commit.

    Ingest records the corpus dir in the index metadata (else the configured one is reported); the
    snapshot is the one sources.toml pins (that dir's own, the configured dir's, else the project's
    `corpus/sources.toml`), each commit read from its pinned url; `present` says whether the dir holds it.
    """
    from ingest.sources import SOURCES_FILE, load_sources

    root = Path(meta["corpus_dir"]) if meta.get("corpus_dir") else settings.corpus_dir
    candidates = (root / SOURCES_FILE, settings.corpus_dir / SOURCES_FILE, PROJECT_SOURCES)
    path = next((p for p in candidates if p.is_file()), None)
    snapshot: dict[str, Any] = {
        "corpus_dir": str(root.resolve()),
        "sources_file": str(path.resolve()) if path else None,
        "sources": [],
    }
    if path is None:
        return snapshot
    try:
        sources = load_sources(path)
    except AssistantError as exc:
        snapshot["error"] = exc.message
        return snapshot
    for s in sources:
        commit = _COMMIT.search(s.url)
        snapshot["sources"].append(
            {
                "name": s.name,
                "commit": commit.group(0) if commit else None,
                "url": s.url,
                "target": s.target,
                "present": (root / s.target).is_dir(),
            }
        )
    return snapshot


def info(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Counts of documents, chunks and postings, the posting dates, the corpus snapshot, the model and the store."""
    from assistant.market.dates import date_range
    from assistant.store.collections import CHUNKS, FILES, POSTINGS, SENTENCES

    services = services_of(ctx)
    store = services.store
    meta = store.read_meta() or {}
    if not store.has_collection(CHUNKS):
        raise AssistantError(f"no index at {store.location}", hint="run `make ingest` first")
    files = [r.payload for r in store.scroll(FILES, fields=["source", "kind", "chunks", "postings"])]
    by_root = Counter(p["source"].split("/", 1)[0] for p in files)
    dates = date_range(store) if store.has_collection(POSTINGS) else None
    data: dict[str, Any] = {
        "store": {"kind": store.kind, "location": store.location, "disk_bytes": store.disk_bytes()},
        "embedding_model": meta.get("embedding_model"),
        "dim": meta.get("dim"),
        "last_ingest": meta.get("last_ingest"),
        "documents": len(files),
        "chunks": store.count(CHUNKS),
        "postings": store.count(POSTINGS),
        "posting_dates": {"earliest": dates.earliest, "latest": dates.latest} if dates else None,
        "corpus": corpus_snapshot(services.settings, meta),
        "sentence_vectors": store.count(SENTENCES) if store.has_collection(SENTENCES) else 0,
        "chunks_by_doc_type": {str(f.value): f.count for f in store.facet(CHUNKS, "doc_type")},
        "documents_by_kind": dict(Counter(p.get("kind", "") for p in files)),
        "documents_by_source": dict(by_root),
    }
    if as_json:
        print_json(data)
        return
    table = Table("", "", title="Index")
    for key in ("embedding_model", "dim", "last_ingest", "documents", "chunks", "postings", "sentence_vectors"):
        table.add_row(key, str(data[key]))
    table.add_row("postings dated", f"{dates.earliest} to {dates.latest}" if dates else "n/a")
    snapshot = data["corpus"]
    table.add_row("corpus", escape(snapshot["corpus_dir"]))
    for src in snapshot["sources"]:
        table.add_row(f"source {escape(src['name'])}", escape(f"commit {src['commit'] or 'not pinned'} ({src['url']})"))
    table.add_row("store", f"{store.kind} at {store.location}")
    size = data["store"]["disk_bytes"]
    table.add_row("size on disk", f"{size / 1e6:.1f} MB" if size else "n/a")
    for k, v in data["chunks_by_doc_type"].items():
        table.add_row(f"chunks: {k}", str(v))
    for k, v in data["documents_by_source"].items():
        table.add_row(f"documents under {k}/", str(v))
    console.print(table)
