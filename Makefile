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

.PHONY: install prepare browser lint demo test dev docs bench clean

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

# The dashboard's browser test drives Debian's Chromium (Playwright's own download needs the
# internet) and needs a Korean font. Installed when missing; where apt-get cannot install them
# (no root and no sudo), the reason is printed and that test skips (it fails under CI instead).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@if command -v chromium >/dev/null && command -v fc-list >/dev/null && fc-list :lang=ko | grep -q .; then exit 0; fi; \
	if [ -n "$(SUDO)" ] && ! sudo -n true 2>/dev/null; then \
		echo "make browser: not root and no passwordless sudo: cannot apt-get install chromium fonts-noto-cjk; the dashboard browser test will skip"; [ -z "$$CI" ] || exit 1; exit 0; fi; \
	echo "make browser: apt-get install chromium fonts-noto-cjk"; \
	( $(SUDO) apt-get update -q && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk ) >/dev/null \
		|| { echo "make browser: apt-get install chromium fonts-noto-cjk failed; the dashboard browser test will skip"; [ -z "$$CI" ] || exit 1; }

# Lint, format, types and the import contracts (pyproject.toml): run before the tests.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

test: prepare browser lint
	$(PY) -m pytest

dev: prepare $(DAGSTER_HOME)/dagster.yaml
	$(WITH_DB) $(BIN)/dart-fg db upgrade && set -m && exec $(BIN)/dagster dev -h 127.0.0.1 -p 3000 -m dart_assets.definitions

docs: prepare
	$(WITH_DB) $(PY) -m dart_assets.transform.docs

bench: install
	$(PY) -m benchmarks.run_all

clean:
	rm -rf $(VENV) dbt_project/target dbt_project/logs
