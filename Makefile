# make test: set up .venv and run every test. make run: set up, build the index if
# missing or stale, and serve the app on http://127.0.0.1:8000 .
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: setup test run ingest eval bench clean browser-deps

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.installed

browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
	  || echo "could not install Debian chromium: the browser test will be skipped"; fi

test: setup browser-deps
	$(BIN)/pytest -q

ingest: setup
	$(BIN)/qa ingest

run: setup
	$(BIN)/qa ingest --if-stale
	$(BIN)/qa serve --host 127.0.0.1 --port 8000

eval: setup
	$(BIN)/qa eval
	$(BIN)/qa eval beir ../shared/eval/scifact --split test
	$(BIN)/qa eval squad ../shared/eval/squad/dev-v1.1.json

bench: setup
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/qa bench

clean:
	rm -rf $(VENV) embeddings/*.faiss embeddings/*.sqlite embeddings/*.json embeddings/snapshots
