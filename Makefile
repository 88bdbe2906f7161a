# Tierform — every target bootstraps what it needs (.venv, .venv-checkov, node_modules),
# so `make synth` or `make test` works as the very first command on a fresh clone.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CHECKOV_VENV := .venv-checkov
CDKTF := node_modules/.bin/cdktf
TIER ?= local

export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CHECKPOINT_DISABLE := 1
# Our own Terraform CLI config (the machine's may point at a missing file). It uses the
# provider mirror at $(TF_PLUGIN_MIRROR) when that folder exists.
TF_PLUGIN_MIRROR ?= /opt/tf-plugins
export TF_CLI_CONFIG_FILE := $(CURDIR)/.tierform/terraformrc
export TF_PLUGIN_MIRROR

.PHONY: help setup synth deploy status rollback test test-unit test-integration test-policy lint fmt bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,release]'
	touch $@

# checkov cannot share a virtualenv with apache-airflow 3 (pip: ResolutionImpossible),
# so it gets its own; the policy gate runs it as a subprocess.
$(CHECKOV_VENV)/.installed: requirements/checkov.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet -r requirements/checkov.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

.tierform/terraformrc: scripts/write_terraformrc.sh
	bash scripts/write_terraformrc.sh $@

setup: $(VENV)/.installed $(CHECKOV_VENV)/.installed node_modules/.installed .tierform/terraformrc ## install everything (idempotent)

synth: setup ## synthesize into cdktf.out/ (TIERFORM_TIERS=prod,dev for a subset; same as npx cdktf synth)
	$(PY) main.py

# What deploying needs (no checkov): the project venv, the cdktf CLI, the Terraform config.
DEPLOY_DEPS := $(VENV)/.installed node_modules/.installed .tierform/terraformrc

deploy: $(DEPLOY_DEPS) ## synth TIER (default: local) and `cdktf deploy` it: infra, then dbt, then DAGs
	TIERFORM_TIERS=$(TIER) $(PY) main.py
	$(CDKTF) deploy $(TIER) --auto-approve --skip-synth
	@echo
	@$(PY) -m tierform.release status --tier $(TIER) --hints

status: $(VENV)/.installed ## what is released on TIER: DAG release, last dbt build, where to look
	@$(PY) -m tierform.release status --tier $(TIER) --hints

rollback: $(VENV)/.installed ## re-activate TIER's previous DAG release
	$(PY) -m tierform.release rollback --tier $(TIER)

test: setup ## run every test: unit, policy and integration (what CI runs)
	$(PY) -m pytest tests

test-unit: setup ## fast tests only (synth, config): well under a minute
	$(PY) -m pytest tests/unit

test-integration: setup ## real terraform, dbt, Airflow, checkov
	$(PY) -m pytest tests/integration

lint: setup ## ruff (lint + format check)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

fmt: setup ## apply ruff fixes and formatting
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

bench: setup ## synth wall time and peak memory: example vs a generated large platform
	$(PY) scripts/bench_synth.py

clean: ## remove generated output (keeps the virtualenvs and node_modules)
	rm -rf cdktf.out .cdktf.out.* .pytest_cache .ruff_cache
