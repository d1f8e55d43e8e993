"""Rebuild any run of an ensemble from the results store alone, and check it bit for bit.

    store = ResultsStore("out/ensembles")
    plan = replan(store, "3f2a9c01b7de")              # the plan, from the stored texts
    result = rerun(store, "3f2a9c01b7de", 7)          # run k = 7 again
    result.identical, result.differing, result.run.series

Every ensemble keeps, in its ``definition``, the full TOML text of each scenario as it was
resolved when planned (``scenarios[i].toml``), with the design, the varied ranges, N, the
root seed, the scale and the days. `replan` plans the ensemble again from these with
`plan_ensemble`, so the runs get the same numbers, seeds and design points as the first
time, and checks that the plan has the same ensemble id (the hash of the same
definition). No scenario file is needed: an ensemble planned from Python, or from a file
edited since, is rebuilt as it ran. `rerun` runs one task as a worker runs it and compares
every column of its series with the stored Parquet shard.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from uprising.experiment.design import EnsembleError, Vary
from uprising.experiment.ensemble import Plan, plan_ensemble
from uprising.experiment.tasks import RunTask

if TYPE_CHECKING:
    from uprising.runs import RunRecord
    from uprising.store.results import ResultsStore

__all__ = ["Rerun", "find_task", "replan", "rerun"]


@dataclass(frozen=True)
class Rerun:
    """One run rebuilt from the store.

    Attributes:
        task: The run's task, as planned again.
        run: The new run.
        stored: Whether the store holds a series of the run to compare with (a failed
            run has none).
        differing: Series whose values differ from the stored ones (empty: identical).
    """

    task: RunTask
    run: RunRecord
    stored: bool
    differing: tuple[str, ...]

    @property
    def identical(self) -> bool:
        """The new series equal the stored ones, every value of every column."""
        return self.stored and not self.differing


def definition(store: ResultsStore, ensemble_id: str) -> dict[str, Any]:
    """The ensemble's stored definition (the `Plan.ensemble` dict it was planned with).

    Raises:
        EnsembleError: No such ensemble, or one stored before the scenario texts were kept.
    """
    import json

    ensembles = store.ensembles()
    row = ensembles[ensembles["ensemble_id"] == ensemble_id]
    if row.empty:
        known = ", ".join(ensembles["ensemble_id"]) or "none"
        raise EnsembleError(f"--ensemble {ensemble_id}: not in {store.directory} (there: {known})")
    value = row["definition"].iloc[0]
    found = json.loads(value) if isinstance(value, str) else dict(value)
    if not all("toml" in entry for entry in found.get("scenarios", [])):
        raise EnsembleError(
            f"--ensemble {ensemble_id}: stored without the text of its scenarios (an older "
            "version); rerun its runs with the `uprising run` command of their records"
        )
    return found


def replan(store: ResultsStore, ensemble_id: str) -> Plan:
    """The ensemble's plan, rebuilt from its stored definition (see the module docstring).

    Raises:
        EnsembleError: No such ensemble, no stored texts, or a plan whose id differs (the
            code no longer plans it the same way).
    """
    from uprising.scenarios import loads_scenario

    found = definition(store, ensemble_id)
    scenarios = [
        loads_scenario(entry["toml"], source=f"{entry['name']} (stored with {ensemble_id})")
        for entry in found["scenarios"]
    ]
    vary = [_vary(item) for item in found.get("vary", [])]
    plan = plan_ensemble(
        scenarios,
        runs=int(found["runs"]),
        seed=int(found["seed"]),
        scale=found.get("scale"),
        days=found.get("days"),
        design=str(found["design"]),
        vary=vary,
    )
    if plan.ensemble_id != ensemble_id:
        raise EnsembleError(
            f"--ensemble {ensemble_id}: planned again from the store it has id "
            f"{plan.ensemble_id}; this version of uprising plans it differently"
        )
    shard_dir = str(store.shard_dir(ensemble_id))
    tasks = [_with_shard(task, shard_dir) for task in plan.tasks]
    return Plan(ensemble=plan.ensemble, tasks=tasks)


def find_task(plan: Plan, run: int | str) -> RunTask:
    """The task of run ``run``: its number k, or its run id.

    Raises:
        EnsembleError: No such run in the plan.
    """
    text = str(run).strip()
    for task in plan.tasks:
        if text in (task.run_id, str(task.k)):
            return task
    raise EnsembleError(
        f"--run {text}: no such run in ensemble {plan.ensemble_id} "
        f"(runs 0 to {plan.total - 1}, or ids {plan.ensemble_id}-000000 ...)"
    )


def rerun(store: ResultsStore, ensemble_id: str, run: int | str, plan: Plan | None = None) -> Rerun:
    """Run one run of a stored ensemble again and compare its series with the stored ones.

    Args:
        store: The results store.
        ensemble_id: The ensemble.
        run: The run's number k or its run id.
        plan: The plan from `replan`, to rerun several runs without planning again.
    """
    import pyarrow.parquet as pq

    from uprising.experiment.tasks import _simulate, _single_thread

    plan = plan if plan is not None else replan(store, ensemble_id)
    task = find_task(plan, run)
    with _single_thread():
        record = _simulate(task)
    path = store.shard_path(task.run_id)
    if not path.is_file():
        return Rerun(task, record, False, ())
    table = pq.read_table(path)
    differing = []
    for name, values in record.series.items():
        if name not in table.column_names:
            differing.append(name)
            continue
        stored = table.column(name).to_numpy()
        if name == "date":
            same = np.array_equal(stored.astype("datetime64[D]"), values.astype("datetime64[D]"))
        else:
            same = stored.shape == values.shape and np.array_equal(
                stored, values.astype(stored.dtype), equal_nan=stored.dtype.kind == "f"
            )
        if not same:
            differing.append(name)
    return Rerun(task, record, True, tuple(differing))


def _vary(item: Mapping[str, Any] | list[Any]) -> Vary:
    if isinstance(item, Mapping):
        return Vary(item["name"], item["low"], item["high"], int(item.get("levels", 0)))
    return Vary(*item)


def _with_shard(task: RunTask, shard_dir: str) -> RunTask:
    from dataclasses import replace

    return replace(task, shard_dir=shard_dir)
