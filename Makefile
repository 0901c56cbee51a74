# OpenKAM — the two front-door commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test test-sqlite test-postgres gate bench lock clean-var

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "OpenKAM needs Python 3.12 or newer (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)

# Installs only when the lock file changed, so the second `make run` starts at once.
$(VENV)/.runtime: requirements.lock | $(VENV)/bin/python
	$(PIP) install --quiet --require-hashes -r requirements.lock
	@touch $@

$(VENV)/.dev: requirements-dev.lock | $(VENV)/bin/python
	$(PIP) install --quiet --require-hashes -r requirements-dev.lock
	@touch $@ $(VENV)/.runtime

## run: start OpenKAM with the embedded SQLite database and the demo company on http://127.0.0.1:8000
run: $(VENV)/.runtime
	OPENKAM_DEBUG=1 $(PY) manage.py compilemessages_if_needed
	OPENKAM_DEBUG=1 $(PY) manage.py serve

## test: the whole suite — quality gate, tests on SQLite and in Chromium, and on PostgreSQL
# The two databases run side by side (each run has its own temporary folder and server); the
# PostgreSQL run's output follows the SQLite run's. `make test-sqlite` / `make test-postgres` run one.
test: $(VENV)/.dev gate
	@mkdir -p var; \
	  OPENKAM_TEST_DB=postgres $(PY) -m pytest -m "not browser" -p no:cacheprovider >var/test-postgres.log 2>&1 & \
	  pg=$$!; \
	  $(PY) -m pytest; sqlite=$$?; \
	  wait $$pg; postgres=$$?; \
	  echo; echo "===== the same suite on PostgreSQL (var/test-postgres.log) ====="; cat var/test-postgres.log; \
	  echo "SQLite run: exit $$sqlite, PostgreSQL run: exit $$postgres"; \
	  test $$sqlite -eq 0 -a $$postgres -eq 0

test-sqlite: $(VENV)/.dev
	$(PY) -m pytest

test-postgres: $(VENV)/.dev
	OPENKAM_TEST_DB=postgres $(PY) -m pytest -m "not browser"

## gate: lint, format, Django checks, migrations and compiled messages
gate: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	OPENKAM_DEBUG=1 $(PY) manage.py check --fail-level WARNING
	OPENKAM_SECRET_KEY=gate-$$(date +%s%N)-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH \
	  OPENKAM_ALLOWED_HOSTS=kam.example.com $(PY) manage.py check --deploy --fail-level WARNING
	OPENKAM_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	OPENKAM_DEBUG=1 $(PY) manage.py compilemessages_if_needed --check

## bench: every benchmark of the project; results go to docs/benchmarks.md
bench: $(VENV)/.dev
	$(PY) -m bench.run_all

## lock: regenerate the hashed lock files (no registry URLs in them)
lock: | $(VENV)/bin/python
	$(PIP) install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.12 --generate-hashes -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --universal --python-version 3.12 --generate-hashes -o requirements-dev.lock

clean-var:
	rm -rf var/
