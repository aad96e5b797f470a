# 产改通 — the front door. `make run` starts everything; `make test` checks everything.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
export PYTHONPATH := $(CURDIR)
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: help install spacy db kb train build run test lint browser unit rasa-validate rasa-stories eval crossval bench bench-install lock clean haproxy cluster-test

help: ## show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

install: ## create .venv with Python 3.10 and install pinned dependencies
	@scripts/bootstrap.sh

spacy: install ## build the project's spaCy pipeline from knowledge/lexicon
	@$(PY) -m knowledge.spacy_pipeline build/spacy_zh

db: install ## apply database migrations (DATABASE_URL, default var/changai.db)
	@$(BIN)/changai db upgrade

kb: db ## load the seed knowledge (idempotent)
	@$(BIN)/changai kb load

train: spacy ## train the Rasa model if its inputs changed
	@$(PY) -m rasa_project.training

build: spacy kb train

run: build ## start the Rasa server, action server and console (Ctrl-C stops all)
	@scripts/run.sh

lint: install ## ruff (lint and format check) and mypy (types)
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .
	@$(BIN)/mypy

browser: ## Debian's Chromium and a CJK font for the browser tests (apt, if missing)
	@scripts/ensure_browser.sh

unit: train kb browser ## unit, integration and browser tests (pytest)
	@$(BIN)/pytest -q -m "not cluster"

haproxy: ## Debian's HAProxy for the cluster test (apt, if missing)
	@scripts/ensure_haproxy.sh

cluster-test: train haproxy ## 2 Rasa + 2 action servers + 2 consoles behind HAProxy, kill -9 mid-run
	@$(BIN)/pytest -q -s -m cluster tests/test_cluster.py

rasa-validate: spacy ## rasa data validate
	@$(BIN)/rasa data validate --config rasa_project/config.yml --domain rasa_project/domain --data rasa_project/data

rasa-stories: train ## Rasa test stories, failing on any prediction error
	@$(BIN)/rasa test core --model "$$($(PY) -m rasa_project.training --print-path)" --stories rasa_project/tests --fail-on-prediction-errors --out var/rasa-results

test: lint rasa-validate unit cluster-test rasa-stories eval ## everything CI runs

eval: train kb ## topic accuracy and escalation on the development set
	@$(PY) -m tests.eval.evaluate
	@$(PY) -m tests.eval.entities

crossval: spacy ## Rasa NLU cross-validation (3 folds) -> docs/nlu_cross_validation.md
	@$(BIN)/rasa test nlu --config rasa_project/config.yml --nlu rasa_project/data/nlu --cross-validation --folds 3 --out var/crossval
	@$(PY) -m tests.eval.crossval_report var/crossval docs/nlu_cross_validation.md

bench: train kb browser ## benchmarks -> docs/benchmarks.md (fails when an issue-6 target is missed)
	@$(PY) -m bench.publish_to_live
	@$(PY) -m bench.widget_page
	@$(PY) -m bench.desk_delay
	@$(PY) -m bench.retrieval_scale
	@$(PY) -m bench.training_time
	@$(PY) -m bench.rest_latency
	@$(PY) -m bench.sse_flood
	@$(PY) -m bench.hub_channels
	@$(PY) -m bench.document_preview
	@$(PY) -m bench.consumer_throughput

bench-install: ## time `make install`'s pip steps into a fresh venv -> docs/benchmarks.md
	@$(PY) -m bench.install_time

lock: ## regenerate constraints.txt from the current .venv
	@$(BIN)/pip freeze --exclude-editable | grep -v '^-e' > constraints.txt

clean: ## remove build output, models and the local database
	rm -rf build models var
