# Realise: `make run` starts the app with demo data; `make test` runs the tests.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-sqlite test-postgres test-databases speedups scale-test lint typecheck format install assets migrate demo bench clean

# The packages are installed with uv (the same packages as pip, fetched side by side: a
# fresh install takes half the time), or with pip where uv cannot be had. Their bytecode is
# compiled as pip compiles it: where Python may not write it (PYTHONDONTWRITEBYTECODE),
# every process would otherwise compile each module it imports again.
$(BIN)/activate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet uv && $(BIN)/uv pip install --quiet --compile-bytecode --python $(PY) -e '.[dev]' \
	  || { $(PY) -m pip install --quiet --upgrade pip && $(PY) -m pip install --quiet -e '.[dev]'; }
	touch $(BIN)/activate

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.package-lock.json

var/assets/govuk/govuk-frontend.min.css: node_modules/.package-lock.json
	DEBUG=1 $(PY) manage.py build_assets

# The Welsh catalogue, compiled (gettext's msgfmt; the .mo is not committed).
locale/cy/LC_MESSAGES/django.mo: locale/cy/LC_MESSAGES/django.po
	msgfmt --check -o $@ $<

install: $(BIN)/activate node_modules/.package-lock.json
assets: install var/assets/govuk/govuk-frontend.min.css locale/cy/LC_MESSAGES/django.mo

migrate: assets
	mkdir -p var
	DEBUG=1 $(PY) manage.py migrate --no-input

demo: migrate
	DEBUG=1 $(PY) manage.py demo

run: demo
	@echo "Realise on http://$(HOST):$(PORT)/"
	DEBUG=1 $(PY) manage.py demo | tail -n +2
	@# The task worker (background imports) runs beside the web server and stops with it,
	@# and so does the daily run of the reminders (now, then every 24 hours; var/remind.log).
	DEBUG=1 $(PY) manage.py worker & worker=$$!; \
	( trap 'kill $$nap 2>/dev/null; exit 0' TERM; while true; do \
	  DEBUG=1 $(PY) manage.py remind >> var/remind.log 2>&1; sleep 86400 & nap=$$!; wait $$nap; \
	done ) & \
	daily=$$!; \
	trap 'kill $$worker $$daily 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite on SQLite, then on PostgreSQL when DATABASE_URL points at it.
test: assets
	$(MAKE) --no-print-directory test-sqlite
	@if [[ "$${DATABASE_URL:-}" == postgres* ]]; then $(MAKE) --no-print-directory test-postgres POSTGRES_TESTS=--database-tests-only; \
	else echo "DATABASE_URL is not PostgreSQL: PostgreSQL run skipped (.ci/run sets it)."; fi

# The suite is spread over every core (pytest-xdist; each worker has its own test database);
# PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= auto
# The ten slowest tests are listed after each run, to keep the suite quick.
PYTEST_DURATIONS ?= --durations=10 --durations-min=2
XDIST = $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist worksteal)

# The tests keep the bytecode of Realise and of the rewritten test modules (in __pycache__,
# ignored by git) even where PYTHONDONTWRITEBYTECODE is set: every test process and every
# command a test runs would otherwise compile them again (7 s of a processor for each
# process that collects the suite).
KEEP_BYTECODE = PYTHONDONTWRITEBYTECODE=

# The test processes' speed-ups that need a C compiler (tests/speedups/), built into
# var/speedups/ when one is at hand; the tests run without them where none is.
speedups: install
	@$(PY) -m tests.speedups

test-sqlite: assets speedups
	$(KEEP_BYTECODE) DATABASE_URL=sqlite:///var/test.sqlite3 REALISE_TESTING=1 $(BIN)/pytest -q -m "not scale" $(XDIST) $(PYTEST_DURATIONS) $(PYTEST_ARGS)

# `make test` runs on PostgreSQL only the tests that reach a database: the rest (about a
# fifth, none of which can touch one) have just run on SQLite. `make test-postgres` runs all.
POSTGRES_TESTS ?=
test-postgres: assets speedups
	$(KEEP_BYTECODE) REALISE_TESTING=1 $(BIN)/pytest -q -m "not scale" $(XDIST) $(PYTEST_DURATIONS) $(POSTGRES_TESTS) $(PYTEST_ARGS)

# The migrated templates each test database is copied from (tests/template_databases.py):
# made by the first test run that needs them, or ahead with this (for SQLite and, when
# DATABASE_URL points at it, PostgreSQL).
test-databases: assets speedups
	$(KEEP_BYTECODE) REALISE_TESTING=1 $(PY) -m tests.template_databases sqlite:///var/test.sqlite3 \
	  $$([[ "$${DATABASE_URL:-}" == postgres* ]] && echo "$$DATABASE_URL")

# Scale out: two gunicorn hosts and a task worker on one PostgreSQL database (made and
# dropped by the test) and one Redis (REDIS_URL, else 127.0.0.1:6379). See docs/operations.md.
scale-test: assets speedups
	@if [[ "$${DATABASE_URL:-}" != postgres* ]]; then export DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres; fi; \
	$(KEEP_BYTECODE) REALISE_TESTING=1 REALISE_REQUIRE_SCALE=1 $(BIN)/pytest -q -m scale tests/scale $(PYTEST_ARGS)

# Benchmarks: every script in bench/ (BENCH=register runs one; BENCH_ARGS are passed on).
bench: install
	$(PY) bench/run.py $(if $(BENCH),--only $(BENCH)) $(if $(BENCH_ARGS),-- $(BENCH_ARGS))

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DEBUG=1 REALISE_TESTING=1 DATABASE_URL=sqlite:///var/lint.sqlite3 $(PY) manage.py check_translations
	REALISE_TESTING=1 $(BIN)/mypy

# Static types with mypy, django-stubs and the DRF stubs over the whole package (part of lint):
# the engines and every services module at the strict level, the rest at the default level.
typecheck: install
	REALISE_TESTING=1 $(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf var/assets var/static

# A bounded load test: gunicorn on 127.0.0.1, PostgreSQL, 50 clients for 60 s (needs
# PostgreSQL; LOAD_DATABASE_URL overrides the database, LOAD_ARGS e.g. "--seconds 30").
.PHONY: load
load: install
	$(PY) bench/load.py $(LOAD_ARGS)
