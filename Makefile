# The README's two commands live here: `make run` and `make test`.
# Everything else (venv, system packages, translations, migrations) is installed on demand.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test bench worker web lint migrate migration sysdeps venv translations catalogue clean help

help:
	@echo "make run    - install what is missing, migrate, start web + worker, print URL and login"
	@echo "make test   - run the whole test suite"
	@echo "make bench  - benchmarks (ratios measured side by side)"
	@echo "make lint   - ruff"
	@echo "make catalogue - merge new strings into the Chinese catalogue"

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

venv: $(STAMP)

# System packages: a CJK font for PDFs and charts, poppler for PDF checks, chromium for
# browser tests, libX11 for the EnergyPlus binary, nginx in front of gunicorn in production
# (and in the slow-client test). Installed with apt when we are root.
SYSPKGS_CHECK = fc-list 2>/dev/null | grep -q "Noto Sans CJK" && command -v pdftotext >/dev/null \
	&& command -v pdffonts >/dev/null && test -x /usr/bin/chromium \
	&& (ldconfig -p | grep -q libX11.so.6) && command -v ip >/dev/null && command -v wrk >/dev/null \
	&& (command -v nginx >/dev/null || test -x /usr/sbin/nginx)
sysdeps:
	@if $(SYSPKGS_CHECK); then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "Installing system packages (fonts-noto-cjk poppler-utils chromium libx11-6 iproute2 wrk nginx)..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			fonts-noto-cjk poppler-utils chromium libx11-6 iproute2 wrk nginx >/dev/null; \
	else \
		echo "Missing system packages. As root run:"; \
		echo "  apt-get install fonts-noto-cjk poppler-utils chromium libx11-6 iproute2 wrk nginx"; \
	fi

translations: $(STAMP)
	@$(VENV)/bin/pybabel -q compile -d registry/translations

# Merge every string in the source into the Chinese catalogue (see README, "Changing text").
catalogue: $(STAMP)
	$(PY) -m registry.catalogue

migrate: $(STAMP) translations
	$(VENV)/bin/registry init

# A new Alembic revision from the models (make migration MSG="add x"); review it before committing.
migration: $(STAMP)
	$(PY) -c 'import sys; from registry.migrate import new_revision; new_revision(sys.argv[1])' "$(MSG)"

worker: $(STAMP)
	$(VENV)/bin/celery -A registry.jobs:celery_app worker --loglevel=INFO

run: sysdeps $(STAMP) translations migrate
	@mkdir -p instance/logs
	@$(VENV)/bin/registry worker-start --log instance/logs/worker.log
	@echo ""
	@echo "  Registry: http://$(HOST):$(PORT)/"
	@$(VENV)/bin/registry first-login
	@echo "  Worker log: instance/logs/worker.log   (Ctrl-C stops the web server and the worker)"
	@echo ""
	@trap '$(VENV)/bin/registry worker-stop' EXIT INT TERM; \
		$(VENV)/bin/gunicorn --bind $(HOST):$(PORT) --workers 2 --threads 4 \
		--access-logfile - 'registry.wsgi:app'

# The suite runs on every core (at most 4 processes; PYTEST_WORKERS=0 runs it in one), a test
# file to a process: each process has its own PostgreSQL database and Redis database, and the
# tests that start workers, browsers or servers pick free ports and temporary folders.
PYTEST_WORKERS ?= auto
test: sysdeps $(STAMP) translations
	@mkdir -p test-output
	$(PY) -m pytest -q -n $(PYTEST_WORKERS) --maxprocesses 4 --dist loadfile $(PYTEST_ARGS)

bench: sysdeps $(STAMP)
	$(PY) -m bench

lint: $(STAMP)
	$(VENV)/bin/ruff check registry tests bench
	$(VENV)/bin/ruff format --check registry tests bench

clean:
	rm -rf $(VENV) test-output .pytest_cache
