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
# The configuration folder: CONFIG=… or $TIERFORM_CONFIG (default config); exported so synth,
# the release steps and every command read the same one.
CONFIG ?= $(or $(TIERFORM_CONFIG),config)
export TIERFORM_CONFIG := $(CONFIG)
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

.PHONY: help setup lock synth deploy status rollback check tfcheck inputs promotion sandbox-stack environment policy test fuzz test-unit test-integration test-policy lint fmt bench clean \
	actionlint plan apply-plan plan-summary drift diff ci-apply ci-targets ci-run ci-teardown ci-sweep ci-comment airflow airflow-stop

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

# Every Python package comes from a hashed lock (requirements/*.lock, written by `make lock`):
# pip refuses any file whose hash differs. The lock is the whole resolution, so it installs
# with --no-deps (as pip-sync does) and `pip check` proves it is consistent; the project
# itself is then installed editable with no dependencies and no build download.
$(VENV)/.installed: pyproject.toml requirements/tierform.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements/tierform.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m pip check
	touch $@

# checkov cannot share a virtualenv with apache-airflow 3 (pip: ResolutionImpossible),
# so it gets its own; the policy gate runs it as a subprocess.
$(CHECKOV_VENV)/.installed: requirements/checkov.lock
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --require-hashes --no-deps -r requirements/checkov.lock
	$(CHECKOV_VENV)/bin/pip check
	touch $@

# `make lock` resolves against PyPI alone (whatever the machine's pip config adds), with
# pip-tools in a throwaway virtualenv; review the diff of requirements/*.lock like code.
LOCK_VENV := .tierform/lock-venv
PIP_TOOLS ?= pip-tools==7.6.2
LOCK_ENV := env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_CONSTRAINT PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND='make lock'
LOCK_FLAGS := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links

lock: ## regenerate the hashed lock files (requirements/*.lock) from pyproject.toml and requirements/*.txt
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_ENV) $(LOCK_VENV)/bin/pip install --quiet '$(PIP_TOOLS)'
	$(LOCK_ENV) $(LOCK_VENV)/bin/pip-compile $(LOCK_FLAGS) --extra dev --extra release \
		-o requirements/tierform.lock pyproject.toml requirements/build.txt
	$(LOCK_ENV) $(LOCK_VENV)/bin/pip-compile $(LOCK_FLAGS) -o requirements/checkov.lock requirements/checkov.txt
	$(LOCK_ENV) $(LOCK_VENV)/bin/pip-compile $(LOCK_FLAGS) -o requirements/light.lock requirements/light.txt
	$(LOCK_ENV) $(LOCK_VENV)/bin/pip-compile $(LOCK_FLAGS) -o requirements/cdktn.lock requirements/cdktn.txt

# CDK Terrain (cdktn, the maintained fork of cdktf) with its own provider packages: they cannot
# share .venv with cdktf's (cdktn forces newer providers), so they get a virtualenv of their
# own. tests/integration/test_framework_cdktn.py synthesizes the example with it and compares
# the output with cdktf's. The project is not installed there: main.py imports it from the
# checkout (the script's folder is on sys.path).
CDKTN_VENV := .venv-cdktn
$(CDKTN_VENV)/.installed: requirements/cdktn.lock
	$(PYTHON) -m venv $(CDKTN_VENV)
	$(CDKTN_VENV)/bin/python -m pip install --quiet --require-hashes --no-deps -r requirements/cdktn.lock
	$(CDKTN_VENV)/bin/python -m pip check
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

.tierform/terraformrc: scripts/write_terraformrc.sh
	bash scripts/write_terraformrc.sh $@

$(VENV)/.actionlint-installed: requirements/actionlint.txt $(VENV)/.installed
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements/actionlint.txt
	touch $@

# The deciding CI jobs (which tiers, which sandbox) need only the config layer: seconds to
# install instead of minutes, so a ref that deploys nothing costs almost nothing.
LIGHT_VENV := .venv-light
$(LIGHT_VENV)/.installed: pyproject.toml requirements/light.lock
	$(PYTHON) -m venv $(LIGHT_VENV)
	$(LIGHT_VENV)/bin/pip install --quiet --require-hashes --no-deps -r requirements/light.lock
	$(LIGHT_VENV)/bin/pip install --quiet --no-deps -e .
	touch $@

setup: $(VENV)/.installed $(CHECKOV_VENV)/.installed $(CDKTN_VENV)/.installed node_modules/.installed .tierform/terraformrc $(VENV)/.actionlint-installed ## install everything (idempotent)

synth: setup ## synthesize into cdktf.out/ (TIERFORM_TIERS=prod,dev for a subset; same as npx cdktf synth)
	$(PY) main.py

