"""Incremental ingest: discover, load, chunk, embed and index only what changed."""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from assistant.core.embedding import Embedder
from assistant.core.schema import Chunk, Document, Posting, SparseVec, stable_id
from assistant.core.sentences import quotable_sentences
from assistant.errors import IndexMismatchError, LoaderError
from assistant.store.base import Filter, Match, Point, Store
from assistant.store.collections import (
    CHUNKS,
    FILE_VECTOR,
    FILES,
    POSTINGS,
    SENTENCES,
    FileState,
    chunk_payload,
    posting_embedding_text,
    posting_from_payload,
    posting_payload,
    sentence_id,
    specs,
)
from assistant.vocab.skills import Taxonomy
from ingest.chunking import ChunkSpec, chunk_document, chunking_version
from ingest.loaders import discover_units, load_unit
from ingest.loaders.base import LoadedUnit, Problem, SourceUnit
from ingest.loaders.limits import MAX_CHUNKS_PER_DOCUMENT

# Bump when `canonical_skills` changes how it derives skills: stored postings are then refreshed.
SKILLS_RULE = "structured-else-raw/1"
# Units loaded, embedded and written together: bounds memory and what a crash can lose.
UNITS_PER_BATCH = 32
# Chunks embedded in one call; progress is reported between calls.
EMBED_SLICE = 256


class Progress(Protocol):
    """Where ingest reports how far it got (the CLI shows rich progress bars)."""

    def stage(self, name: str, total: int) -> None:
        """A new stage starts with this many steps."""
        ...

    def advance(self, n: int = 1) -> None:
        """n more steps of the current stage are done."""
        ...


class _Silent:
    def stage(self, name: str, total: int) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


@dataclass
class IngestReport:
    """What one ingest did, with time per stage in seconds."""

    discovered: int = 0
    unchanged: int = 0
    indexed: int = 0
    removed: int = 0
    refreshed: int = 0
    chunks: int = 0
    postings: int = 0
    sentences: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    seconds: dict[str, float] = field(
        default_factory=lambda: {"load": 0.0, "chunk": 0.0, "embed": 0.0, "sentences": 0.0, "upsert": 0.0}
    )
    total_seconds: float = 0.0


def file_id(source: str) -> str:
    """Point id of a unit's state record."""
    return stable_id(f"file:{source}")


def posting_id(job_id: str) -> str:
    """Point id of a posting."""
    return stable_id(f"job:{job_id}")


def prepare_index(store: Store, embedder: Embedder, *, rebuild: bool) -> None:
    """Create collections; refuse to mix vectors from another embedding model unless rebuilding."""
    meta = store.read_meta()
    if rebuild:
        for name in specs(embedder.dim):
            store.drop_collection(name)
    elif meta and (meta.get("embedding_model") != embedder.name or meta.get("dim") != embedder.dim):
        raise IndexMismatchError(
            f"the index was built with {meta.get('embedding_model')} ({meta.get('dim')}-d), "
            f"not {embedder.name} ({embedder.dim}-d)",
            hint="run `assistant ingest --rebuild` (or `make ingest ARGS=--rebuild`) to re-embed everything",
        )
    for name, spec in specs(embedder.dim).items():
        store.ensure_collection(name, spec)


def taxonomy_fingerprint(taxonomy: Taxonomy) -> str:
    """A hash of the skill taxonomy: postings' canonical skills depend on it."""
    digest = hashlib.sha256(SKILLS_RULE.encode())
    for name in taxonomy.names():
        skill = taxonomy.skill(name)
        digest.update(repr((skill.name, skill.category, sorted(skill.aliases), sorted(skill.patterns))).encode())
    return digest.hexdigest()[:16]


def canonical_skills(taxonomy: Taxonomy, posting: Posting) -> list[str]:
    """A posting's canonical skills: from the structured extraction, else the raw listing's tags."""
    # The published market figures count the structured skills; raw tags are sparser and noisier.
    return taxonomy.canonical_set(posting.skills.all() or posting.raw_skills)


