"""The `assistant` command line: one module per command group, registered in `main`."""

from assistant.cli.root import main

__all__ = ["main"]
