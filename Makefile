# The commands README.md and CI use. Everything runs inside .venv, made here from PyPI.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: setup serve build test lint bench clean

$(BIN)/museumkg: pyproject.toml
	scripts/system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,remote]'
	touch $@

# Browser libraries (YASGUI for the SPARQL editor) from npm, exactly as package-lock.json pins
# them; the web app serves them from node_modules. Install scripts are not needed and not run.
NODE_STAMP := node_modules/.museumkg-installed
$(NODE_STAMP): package.json package-lock.json
	scripts/system-deps.sh
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

setup: $(BIN)/museumkg $(NODE_STAMP)

## serve: build the catalog (if missing or stale) and serve it on http://$(HOST):$(PORT)/
serve: setup
	$(BIN)/museumkg serve --host $(HOST) --port $(PORT)

build: setup
	$(BIN)/museumkg build

## test: lint, then the whole test suite; pytest's "no tests collected" (exit 5) is a failure
test: setup lint
	$(BIN)/python -m pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests ran: failing"; exit 1; fi; exit $$rc

## lint: ruff; the import layers (import-linter contracts in pyproject.toml); no private name
## used across packages; mypy on src/ and webapp/ (its settings in pyproject.toml)
lint: setup
	$(BIN)/ruff check src webapp tests bench scripts testing
	$(BIN)/ruff format --check src webapp tests bench scripts testing
	$(BIN)/lint-imports --no-cache
	$(BIN)/python scripts/check_private_imports.py
	$(BIN)/mypy

bench: setup
	$(BIN)/python -m bench

clean:
	rm -rf var .pytest_cache .ruff_cache .mypy_cache
