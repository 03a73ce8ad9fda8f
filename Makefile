# Two commands get a fresh machine from clone to running: `make run` and `make test`.
# Each sets up the virtualenv (and the Debian packages it needs) before it starts.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DUBAN := $(VENV)/bin/duban
STAMP := $(VENV)/.installed-stamp

.PHONY: run test stress bench lint format system-deps docs-images clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# With a front-end configured (environment or .env: a Telegram token, DingTalk's app id and
# secret, or both) the bot runs on it; with neither, the demo starts the local Bot API
# sandbox and its phone page.
run: $(STAMP)
	@if $(PY) -c "import sys; from bot.config import front_end_configured; sys.exit(0 if front_end_configured() else 1)"; \
	then $(DUBAN) run; else $(DUBAN) demo; fi

# The browser test needs Debian's chromium, its driver, a CJK font and an emoji font.
system-deps:
	@sh scripts/install-system-deps.sh

# mypy (configured in pyproject.toml: strict on the domain, the catalogue and the message
# layer) runs before pytest; pytest runs in two worker processes (pytest-xdist), one test
# file at a time each.
test: $(STAMP) system-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) -m pytest -q -n 2 --dist loadfile

stress: $(STAMP)
	DUBAN_STRESS=full $(PY) -m pytest -q -m slow tests

bench: $(STAMP)
	$(PY) -m bench

# One page of each document (ledger, weekly and import-error workbooks printed by LibreOffice,
# the 通报, a dossier, the charts) as PNGs in docs/, from the demo's ledger on a fixed day.
docs-images: $(STAMP) system-deps
	$(PY) -m scripts.render_documents docs/

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