check: synth ## synthesize, check every stack is valid Terraform, then run the policy gate (exit 1 on a failed check, 2 if unusable)
	$(TIERFORM) tfcheck --outdir cdktf.out
	$(PY) -m tierform policy --outdir cdktf.out --config "$(CONFIG)" --results results/policy

promotion: $(LIGHT_VENV)/.installed ## tiers EVENT (push|pull_request|schedule) and REF plan and deploy (light install)
	$(LIGHT_VENV)/bin/python -m tierform promotion --event $(EVENT) $(if $(REF),--ref "$(REF)") $(if $(GITHUB_OUTPUT),--github-output)

# Data CI of pull requests (README "Data CI on pull requests"): the target tiers, then per
# target a run into a PR environment, its teardown, and the scheduled sweep.
ci-targets: $(LIGHT_VENV)/.installed ## data CI target tiers (config ci.targets) and their plan environments as JSON (light install)
	$(LIGHT_VENV)/bin/python -m tierform ci targets $(if $(GITHUB_OUTPUT),--github-output)

PR ?=
CI_FLAGS ?=
ci-run: $(VENV)/.installed ## data CI of pull request PR against TIER: SQL lint, DAG checks, slim dbt build (CI_FLAGS=--all)
	$(TIERFORM) ci run --tier $(TIER) --pr $(PR) $(CI_FLAGS)

ci-teardown: $(VENV)/.installed ## drop pull request PR's environment on TIER (idempotent)
	$(TIERFORM) ci teardown --tier $(TIER) --pr $(PR)

ci-sweep: $(VENV)/.installed ## drop TIER's PR environments of pull requests closed long ago
	$(TIERFORM) ci sweep --tier $(TIER)

ci-comment: $(LIGHT_VENV)/.installed ## post/update PR's "Data CI" comment from data-ci/<tier>.json (light install)
	$(LIGHT_VENV)/bin/python -m tierform ci comment --results data-ci --pr $(PR)

sandbox-stack: $(LIGHT_VENV)/.installed ## accept only a declared sandbox STACK (exit 2 otherwise; light install)
	$(LIGHT_VENV)/bin/python -m tierform sandbox-stack --stack "$(STACK)" $(if $(GITHUB_OUTPUT),--github-output)

JOB ?= plan
environment: $(LIGHT_VENV)/.installed ## the GitHub environment of TIER's JOB (plan|apply|ci), from config promotion (light install)
	$(LIGHT_VENV)/bin/python -m tierform environment --tier "$(TIER)" --job $(JOB) $(if $(GITHUB_OUTPUT),--github-output)

inputs: $(VENV)/.installed ## the secrets and variables TIER's JOB (plan|apply) needs, derived (after make synth)
	$(TIERFORM) inputs --tier $(TIER) --job $(JOB)

tfcheck: $(VENV)/.installed .tierform/terraformrc ## terraform init (offline) + validate where possible, on every stack in cdktf.out
	$(TIERFORM) tfcheck --outdir cdktf.out

policy: setup ## the policy gate alone, on the existing cdktf.out (what CI runs on an artifact)
	$(PY) -m tierform policy --outdir cdktf.out --config "$(CONFIG)" --results results/policy

# What deploying needs (no checkov): the project venv, the cdktf CLI, the Terraform config.
DEPLOY_DEPS := $(VENV)/.installed node_modules/.installed .tierform/terraformrc

deploy: $(DEPLOY_DEPS) ## synth TIER (default: local) and `cdktf deploy` it: infra, then dbt, then DAGs
	TIERFORM_TIERS=$(TIER) $(PY) main.py
	@# Every apply, failed ones too, is recorded in the tier's release ledger (commit, who, outcome).
	@status=0; $(CDKTF) deploy $(TIER) --auto-approve --skip-synth || status=$$?; \
	$(PY) -m tierform.release record-deployment --tier $(TIER) \
	  --outcome $$([ $$status = 0 ] && echo success || echo failure) || true; exit $$status
	@echo
	@$(PY) -m tierform.release status --tier $(TIER) --hints

status: $(VENV)/.installed ## what is released on TIER: DAG release, last dbt build, where to look
	@$(PY) -m tierform.release status --tier $(TIER) --hints

rollback: $(VENV)/.installed ## re-activate TIER's previous DAG release (or TO=<release id>)
	$(PY) -m tierform.release rollback --tier $(TIER) $(if $(TO),--to $(TO))

