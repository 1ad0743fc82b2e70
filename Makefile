# Set-up is part of every target: a fresh machine with only Python 3.11 needs nothing else.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
MO := platform/translations/en/LC_MESSAGES/messages.mo
PYTEST_ARGS ?=
# One test process per core (pytest-xdist), handed a few tests at a time so that the long ones
# (started first, see tests/conftest.py) spread over them; TEST_WORKERS=0 runs all in this one.
TEST_WORKERS ?= auto
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run test lint bench translations-extract

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(MO): platform/translations/en/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d platform/translations -l en

# mypy cannot follow the editable install's import hook, so it reads the code through links
# that spell the installed names (skillbridge.platform, ...); see [tool.mypy] in pyproject.toml.
TYPECHECK := $(VENV)/typecheck/skillbridge
$(TYPECHECK): | $(BIN)/python
	mkdir -p $@
	for d in platform models matching migrations; do ln -sfn ../../../$$d $@/$$d; done

install: $(STAMP) $(MO) $(TYPECHECK)

run: install
	$(BIN)/skillbridge db upgrade
	$(BIN)/skillbridge seed-demo --if-empty
	$(BIN)/skillbridge run --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist load --maxschedchunk 4 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

bench: install
	$(BIN)/python -m benchmarks

# Refresh the English catalogue after changing UI text; then translate the new entries.
translations-extract: install
	$(BIN)/pybabel extract -F platform/babel.cfg -k N_ -k Np_:1,2 -k _l -o platform/translations/messages.pot .
	$(BIN)/pybabel update -i platform/translations/messages.pot -d platform/translations -l en
