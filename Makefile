# sagestack: every target sets itself up (Python venv + pinned deps + local cdk CLI) and never
# reaches AWS. See README.md "Quick start" and docs/.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check --no-input -q

# Guards: no metadata probes, no telemetry, no AWS config or credentials files, a fixed region.
export AWS_EC2_METADATA_DISABLED := true
export AWS_CONFIG_FILE := /dev/null
export AWS_SHARED_CREDENTIALS_FILE := /dev/null
export CDK_DISABLE_VERSION_CHECK := 1
export CDK_DISABLE_CLI_TELEMETRY := true
export AWS_REGION := us-east-1
export AWS_DEFAULT_REGION := us-east-1
export CDK_DEFAULT_REGION := us-east-1
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export PYTHONDONTWRITEBYTECODE := 1

RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed
NODE_STAMP := node_modules/.installed

.PHONY: help setup synth test test-differential validate docs docs-site clean record-fixtures bench import-corpus

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(RUNTIME_STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "installing pinned Python dependencies into $(VENV) ..."
	$(PIP) install -r requirements.txt
	$(PIP) install --no-deps -e .
	@touch $@

$(DEV_STAMP): $(RUNTIME_STAMP) requirements-dev.txt
	@echo "installing pinned test dependencies ..."
	$(PIP) install -r requirements-dev.txt
	@touch $@

# checkov (the tests run it over the synthesized templates) in a venv of its own: it pins boto3,
# botocore, networkx and pydantic to versions requirements.txt cannot share.
CHECKOV_VENV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed

$(CHECKOV_STAMP): requirements-checkov.txt
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	@echo "installing checkov (3.3.30) into $(CHECKOV_VENV) ..."
	$(CHECKOV_VENV)/bin/python -m pip --disable-pip-version-check --no-input -q install -r requirements-checkov.txt
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	@echo "installing the pinned AWS CDK CLI (npm ci) ..."
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(DEV_STAMP) $(NODE_STAMP) ## install everything (idempotent)

validate: $(RUNTIME_STAMP) ## validate the example catalog
	$(VENV)/bin/sagestack validate

# make synth [ENVIRONMENT=prod] [PREVIEW=pr-1] [MODELS=mnist-tf,kmeans] [VALIDATION=on] [WORKERS=n]: the cdk context -c env=, -c preview=,
# -c models=, -c sagestack:validation=true (aws-cdk-lib's built-in CloudFormation validation, off by default); -c sagestack:workers= (synthesis processes; default one per core, at most 4, from 24 models)
SYNTH_CONTEXT = $(if $(ENVIRONMENT),-c env=$(ENVIRONMENT)) $(if $(PREVIEW),-c preview=$(PREVIEW)) $(if $(MODELS),-c models=$(MODELS)) $(if $(filter on,$(VALIDATION)),-c sagestack:validation=true) $(if $(WORKERS),-c sagestack:workers=$(WORKERS))

synth: $(RUNTIME_STAMP) $(NODE_STAMP) ## validate and synthesize the example catalog into cdk.out/ (no AWS account); ENVIRONMENT=, PREVIEW=, MODELS= select, VALIDATION=on adds CDK's own template validation, WORKERS= sets the synthesis processes
	$(VENV)/bin/sagestack validate
	npx --no-install cdk synth --quiet --no-notices --no-version-reporting $(SYNTH_CONTEXT)
	$(VENV)/bin/sagestack summary cdk.out

test: $(DEV_STAMP) $(NODE_STAMP) $(CHECKOV_STAMP) ## run every test
	$(PY) -m pytest

test-differential: $(DEV_STAMP) ## run the differential test with many examples (200 per fidelity configuration, about 70 min)
	SAGESTACK_DIFFERENTIAL_EXAMPLES=200 $(PY) -m pytest tests/fidelity/test_differential.py

import-corpus: $(RUNTIME_STAMP) ## import the listed aws/amazon-sagemaker-examples notebooks and rewrite the report in docs/import.md and README.md; CORPUS= a checkout or git directory of it
	@test -n "$(CORPUS)" || { echo "make import-corpus CORPUS=/path/to/amazon-sagemaker-examples (a checkout, or its git directory)"; exit 2; }
	SAGESTACK_IMPORT_CORPUS="$(CORPUS)" $(PY) scripts/import_corpus_report.py

bench: $(DEV_STAMP) $(NODE_STAMP) ## measure synth and validation against a hand-written CDK app, N up to 1,000; rewrites the results tables in docs/benchmark.md and README.md (12 to 20 min; QUICK=1: N up to 50, a few minutes)
	$(PY) bench/run.py $(if $(QUICK),--quick)

clean: ## remove cdk.out and caches (keeps .venv and node_modules)
	rm -rf cdk.out site .pytest_cache .hypothesis

docs: $(RUNTIME_STAMP) ## regenerate docs/reference.md, the diagram in docs/pipelines.md and schema/descriptor.schema.json
	$(PY) scripts/sync_docs.py

docs-site: $(DEV_STAMP) ## build the documentation site into site/ (mkdocs --strict: a broken link fails)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --site-dir site

SDK_V1_VENV := .venv-sdk-v1

$(SDK_V1_VENV)/.installed: requirements-sdk-v1.txt
	@test -x $(SDK_V1_VENV)/bin/python || $(PYTHON) -m venv $(SDK_V1_VENV)
	@echo "installing SageMaker SDK v1 (1.72.1) into $(SDK_V1_VENV) for legacy-mode fixtures ..."
	$(SDK_V1_VENV)/bin/python -m pip --disable-pip-version-check --no-input -q install -r requirements-sdk-v1.txt
	@touch $@

record-fixtures: $(DEV_STAMP) $(SDK_V1_VENV)/.installed ## re-record what the real SDK (v2, and v1 for legacy mode) sends: tests/fidelity/fixtures/
	$(PY) scripts/record_fixtures.py
	PYTHONPATH=. $(SDK_V1_VENV)/bin/python scripts/record_fixtures.py --v1
	@git diff --stat -- tests/fidelity/fixtures || true
