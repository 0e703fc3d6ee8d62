"""Incremental ingest: discover, load, chunk, embed and index only what changed."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from assistant.core.embedding import Embedder
from assistant.core.indexing import GUIDES_STAGE, PASSAGES_STAGE, POSTINGS_STAGE, SENTENCES_STAGE
from assistant.core.schema import Chunk, Document, Posting, SparseVec, carries_meaning, searched_by_words, stable_id
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
    posting_payload,
    sentence_id,
    specs,
)
from assistant.vocab.skills import Taxonomy
from ingest.chunking import ChunkSpec, chunk_document, chunking_version
from ingest.loaders import discover_units, load_unit
from ingest.loaders.base import LoadedUnit, Problem, SourceUnit
from ingest.loaders.limits import MAX_CHUNKS_PER_DOCUMENT
from ingest.posting_skills import canonical_skills, mentioned_skills, refresh_skills, taxonomy_fingerprint, texts_by_job
from ingest.report import IngestReport, Progress, Silent
from ingest.reuse import DenseVectors

# Units loaded, embedded and written together: bounds memory and what a crash can lose.
UNITS_PER_BATCH = 32
# The chunking version in the state of a posting indexed as a record only: never current, so its passages follow.
RECORDS_ONLY = "records-only"
# The chunking version in the state of a guide whose passages are indexed but not its sentences: never current.
SENTENCES_PENDING = "sentences-pending"
# Postings whose records are written together: nothing is embedded, so batches are larger (fewer flushed writes).
RECORDS_PER_BATCH = 256
# Chunks embedded in one call; progress is reported between calls.
EMBED_SLICE = 256


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


def indexed_files(store: Store) -> dict[str, FileState]:
    """What the index holds now, by source."""
    return {r.payload["source"]: FileState.from_payload(r.payload) for r in store.scroll(FILES)}


def remove_source(store: Store, source: str) -> None:
    """Delete a unit's chunks, postings and state."""
    remove_sources(store, [source])


def remove_sources(store: Store, sources: Sequence[str], *, sentences: bool = True) -> None:
    """Delete several units' chunks, postings, sentence vectors (unless told not to) and states: one write per collection."""
    if not sources:
        return
    by_source = Filter(must=(Match("source", tuple(sources)),))
    store.delete(CHUNKS, by_source)
    store.delete(POSTINGS, by_source)
    if sentences:
        store.delete(SENTENCES, by_source)
    store.delete_ids(FILES, [file_id(s) for s in sources])


def _batches(units: Sequence[SourceUnit], size: int) -> Iterable[Sequence[SourceUnit]]:
    for i in range(0, len(units), size):
        yield units[i : i + size]


