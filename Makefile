# Twoway. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# uv installs exactly what uv.lock pins; its own version is the one the lock pins too.
UV_VERSION = $(shell $(PYTHON) -c "import tomllib; print(next(p['version'] for p in tomllib.load(open('uv.lock', 'rb'))['package'] if p['name'] == 'uv'))")
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Installed packages are compiled once at install, and Python keeps the project's own compiled
# modules as it normally does (an environment that sets PYTHONDONTWRITEBYTECODE would make every
# process, test processes and the workers they start, compile everything from source again).
export UV_COMPILE_BYTECODE := 1
unexport PYTHONDONTWRITEBYTECODE

.DEFAULT_GOAL := help
.PHONY: help run test lint fmt bench proof load faults migrate demo install lock clean messages

help: ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml uv.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Twoway needs Python 3.11 or newer; set PYTHON=python3.x")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet 'uv==$(UV_VERSION)'
	$(BIN)/uv sync --locked --extra dev --no-install-project --python $(BIN)/python
	@touch $@

install: $(STAMP) ## Create .venv with exactly the versions uv.lock pins, development tools included

lock: $(STAMP) ## Upgrade every pinned version within pyproject.toml's ranges, then re-install
	$(BIN)/uv lock --upgrade
	$(BIN)/uv sync --locked --extra dev --no-install-project --python $(BIN)/python

migrate: $(STAMP) ## Apply database migrations and sync the periodic-task schedule
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py sync_schedules

demo: migrate ## Seed the demo organization (idempotent)
	$(BIN)/python manage.py seed_demo

run: demo ## Serve web + Celery worker + beat on http://127.0.0.1:8000 (SQLite, embedded broker)
	@echo ""
	@echo "  Twoway on http://127.0.0.1:8000  (Ctrl-C stops web, worker and beat)"
	@echo "  Demo logins, password twoway-demo: mentee1@example.com  mentor1@example.com  admin@example.com"
	@echo ""
	$(BIN)/honcho --procfile Procfile.dev start

# Test processes for `make test` (pytest-xdist); TEST_PROCESSES=0 runs in this one process. Process
# N has its own database (test_<name>_gwN) and, with REDIS_URL, its own Redis database: REDIS_URL's
# number plus N, so with Redis's 16 databases that number plus TEST_PROCESSES is at most 16.
TEST_PROCESSES ?= 2

test: $(STAMP) ## Run the whole test suite in parallel (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)
	$(BIN)/pytest -n $(TEST_PROCESSES) $(PYTEST_ARGS)

lint: $(STAMP) ## ruff (lint and format check), mypy, and Django's system checks
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check
	$(BIN)/python manage.py i18n_check

# The languages besides English (settings.LANGUAGES); README, "Languages", adds one.
LOCALES ?= de es

messages: $(STAMP) ## Update the translation catalogues from the code and compile them (needs GNU gettext)
	$(BIN)/python manage.py makemessages $(foreach l,$(LOCALES),-l $(l)) --no-obsolete --add-location=file \
		--ignore='.venv*' --ignore=tests --ignore=benchmarks --ignore=var --ignore=docs
	$(BIN)/python manage.py compilemessages $(foreach l,$(LOCALES),-l $(l)) --ignore='.venv*'

fmt: $(STAMP) ## Format and autofix with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP) ## Run the benchmark scripts in benchmarks/ and print their figures
	@for script in benchmarks/[!_]*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

proof: $(STAMP) ## The proofs that fit in a test run: authorization, queries, bad input, security, accessibility
	$(BIN)/pytest tests/proof $(wildcard tests/fuzz) tests/security tests/e2e/test_accessibility.py tests/e2e/test_keyboard_request_flow.py $(PYTEST_ARGS)
	$(BIN)/bandit -q -r accounts goals matching meetings mentorship notifications programs reports \
		--exclude '*/migrations/*,*/tests/*,./.venv' --severity-level high

load: $(STAMP) ## Load test on PostgreSQL + Redis (BENCH_POSTGRES_URL, BENCH_REDIS_URL): gunicorn, Celery, locust
	$(BIN)/python benchmarks/load.py

faults: $(STAMP) ## Fault drills; restarts PostgreSQL and stops Redis: see README "Proof" for the flags
	$(BIN)/python benchmarks/faults.py $(FAULTS_ARGS)

clean: ## Remove var/ (database, mail, broker files); keeps .venv
	rm -rf var
