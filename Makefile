# The daily commands. `make run` starts the app, `make test` runs every test.
# Both create .venv and install the pinned requirements when they are missing or changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
HOST   ?= 127.0.0.1

.PHONY: run test lint check format e2e clean cluster

# Start the app on http://$(HOST):$(PORT) with an embedded SQLite file in data/
run: $(VENV)/.runtime-installed
	$(BIN)/python serve.py --server.port $(PORT) --server.address $(HOST)

# PostgreSQL, WORKERS app processes and HAProxy with TLS on https://127.0.0.1:8443, in the
# foreground (Ctrl-C stops all). make cluster PORT=9443 WORKERS=3; see deploy/README.md
WORKERS ?= 2
CLUSTER_PORT = $(if $(filter command line environment,$(origin PORT)),$(PORT),8443)
cluster: $(VENV)/.runtime-installed
	$(BIN)/python -m deploy.cluster --port $(CLUSTER_PORT) --workers $(WORKERS)

# Run the whole suite: unit, page (AppTest), storage on SQLite and PostgreSQL, browser
test: $(VENV)/.test-installed
	$(BIN)/python -m pytest

# Only the browser tests
e2e: $(VENV)/.test-installed
	$(BIN)/python -m pytest -m e2e

# Lint with ruff (settings in pyproject.toml)
lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Lint, then test: what CI runs
check: lint test

# Reformat the code
format: $(VENV)/.test-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements.txt requirements-test.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@ $(VENV)/.runtime-installed

# Remove the virtual environment (your data in data/ stays)
clean:
	rm -rf $(VENV)

# --- Benchmarks and load test (bench/): not part of `make test` ----------------------
BENCH_OUT    ?= data/bench.json
LOAD_OUT     ?= data/load.json
COUPLES      ?= 10,50,100
LOAD_SECONDS ?= 60

.PHONY: bench load load-cluster burst cpu

# Time pages, actions and storage calls against a bare page (FULL=1 adds 1M rows)
bench: $(VENV)/.bench-installed
	$(BIN)/python -m bench.run --out $(BENCH_OUT) $(if $(FULL),--full)

# Load test: simulated couples over Streamlit's websocket on 127.0.0.1 (COUPLES=10,50,100)
load: $(VENV)/.bench-installed
	$(BIN)/python -m bench.load --couples $(COUPLES) --seconds $(LOAD_SECONDS) --out $(LOAD_OUT)

# The same couples through make cluster's proxy, 1 then 2 app processes (LOAD_WORKERS=1,2);
# the largest of COUPLES
LOAD_WORKERS ?= 1,2
comma := ,
load-cluster: $(VENV)/.bench-installed
	$(BIN)/python -m bench.cluster_load --workers $(LOAD_WORKERS) \
		--couples $(lastword $(subst $(comma), ,$(COUPLES))) --seconds $(LOAD_SECONDS) \
		--out data/load-cluster.json

# Server CPU per kind of run (one signed-in tab, fresh servers): the steady measure to
# compare two versions of the code with (run it in each, and again the other way round)
cpu: $(VENV)/.bench-installed
	$(BIN)/python -m bench.cpu --out data/cpu.json

# A fixed burst (tabs reloading a chapter, tabs saving), whole-page runs in turns or not
burst: $(VENV)/.bench-installed
	$(BIN)/python -m bench.burst --out data/burst.json

$(VENV)/.bench-installed: requirements.txt requirements-bench.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-bench.txt
	touch $@ $(VENV)/.runtime-installed
