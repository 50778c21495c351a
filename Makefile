# Developer entry points. `make api` and `make test` are the README's two commands; both install
# whatever is missing first (Python venv from requirements-dev.txt, DynamoDB Local from npm).
SHELL := /bin/bash
VENV := .venv
# The Lambda runtime's Python (template.yaml: python3.13) for the venv, the tests and `sam build`.
PYTHON := $(shell devtools/python.sh)
ifeq ($(PYTHON),)
$(error python3.13 is needed: see devtools/python.sh)
endif
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
export SAM_CLI_TELEMETRY := 0
# template.yaml uses AWS::LanguageExtensions (Fn::ForEach): SAM CLI expands it locally only when asked.
export SAM_CLI_ENABLE_LANGUAGE_EXTENSIONS := 1
export PYTHONPATH := layers/common:layers/jobs:.

.PHONY: setup api invoke env-json test test-long test-all contract lint typecheck template build openapi bench clean migrate-status migrate-up dynamodb

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements-dev.txt layers/common/requirements.txt
	$(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## Serve the API on http://127.0.0.1:3000 with DynamoDB Local (tables from template.yaml).
api: setup
	$(PY) -m devtools.local_api $(ARGS)

## Invoke one function: make invoke FN=health (functions/health, or HealthFunction), with events/health.json
## unless EVENT=<file>.
invoke: setup
	$(PY) -m devtools.invoke $(FN) $(if $(EVENT),--event $(EVENT))

## .local/env.json for `sam local invoke --env-vars` (Docker): ARGS="--endpoint http://127.0.0.1:8000"
## with --docker-network host.
env-json: setup
	$(PY) -m devtools.env_json $(ARGS)

# pytest-xdist workers. Two suit a 2-core machine: the shared DynamoDB Local (a JVM) needs CPU too,
# and a third worker measured no faster. PYTEST_WORKERS=0 runs in one process (e.g. for pdb).
PYTEST_WORKERS ?= 2
PYTEST := $(BIN)/pytest -n $(PYTEST_WORKERS)

## The everyday loop: lint, types, template, then every test but the long ones (marker `slow`).
test: setup lint typecheck template
	$(PYTEST) -m "not slow" $(PYTEST_ARGS)

## Only the long tests: fuzz, soak and the quick benchmark.
test-long: setup
	$(PYTEST) -m slow $(PYTEST_ARGS)

## Everything CI checks: lint, types, template, then every test in one run.
test-all: setup lint typecheck template
	$(PYTEST) $(PYTEST_ARGS)

## Only the contract suite: Better Auth's npm client (tests/contract/, node --test) against the local API.
contract: setup
	$(BIN)/pytest tests/integration/contract -q $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

template: setup
	$(BIN)/cfn-lint template.yaml
	$(BIN)/sam validate --region us-east-1 --lint

build: setup
	PATH="$(dir $(PYTHON)):$$PATH" $(BIN)/sam build --parallel

openapi: setup
	$(PY) -m devtools.openapi --write

bench: setup
	$(PY) -m bench.run $(ARGS)

## Data migrations (docs/operations.md). Target a deployed stack with STACK=spooky-dev, `make api`'s
## database with ENDPOINT=http://127.0.0.1:8000, or the environment's tables; ARGS="--dry-run".
MIGRATE_TARGET = $(if $(STACK),--stack $(STACK),$(if $(ENDPOINT),--endpoint $(ENDPOINT)))
migrate-status: setup
	$(PY) -m devtools.migrate $(MIGRATE_TARGET) status

migrate-up: setup
	$(PY) -m devtools.migrate $(MIGRATE_TARGET) up $(ARGS)

clean:
	rm -rf .aws-sam .local .pytest_cache .mypy_cache .ruff_cache

## Only DynamoDB Local with the template's tables (port 8000, data in .local/dynamodb).
dynamodb: setup
	$(PY) -m devtools.dynamodb_local $(ARGS)
