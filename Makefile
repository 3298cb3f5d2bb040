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

.PHONY: lock db-stop run test test-fast test-e2e lint format migrations-check messages messages-check check-deploy bench bench-national load-test backup restore install clean-db help

help:
	@echo "make run               set up everything and serve the portal with demo data"
	@echo "make test              the whole test suite (browser tests too when Chromium is installed)"
	@echo "make lint              ruff lint and format check"
	@echo "make migrations-check  fail if a model change has no migration"
	@echo "make messages          refresh and compile the Thai catalogue"
	@echo "make messages-check    fail if any string lacks a Thai translation"
	@echo "make check-deploy      Django's deployment checks with production-like variables"
	@echo "make bench             run the benchmarks in bench/"
	@echo "make load-test         100 simulated users for 10 minutes against gunicorn (ARGS=\"--users 20 --minutes 1\")"
	@echo "make db-stop           stop the embedded PostgreSQL (it keeps running between commands)"
	@echo "make backup            pg_dump the database into backups/ (BACKUP_DIR), keeping the newest 14 (BACKUP_KEEP)"
	@echo "make restore FILE=backups/otop-….dump  replace the database with a backup (asks first), then check it"

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

# Every benchmark on the national data set, the table written into docs/PERFORMANCE.md.
bench-national: $(STAMP)
	$(BIN)/python -m bench --national --keep --rounds 10 --write docs/PERFORMANCE.md $(ARGS)

# The load test (bench/load/run.py) in its own database otop_load; needs the `load` extra.
load-test: $(STAMP)
	@$(BIN)/python -c "import locust" 2>/dev/null || $(BIN)/python -m pip install --quiet -c constraints.txt -e ".[load]"
	$(BIN)/python -m bench.load.run $(ARGS)

# The embedded PostgreSQL keeps running between commands; this stops it.
db-stop: $(STAMP)
	$(BIN)/python manage.py db_stop

# A pg_dump archive of the database in backups/ (or BACKUP_DIR); keeps the newest BACKUP_KEEP.
backup: $(STAMP)
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py backup

# Replace the database with a backup (asks for the database name), then check the books.
restore: $(STAMP)
	@test -n "$(FILE)" || { echo "Say which backup: make restore FILE=backups/otop-YYYYmmdd-HHMMSS.dump"; exit 1; }
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py restore "$(FILE)"

# Stop the embedded PostgreSQL and delete its data (asks first).
clean-db: db-stop
	@read -p "Delete the embedded database in .pgdata/ and all its data? [y/N] " ok && [ "$$ok" = y ]
	rm -rf .pgdata
