"""The outputs of one run: the per-tick series (Parquet) and a summary (JSON).

    paths = write_run_output(out_dir, summary=summary, columns=series.columns())

``series.parquet`` has one row per tick and one column per series (`tick`, `active`,
`quiet`, `jailed`, `cops`, `arrests`, `switches`, `legitimacy`, ...). ``summary.json``
records what is needed to reproduce and judge the run: the scenario's name, hash and
resolved parameters, the seed, the number of ticks, the code version, the wall time,
statistics of the series and the outburst statistics. Files are written to a temporary
name first and renamed, so an interrupted run never leaves a truncated file behind.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

import uprising
from uprising.store.atomic import atomic_write

SERIES_FILE = "series.parquet"
SUMMARY_FILE = "summary.json"


@dataclass(frozen=True)
class RunOutputPaths:
    """Where `write_run_output` put a run's files."""

    directory: Path
    series: Path
    summary: Path


def code_version() -> dict[str, Any]:
    """Return the version of the code that runs: package version and git commit.

    Returns:
        ``{"package": "0.1.0", "git_commit": "<sha>" | None, "git_dirty": bool | None}``.
        The git fields are None when the package does not run from a git checkout of
        this project or git is unavailable; this never raises.
    """
    package_dir = Path(uprising.__file__).resolve().parent
    commit = _git(package_dir, "rev-parse", "HEAD")
    top = _git(package_dir, "rev-parse", "--show-toplevel")
    if commit is None or top is None or Path(top, "src", "uprising").resolve() != package_dir:
        return {"package": uprising.__version__, "git_commit": None, "git_dirty": None}
    status = _git(package_dir, "status", "--porcelain", "--untracked-files=no")
    return {
        "package": uprising.__version__,
        "git_commit": commit,
        "git_dirty": None if status is None else bool(status),
    }


def _git(cwd: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def series_statistics(columns: Mapping[str, np.ndarray]) -> dict[str, float | int | None]:
    """Summarise a run's series: peak and mean actives, mean and final jailed, arrests.

    Args:
        columns: The series (at least ``active`` and ``jailed``; ``arrests`` optional).

    Returns:
        A JSON-ready dict; means are None for an empty series.
    """
    active = np.asarray(columns["active"])
    jailed = np.asarray(columns["jailed"])
    empty = active.size == 0
    stats: dict[str, float | int | None] = {
        "ticks": int(active.size),
        "peak_active": None if empty else int(active.max()),
        "mean_active": None if empty else float(active.mean()),
        "mean_jailed": None if empty else float(jailed.mean()),
        "final_jailed": None if empty else int(jailed[-1]),
    }
    if "arrests" in columns:
        stats["total_arrests"] = int(np.asarray(columns["arrests"]).sum())
    return stats


def build_summary(
    *,
    scenario_name: str,
    scenario_hash: str,
    parameters: Mapping[str, Any],
    seed: int,
    steps: int,
    wall_seconds: float,
    columns: Mapping[str, np.ndarray],
    outbursts: Mapping[str, Any],
) -> dict[str, Any]:
    """Assemble the JSON-ready summary of one run.

    Args:
        scenario_name: The scenario's name.
        scenario_hash: Its content hash (`uprising.scenarios.scenario_hash`).
        parameters: The resolved scenario as plain data (`scenario_dict`).
        seed: The run's root seed.
        steps: Ticks run.
        wall_seconds: Wall-clock duration of the simulation.
        columns: The series, for `series_statistics`.
        outbursts: Outburst statistics as a dict (`OutburstStats.to_dict()`).

    Returns:
        The summary; non-finite floats become None so that the JSON is strict.
    """
    summary = {
        "scenario": scenario_name,
        "scenario_hash": scenario_hash,
        "seed": seed,
        "steps": steps,
        "code_version": code_version(),
        "wall_seconds": wall_seconds,
        "series": series_statistics(columns),
        "outbursts": dict(outbursts),
        "parameters": dict(parameters),
    }
    return _jsonable(summary)


def write_run_output(
    directory: str | os.PathLike[str],
    *,
    summary: Mapping[str, Any],
    columns: Mapping[str, np.ndarray],
    family: str | None = None,
) -> RunOutputPaths:
    """Write ``series.parquet`` and ``summary.json`` into ``directory`` (created if absent).

    Args:
        directory: The output folder.
        summary: From `build_summary`; its scenario name, hash and seed are also stored
            in the Parquet file's metadata.
        columns: Equal-length 1-D arrays, one per series column.
        family: The scenario family (``"epstein"``, ``"belarus"``): each column then
            carries its unit and kind (`uprising.outputs.describe_fields`).

    Returns:
        The paths written.

    Raises:
        OSError: The folder or the files cannot be written.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    paths = RunOutputPaths(folder, folder / SERIES_FILE, folder / SUMMARY_FILE)

    table = pa.table({name: np.asarray(values) for name, values in columns.items()})
    if family is not None:
        from uprising.outputs import describe_fields

        table = describe_fields(table, family)
    metadata = {
        f"uprising.{key}": str(summary.get(key, ""))
        for key in ("scenario", "scenario_hash", "seed", "steps")
    }
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), **metadata})
    atomic_write(paths.series, lambda tmp: pq.write_table(table, tmp))

    text = json.dumps(_jsonable(dict(summary)), indent=2, allow_nan=False) + "\n"
    atomic_write(paths.summary, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return paths


def _jsonable(value: Any) -> Any:
    """Plain JSON data: numpy scalars and arrays unwrapped, NaN and inf as None."""
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, np.ndarray):
        return [_jsonable(item) for item in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
