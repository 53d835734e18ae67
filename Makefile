# trgraph developer commands. `make test` is the one command CI runs (.ci/run).
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install test lint typecheck bench demo browser-deps clean

$(BIN)/trgraph: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(BIN)/trgraph

install: $(BIN)/trgraph

# Headless Chromium for the browser tests (Debian packages); CI installs it, a developer may.
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "chromium not installed: browser tests will skip (outside CI)"; fi; \
	fi

lint: install
	$(BIN)/ruff check trgraph tests benchmarks scripts

typecheck: install
	$(BIN)/mypy --strict trgraph

test: install $(if $(CI),browser-deps)
	$(BIN)/ruff check trgraph tests benchmarks scripts
	$(BIN)/mypy --strict trgraph
	$(BIN)/pytest

bench: install
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/matching.py
	$(BIN)/python benchmarks/screening.py
	$(BIN)/python benchmarks/queries.py
	$(BIN)/python benchmarks/map_render.py

demo: install
	$(BIN)/trgraph demo

clean:
	rm -rf $(VENV) build trgraph-demo .mypy_cache .ruff_cache .pytest_cache
