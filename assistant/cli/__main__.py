"""`python -m assistant.cli`: the same entry point as the `assistant` command."""

from assistant.cli.root import main

main()
