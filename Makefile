# Infohus. Two commands: `make run` sets everything up and starts the app,
# `make test` sets everything up and runs the tests. Both are safe to repeat.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

export UV_PYTHON_DOWNLOADS ?= never
# Show progress and logs as they happen, also when output goes to a pipe.
export PYTHONUNBUFFERED := 1

# uv on PATH, or else the copy pip installed for python3 (`make uv` installs it).
# Recursively expanded, so it is looked up again after `make uv` has run.
UV = $(shell uv --version >/dev/null 2>&1 && echo uv || echo python3 -m uv)
RUN = $(UV) run --frozen
MANAGE = $(RUN) python manage.py

# Port for `make run`. honcho gives a PORT set in .env precedence, so do we.
PORT ?= 8000
WEB_PORT = $(or $(shell sed -n 's/^PORT=//p' .env 2>/dev/null | tail -n 1),$(PORT))

DEMO_CASES ?= 1000
DEMO_SEED ?= 1
PYTEST_ARGS ?=

# `make bench`: one database per size, seeded once with data up to a fixed day.
BENCH_SIZES ?= 10000 100000 1000000
BENCH_ANCHOR ?= 2025-12-31
BENCH_SERVER ?= postgres://postgres@127.0.0.1:5432
BENCH_ARGS ?=
# `make load`: gunicorn on the bench database of LOAD_CASES cases, LOAD_USERS users.
LOAD_CASES ?= $(firstword $(BENCH_SIZES))
LOAD_USERS ?= 50
LOAD_TIME ?= 60s

WEASYPRINT_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
                   fonts-dejavu-core fonts-liberation
TEST_DEBS := chromium chromium-driver poppler-utils

# Install the Debian packages in $(1) that dpkg does not know yet (as root only).
define ensure_debs
missing=""; \
if command -v dpkg >/dev/null; then \
  for pkg in $(1); do dpkg -s "$$pkg" >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
fi; \
if [ -z "$$missing" ]; then :; \
elif [ "$$(id -u)" = 0 ]; then \
  echo "Installing Debian packages:$$missing"; \
  export DEBIAN_FRONTEND=noninteractive; \
  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; \
else \
  echo "warning: missing Debian packages:$$missing (as root: apt-get install$$missing)" >&2; \
fi
endef

.PHONY: help run test check bench load setup uv deps debs test-debs env-keys database demo-data

help:
	@echo "make run    set up everything, load demo data once, start web + worker + beat"
	@echo "make test   set up everything, then run the test suite (PYTEST_ARGS=... to narrow)"
	@echo "make check  ruff, mypy, bandit, missing migrations, then the tests"
	@echo "make bench  page, search, report and PDF times per size (BENCH_SIZES=\"10000 100000\")"
	@echo "make load   50 users on gunicorn for 60 s with locust (LOAD_CASES=, LOAD_TIME=)"

run: setup demo-data
	@mkdir -p var
	@echo "Infohus is starting at http://127.0.0.1:$(WEB_PORT)/login/  (Ctrl-C stops it)"
	@echo
	$(RUN) honcho start --port $(WEB_PORT)

test: setup test-debs
	$(RUN) pytest $(PYTEST_ARGS)

check: setup test-debs
	@failed=""; \
	$(RUN) ruff check . || failed="$$failed ruff"; \
	$(RUN) mypy . || failed="$$failed mypy"; \
	$(RUN) bandit -q -r accounts audit concerns reporting infohus -x '*/migrations/*' \
	  --severity-level medium || failed="$$failed bandit"; \
	$(MANAGE) makemigrations --check --dry-run || failed="$$failed migrations"; \
	$(RUN) pytest $(PYTEST_ARGS) || failed="$$failed pytest"; \
	if [ -n "$$failed" ]; then echo "make check failed:$$failed" >&2; exit 1; fi

# --- benchmarks ---------------------------------------------------------------------

# The settings of the bench database for $(1) cases, used as the schema owner.
bench_env = DATABASE_OWNER_URL=$(BENCH_SERVER)/infohus_bench_$(1) \
            DATABASE_URL=$(BENCH_SERVER)/infohus_bench_$(1) DATABASE_AS_OWNER=true

# Create and migrate the bench database for $(1) cases, and seed it if it is empty.
define bench_database
export $(call bench_env,$(1)); \
$(RUN) python -m infohus.db; \
$(MANAGE) migrate --noinput --verbosity 0; \
cases=$$($(MANAGE) shell --verbosity 0 --command \
  "from concerns.models import Case; print(Case.objects.count())"); \
if [ "$$cases" = 0 ]; then \
  $(MANAGE) seed_demo --cases $(1) --seed $(DEMO_SEED) --anchor $(BENCH_ANCHOR) --bulk; \
