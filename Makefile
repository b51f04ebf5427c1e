# The two commands: `make run` and `make test`. Everything else is for developers.
PY ?= python3
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench load validate clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/mockloop serve --host 127.0.0.1 --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m pytest -q -s -m bench --benchmark-enable tests

# The team-server load test (README, "Load test"): PostgreSQL, Redis, 2 web processes and a worker on this
# machine, Locust headless. LOAD_ARGS passes options, e.g. make load LOAD_ARGS='--users 300'.
LOAD_ARGS ?=
load: $(STAMP)
	$(BIN)/pip install --quiet -e '.[load]'
	$(BIN)/python tools/load_test.py $(LOAD_ARGS)

validate: $(STAMP)
	$(BIN)/mockloop validate

clean:
	rm -rf $(VENV) build *.egg-info
