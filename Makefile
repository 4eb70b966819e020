# The README's commands. `make run` and `make test` are all a fresh machine needs (Python 3.11+).
SHELL := /bin/bash
UV ?= $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
WAREHOUSE ?= sqlite:///warehouse.db
SAMPLES := tests/fixtures/notices tests/fixtures/budgets

.PHONY: run test test-fast test-libreoffice lint bench status sync clean

$(CURDIR)/.tools/bin/uv:
	python3 -m venv .tools && .tools/bin/pip install --quiet --disable-pip-version-check uv

# --compile-bytecode: .pyc files written at install time save every command seconds of compiling Prefect,
# GX and pandas (where PYTHONDONTWRITEBYTECODE is set, Python would never cache them)
sync: $(if $(shell command -v uv 2>/dev/null),,$(CURDIR)/.tools/bin/uv)
	$(UV) sync --frozen --quiet --compile-bytecode

## Ingest the bundled samples (notices and real budget documents) into ./warehouse.db and print a summary.
run: sync
	$(UV) run --frozen notices ingest $(SAMPLES) --warehouse $(WAREHOUSE)

## The whole test suite (SQLite and the PostgreSQL server on 127.0.0.1:5432) but the LibreOffice tests.
test: sync
	$(UV) run --frozen pytest -m "not libreoffice"

## The edit-test loop: every unit and reader test, without the `slow` end-to-end runs (Prefect flows, load workers),
## spread over the machine's cores (pytest-xdist).
test-fast: sync
	$(UV) run --frozen pytest -n auto -m "not slow and not libreoffice"

## The fixture generator's second PDF producer: needs LibreOffice (apt-get install libreoffice-writer-nogui);
## without it every test fails (tests/conftest.py).
test-libreoffice: sync
	$(UV) run --frozen pytest -m libreoffice

lint: sync
	$(UV) run --frozen ruff check . && $(UV) run --frozen ruff format --check .

## Performance figures (see docs/performance.md).
bench: sync
	$(UV) run --frozen python bench/bench.py

status: sync
	$(UV) run --frozen notices status --warehouse $(WAREHOUSE)

clean:
	rm -rf .venv .tools warehouse.db warehouse.db-* out
