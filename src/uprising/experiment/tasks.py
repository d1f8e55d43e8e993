"""One run of an ensemble: the task a worker receives and the function it runs.

    record = run_one(task)     # runs the model, writes <run_id>.parquet and <run_id>.json

A `RunTask` is self-contained and picklable: the complete scenario as TOML text (the
design point applied), the seed, scale and days, and the folder to write into. A worker
needs the package and that folder (on a cluster: the same path on a shared file
system), nothing else.

`run_one` writes, in ``task.shard_dir``:

- ``<run_id>.parquet``: the run's daily series, one row per day, with the string column
  ``run_id`` first and ``date`` as a date32 column (zstd-compressed);
- ``<run_id>.json``: the run record (`RECORD_FIELDS`), written after the Parquet file.
  The record is the commit marker: a run is done if and only if its JSON file exists.
  It holds the Parquet file's sha256 and size (``shard_sha256``, ``shard_bytes``),
  which the store checks before it counts the run (`uprising.store.shards`).

Both are written to a temporary name and renamed, so a worker killed mid-write leaves no
truncated file under the final name. A run that raises writes no Parquet file, only its
record with ``"status": "failed"`` and the full traceback; `run_one` never raises (an
interrupt, ``KeyboardInterrupt``, does propagate). The record is also returned: it is all
the coordinator receives, series never travel back.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import time
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from uprising.store.atomic import atomic_write
from uprising.store.shards import write_shard

if TYPE_CHECKING:
    from uprising.runs import RunRecord

RECORD_FIELDS = (
    "run_id",
    "ensemble_id",
    "k",
    "scenario",
    "scenario_hash",
    "seed",
    "scale",
    "days",
    "design_point",
    "parameters",
    "code_version",
    "status",
    "error",
    "started_at",
    "seconds",
    "outcome",
    "fall_date",
    "channel",
    "readiness",
    "transition",
    "series_rows",
    "shard_sha256",
    "shard_bytes",
)
"""Keys of a run record, in the order they are written."""


@dataclass(frozen=True)
class RunTask:
    """Everything a worker needs for one run of an ensemble.

    Attributes:
        run_id: ``f"{ensemble_id}-{k:06d}"``.
        ensemble_id: The ensemble's id (`uprising.experiment.ensemble.ensemble_id`).
        k: The run's number, 0 .. total - 1 (scenario by scenario, design point by
            design point).
        scenario_toml: The resolved scenario with the design point applied and
            ``run.scale``/``run.days`` set, as written by `dumps_scenario`.
        scenario_name: The scenario's ``name`` (the run record's ``scenario``).
        scenario_hash: `scenario_hash` of the scenario as named in the ensemble, before
            the design point is applied (the same for every run of that scenario).
        seed: The run's integer seed (`uprising.experiment.ensemble.run_seeds`).
        scale: Agents per person.
        days: Days to run.
        design_point: Index of the design point (row of the design).
        parameters: The varied parameters' values at this point (empty for ``mc``).
        shard_dir: Folder of the ensemble's shards, where the files are written.
    """

    run_id: str
    ensemble_id: str
    k: int
    scenario_toml: str
    scenario_name: str
    scenario_hash: str
    seed: int
    scale: float
    days: int
    design_point: int
    parameters: Mapping[str, int | float] = field(default_factory=dict)
    shard_dir: str = ""

    def overrides(self) -> list[str]:
        """The design point as ``--set`` overrides (``uprising run ... --set``)."""
        return [f"{name}={value!r}" for name, value in self.parameters.items()]


def run_one(task: RunTask, *, write: bool = True) -> dict[str, Any]:
    """Run one task of an ensemble: simulate, write its series and record, return the record.

    Numba uses one thread in the run (runs are parallel across workers, not within);
    the previous setting is restored afterwards.

    Args:
        task: The run.
        write: False to skip writing the files (for measuring their cost); the record
            is still built and returned.

    Returns:
        The run record (`RECORD_FIELDS`): status ``"ok"`` with the outcome, or
        ``"failed"`` with ``error`` holding the traceback. Never raises for a failed run.
    """
    started_at = dt.datetime.now(dt.UTC)
    clock = time.perf_counter()
    folder = Path(task.shard_dir)
    parquet_path = folder / f"{task.run_id}.parquet"
    record = _base_record(task, started_at)
    try:
        record["code_version"] = dict(_code_version())
        with _single_thread():
            run = _simulate(task)
        table = series_table(task.run_id, run.series, family=run.family)
        if write:
            folder.mkdir(parents=True, exist_ok=True)
            digest = write_shard(parquet_path, table)
            record.update(shard_sha256=digest.sha256, shard_bytes=digest.size)
        outcome = run.outcome.as_dict()
        readiness = outcome["readiness"]
        record.update(
            status="ok",
            outcome=outcome["outcome"],
            fall_date=outcome["fall_date"],
            channel=outcome["channel"],
            readiness=float(readiness) if math.isfinite(readiness) else None,
            transition=outcome.get("successor"),
            series_rows=table.num_rows,
        )
    except Exception:
        record.update(status="failed", error=traceback.format_exc())
        if write:
            parquet_path.unlink(missing_ok=True)
    record["seconds"] = time.perf_counter() - clock
    if write:
        try:
            text = json.dumps(record, indent=1, allow_nan=False) + "\n"
            folder.mkdir(parents=True, exist_ok=True)
            atomic_write(folder / f"{task.run_id}.json", lambda tmp: tmp.write_text(text, "utf-8"))
        except Exception:  # the record stays unwritten: the run counts as not done
            record.update(status="failed", error=traceback.format_exc())
            parquet_path.unlink(missing_ok=True)
    return record


def series_table(
    run_id: str, series: Mapping[str, np.ndarray], family: str = "belarus"
) -> pa.Table:
    """The run's series as an Arrow table: ``run_id`` (string) first, ``date`` as date32.

    Each series column carries its unit and kind from `uprising.outputs` (field metadata).
    """
    from uprising.outputs import describe_fields

    rows = len(next(iter(series.values()))) if series else 0
    columns: dict[str, pa.Array] = {"run_id": pa.array([run_id] * rows, type=pa.string())}
    for name, values in series.items():
        array = np.asarray(values)
        if name == "date":
            columns[name] = pa.array(array.astype("datetime64[D]"), type=pa.date32())
        else:
            columns[name] = pa.array(array)
    return describe_fields(pa.table(columns), family)


def _simulate(task: RunTask) -> RunRecord:
    """Load the task's scenario and run it (`uprising.runs.run_scenario`).

    The scenario's TOML holds the task's scale and days (`plan_ensemble` writes them);
    should they differ, the task's win. The seed is the task's.
    """
    from uprising.runs import run_scenario
    from uprising.scenarios import loads_scenario

    source = f"{task.scenario_name} (run {task.run_id})"
    scenario = loads_scenario(task.scenario_toml, source=source)
    scale = None if scenario.run.scale == task.scale else task.scale
    days = None if scenario.run.days == task.days else task.days
    return run_scenario(scenario, seed=task.seed, scale=scale, steps=days)


@functools.cache
def _code_version() -> dict[str, Any]:
    """`code_version` once per worker process (it asks git, three subprocesses)."""
    from uprising.store.run_output import code_version

    return code_version()


def _base_record(task: RunTask, started_at: dt.datetime) -> dict[str, Any]:
    record: dict[str, Any] = dict.fromkeys(RECORD_FIELDS)
    record.update(
        run_id=task.run_id,
        ensemble_id=task.ensemble_id,
        k=int(task.k),
        scenario=task.scenario_name,
        scenario_hash=task.scenario_hash,
        seed=int(task.seed),
        scale=float(task.scale),
        days=int(task.days),
        design_point=int(task.design_point),
        parameters=dict(task.parameters),
        code_version={},
        status="failed",
        started_at=started_at.isoformat(),
        seconds=0.0,
        series_rows=0,
    )
    return record


@contextmanager
def _single_thread() -> Iterator[None]:
    import numba

    before = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        yield
    finally:
        numba.set_num_threads(before)


def compile_kernels(task: RunTask) -> float:
    """Compile the model's kernels in this process by a two-day run of ``task``'s scenario.

    The kernels are Numba functions cached on disk (``cache=True``), so worker processes
    started afterwards load the compiled code instead of each compiling it again at the
    same time. Nothing is written but Numba's cache.

    Args:
        task: Any task of the ensemble (its scenario decides which kernels run).

    Returns:
        Seconds taken (a few when the cache is already warm).
    """
    from uprising.runs import run_scenario
    from uprising.scenarios import loads_scenario

    clock = time.perf_counter()
    scenario = loads_scenario(task.scenario_toml, source=f"{task.scenario_name} (compile)")
    with _single_thread():
        run_scenario(scenario, seed=task.seed, scale=min(task.scale, 0.001), steps=2)
    return time.perf_counter() - clock
