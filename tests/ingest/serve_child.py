"""`assistant serve` for the fault tests: the real command and app, indexing with the fake embedder, two units a batch,
printing "write" after every store write so the parent can SIGKILL it between any two.

Run as `python -m tests.ingest.serve_child CORPUS DATA PORT`; its index is DATA/index, chunked as `ingest_child` chunks.
"""

from __future__ import annotations

import sys
from pathlib import Path

from assistant.cli.root import main as cli_main
from assistant.core.settings import Settings
from assistant.services import Services

from ..conftest import FakeEmbedder
from .ingest_child import SPEC, announcing_writes


def main(corpus: str, data: str, port: str) -> None:
    """Serve with the fake embedder until killed, announcing every write of the ingest beside the app."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        corpus_dir=Path(corpus),
        data_dir=Path(data),
        port=int(port),
        chunk_tokens=SPEC.max_tokens,
        chunk_overlap=SPEC.overlap,
        model="offline",
        openai_api_key=None,
        openai_base_url=None,
    )
    with announcing_writes(lambda: print("write", flush=True)):
        cli_main(["serve"], obj=Services(settings, embedder=FakeEmbedder()))


if __name__ == "__main__":
    main(*sys.argv[1:4])
