# thidua — the whole interface: `make run` sets up and loads the sample data, `make test` tests.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RAW ?= raw
WAREHOUSE ?= warehouse/thidua.duckdb

.DEFAULT_GOAL := help
.PHONY: help setup system run build check template test lint bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check uv==0.13.8
	$(BIN)/uv pip install -q --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	@touch $@

setup: $(BIN)/.installed system ## Create .venv with the pinned dependencies (and system packages)

system: ## Install the Debian packages the project needs, only if missing
	@bash scripts/ensure-system.sh chromium ffmpeg fonts-dejavu-core fonts-liberation

run: setup ## Set up, then load every spreadsheet in raw/ into the warehouse
	@mkdir -p $(dir $(WAREHOUSE))
	$(BIN)/thidua build --raw $(RAW) --warehouse $(WAREHOUSE); rc=$$?; \
	  if [ $$rc -eq 3 ]; then echo "(Có dòng bị từ chối: xem view rejections — đây là ví dụ lỗi có chủ ý trong dữ liệu mẫu.)"; exit 0; fi; exit $$rc

build: $(BIN)/.installed ## Load raw/ incrementally (no set-up of system packages)
	$(BIN)/thidua build --raw $(RAW) --warehouse $(WAREHOUSE)

template: $(BIN)/.installed ## Write blank input workbooks to templates/
	$(BIN)/thidua template --out templates

test: setup ## Run the test suite
	$(BIN)/python -m pytest -q

lint: $(BIN)/.installed ## ruff check and format check
	$(BIN)/ruff check pipeline tests
	$(BIN)/ruff format --check pipeline tests

clean: ## Remove the built warehouse and caches (never raw/)
	rm -rf warehouse/*.duckdb warehouse/*.wal warehouse/validation .pytest_cache
