# The README's commands. `make run` serves the board; `make test` is what CI runs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Throw-away PostgreSQL and Redis for the test run, unless DATABASE_URL / REDIS_URL are set.
WITH_TEST_SERVICES := $(PY) -m jobboard.localservices --ephemeral --

.PHONY: run test lint format install bench bench-browse bench-sync browser validator clean-local help
.DEFAULT_GOAL := help

help:
	@echo "make run    install, start embedded PostgreSQL + Redis, load demo data, serve on :8000"
	@echo "make test   ruff, the layering contracts, migrations check and the whole pytest suite"
	@echo "make bench  print the performance figures (seeding, tagging, matcher)"
	@echo "make bench-browse  job-search server times at 1,000,000 postings (own database)"
	@echo "make bench-sync    an ATS syncing 1,000 roles through the employer API, twice"

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
	$(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The browser tests drive Debian's Chromium (no browser download): install it when missing.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Chromium for the browser tests (apt-get install chromium)..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "error: the browser tests need Chromium. Install it: sudo apt-get install chromium"; exit 1; \
	  fi; }

# The Nu HTML checker (the vnu-jar npm package, on the machine's Java) checks the pages'
# HTML in the suite (tests/test_html_validity.py): install both when missing.
VNU_VERSION := 26.9.27
VNU_JAR := .local/vnu/node_modules/vnu-jar/build/dist/vnu.jar
validator:
	@command -v java >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Java and npm for the HTML checker (apt-get install default-jre-headless npm)..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless npm >/dev/null; \
	  else \
	    echo "error: the HTML checks need Java and npm. Install them: sudo apt-get install default-jre-headless npm"; exit 1; \
	  fi; }
	@test -f $(VNU_JAR) || npm install --silent --no-save --no-audit --no-fund --prefix .local/vnu vnu-jar@$(VNU_VERSION)

test: lint browser validator
	$(WITH_TEST_SERVICES) sh -c '$(PY) manage.py makemigrations --check --dry-run && $(PY) -m pytest $(PYTEST_ARGS)'

bench: install
	$(WITH_TEST_SERVICES) $(PY) -m jobboard.bench

# Its own servers and data under .local/bench/: seeded once (several minutes), reused after.
bench-browse: install
	$(PY) -m jobboard.bench_browse

# Throw-away servers, like `make test`: an ATS-style sync of 1,000 roles through the API.
bench-sync: install
	$(WITH_TEST_SERVICES) $(PY) -m jobboard.bench_sync

clean-local:
	@echo "This deletes the local database and Redis data in .local/."
	rm -rf .local
