# The two commands a newcomer needs: `make run` and `make test`.
# The venv's interpreter: the distribution's CPython 3.11 where it has one with venv.
# Debian builds it with profile-guided and link-time optimisation, as the production
# image's python:3.11 is built; a local build without --enable-optimizations (pyenv's
# default) runs an editor write about a tenth slower (README, Benchmarks).
PYTHON ?= $(shell /usr/bin/python3.11 -c "import ensurepip, venv" >/dev/null 2>&1 && echo /usr/bin/python3.11 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run run-asgi test install install-dev browser bench-tools export-libs slide-viewer messages translations lint check

$(VENV)/.runtime: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: pyproject.toml $(VENV)/.runtime
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.runtime

install-dev: $(VENV)/.dev

# Debian's Chromium for the browser tests; Playwright drives it (no browser download).
browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null)

# wrk for the benchmarks' load (bench_editor's poll figure): a Python client would
# eat the CPU the server is measured on.
bench-tools:
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)

# Cairo and DejaVu fonts for the PNG and PDF exports (cairosvg draws with them).
export-libs:
	@dpkg -s libcairo2 fonts-dejavu-core >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libcairo2 fonts-dejavu-core >/dev/null)

# Only for looking at exported decks (no test needs it): LibreOffice Impress turns a
# .pptx into PDF, poppler's pdftoppm the PDF into PNGs.
slide-viewer:
	@command -v soffice >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-impress poppler-utils fonts-liberation >/dev/null)

# The Dutch and German catalogues are compiled from locale/*/LC_MESSAGES/django.po
# at install time (the .mo files are not kept in git); GNU gettext's msgfmt does it.
messages: install
	@command -v msgfmt >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null)
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

# After adding or changing strings: collect them into the catalogues (then translate
# the new msgids; tests/test_translations.py fails on any left empty or fuzzy).
translations: install
	@command -v msgfmt >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null)
	$(BIN)/python manage.py makemessages -l nl -l de --no-obsolete --ignore=.venv --ignore=tests --ignore=staticfiles --ignore=docs

## Install, migrate, load the demo and serve on http://127.0.0.1:8000 (SQLite by default).
run: install export-libs messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## Serve under ASGI (uvicorn) with live push; needs DATABASE_URL=postgres://... (SQLite polls).
run-asgi: install export-libs messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/uvicorn config.asgi:application --host $(HOST) --port $(PORT)

## Install everything and run the whole test suite (browser tests included).
test: install-dev browser export-libs messages
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/python manage.py makemigrations --check --dry-run
