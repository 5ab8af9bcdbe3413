# The README's commands. `make run` serves the board; `make test` is what CI runs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Throw-away PostgreSQL and Redis for the test run, unless DATABASE_URL / REDIS_URL are set.
WITH_TEST_SERVICES := $(PY) -m jobboard.localservices --ephemeral --

.PHONY: run test lint format install bench clean-local help
.DEFAULT_GOAL := help

help:
	@echo "make run    install, start embedded PostgreSQL + Redis, load demo data, serve on :8000"
	@echo "make test   ruff, migrations check and the whole pytest suite on real PostgreSQL + Redis"
	@echo "make bench  print the performance figures"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || \
	  { echo "error: Python 3.11 or newer is needed as '$(PYTHON)' (set PYTHON=python3.12, say)."; exit 1; }
	$(PYTHON) -m venv $(VENV) || { echo "error: could not create $(VENV). On Debian/Ubuntu: apt-get install python3-venv"; exit 1; }

# Reinstall only when a requirements file changed since the last install.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(PY)
	@$(PY) -c 'import sys' 2>/dev/null || \
	  { echo "error: $(VENV) is broken (was Python moved or upgraded?). Remove it: rm -rf $(VENV) && make run"; exit 1; }
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt || \
	  { echo; echo "error: installing the requirements failed (see above)."; \
	    echo "If it mentions a C compiler (gcc, cc) or Python.h, install them: on Debian/Ubuntu"; \
	    echo "  apt-get install build-essential python3-dev"; \
	    echo "then run make again. If $(VENV) is broken: rm -rf $(VENV)"; exit 1; }
	@touch $@

install: $(VENV)/.installed

run: install
	@$(PY) -m jobboard.runlocal

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: lint
	$(WITH_TEST_SERVICES) sh -c '$(PY) manage.py makemigrations --check --dry-run && $(PY) -m pytest $(PYTEST_ARGS)'

bench: install
	$(WITH_TEST_SERVICES) $(PY) -m jobboard.bench

clean-local:
	@echo "This deletes the local database and Redis data in .local/."
	rm -rf .local
