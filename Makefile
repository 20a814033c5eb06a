# Two commands for a fresh machine (see README):  make demo  |  make test
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: demo test docs system-deps clean

$(BIN)/kg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

## demo: install into .venv, build the seed graph into ./kg-store, show it, write exports to ./kg-demo
demo: $(BIN)/kg
	$(BIN)/kg demo

## test: install the system tools the tests use (raptor2-utils, chromium, virtuoso), then run the whole suite
test: $(BIN)/kg system-deps
	$(BIN)/python -m pytest -n auto --dist loadfile

## docs: build the documentation site offline into ./site (open site/index.html); CI adds --strict
docs: $(BIN)/kg
	$(BIN)/mkdocs build

system-deps:
	@scripts/install-system-deps

clean:
	rm -rf $(VENV) kg-store kg-demo site build dist *.egg-info