def _by_stage(units: Sequence[SourceUnit]) -> list[tuple[str, list[SourceUnit]]]:
    """Units in the order the app can use them: postings' records (figures need only them), guides, postings' passages,
    then the guides' sentences (answers can embed the few they quote until then)."""
    postings = [u for u in units if u.kind == "posting"]
    guides = [u for u in units if u.kind != "posting"]
    return [(POSTINGS_STAGE, postings), (GUIDES_STAGE, guides), (PASSAGES_STAGE, postings), (SENTENCES_STAGE, guides)]


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
        self.progress = progress or Silent()
        self.report = IngestReport()
        self._dense = DenseVectors(store, embedder, EMBED_SLICE, lambda: self.progress.advance(0))

    def run(self, root: Path, *, rebuild: bool = False) -> IngestReport:
        """Index what changed under root since the last run; remove what was deleted."""
        started = time.perf_counter()
        previous = self.store.read_meta() or {}
        prepare_index(self.store, self.embedder, rebuild=rebuild)
        fingerprint = taxonomy_fingerprint(self.taxonomy)
        if not rebuild and previous and previous.get("taxonomy") != fingerprint:
            self.report.refreshed = refresh_skills(self.store, self.taxonomy)
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
        # Postings loaded for their records wait, chunked, for the passages stage, and guides for the sentences
        # stage: each file is read once. A unit that failed to load is not kept, and its later stage skips it.
        kept: dict[str, LoadedUnit] = {}
        for stage, group in _by_stage(todo):
            self.progress.stage(stage, len(group))
            for batch in _batches(group, RECORDS_PER_BATCH if stage == POSTINGS_STAGE else UNITS_PER_BATCH):
                waiting = [kept.pop(u.source) for u in batch if u.source in kept]
                if stage == SENTENCES_STAGE:
                    self.progress.advance(len(batch) - len(waiting))
                    self._index_sentences(waiting)
                    continue
                held = {w.unit.source for w in waiting}
                loaded = waiting + self._load([u for u in batch if u.source not in held], root, known)
                if stage == POSTINGS_STAGE:
                    self._index_records(loaded)
                else:
                    self._index(loaded)
                if stage != PASSAGES_STAGE:
                    kept.update((u.unit.source, u) for u in loaded)
        # A posting that failed to load failed in both stages: each problem is reported once.
        self.report.problems = list(dict.fromkeys(self.report.problems))
        self.report.warnings = list(dict.fromkeys(self.report.warnings))
        self.store.optimize(CHUNKS)
        self.store.write_meta(
            {
                "embedding_model": self.embedder.name,
                "dim": self.embedder.dim,
                "last_ingest": datetime.now(UTC).isoformat(timespec="seconds"),
                "corpus_dir": str(root),
                "taxonomy": fingerprint,
            }
        )
        self.report.embedding = self._dense.counts
        # Counted where embedded: a sentence two batches share is embedded (and stored) once.
        self.report.sentences = self._dense.counts.sentences
        self.report.total_seconds = time.perf_counter() - started
        return self.report

    def _index_records(self, loaded: list[LoadedUnit]) -> None:
        """Postings' records without vectors, so figures and filters work before any passage is embedded."""
        # The state goes first and is always stale: a run killed after it redoes the unit, and a file
        # deleted meanwhile still has its record removed. The passages stage rewrites both.
        states = [FileState(u.unit.source, u.unit.content_hash, u.unit.kind, 0, len(u.postings), RECORDS_ONLY) for u in loaded]
        self.store.upsert(FILES, [Point(file_id(s.source), s.payload(), dense=FILE_VECTOR) for s in states])
        self.store.upsert(POSTINGS, [Point(posting_id(p.job_id), posting_payload(p)) for u in loaded for p in u.postings])
        self.progress.advance(len(loaded))

    def _load(self, batch: Sequence[SourceUnit], root: Path, known: dict[str, FileState]) -> list[LoadedUnit]:
        t = time.perf_counter()
        chunking = 0.0  # timed apart from loading
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
            started = time.perf_counter()
            result.chunks = [c for d in result.documents for c in self._chunks(d)]
            chunking += time.perf_counter() - started
            # Mentions are read from the chunks as they will be indexed, as a refresh reads them back.
            texts = texts_by_job((c.job_id, c.section, c.text) for c in result.chunks if c.job_id)
            for posting in result.postings:
                posting.canonical_skills = canonical_skills(self.taxonomy, posting)
                posting.mentioned_skills = mentioned_skills(self.taxonomy, posting, texts.get(posting.job_id, []))
            loaded.append(result)
        self.report.seconds["chunk"] += chunking
        self.report.seconds["load"] += time.perf_counter() - t - chunking
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
        chunks: list[Chunk] = [c for u in loaded for c in u.chunks]
        postings: list[Posting] = [p for u in loaded for p in u.postings]

        t = time.perf_counter()
        texts = [c.embedding_text() for c in chunks]
        # A posting's words are searched in its description; its at-a-glance chunk is for meaning only.
        worded = [i for i, c in enumerate(chunks) if searched_by_words(c.doc_type, c.section)]
        sparse: list[SparseVec | None] = [None] * len(chunks)
        for start in range(0, len(worded), EMBED_SLICE):
            part = worded[start : start + EMBED_SLICE]
            for i, vec in zip(part, self.embedder.sparse_passages([texts[i] for i in part]), strict=True):
                sparse[i] = vec
            self.progress.advance(0)  # a heartbeat: long embeddings still report progress
        # Only what says what a document is about gets a dense vector; a posting's vector is its at-a-glance chunk's.
        meaning = [i for i, c in enumerate(chunks) if carries_meaning(c.doc_type, c.section)]
        glance = {chunks[i].job_id: texts[i] for i in meaning if chunks[i].doc_type == "job_posting"}
        posting_texts = [glance.get(p.job_id) or posting_embedding_text(p) for p in postings]
        vectors = self._dense([texts[i] for i in meaning] + posting_texts)
        dense: list[list[float] | None] = [None] * len(chunks)
        for i, v in zip(meaning, vectors, strict=False):
            dense[i] = v
        posting_vecs = vectors[len(meaning) :]
        self.report.seconds["embed"] += time.perf_counter() - t

        t = time.perf_counter()
        # Replace the units' old points first (one delete per collection for the whole batch: each
        # store write is flushed to disk); states are written last, so a crash here leaves the
        # units marked stale and the next run redoes them. A guide's old sentence vectors stay for
        # its sentences stage to reuse, and its state stays stale until that stage.
        remove_sources(self.store, [unit.unit.source for unit in loaded], sentences=False)
        self.store.upsert(
            CHUNKS,
            [Point(c.id, chunk_payload(c), dense=d, sparse=s) for c, d, s in zip(chunks, dense, sparse, strict=True)],
        )
        self.store.upsert(
            POSTINGS,
            [Point(posting_id(p.job_id), posting_payload(p), dense=v) for p, v in zip(postings, posting_vecs, strict=True)],
        )
        self._write_states(loaded, lambda u: chunking_version(u.kind) if u.kind == "posting" else SENTENCES_PENDING)
        self.report.seconds["upsert"] += time.perf_counter() - t
        self.report.indexed += len(loaded)
        self.report.chunks += len(chunks)
        self.report.postings += len(postings)
        self.progress.advance(len(loaded))

    def _index_sentences(self, loaded: list[LoadedUnit]) -> None:
        """The guides' quotable sentences embedded and stored, then the guides' states made current."""
        if not loaded:
            return
        t = time.perf_counter()
        # Postings are answered with figures and job lists, so only guide sentences are quoted often enough to pre-embed.
        chunks = [c for u in loaded for c in u.chunks if c.doc_type != "job_posting"]
        quotable = {s: c.source for c in chunks for s in quotable_sentences(c.text, c.section)}
        vectors = self._dense.sentences(list(quotable))  # reuses the vectors still stored, so before the delete
        self.report.seconds["sentences"] += time.perf_counter() - t
        t = time.perf_counter()
        self.store.delete(SENTENCES, Filter(must=(Match("source", tuple(u.unit.source for u in loaded)),)))
        self.store.upsert(
            SENTENCES,
            [Point(sentence_id(s), {"source": src}, dense=v) for (s, src), v in zip(quotable.items(), vectors, strict=True)],
        )
        self._write_states(loaded, lambda u: chunking_version(u.kind))
        self.report.seconds["upsert"] += time.perf_counter() - t
        self.progress.advance(len(loaded))

    def _write_states(self, loaded: list[LoadedUnit], chunking: Callable[[SourceUnit], str]) -> None:
        """The units' states, written after their points: a run killed before this redoes them."""
        per_source = Counter(c.source for u in loaded for c in u.chunks)
        states = [
            FileState(
                u.unit.source,
                u.unit.content_hash,
                u.unit.kind,
                sum(per_source[d.source] for d in u.documents),
                len(u.postings),
                chunking(u.unit),
            )
            for u in loaded
        ]
        self.store.upsert(FILES, [Point(file_id(s.source), s.payload(), dense=FILE_VECTOR) for s in states])
