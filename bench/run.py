"""`make bench`: measure ingest, embedding, search, answers, baselines and scale; write results and tables.

python -m bench.run                # the default: cold ingest of a sample, everything else in full
python -m bench.run --full         # adds the cold ingest of the full corpus (10-30 minutes on 2 cores)
python -m bench.run --render-only  # rewrite BENCHMARKS.md from bench/results.json
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from assistant.core.settings import Settings
from assistant.errors import AssistantError, CorpusError, IndexLockedError
from bench import machine
from bench.report import write_markdown
from bench.targets import evaluate

RESULTS = Path("bench/results.json")
MARKDOWN = Path("BENCHMARKS.md")
SECTIONS = ("ingest", "embedding", "search", "baselines", "answers", "scale", "hostile")  # keep in step with bench.sections
T = TypeVar("T")


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _section(results: dict[str, Any], name: str, fn: Callable[[], T]) -> T:
    _log(f"{name} ...")
    started = time.perf_counter()
    value = fn()
    took = time.perf_counter() - started
    results["section_seconds"][name] = round(took, 1)
    _log(f"{name} done in {took:.1f} s")
    return value


def _data_dir(scratch: Path, name: str, models: Path) -> Path:
    """A data dir in scratch whose models folder points at the real, already assembled one."""
    data = scratch / name
    data.mkdir(parents=True, exist_ok=True)
    link = data / "models"
    if not link.exists():
        link.symlink_to(models.resolve())
    return data


def _full_index(settings: Settings) -> Path | None:
    """The configured index when it holds a finished ingest of the configured corpus and no writer holds it."""
    from assistant.store.edge import EdgeStore

    meta_path = settings.index_dir / "meta.json"
    if not meta_path.is_file():
        return None
    meta = json.loads(meta_path.read_text())
    if not meta.get("last_ingest") or Path(meta.get("corpus_dir", "")).resolve() != settings.corpus_dir.resolve():
        _log(f"{settings.index_dir} is not an index of {settings.corpus_dir}: using the sample's index")
        return None
    try:
        EdgeStore.open(settings.index_dir, read_only=True).close()
    except IndexLockedError:
        _log(f"{settings.index_dir} is being written by another process: using the sample's index")
        return None
    return settings.index_dir


def _previous(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--full", action="store_true", help="also run the cold ingest of the full corpus")
    p.add_argument("--sample-postings", type=int, default=300, help="postings in the cold-ingest sample")
    p.add_argument(
        "--queries",
        type=int,
        default=1200,
        help="at least this many search queries (every eval question is used with its variations)",
    )
    p.add_argument("--local-queries", type=int, default=30, help="queries run against qdrant-client's slow local mode")
    p.add_argument("--minsearch-queries", type=int, default=300, help="queries for the minsearch comparison")
    p.add_argument("--ask-questions", type=int, default=30, help="questions for the ask latency")
    p.add_argument("--scale-chunks", type=int, default=200_000, help="synthetic chunks at the last scale step")
    p.add_argument("--skip", default="", help=f"comma-separated sections to skip: {', '.join(SECTIONS)}")
    p.add_argument("--profile", action="store_true", help="profile the sample ingest with pyinstrument")
    p.add_argument("--render-only", action="store_true", help="only rewrite the tables from the results file")
    p.add_argument("--out", type=Path, default=RESULTS)
    p.add_argument("--markdown", type=Path, default=MARKDOWN)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns the process exit code."""
    args = parse_args(argv)
    if args.render_only:
        saved = _previous(args.out)
        if not saved:
            _log(f"no results in {args.out}: run the benchmark first")
            return 2
        saved["targets"] = evaluate(saved)
        write_markdown(args.markdown, saved)
        _log(f"rewrote {args.markdown} from {args.out}")
        return 0
    settings = Settings()
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    if unknown := skip - set(SECTIONS):
        _log(f"unknown sections to skip: {', '.join(sorted(unknown))}")
        return 2
    if not settings.corpus_dir.is_dir():
        raise CorpusError(f"no corpus at {settings.corpus_dir}", hint="run `assistant corpus fetch` or set ASSISTANT_CORPUS_DIR")
    previous = _previous(args.out)
    results: dict[str, Any] = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": machine.describe(),
        "section_seconds": {},
    }
    started = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(prefix="assistant-bench-"))
    try:
        from bench import sections

        ctx = sections.Context(settings, args, scratch, _data_dir, _full_index(settings), results, previous)
        try:
            for name, run_section in sections.SECTIONS.items():
                if name not in skip:
                    _section(results, name, partial(run_section, ctx))
        finally:
            ctx.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    results["machine"]["load_average_1m_end"] = machine.load_average()
    results["targets"] = evaluate(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    write_markdown(args.markdown, results)
    _log(f"wrote {args.out} and {args.markdown} in {results['total_seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
