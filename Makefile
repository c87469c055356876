# Two commands for a fresh machine (see README):  make run   |   make test
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest bench clean

# Set-up messages go to stderr so that `echo "csr pay" | make run` prints only the answer.
$(STAMP): pyproject.toml
	@echo "Setting up $(VENV) (first run or pyproject.toml changed)..." >&2
	@$(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip >&2
	@$(PY) -m pip install --quiet -e '.[dev]' >&2
	@touch $(STAMP)

# Without DISCORD_TOKEN this is terminal mode (also with piped input: echo "csr pay" | make run).
run: $(STAMP)
	@$(PY) -m bot run

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/hadolint Dockerfile

typecheck: $(STAMP)
	$(PY) -m mypy

pytest: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) bench/engine.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
