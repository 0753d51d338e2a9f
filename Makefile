# Two commands on a fresh machine: `make chat` (set up, then chat in the terminal)
# and `make test` (set up, then lint, type-check, check the image's install and run the whole
# test suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: chat test lint image-check setup clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

chat: $(STAMP)
	$(BIN)/coachbot chat $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/hadolint --no-color Dockerfile

# The Dockerfile's install steps in a fresh virtual environment, then the installed command.
image-check: $(STAMP)
	$(BIN)/python .ci/check_image_install.py

test: lint image-check
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
