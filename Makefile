# Quick start:  make demo   (set up .venv, then info + validate + a sample query on the bundled data)
#               make test   (set up .venv, then the whole test suite)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint generate bench wheel clean

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/sticoop info
	$(BIN)/sticoop validate
	$(BIN)/sticoop sql "SELECT a.signed_date, a.agreement_id, string_agg(p.name_en, ' + ' ORDER BY p.name_en) AS parties FROM agreements a JOIN agreement_parties ap USING (agreement_id) JOIN parties p USING (party_id) WHERE ap.role = 'party' AND a.signed_date = DATE '2025-05-10' GROUP BY ALL ORDER BY 2"

# Tests run on every core; an idle worker steals queued tests from a busy one, so the run ends
# with the longest single test, not the longest file (loadfile and load measured no faster:
# README). Not --dist loadgroup: pytest-xdist 3.8 cannot group tests under pytest 9.
test: $(STAMP)
	$(BIN)/pytest -n auto --dist worksteal

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python tests/typecheck.py

generate: $(STAMP)
	$(BIN)/sticoop generate

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --sizes 10000,100000,1000000 --seeds 1,5,7 --repeat 3 --frictionless-repeat 1 --release-repeat 1 --correctness-events 100000 --timeout 1500

wheel: $(STAMP)
	rm -rf dist/*.whl
	$(BIN)/python -m pip wheel --quiet --no-deps --no-build-isolation -w dist .

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
