"""What an ensemble tells while it runs: compiling first, progress lines in a log, scripts.

The script test starts a two-worker ensemble from a plain script with no
``if __name__ == "__main__":`` guard, as a first-time user writes it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from uprising.cli import ensemble as ensemble_cli
from uprising.experiment import compile_kernels, plan_ensemble


def test_logged_progress_prints_first_tenths_and_last(monkeypatch, capsys):
    monkeypatch.setattr(ensemble_cli, "LOG_EVERY_SECONDS", 1e9)
    update = ensemble_cli._logged_progress("ensemble e")
    update(0, 0, 20)  # before the first run
    for done in range(1, 21):
        update(done, 0, 20)
    lines = capsys.readouterr().err.splitlines()
    # the start, then one line per tenth (2, 4, ..., 20 runs): 11 lines
    assert len(lines) == 11, lines
    assert lines[0].startswith("ensemble e: 0/20 runs (0 ok, 0 failed), 0 s elapsed")
    assert "about" in lines[5] and "left" in lines[5]
    assert lines[-1].startswith("ensemble e: 20/20 runs (20 ok, 0 failed)")
    assert "left" not in lines[-1]


def test_duration_text():
    assert ensemble_cli._duration(42.4) == "42 s"
    assert ensemble_cli._duration(200) == "3 min 20 s"
    assert ensemble_cli._duration(3900) == "1 h 05 min"


def test_compile_kernels_runs_the_scenario_for_two_days():
    plan = plan_ensemble(["belarus-2022"], runs=1, scale=0.001, days=3)
    assert compile_kernels(plan.tasks[0]) > 0


@pytest.mark.slow
def test_ensemble_from_a_script_without_main_guard(tmp_path):
    script = tmp_path / "plain.py"
    script.write_text(
        textwrap.dedent(
            f"""
            from uprising.experiment import LocalExecutor, plan_ensemble, run_ensemble
            from uprising.store.results import ResultsStore

            plan = plan_ensemble(["belarus-2022"], runs=2, scale=0.001, days=2)
            with LocalExecutor(workers=2) as executor:
                summary = run_ensemble(plan, ResultsStore({str(tmp_path / "store")!r}), executor)
            print("ok runs:", summary.ok_total)
            """
        )
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=900, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "ok runs: 2" in done.stdout
