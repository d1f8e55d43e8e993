# uprising: `make run` runs a small ensemble of belarus-2022 and russia-defeat and a small
# Latin hypercube over five hand-set parameters of belarus-2022, and writes their report (with
# the three inputs that matter most); `make dashboard` opens the dashboard on the store;
# `make test` runs lint and tests (the browser tests need chromium and chromedriver:
# `make browser` installs them when it can).
# Both create .venv (Python 3.11) when it is absent. `make run` installs the project alone
# (its runtime dependencies); `make test` and `make lint` add the test tools (the `test`
# extra: pytest, ruff, hypothesis, Dask). Each install is redone when pyproject.toml changes
# (tracked by a stamp file). `make test-minimum` checks the declared lower bounds (see
# tests/test_dependencies.py): it builds a separate environment of the minimum versions.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.uprising-installed
TEST_STAMP := $(VENV)/.uprising-test-installed
STORE := out/ensembles

.PHONY: run dashboard test test-minimum lint browser bench install clean

run: $(STAMP)
	@echo "== 1/4 compile and run: 10 runs each of belarus-2022 and russia-defeat at scale 0.005 (1 agent per 200 people)"
	$(BIN)/uprising ensemble belarus-2022 russia-defeat --runs 10 --scale 0.005 --store $(STORE)
	@echo "== 2/4 a Latin hypercube of 16 runs of belarus-2022 over five hand-set parameters"
	$(BIN)/uprising ensemble belarus-2022 --design lhs --runs 16 --scale 0.002 --days 1100 \
		--vary population.threshold=0.45:0.65 --vary population.opponent_legitimacy_weight=0.4:0.8 \
		--vary economy.hardship_per_output_loss=0.5:1.5 --vary fall.mobilisation_ratio=3:8 \
		--vary legitimacy.initial=0.55:0.7 --store $(STORE)
	@echo "== 3/4 report: fall probabilities and the HTML page"
	$(BIN)/uprising report --store $(STORE) --out $(STORE)/report.html
	@echo "== 4/4 done: open $(STORE)/report.html in a browser"

dashboard: $(STAMP)
	$(BIN)/uprising dashboard --store $(STORE)

test: $(TEST_STAMP) lint browser
	$(BIN)/python -m pytest

# Headless Chromium for tests/test_dashboard_browser.py: installed with apt-get when
# missing and this is root on Debian; otherwise the browser tests skip, and say so.
browser:
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then \
		true; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing chromium and chromium-driver for the browser tests"; \
		(apt-get update && apt-get install -y chromium chromium-driver) || \
		echo "*** WARNING: could not install chromium: THE BROWSER TESTS WILL BE SKIPPED ***"; \
	else \
		echo "*** WARNING: chromium/chromedriver missing and not installable here (needs root" \
			"and apt-get): THE BROWSER TESTS WILL BE SKIPPED ***"; \
	fi

test-minimum: $(TEST_STAMP)
	UPRISING_MINIMUM_DEPS=1 $(BIN)/python -m pytest tests/test_dependencies.py -q

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python benchmarks/engine.py

install: $(TEST_STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	@echo "== installing uprising and its runtime dependencies into $(VENV) (minutes the first time)"
	$(BIN)/python -m pip install -e .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install -e '.[test]'
	touch $(TEST_STAMP)

clean:
	rm -rf build dist .pytest_cache .ruff_cache src/*.egg-info
