# Two commands on a fresh machine with Python 3.11+:
#   make run    set up, load the demo data, serve http://127.0.0.1:5000
#   make test   set up, lint, run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000
# The demo's roles that must sign in with an authenticator app code: the admin only, so that a first
# look at a supervisor's pages needs no phone (production default: admin,supervisor; README).
# `make run DEMO_TWO_FACTOR_ROLES=admin,supervisor` tries it as in production.
DEMO_TWO_FACTOR_ROLES ?= admin

.PHONY: run test lint translations clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("dicoso needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever the declared dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

run: export DICOSO_TWO_FACTOR_ROLES = $(DEMO_TWO_FACTOR_ROLES)
run: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) demo-data
	@echo "Serving http://127.0.0.1:$(PORT) - stop with Ctrl+C; another port: make run PORT=5001"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: $(VENV)/.installed
	@# Browser tests use Debian's Chromium; elsewhere fall back to Playwright's own download.
	@[ -x /usr/bin/chromium ] || $(BIN)/python -m playwright install chromium || \
		echo "no Chromium: browser tests will be skipped"
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check .

translations: $(VENV)/.installed
	$(BIN)/python -m server.catalogs

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
