# Every target sets itself up: a fresh machine needs only Python 3.11 and pip.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3.11
UV_VERSION := 0.13.8
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never
export UV_FROZEN := 1
export UV_NO_PROGRESS := 1

# Use uv from PATH when the machine has it, else a pinned copy in .tools/.
UV := $(or $(shell command -v uv 2>/dev/null),.tools/bin/uv)
VENV := .venv
STAMP := $(VENV)/.synced
RUN := $(UV) run --no-sync

.PHONY: help run dev check new-remote bench test test-fast lint format typecheck clean

TASK ?=
THREAD ?=
PORT ?= 2024
ARGS ?=
NAME ?=
# Extra pytest arguments for test and test-fast, e.g. PYTEST_ARGS="-k approval -x".
PYTEST_ARGS ?=
# Test files run side by side in this many processes (most tests wait on servers, not the CPU;
# a file's tests stay together, so its module fixtures start once);
# PYTEST_WORKERS=0 runs them all in this one.
PYTEST_WORKERS ?= 3
PYTEST := $(RUN) pytest $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist loadfile)

help: ## Show this help.
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-11s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --all-extras
	@touch $@

run: $(STAMP) ## Run a graph on a task (TASK="...", THREAD=<id>, ARGS="--graph supervisor").
	$(RUN) python -m orchestrator.run $(if $(TASK),"$(TASK)") $(if $(THREAD),--thread $(THREAD)) $(ARGS)

dev: $(STAMP) ## Serve the children and the orchestrator with langgraph dev (PORT=2024).
	$(RUN) python -m orchestrator.dev --port $(PORT)

check: $(STAMP) ## Check every configured remote (reachable, graph, auth, schemas).
	$(RUN) python -m orchestrator.check

new-remote: $(STAMP) ## Scaffold a child deployment, its remote and its test (NAME=<name>).
	$(RUN) python -m orchestrator.new_remote "$(NAME)"

bench: $(STAMP) ## Run the benchmarks, write docs/benchmarks.md (a few minutes; ARGS="--quick --no-real").
	$(RUN) python -m bench.run $(ARGS)

test: lint typecheck ## Lint, type check and run the whole test suite (PYTEST_ARGS=...).
	$(PYTEST) $(PYTEST_ARGS)

test-fast: lint typecheck ## The same without real langgraph dev servers (PYTEST_ARGS=...).
	$(PYTEST) -m "not real_server" --no-real-servers $(PYTEST_ARGS)

lint: $(STAMP) ## Check style with ruff (no changes).
	$(RUN) ruff check .
	$(RUN) ruff format --check .

typecheck: $(STAMP) ## Type check src/ and graphs/ with mypy --strict.
	$(RUN) mypy

format: $(STAMP) ## Fix what ruff can fix and reformat.
	$(RUN) ruff check --fix .
	$(RUN) ruff format .

clean: ## Remove the environment, caches and local server state.
	rm -rf $(VENV) .tools .mypy_cache .ruff_cache .pytest_cache .langgraph_api .orchestrator
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
