# Two commands a new user needs: `make run` (set up, fetch, serve while indexing) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ASSISTANT := $(BIN)/assistant
ARGS ?=

.PHONY: setup run ingest test test-fast lint eval bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(ASSISTANT) prepare
	touch $@

run: setup
	$(ASSISTANT) corpus fetch
	$(ASSISTANT) serve $(ARGS)

ingest: setup
	$(ASSISTANT) ingest $(ARGS)

test: setup
	$(BIN)/pytest $(ARGS)

test-fast: setup
	$(BIN)/pytest -m "not integration and not browser and not slow" $(ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

eval: setup
	$(BIN)/python -m evals.run $(ARGS)

bench: setup
	$(BIN)/python -m bench.run $(ARGS)

clean:
	rm -rf data .pytest_cache
