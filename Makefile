# uprising: `make run` runs a small ensemble of belarus-2022 and russia-defeat and a small
# Latin hypercube over five hand-set parameters of belarus-2022, and writes their report (with
# the three inputs that matter most); `make dashboard` opens the dashboard on the store;
# `make test` runs lint and tests (the browser tests need chromium and chromedriver:
# `make browser` installs them when it can).
# Both create .venv (Python 3.11) when it is absent and (re)install the project with
# its test tools whenever pyproject.toml changes (tracked by a stamp file).

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.uprising-installed

.PHONY: run dashboard test lint browser bench install clean

run: $(STAMP)
	$(BIN)/uprising ensemble belarus-2022 russia-defeat --runs 10 --scale 0.005 --store out/ensembles
	$(BIN)/uprising ensemble belarus-2022 --design lhs --runs 16 --scale 0.002 --days 1100 \
		--vary population.threshold=0.45:0.65 --vary population.opponent_legitimacy_weight=0.4:0.8 \
		--vary economy.hardship_per_output_loss=0.5:1.5 --vary fall.mobilisation_ratio=3:8 \
		--vary legitimacy.initial=0.55:0.7 --store out/ensembles
	$(BIN)/uprising report --store out/ensembles --out out/ensembles/report.html

dashboard: $(STAMP)
	$(BIN)/uprising dashboard --store out/ensembles

test: $(STAMP) lint browser
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
