# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
# Development default for `make run` and flask commands; production sets SURVEY_ENV=production.
# (In development the SMS gateway defaults to console.)
export SURVEY_ENV ?= development

.PHONY: run test lint typecheck check install install-dev translations translations-update bench mutate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Compile the .po catalogs to .mo (git-ignored). Fails on a broken catalog; fuzzy entries are
# left out so an unconfirmed guess never reaches a family. Workflow: translations/README.md.
translations: $(VENV)/.installed
	$(FLASK) translations compile

# After adding or changing strings: re-extract messages.pot and merge it into every .po.
translations-update: $(VENV)/.installed
	$(FLASK) translations extract
	$(FLASK) translations update

# The SMS worker runs beside the web server (the console gateway prints each SMS here);
# Ctrl-C stops both.
run: install translations
	$(FLASK) db upgrade
	$(FLASK) demo
	@echo "Open http://127.0.0.1:5000/ : the staff login, and where the demo links are."
	@echo "The SMS worker sends the queued SMS every 10 s (printed here; none 21-08, quiet hours)."
	@$(FLASK) worker --interval 10 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port 5000

# The first run also measures coverage (pytest-cov, combined across the xdist workers) and
# prints the figure; no threshold: a number to watch, not one to game with empty tests.
test: install-dev translations
	$(BIN)/python -m pytest -n 2 --cov --cov-report= $(PYTEST_ARGS)
	@$(BIN)/coverage report --format=total | sed 's/^/Coverage (SQLite run, statements and branches): /; s/$$/%/'
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again against $$TEST_DATABASE_URL =="; \
		SURVEY_TEST_DATABASE_URL="$$TEST_DATABASE_URL" $(BIN)/python -m pytest -n 2 $(PYTEST_ARGS); \
	fi

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install-dev
	$(BIN)/mypy

check: lint typecheck test

bench: install-dev
	$(BIN)/python benchmarks/run_all.py

# Mutation testing of the critical modules (tokens, links, access rules, suppression), each
# within MUTATE_MINUTES; prints the kill rates (benchmarks/MUTATION.md). Not part of `make test`.
MUTATE_MINUTES ?= 20
mutate: install-dev translations
	$(BIN)/python benchmarks/mutate.py --minutes $(MUTATE_MINUTES) $(MUTATE_MODULES)

clean:
	rm -rf $(VENV) instance/*.sqlite3 .pytest_cache .mypy_cache .ruff_cache .coverage .mutmut-cache
