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
# Tests run on every core (pytest-xdist); each test works in its own temp folder or repo copy.
PYTEST_FLAGS ?= -n auto --dist loadfile

export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CHECKPOINT_DISABLE := 1
# Our own Terraform CLI config (the machine's may point at a missing file). It uses the
# provider mirror at $(TF_PLUGIN_MIRROR) when that folder exists.
TF_PLUGIN_MIRROR ?= /opt/tf-plugins
export TF_CLI_CONFIG_FILE := $(CURDIR)/.tierform/terraformrc
export TF_PLUGIN_MIRROR

# actionlint: the hash-pinned wheel (requirements/actionlint.txt) unless one is given.
ACTIONLINT ?= $(VENV)/bin/actionlint
TIERFORM := $(PY) -m tierform
PLANS ?= plans
PLAN_FLAGS ?=
BASE ?= origin/main
DBT_PROJECT ?= examples/dbt
DAGS_FOLDER ?= examples/dags

.PHONY: help setup synth deploy status rollback check policy test fuzz test-unit test-integration test-policy lint fmt bench clean \
	actionlint plan apply-plan plan-summary drift

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

$(VENV)/.actionlint-installed: requirements/actionlint.txt $(VENV)/.installed
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements/actionlint.txt
	touch $@

setup: $(VENV)/.installed $(CHECKOV_VENV)/.installed node_modules/.installed .tierform/terraformrc $(VENV)/.actionlint-installed ## install everything (idempotent)

synth: setup ## synthesize into cdktf.out/ (TIERFORM_TIERS=prod,dev for a subset; same as npx cdktf synth)
	$(PY) main.py

check: synth ## synthesize, then run the policy gate (exit 1 on a failed check, 2 if unusable)
	$(PY) -m tierform policy --outdir cdktf.out --config config --results results/policy

policy: setup ## the policy gate alone, on the existing cdktf.out (what CI runs on an artifact)
	$(PY) -m tierform policy --outdir cdktf.out --config config --results results/policy

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
	$(PY) -m pytest $(PYTEST_FLAGS) tests

# The hostile-input property test, longer: FUZZ_EXAMPLES hostile edits of every text field.
FUZZ_EXAMPLES ?= 2000
fuzz: $(VENV)/.installed ## hostile-input property test with FUZZ_EXAMPLES examples (default 2000)
	TIERFORM_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -p no:xdist -q tests/unit/test_hostile_property.py

test-unit: setup ## fast tests only (synth, config): well under a minute
	$(PY) -m pytest $(PYTEST_FLAGS) tests/unit

test-policy: setup ## the policy gate tests (real checkov, real terraform plans)
	$(PY) -m pytest $(PYTEST_FLAGS) tests/policy

test-integration: setup ## real terraform, dbt, Airflow, checkov
	$(PY) -m pytest $(PYTEST_FLAGS) tests/integration

lint: setup ## ruff (lint + format check) and actionlint on every workflow
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(MAKE) --no-print-directory actionlint

# -shellcheck= -pyflakes=: the same result on every machine, whatever else is installed.
actionlint: setup ## check .github/workflows with actionlint
	$(ACTIONLINT) -no-color -shellcheck= -pyflakes= .github/workflows/*.yml

fmt: setup ## apply ruff fixes and formatting
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

bench: setup ## synth wall time and peak memory: example vs a generated large platform
	$(PY) scripts/bench_synth.py

plan: setup ## terraform plan of cdktf.out/stacks/TIER into plans/TIER.tfplan + .json (after make synth)
	$(TIERFORM) plan --tier $(TIER) --out $(PLANS) $(PLAN_FLAGS)

apply-plan: setup ## apply exactly plans/TIER.tfplan (fails clearly if the state moved on)
	$(TIERFORM) apply-plan --tier $(TIER) --plan $(PLANS)/$(TIER).tfplan

plan-summary: setup ## Markdown summary of plans/*.json into plans/summary.md (the PR comment)
	$(TIERFORM) plan-summary -o $(PLANS)/summary.md --base $(BASE) \
		$(foreach f,$(filter-out $(PLANS)/summary.json,$(wildcard $(PLANS)/*.json)),--plan $(basename $(notdir $(f)))=$(f)) \
		$(if $(wildcard $(DBT_PROJECT)/dbt_project.yml),--dbt-project $(DBT_PROJECT)) \
		$(if $(wildcard $(DAGS_FOLDER)),--dags-folder $(DAGS_FOLDER))

drift: setup ## exit 2 + drift/TIER.md when the tier drifted; DRIFT_ISSUE=1 opens/updates an issue
	@status=0; $(TIERFORM) drift --tier $(TIER) --report drift/$(TIER).md $(if $(RUN_URL),--run-url $(RUN_URL)) || status=$$?; \
	if [ $$status = 2 ] && [ -f drift/$(TIER).md ] && [ -n "$(DRIFT_ISSUE)" ]; then \
		$(TIERFORM) issue --title "Drift in tier $(TIER)" --body-file drift/$(TIER).md --label drift; \
	fi; exit $$status

clean: ## remove generated output (keeps the virtualenvs and node_modules)
	rm -rf cdktf.out .cdktf.out.* .pytest_cache .ruff_cache
