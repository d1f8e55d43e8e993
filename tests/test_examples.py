"""The README's Python snippets and every script in benchmarks/ and scripts/ still run.

Each runs at a tiny size in a temporary folder, so that an API change that breaks one
fails here instead of the first time someone follows the README or re-measures a
benchmark. The figures they print are not checked (they are measurements); that they
finish, and that the files they promise exist and parse, is.

``benchmarks/vs_mesa.py`` and ``benchmarks/dock_mesa.py`` need Mesa (the optional
``docking`` extra): their tests are skipped where Mesa is not installed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Every script and the arguments that make it tiny.
SCRIPTS = {
    "benchmarks/ablation.py": ["--width", "64"],
    "benchmarks/engine.py": ["--size", "40", "--steps", "5"],
    "benchmarks/ensemble.py": [
        *("--runs", "2", "--scale", "0.001", "--days", "10", "--workers", "1", "2"),
        *("--repeats", "1", "--json", "ensemble.json"),
    ],
    "benchmarks/vs_mesa.py": [
        *("--mesa-steps", "1", "--steps", "5", "--repeats", "1", "--json", "vs_mesa.json"),
    ],
    "benchmarks/dock_mesa.py": ["--seeds", "2", "--steps", "20", "--json", "dock.json"],
    "benchmarks/sensitivity.py": [
        *("--runs", "60", "--inputs", "3", "--days", "1100", "--resamples", "1"),
        *("--json", "sensitivity.json"),
    ],
    "scripts/belarus_plausibility.py": [
        *("--scale", "0.001", "--seeds", "1", "--out", "figures"),
    ],
    "scripts/mechanism_effects.py": [
        *("--runs", "1", "--scale", "0.001", "--workers", "1", "--out", "effects.json"),
    ],
    "benchmarks/dashboard.py": [
        *("--runs", "20", "--seed-runs", "2", "--days", "60", "--repeat", "1"),
    ],
    "scripts/criminal_pipeline_check.py": ["--seeds", "1", "--scale", "0.001"],
}
# Scripts whose tiny runs are tested, with checks of their own outputs, in another file.
TESTED_ELSEWHERE = {
    "scripts/scale_convergence.py": "tests/test_instruments.py",
    "benchmarks/belarus_small.py": "tests/test_instruments.py",
    # needs a browser and an ensemble store: the browser tests drive the same pages and
    # save the same kind of screenshots
    "scripts/dashboard_screenshot.py": "tests/test_dashboard_browser.py",
}
NEEDS_MESA = {"benchmarks/vs_mesa.py", "benchmarks/dock_mesa.py"}
JSON_OUT = {
    "benchmarks/ensemble.py": "ensemble.json",
    "benchmarks/vs_mesa.py": "vs_mesa.json",
    "benchmarks/dock_mesa.py": "dock.json",
    "benchmarks/sensitivity.py": "sensitivity.json",
    "scripts/belarus_plausibility.py": "figures/belarus_2020_plausibility.json",
    "scripts/mechanism_effects.py": "effects.json",
}


def _run(args: list[str], cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


def test_every_script_has_a_tiny_invocation():
    found = {
        p.relative_to(ROOT).as_posix()
        for folder in ("benchmarks", "scripts")
        for p in (ROOT / folder).glob("*.py")
    }
    assert found == set(SCRIPTS) | set(TESTED_ELSEWHERE)
    assert not set(SCRIPTS) & set(TESTED_ELSEWHERE)
    for test_file in TESTED_ELSEWHERE.values():
        assert (ROOT / test_file).is_file()


@pytest.mark.slow
@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_script_runs_at_a_tiny_size(script, tmp_path):
    if script in NEEDS_MESA:
        pytest.importorskip("mesa")
    result = _run([str(ROOT / script), *SCRIPTS[script]], cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    if script in JSON_OUT:
        data = json.loads((tmp_path / JSON_OUT[script]).read_text())
        assert data
    if script == "scripts/belarus_plausibility.py":
        assert list((tmp_path / "figures").glob("*.png")) or list(
            (tmp_path / "figures").glob("*.svg")
        )


def _readme_snippets() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_the_readme_has_python_snippets():
    assert _readme_snippets()


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(_readme_snippets())))
def test_readme_snippet_runs(index, tmp_path):
    # the snippets are small already (a 200 x 200 torus for 500 ticks, Belarus at scale
    # 0.002 for 60 days); they run as written, in a fresh interpreter and folder
    code = _readme_snippets()[index]
    result = _run(["-c", code], cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-4000:]
