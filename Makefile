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

.PHONY: help run test check setup uv deps debs test-debs env-keys database demo-data

help:
	@echo "make run    set up everything, load demo data once, start web + worker + beat"
	@echo "make test   set up everything, then run the test suite (PYTEST_ARGS=... to narrow)"
	@echo "make check  ruff, mypy, bandit, missing migrations, then the tests"

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
