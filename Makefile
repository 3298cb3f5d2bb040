# The portal's commands. `make run` and `make test` do all the set-up they need.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Anything after `make test ARGS=...` goes to pytest.
ARGS ?=

.PHONY: lock db-stop run test test-fast test-e2e lint format migrations-check messages messages-check check-deploy bench install clean-db help

help:
	@echo "make run               set up everything and serve the portal with demo data"
	@echo "make test              the whole test suite (browser tests too when Chromium is installed)"
	@echo "make lint              ruff lint and format check"
	@echo "make migrations-check  fail if a model change has no migration"
	@echo "make messages          refresh and compile the Thai catalogue"
	@echo "make messages-check    fail if any string lacks a Thai translation"
	@echo "make check-deploy      Django's deployment checks with production-like variables"
	@echo "make bench             run the benchmarks in bench/"
	@echo "make db-stop           stop the embedded PostgreSQL (it keeps running between commands)"

$(STAMP): pyproject.toml constraints.txt
	@test -n "$(PYTHON)" || { echo "Python 3.11 is needed (python3.11 or python3)."; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || \
		{ echo "Python 3.11 is needed; $(PYTHON) is $$($(PYTHON) --version)."; exit 1; }
	$(PYTHON) -m venv $(VENV) || { echo "Could not create $(VENV): on Debian or Ubuntu, install python3.11-venv first."; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

# Pin what is installed now into constraints.txt (after changing pyproject.toml).
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	{ echo "# Exact versions the suite was last run with; \`make install\` installs within them."; \
	  echo "# Refresh with \`make lock\` after changing pyproject.toml."; \
	  $(BIN)/python -m pip freeze --exclude-editable | grep -v -E "^(pip|setuptools)=="; } > constraints.txt
	@! grep -n " @ " constraints.txt || { echo "constraints.txt pins a local file: install that package from the index and lock again."; exit 1; }

run: $(STAMP)
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --no-input
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py load_geography
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py load_holidays
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_demo
	@echo ""
	@echo "The portal is at http://$(HOST):$(PORT)/  (stop it with Ctrl-C)"
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest $(ARGS)

# The database tests only: no browser tests and no slow property tests.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not e2e and not slow" $(ARGS)

test-e2e: $(STAMP)
	$(BIN)/python -m pytest -m e2e $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

MAKEMESSAGES := DEBUG=1 $(BIN)/python manage.py makemessages --locale th --no-obsolete \
	--ignore ".venv/*" --ignore "staticfiles/*" --ignore "bench/*" --ignore "tests/*" \
	--ignore "locale/*"

# Refresh our Thai catalogue from the code and templates, then compile it. Django's own
# missing Thai strings live in locale/admin (see locale/tools/django_th_gaps.py).
messages: $(STAMP)
	$(MAKEMESSAGES)
	DEBUG=1 $(BIN)/python manage.py compilemessages --locale th --ignore ".venv/*"

# Fails when a string in the code or templates has no Thai translation.
messages-check: $(STAMP)
	$(MAKEMESSAGES)
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_i18n.py
	$(BIN)/python locale/tools/django_th_gaps.py --check

check-deploy: $(STAMP)
	DEBUG=0 SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=otop.example.org \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

bench: $(STAMP)
	$(BIN)/python -m bench $(ARGS)

# The embedded PostgreSQL keeps running between commands; this stops it.
db-stop: $(STAMP)
	$(BIN)/python manage.py db_stop

# Stop the embedded PostgreSQL and delete its data (asks first).
clean-db: db-stop
	@read -p "Delete the embedded database in .pgdata/ and all its data? [y/N] " ok && [ "$$ok" = y ]
	rm -rf .pgdata
