# `make run` and `make test` work on a fresh clone: they create .venv when it is missing
# and install the pinned requirements (again only when a requirements file changed).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE := scenarios/zuid-west-jeugdzorgplus.yaml

.PHONY: run serve example lint format test quick bench presets validation slides clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# The workshop app on http://localhost:8501 (Dutch; English by the toggle in the sidebar),
# with the health check at /api/health. `python -m streamlit`, not the `streamlit` script:
# workers start from a forkserver, which imports the main script again unless it is a
# package's __main__.
run: $(VENV)/.runtime
	$(BIN)/python -m streamlit run server.py --server.port 8501

# The shared intranet server (README "For administrators"): sign-in required, so a missing or
# broken [auth] in .streamlit/secrets.toml stops it at start-up with the setting named. It
# listens on SERVE_ADDRESS:SERVE_PORT, behind a reverse proxy that adds TLS.
SERVE_ADDRESS ?= 127.0.0.1
SERVE_PORT ?= 8501
serve: $(VENV)/.runtime
	JZSIM_SIGN_IN=required $(BIN)/python -m streamlit run server.py --server.headless true \
		--server.address $(SERVE_ADDRESS) --server.port $(SERVE_PORT)

# The example scenario on the command line: output files and the yearly table.
example: $(VENV)/.runtime
	$(BIN)/python -m simulator run $(EXAMPLE) --out out/zuid-west

# ruff (lint and format check) and mypy (types of simulator/); `make format` rewrites the layout.
lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The full suite, after the lint: this is what CI runs.
test: lint
	$(BIN)/python -m pytest

# The quick subset while working: no slow statistical checks, no browser.
quick: $(VENV)/.dev
	$(BIN)/python -m pytest -m "not slow and not browser"

# Recompute the preset scenarios in scenarios/ from the tables in data/.
presets: $(VENV)/.runtime
	$(BIN)/python -m simulator.calibrate

# Recompute the validation table and the table of named assumptions in docs/ (about 5 minutes).
validation: $(VENV)/.runtime
	$(BIN)/python -m simulator.validation

# Render the example decks to PNG pages in out/slides (needs libreoffice-impress and poppler-utils).
slides: $(VENV)/.runtime
	$(BIN)/python scripts/render_deck.py

# Every benchmark (about 20 minutes on 2 cores); bench_load needs chromium and playwright (.dev).
bench: $(VENV)/.dev
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_age.py
	$(BIN)/python benchmarks/bench_national.py
	$(BIN)/python benchmarks/bench_app.py
	$(BIN)/python benchmarks/bench_export.py
	$(BIN)/python benchmarks/bench_memory.py
	$(BIN)/python benchmarks/bench_cluster.py
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/bench_load.py --users 3

clean:
	rm -rf $(VENV) out .pytest_cache