# A real Airflow 3 (api-server, scheduler, dag-processor, SQLite) on 127.0.0.1, home under
# .tierform/airflow/TIER/home, reading the DAGs the last `make deploy TIER=…` published.
AIRFLOW_PORT ?= 8080
airflow: $(VENV)/.installed ## start a local Airflow on TIER's published DAGs (AIRFLOW_PORT, default 8080); prints URL and login
	$(TIERFORM) airflow start --tier $(TIER) --port $(AIRFLOW_PORT)

airflow-stop: $(VENV)/.installed ## stop the local Airflow of TIER
	$(TIERFORM) airflow stop --tier $(TIER)

test: setup ## run every test: unit, policy and integration (what CI runs)
	$(PY) -m pytest $(PYTEST_FLAGS) tests

# The property tests, longer: FUZZ_EXAMPLES hostile edits of every text field and
# CONFIG_FUZZ_EXAMPLES random config mutations (each one that still synthesizes is a full
# synth, ~1 s). make test runs 25 and 4.
FUZZ_EXAMPLES ?= 2000
CONFIG_FUZZ_EXAMPLES ?= 200
fuzz: $(VENV)/.installed ## property tests with FUZZ_EXAMPLES hostile edits (2000) and CONFIG_FUZZ_EXAMPLES config mutations (200)
	TIERFORM_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) TIERFORM_CONFIG_FUZZ_EXAMPLES=$(CONFIG_FUZZ_EXAMPLES) \
		$(PY) -m pytest -p no:xdist -q tests/unit/test_hostile_property.py tests/unit/test_config_fuzz.py

test-unit: setup ## fast tests only (config, synth, commands; no terraform/dbt/Airflow/checkov runs)
	$(PY) -m pytest $(PYTEST_FLAGS) tests/unit

test-policy: setup ## the policy gate tests (real checkov, real terraform plans)
	$(PY) -m pytest $(PYTEST_FLAGS) tests/policy

test-integration: setup ## real terraform, dbt, Airflow, checkov; commands in a fresh process
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

# BENCH_SIZES=example,1k,5k,15k,50k (the default) or any subset; figures only, no asserts.
BENCH_SIZES ?= example,1k,5k,15k,50k
bench: setup ## synth, gate, validation, plan-summary figures per platform size (BENCH_SIZES=...)
	$(PY) scripts/bench.py --sizes $(BENCH_SIZES)

plan: setup ## terraform plan of cdktf.out/stacks/TIER into plans/TIER.tfplan + .json (after make synth)
	$(TIERFORM) plan --tier $(TIER) --out $(PLANS) $(PLAN_FLAGS)

apply-plan: setup ## apply exactly plans/TIER.tfplan (fails clearly if the state moved on)
	$(TIERFORM) apply-plan --tier $(TIER) --plan $(PLANS)/$(TIER).tfplan
	@$(TIERFORM) record-deployed --tier $(TIER)

# The dbt project, profiles folder, targets and DAGs folder come from config (`release:`).
plan-summary: $(VENV)/.installed ## the PR comment: plans/summary.md from every plans/TIER.json and TIER.status.json
	$(TIERFORM) plan-summary -o $(PLANS)/summary.md --base $(BASE) --plans-dir $(PLANS) --config "$(CONFIG)"

diff: $(DEPLOY_DEPS) ## `cdktf diff TIER` (SKIP_SYNTH=1: --skip-synth): keeps its plan, writes plans/TIER.{tfplan,json,status.json}
	$(TIERFORM) diff --tier $(TIER) --out $(PLANS) --config "$(CONFIG)" $(if $(SKIP_SYNTH),--skip-synth) $(PLAN_FLAGS)

ci-apply: $(DEPLOY_DEPS) ## apply TIER as its promotion rule says: `cdktf deploy`, or the reviewed PLAN (default plans/TIER.tfplan)
	$(TIERFORM) apply --tier $(TIER) --config "$(CONFIG)" $(if $(PLAN),--plan $(PLAN)) $(if $(SKIP_SYNTH),--skip-synth)

drift: setup ## exit 2 + drift/TIER.md when the tier drifted; DRIFT_ISSUE=1 opens/updates an issue
	@status=0; $(TIERFORM) drift --tier $(TIER) --report drift/$(TIER).md $(if $(RUN_URL),--run-url $(RUN_URL)) || status=$$?; \
	if [ $$status = 2 ] && [ -f drift/$(TIER).md ] && [ -n "$(DRIFT_ISSUE)" ]; then \
		$(TIERFORM) issue --title "Drift in tier $(TIER)" --body-file drift/$(TIER).md --label drift; \
	fi; exit $$status

clean: ## remove generated output (keeps the virtualenvs and node_modules)
	rm -rf cdktf.out .cdktf.out.* .pytest_cache .ruff_cache