def indexed_files(store: Store) -> dict[str, FileState]:
    """What the index holds now, by source."""
    return {r.payload["source"]: FileState.from_payload(r.payload) for r in store.scroll(FILES)}


def remove_source(store: Store, source: str) -> None:
    """Delete a unit's chunks, postings and state."""
    remove_sources(store, [source])


def remove_sources(store: Store, sources: Sequence[str]) -> None:
    """Delete several units' chunks, postings, sentence vectors and states: four store writes however many units."""
    if not sources:
        return
    by_source = Filter(must=(Match("source", tuple(sources)),))
    store.delete(CHUNKS, by_source)
    store.delete(POSTINGS, by_source)
    store.delete(SENTENCES, by_source)
    store.delete_ids(FILES, [file_id(s) for s in sources])


def _batches(units: Sequence[SourceUnit], size: int) -> Iterable[Sequence[SourceUnit]]:
    for i in range(0, len(units), size):
        yield units[i : i + size]


def _stale(state: FileState | None, unit: SourceUnit) -> bool:
    """True when a unit is new, changed, or was chunked by an older version of the chunker."""
    return state is None or state.content_hash != unit.content_hash or state.chunking != chunking_version(unit.kind)


class Ingester:
    """Runs one ingest over a corpus root into a store."""

    def __init__(
        self, store: Store, embedder: Embedder, taxonomy: Taxonomy, spec: ChunkSpec, progress: Progress | None = None
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.taxonomy = taxonomy
        self.spec = spec
        self.progress = progress or _Silent()
        self.report = IngestReport()

    def run(self, root: Path, *, rebuild: bool = False) -> IngestReport:
        """Index what changed under root since the last run; remove what was deleted."""
        started = time.perf_counter()
        previous = self.store.read_meta() or {}
        prepare_index(self.store, self.embedder, rebuild=rebuild)
        fingerprint = taxonomy_fingerprint(self.taxonomy)
        if not rebuild and previous and previous.get("taxonomy") != fingerprint:
            self._refresh_skills()
        known = indexed_files(self.store)
        units, problems = discover_units(root)
        self.report.problems.extend(problems)
        self.report.discovered = len(units)
        current = {u.source for u in units}
        for source in sorted(set(known) - current):
            remove_source(self.store, source)
            self.report.removed += 1
        todo = [u for u in units if _stale(known.get(u.source), u)]
        self.report.unchanged = len(units) - len(todo)
        self.progress.stage("index", len(todo))
        for batch in _batches(todo, UNITS_PER_BATCH):
            self._index(self._load(batch, root, known))
        self.store.write_meta(
            {
                "embedding_model": self.embedder.name,
                "dim": self.embedder.dim,
                "last_ingest": datetime.now(UTC).isoformat(timespec="seconds"),
                "corpus_dir": str(root),
                "taxonomy": fingerprint,
            }
        )
        self.report.total_seconds = time.perf_counter() - started
        return self.report

    def _refresh_skills(self) -> None:
        """Re-derive every posting's canonical skills after the taxonomy changed; nothing is re-embedded."""
        # The stored vector was made with the old skill names in its text; the drift is small and
        # the next change to the posting itself re-embeds it.
        batch: list[Point] = []
        for point in self.store.scroll_points(POSTINGS):
            posting = posting_from_payload(point.payload)
            posting.canonical_skills = canonical_skills(self.taxonomy, posting)
            batch.append(Point(point.id, posting_payload(posting), dense=point.dense))
            if len(batch) == 256:
                self.store.upsert(POSTINGS, batch)
                self.report.refreshed += len(batch)
                batch = []
        self.store.upsert(POSTINGS, batch)
        self.report.refreshed += len(batch)

    def _load(self, batch: Sequence[SourceUnit], root: Path, known: dict[str, FileState]) -> list[LoadedUnit]:
        t = time.perf_counter()
        loaded: list[LoadedUnit] = []
        for unit in batch:
            try:
                result = load_unit(unit, root)
            except LoaderError as exc:
                self.report.problems.append(Problem(unit.source, exc.reason))
                if unit.source in known:
                    remove_source(self.store, unit.source)
                self.progress.advance()
                continue
            self.report.warnings.extend(Problem(unit.source, w) for w in result.warnings)
            for posting in result.postings:
                posting.canonical_skills = canonical_skills(self.taxonomy, posting)
            loaded.append(result)
        self.report.seconds["load"] += time.perf_counter() - t
        return loaded

    def _chunks(self, doc: Document) -> list[Chunk]:
        """The document's chunks, at most MAX_CHUNKS_PER_DOCUMENT (a cut is reported)."""
        chunks = chunk_document(doc, self.spec)
        if len(chunks) > MAX_CHUNKS_PER_DOCUMENT:
            self.report.warnings.append(
                Problem(doc.source, f"cut to its first {MAX_CHUNKS_PER_DOCUMENT:,} of {len(chunks):,} chunks; split the file")
            )
            return chunks[:MAX_CHUNKS_PER_DOCUMENT]
        return chunks

    def _index(self, loaded: list[LoadedUnit]) -> None:
        t = time.perf_counter()
        chunks: list[Chunk] = [c for u in loaded for d in u.documents for c in self._chunks(d)]
        postings: list[Posting] = [p for u in loaded for p in u.postings]
        self.report.seconds["chunk"] += time.perf_counter() - t

        t = time.perf_counter()
        texts = [c.embedding_text() for c in chunks]
        dense: list[list[float]] = []
        sparse: list[SparseVec] = []
        for start in range(0, len(texts), EMBED_SLICE):
            part = texts[start : start + EMBED_SLICE]
            dense += self.embedder.passages(part)
            sparse += self.embedder.sparse_passages(part)
            self.progress.advance(0)  # a heartbeat: long embeddings still report progress
        posting_vecs = self.embedder.passages([posting_embedding_text(p) for p in postings]) if postings else []
        self.report.seconds["embed"] += time.perf_counter() - t

        t = time.perf_counter()
        # Postings are answered with figures and job lists, so only guide sentences are quoted often enough to pre-embed.
        quotable = {s: c.source for c in chunks if c.doc_type != "job_posting" for s in quotable_sentences(c.text)}
        sentence_vecs = self.embedder.passages(list(quotable)) if quotable else []
        self.report.seconds["sentences"] += time.perf_counter() - t

        t = time.perf_counter()
        # Replace the units' old points first (one delete per collection for the whole batch: each
        # store write is flushed to disk); states are written last, so a crash here leaves the
        # units marked stale and the next run redoes them.
        remove_sources(self.store, [unit.unit.source for unit in loaded])
        self.store.upsert(
            CHUNKS,
            [Point(c.id, chunk_payload(c), dense=d, sparse=s) for c, d, s in zip(chunks, dense, sparse, strict=True)],
        )
        self.store.upsert(
            POSTINGS,
            [Point(posting_id(p.job_id), posting_payload(p), dense=v) for p, v in zip(postings, posting_vecs, strict=True)],
        )
        self.store.upsert(
            SENTENCES,
            [
                Point(sentence_id(s), {"source": src}, dense=v)
                for (s, src), v in zip(quotable.items(), sentence_vecs, strict=True)
            ],
        )
        per_source = Counter(c.source for c in chunks)
        states = [
            FileState(
                u.unit.source,
                u.unit.content_hash,
                u.unit.kind,
                sum(per_source[d.source] for d in u.documents),
                len(u.postings),
                chunking_version(u.unit.kind),
            )
            for u in loaded
        ]
        self.store.upsert(FILES, [Point(file_id(s.source), s.payload(), dense=FILE_VECTOR) for s in states])
        self.report.seconds["upsert"] += time.perf_counter() - t
        self.report.indexed += len(loaded)
        self.report.chunks += len(chunks)
        self.report.postings += len(postings)
        self.report.sentences += len(quotable)
        self.progress.advance(len(loaded))
