# The daily commands. `make run` starts the app, `make test` runs every test.
# Both create .venv and install the pinned requirements when they are missing or changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
HOST   ?= 127.0.0.1

.PHONY: run test lint check format e2e clean

# Start the app on http://$(HOST):$(PORT) with an embedded SQLite file in data/
run: $(VENV)/.runtime-installed
	$(BIN)/python serve.py --server.port $(PORT) --server.address $(HOST)

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
