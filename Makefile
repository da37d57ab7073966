# `make run` and `make test` work on a fresh clone: they create .venv when it is missing
# and install the pinned requirements (again only when a requirements file changed).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE := scenarios/voorbeeldregio.yaml

.PHONY: run test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Until the app exists (next issue), `make run` runs the example scenario and prints its yearly table.
run: $(VENV)/.runtime
	$(BIN)/python -m simulator run $(EXAMPLE) --out out/voorbeeldregio

test: $(VENV)/.dev
	$(BIN)/python -m pytest

bench: $(VENV)/.runtime
	$(BIN)/python benchmarks/bench_engine.py

clean:
	rm -rf $(VENV) out .pytest_cache
