# uprising: `make run` runs a small ensemble of belarus-2022 and russia-defeat and writes its
# report; `make test` runs lint and tests.
# Both create .venv (Python 3.11) when it is absent and (re)install the project with
# its test tools whenever pyproject.toml changes (tracked by a stamp file).

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.uprising-installed

.PHONY: run test lint bench install clean

run: $(STAMP)
	$(BIN)/uprising ensemble belarus-2022 russia-defeat --runs 10 --scale 0.005 --store out/ensembles
	$(BIN)/uprising report --store out/ensembles --out out/ensembles/report.html

test: $(STAMP) lint
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python benchmarks/engine.py

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf build dist .pytest_cache .ruff_cache src/*.egg-info
