# thidua — the whole interface: `make run` sets up and loads the sample data, `make test` tests.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RAW ?= raw
WAREHOUSE ?= warehouse/thidua.duckdb

.DEFAULT_GOAL := help
.PHONY: help setup system run build check dashboards meeting notebooks lab lab-setup template test lint bench sweep clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements.lock pyproject.toml
	@echo "Cài môi trường Python vào $(VENV)/ (một lần, khoảng một phút)…"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -qq --disable-pip-version-check uv==0.13.8
	@# sync, not install: a package the lock no longer holds (JupyterLab's, now in .venv-lab)
	@# goes too; pip and uv stay, and the project is installed editable with them
	@$(BIN)/uv pip sync -q --compile-bytecode --python $(BIN)/python requirements.lock \
	  <(printf 'uv==0.13.8\npip\n-e .\n')
	@# bytecode written now: every command starts quicker, even where PYTHONDONTWRITEBYTECODE is set
	@$(BIN)/python -m compileall -q pipeline bench > /dev/null
	@touch $@

setup: $(BIN)/.installed system ## Create .venv with the pinned dependencies (and system packages)

system: ## Install the Debian packages the project needs, only if missing
	@bash scripts/ensure-system.sh chromium ffmpeg espeak-ng poppler-utils fonts-dejavu-core fonts-noto-core fonts-liberation2 libreoffice-calc

# exit 3 of build means "loaded, some rows or files rejected": say so instead of a make error
EXPLAIN_BUILD = rc=$$?; if [ $$rc -eq 3 ]; then echo "→ Mã thoát 3: kho đã nạp xong, chỉ các dòng/tệp nêu trên bị từ chối (trong dữ liệu mẫu đó là lỗi cố ý để minh họa)."; elif [ $$rc -ne 0 ]; then exit $$rc; fi

run: setup ## Set up, load every spreadsheet in raw/ into the warehouse, build dashboards/
	@mkdir -p $(dir $(WAREHOUSE))
	@$(BIN)/thidua build --raw $(RAW) --warehouse $(WAREHOUSE); $(EXPLAIN_BUILD)
	@$(BIN)/thidua dashboards --warehouse $(WAREHOUSE) --out dashboards
	@$(BIN)/thidua clip --cluster $(CLIP_CLUSTER) --period $(CLIP_PERIOD) --warehouse $(WAREHOUSE)

CLIP_CLUSTER ?= 6
CLIP_PERIOD ?= 2024-FY
.PHONY: clip
clip: $(BIN)/.installed ## Dựng bản nháp clip báo cáo cụm 6, năm 2024 vào clips/ (khác: make clip CLIP_CLUSTER=7 CLIP_PERIOD=2023-H1)
	@$(BIN)/thidua clip --cluster $(CLIP_CLUSTER) --period $(CLIP_PERIOD) --warehouse $(WAREHOUSE)

build: $(BIN)/.installed ## Load raw/ incrementally (no set-up of system packages)
	@mkdir -p $(dir $(WAREHOUSE))
	@$(BIN)/thidua build --raw $(RAW) --warehouse $(WAREHOUSE); $(EXPLAIN_BUILD)

dashboards: $(BIN)/.installed ## Rebuild the offline dashboard site from the warehouse
	@$(BIN)/thidua dashboards --warehouse $(WAREHOUSE) --out dashboards

meeting: $(BIN)/.installed ## Meeting deck + workbook, e.g. make meeting CLUSTER=6 PERIOD=2024-FY
	$(BIN)/thidua meeting --cluster $(or $(CLUSTER),6) --period $(or $(PERIOD),2024-FY) --warehouse $(WAREHOUSE)

notebooks: $(BIN)/.installed ## Write the .ipynb twins of notebooks/*.py (jupytext pairing)
	@$(BIN)/jupytext --sync --quiet notebooks/*.py

# JupyterLab has an environment of its own (.venv-lab, made by `make lab` only): its
# dependencies (jsonschema's format checkers among them) stay out of .venv, where they cost
# seconds at every import of Great Expectations.  Its «Python 3» kernel is .venv's python.
LAB_VENV := .venv-lab
LAB_KERNEL := $(LAB_VENV)/share/jupyter/kernels/python3
$(LAB_VENV)/.installed: requirements-lab.lock $(BIN)/.installed
	@echo "Cài JupyterLab vào $(LAB_VENV)/ (một lần)…"
	@test -x $(LAB_VENV)/bin/python || $(PYTHON) -m venv $(LAB_VENV)
	@$(BIN)/uv pip install -q --compile-bytecode --python $(LAB_VENV)/bin/python -r requirements-lab.lock
	@mkdir -p $(LAB_KERNEL)
	@# a new file, never written through: uv installs by hard links to its cache, so writing into
	@# the installed kernel.json would rewrite ipykernel's own in the cache and in every venv linked to it
	@rm -f $(LAB_KERNEL)/kernel.json
	@printf '{"argv": ["%s", "-m", "ipykernel_launcher", "-f", "{connection_file}"], "display_name": "Python 3 (thidua)", "language": "python", "metadata": {"debugger": true}}\n' \
	  "$(abspath $(BIN))/python" > $(LAB_KERNEL)/kernel.json
	@touch $@

lab-setup: $(LAB_VENV)/.installed ## Create .venv-lab (JupyterLab, its kernel in .venv); make lab does it

LAB_PORT ?= 8888
lab: notebooks $(LAB_VENV)/.installed ## Open the notebooks in JupyterLab (this machine only, nothing fetched online)
	@token=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(16))'); \
	  echo "JupyterLab: mở http://127.0.0.1:$(LAB_PORT)/lab?token=$$token (Ctrl+C để dừng)"; \
	  $(LAB_VENV)/bin/jupyter lab --config=scripts/jupyter_lab_config.py --no-browser --port=$(LAB_PORT) \
	    --ServerApp.port_retries=0 --IdentityProvider.token=$$token \
	    $$([ $$(id -u) -eq 0 ] && echo --allow-root)

template: $(BIN)/.installed ## Write blank input workbooks to templates/
	$(BIN)/thidua template --out templates

test: setup ## Lint, format check, then the test suite
	@$(MAKE) --no-print-directory lint
	$(BIN)/python -m pytest -q

bench: $(BIN)/.installed ## Measure speed at national scale (corpus cached in bench/.corpus/, figures in bench/out/)
	$(BIN)/python -m bench.run

PEERS ?= /work/peers
sweep: $(BIN)/.installed ## Guard + read every spreadsheet of peer libraries' test suites (PEERS=dir; table in bench/out/)
	@mkdir -p bench/out
	$(BIN)/python -m bench.sweep --peers $(PEERS) --json bench/out/sweep.json | tee bench/out/sweep.txt

LINTED := pipeline tests bench notebooks scripts
lint: $(BIN)/.installed ## ruff check and format check
	$(BIN)/ruff check -q $(LINTED)
	$(BIN)/ruff format -q --check $(LINTED)

clean: ## Remove the built warehouse and caches (never raw/)
	rm -rf warehouse/*.duckdb warehouse/*.wal warehouse/*.changes.json warehouse/*.raw-listing.json warehouse/validation .pytest_cache dashboards/*.html dashboards/assets
