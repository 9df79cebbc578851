# Two commands do everything on a fresh machine: `make run` and `make test`.
.DEFAULT_GOAL := help
SHELL := /bin/bash

# The first Python that is 3.12 or newer (Django 6.1 needs it); pyenv's .python-version picks 3.13.
PYTHON ?= $(shell for p in python3.13 python3.12 python3 python; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; \
	then echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM_PATH ?= $(firstword $(wildcard /usr/bin/chromium) $(shell command -v chromium 2>/dev/null))
PYTEST_BROWSER_OPTS := --screenshot only-on-failure --output test-results/playwright
# The suite runs in this many processes (pytest-xdist), each with its own test database;
# PYTEST_WORKERS=0 runs it in one process (for --pdb, or to read one test's output in order).
PYTEST_WORKERS ?= 2

.PHONY: help install run serve test test-fast lint format demo lock clean

help:
	@echo "make run     install, migrate, load demo data if the database is empty, serve on http://127.0.0.1:8000 with a task worker"
	@echo "make test    the whole suite (SQLite; PostgreSQL when DATABASE_URL is set; browser tests when Chromium is present)"
	@echo "             in PYTEST_WORKERS processes (default 2; 0 runs it in one)"
	@echo "make lint    ruff check, ruff format --check, hadolint"
	@echo "make serve   gunicorn, as production runs it (settings from the environment)"

$(BIN)/.installed: requirements-dev.lock
	@if [ -z "$(PYTHON)" ]; then \
		echo "microblog needs Python 3.12 or newer, and none was found."; \
		echo "Install one (for example 'pyenv install 3.13' or 'apt-get install python3.13') and run make again."; \
		exit 1; fi
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	@touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	@# The web server and the task worker together (honcho); Ctrl-C stops both.
	PATH="$(CURDIR)/$(BIN):$$PATH" LOG_FORMAT=$${LOG_FORMAT:-plain} $(BIN)/honcho -f Procfile.dev start

serve: install
	$(BIN)/python manage.py collectstatic --noinput
	$(BIN)/python manage.py migrate --noinput
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile start

test: install
ifneq ($(CHROMIUM_PATH),)
	CHROMIUM_PATH=$(CHROMIUM_PATH) $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_BROWSER_OPTS) $(ARGS)
else
	$(BIN)/pytest -n $(PYTEST_WORKERS) -m "not e2e" $(ARGS)
	@echo
	@echo "*** Browser tests were NOT run: Chromium was not found at /usr/bin/chromium or CHROMIUM_PATH."
	@echo "*** Install it with 'sudo apt-get install -y chromium' (Debian/Ubuntu) and run 'make test' again."
endif

lint: install
	$(BIN)/ruff check --no-cache .
	$(BIN)/ruff format --no-cache --check .
	$(BIN)/hadolint Dockerfile

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

demo: install
	$(BIN)/python manage.py seed_demo

# Regenerate the pinned lock files after changing pyproject.toml.
lock: install
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile --quiet --no-header --python-version 3.12 pyproject.toml -o requirements.lock
	$(BIN)/uv pip compile --quiet --no-header --python-version 3.12 --extra test pyproject.toml -o requirements-dev.lock

clean:
	rm -rf $(VENV) staticfiles test-results
