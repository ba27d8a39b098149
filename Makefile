# One command to run the service, one to run the tests. Both build the venv themselves.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench chaos demo clean venv

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/rasd run

demo: $(STAMP)
	$(BIN)/rasd demo

test: $(STAMP)
	$(BIN)/ruff check worker tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 --dist loadgroup tests

lint: $(STAMP)
	$(BIN)/ruff check worker tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

chaos: $(STAMP)
	RASD_CHAOS_FULL=1 $(BIN)/python -m pytest -s -p no:cacheprovider --timeout 2400 -m chaos tests/chaos

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
