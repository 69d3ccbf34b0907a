# Two commands do all the set-up on a fresh machine with Python 3.11 and git:
#   make demo   - create .venv, install, run `screening demo` (the main job through Airflow, SQLite)
#   make test   - create .venv, install with the dev extras, run the test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test lint typecheck bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,postgres,celery]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/screening demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check screening dags tests benchmarks
	$(BIN)/ruff format --check screening dags tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy screening

clean:
	rm -rf .airflow var out .pytest_cache .mypy_cache .ruff_cache
