# dart-fg: the two set-up commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
export DART_FG_HOME ?= $(CURDIR)/.dart_fg
export DAGSTER_HOME ?= $(DART_FG_HOME)/dagster
export PATH := $(CURDIR)/$(BIN):$(PATH)
# Exports DATABASE_URL, starting the embedded PostgreSQL when it is unset.
WITH_DB = export DATABASE_URL="$${DATABASE_URL:-$$($(BIN)/dart-fg db url)}" &&

.PHONY: install prepare demo test dev docs bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install -q uv==0.13.8
	$(BIN)/uv pip install --python $(PY) --compile-bytecode -e '.[test,bench]'
	touch $@

install: $(BIN)/.installed

# dbt's manifest is prepared at build time, never at import (dagster-dbt reads it at load).
prepare: install
	$(PY) -m dart_assets.transform.prepare

$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp dagster.yaml $@

demo: prepare $(DAGSTER_HOME)/dagster.yaml
	$(WITH_DB) $(BIN)/dart-fg db upgrade && $(PY) -m dart_assets.demo

test: prepare
	$(PY) -m pytest

dev: prepare $(DAGSTER_HOME)/dagster.yaml
	$(WITH_DB) $(BIN)/dart-fg db upgrade && set -m && exec $(BIN)/dagster dev -h 127.0.0.1 -p 3000 -m dart_assets.definitions

docs: prepare
	$(WITH_DB) $(PY) -m dart_assets.transform.docs

bench: install
	$(PY) -m benchmarks.run_all

clean:
	rm -rf $(VENV) dbt_project/target dbt_project/logs