elif [ "$$cases" != "$(1)" ]; then \
  echo "infohus_bench_$(1) holds $$cases cases, not $(1): drop it and run again." >&2; \
  exit 1; \
fi
endef

bench: uv deps debs env-keys
	@$(MANAGE) collectstatic --noinput --verbosity 0
	@mkdir -p var/bench
	@for size in $(BENCH_SIZES); do \
	  ( $(call bench_database,$$size); \
	    $(MANAGE) bench --save var/bench/$$size.json $(BENCH_ARGS) ); \
	done
	@$(MANAGE) bench --summary $(foreach size,$(BENCH_SIZES),var/bench/$(size).json)

# A port nobody listens on, for `make load`'s gunicorn; and whether a URL answers 200.
FREE_PORT = python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
ANSWERS = python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' 2>/dev/null

# gunicorn as `make run` starts it, but on a free port, over plain http and with DEBUG
# off; stopped however locust ends.
load: uv deps debs env-keys
	@$(MANAGE) collectstatic --noinput --verbosity 0
	@mkdir -p var/load
	@$(call bench_database,$(LOAD_CASES)); \
	export DEBUG=false HTTPS=false ALLOWED_HOSTS=127.0.0.1 LOAD_USERS_FILE=var/load/users.json; \
	$(MANAGE) bench_users --count $(LOAD_USERS) --out $$LOAD_USERS_FILE; \
	port=$$($(FREE_PORT)); url=http://127.0.0.1:$$port; \
	rm -f var/load/gunicorn.pid; \
	$(RUN) gunicorn infohus.wsgi --bind 127.0.0.1:$$port --workers $${WEB_CONCURRENCY:-2} \
	  --config infohus/gunicorn.conf.py --pid var/load/gunicorn.pid >var/load/gunicorn.log 2>&1 & \
	server=$$!; \
	trap 'kill $$(cat var/load/gunicorn.pid 2>/dev/null || echo $$server); wait $$server' EXIT; \
	for _ in $$(seq 150); do $(ANSWERS) $$url/login/ && break; sleep 0.2; done; \
	$(ANSWERS) $$url/login/ || { tail var/load/gunicorn.log; exit 1; }; \
	echo "gunicorn on $$url (log: var/load/gunicorn.log)"; \
	$(RUN) locust -f tests/load/locustfile.py --headless --only-summary \
	  -u $(LOAD_USERS) -r 10 --run-time $(LOAD_TIME) --host $$url

# --- set-up shared by run, test and check ------------------------------------------

setup: uv deps debs env-keys database

# pip's --user install, or, where that is refused (virtualenv, Debian's system
# Python), the same with --break-system-packages, or plain pip as the last resort.
uv:
	@uv --version >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || { \
	  echo "Installing uv with pip"; \
	  pip_install="python3 -m pip install --quiet --disable-pip-version-check"; \
	  $$pip_install --user uv 2>/dev/null \
	  || $$pip_install --user --break-system-packages uv 2>/dev/null \
	  || $$pip_install uv; \
	}
	@$(UV) --version

deps:
	$(UV) sync --frozen

debs:
	@$(call ensure_debs,$(WEASYPRINT_DEBS))

test-debs:
	@$(call ensure_debs,$(TEST_DEBS) $(WEASYPRINT_DEBS))

# Only when missing: a fresh secret key, local-http settings from .env.example.
.env:
	@secret=$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))'); \
	sed "s|^SECRET_KEY=.*|SECRET_KEY=$$secret|" .env.example > .env; \
	chmod 600 .env; \
	echo "Created .env from .env.example with a new SECRET_KEY"

# A .env from before CPR encryption gets its key once; an existing key is never replaced
# (the CPR numbers in the database can only be read with it).
env-keys: .env
	@grep -q '^CPR_KEY=..*' .env || { \
	  key=$$(python3 -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())'); \
	  sed -i '/^CPR_KEY=/d' .env; echo "CPR_KEY=$$key" >> .env; \
	  echo "Added a new CPR_KEY to .env"; \
	}

# The schema owner migrates and grants; the application runs as DATABASE_URL's role.
database:
	$(RUN) python -m infohus.db
	DATABASE_AS_OWNER=true $(MANAGE) migrate --noinput
	DATABASE_AS_OWNER=true $(MANAGE) grant_app_role
	$(MANAGE) collectstatic --noinput --verbosity 0

# Demo data only into an empty database; either way, show the demo logins.
demo-data:
	@if $(MANAGE) shell --verbosity 0 --command "import sys; from concerns.models import Case; \
	sys.exit(Case.objects.exists())"; then \
	  $(MANAGE) seed_demo --cases $(DEMO_CASES) --seed $(DEMO_SEED); \
	else \
	  echo "The database has cases already; not loading demo data."; \
	  $(MANAGE) seed_demo --show-logins; \
	fi
