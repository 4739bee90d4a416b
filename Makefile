# Sát hạch: the two commands are `make run` and `make test`. Everything else is here for them.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: run reset test lint bank format docs bench system-packages clean

run: $(VENV)/.run-installed
	$(PY) -m sandbox run --demo

reset: $(VENV)/.run-installed
	$(PY) -m sandbox run --demo --reset

test: $(VENV)/.dev-installed system-packages lint bank
	$(PY) -m pytest

lint: $(VENV)/.dev-installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

# The task bank: every file valid, every exemplar earning the points it promises.
bank: $(VENV)/.run-installed
	$(PY) -m graderd validate tasks
	$(PY) -m graderd test tasks

format: $(VENV)/.dev-installed
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

docs: $(VENV)/.run-installed
	$(PY) -m mock_services.eventdocs

bench: $(VENV)/.dev-installed
	$(PY) -m bench

# Debian's chromium (browser tests) and PostgreSQL server binaries (the log's contract tests).
system-packages:
	@scripts/ensure-system-packages

$(VENV)/.created:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Sát hạch needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	touch $@

$(VENV)/.run-installed: $(VENV)/.created pyproject.toml
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.created pyproject.toml
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.run-installed

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
