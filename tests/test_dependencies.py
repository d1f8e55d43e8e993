"""The declared dependencies: lower bounds that match constraints/minimum.txt, and work.

The cheap test checks that every lower bound in pyproject.toml (the runtime dependencies
and the ``cluster`` extra) is pinned to the same version in constraints/minimum.txt and
that nothing else is pinned there. The slow test, run only with UPRISING_MINIMUM_DEPS=1
(``make test-minimum``), installs exactly those versions into a fresh virtual
environment (``pip install --constraint``; it needs the package index) and runs a smoke
test with the ``uprising`` command of that environment: a single run, a two-run ensemble
and its report.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / "constraints" / "minimum.txt"

TRANSITIVE = {"distributed": "dask[distributed] pins distributed to dask's own version"}
"""Pins in the constraints file that are not declared directly, with the reason."""

REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9_.-]+)(\[[^\]]*\])?\s*(.*)$")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def version_key(version: str) -> tuple[int, ...]:
    parts = [int(part) for part in version.split(".")]
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def declared_lower_bounds() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"]) + list(project["optional-dependencies"]["cluster"])
    bounds = {}
    for requirement in requirements:
        name, _extras, spec = REQUIREMENT.match(requirement).groups()
        lower = [clause[2:].strip() for clause in spec.split(",") if clause.startswith(">=")]
        assert len(lower) == 1, f"{requirement}: declare exactly one lower bound (>=)"
        bounds[normalise(name)] = lower[0]
    return bounds


def pinned_versions() -> dict[str, str]:
    pins = {}
    for line in CONSTRAINTS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, _, version = line.partition("==")
        assert version, f"constraints/minimum.txt: {line!r} is not NAME==VERSION"
        pins[normalise(name)] = version.strip()
    return pins


def test_lower_bounds_match_the_minimum_constraints():
    bounds, pins = declared_lower_bounds(), pinned_versions()
    for name, lower in bounds.items():
        assert name in pins, f"{name}>={lower} is declared but not pinned in {CONSTRAINTS.name}"
        assert version_key(pins[name]) == version_key(lower), (name, lower, pins[name])
    extra = set(pins) - set(bounds) - set(TRANSITIVE)
    assert not extra, f"pinned but not declared: {sorted(extra)}"
    assert version_key(pins["distributed"]) == version_key(pins["dask"])


def test_runtime_dependencies_leave_out_the_test_tools_and_dask():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {normalise(REQUIREMENT.match(r).group(1)) for r in project["dependencies"]}
    assert not runtime & {"pytest", "ruff", "dask", "distributed", "mesa"}
    test_extra = {
        normalise(REQUIREMENT.match(r).group(1)) for r in project["optional-dependencies"]["test"]
    }
    assert {"pytest", "ruff", "dask"} <= test_extra


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("UPRISING_MINIMUM_DEPS") != "1",
    reason="set UPRISING_MINIMUM_DEPS=1 (make test-minimum) to install the minimum versions",
)
def test_minimum_versions_install_and_run(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python, uprising = venv / "bin" / "python", venv / "bin" / "uprising"
    pip = [str(python), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--constraint", str(CONSTRAINTS), "-e", f"{ROOT}[cluster]"], check=True)
    listed = subprocess.run(
        [str(python), "-m", "pip", "list", "--format", "freeze"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    installed = {
        normalise(name): version
        for name, _, version in (line.partition("==") for line in listed.splitlines())
    }
    for name, version in pinned_versions().items():
        assert installed.get(name) == version, (name, installed.get(name), version)

    def uprising_ok(*args: str) -> str:
        done = subprocess.run(
            [str(uprising), *args], capture_output=True, text=True, cwd=tmp_path, check=False
        )
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done.stdout

    assert "belarus-2022" in uprising_ok("scenarios")
    uprising_ok("run", "belarus-2022", "--scale", "0.001", "--days", "3", "--out", "one")
    assert (tmp_path / "one" / "series.parquet").is_file()
    uprising_ok(
        "ensemble", "belarus-2022", "--runs", "2", "--scale", "0.001", "--days", "3",
        "--workers", "1", "--store", "store",
    )  # fmt: skip
    assert "P(the regime falls" in uprising_ok("report", "--store", "store")
    assert (tmp_path / "store" / "report.html").is_file()
