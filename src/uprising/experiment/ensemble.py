"""Plan an ensemble of Belarus runs and run it, resuming where it stopped.

    plan = plan_ensemble(["belarus-2022", "russia-defeat"], runs=200, seed=1, scale=0.005)
    store = ResultsStore("out/ensembles")
    with LocalExecutor(workers=2) as executor:
        summary = run_ensemble(plan, store, executor)

An ensemble is defined by its scenarios (their content hashes, in order), the design
and its varied parameters (in order), N (``runs``), the root seed, and each scenario's
scale and days. `ensemble_id` is the first 12 hex digits of the sha256 of the canonical
JSON of these: the same command gives the same id, so running it again resumes.

Runs are numbered k = 0 .. total - 1, scenario by scenario, design point by design
point (`make_design` gives the points; ``mc`` has N points at the scenario's values).
Run k's seed is ``np.random.SeedSequence(seed).spawn(total)[k]`` reduced to an integer
(`uprising.analysis.seeds.run_seeds`), so

    uprising run SCENARIO --seed <seed> --scale <scale> --days <days> --set name=value ...

(with the record's ``seed``, ``scale``, ``days`` and ``parameters``) reproduces run k bit
for bit. Its ``run_id`` is ``f"{ensemble_id}-{k:06d}"``.

`run_ensemble` takes the ensemble's lock (a second coordinator on the same ensemble is
refused, `uprising.store.lock`), registers the ensemble in the store, ingests the
records already on disk, verifies every recorded shard of the ensemble against its
checksum, and submits only the runs without a record (failed ones too with
``retry_failed``); damaged or missing shards are taken out by the store and so run
again. Workers write each run's series and record into the store's shard folder
(`uprising.experiment.tasks.run_one`), and the coordinator ingests the records every
few seconds and at the end, also when interrupted. A run that was executed but whose
record could not be written (a full disk) is counted in `Summary.unrecorded`, never
as done.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from uprising.analysis.seeds import run_seeds
from uprising.errors import ScenarioError
from uprising.experiment.design import (
    MAX_RUNS,
    EnsembleError,
    Vary,
    design_size,
    make_design,
    parse_vary,
    point_overrides,
)
from uprising.experiment.executors import Executor
from uprising.experiment.tasks import RunTask, run_one

if TYPE_CHECKING:
    from uprising.store.results import ResultsStore

INGEST_SECONDS = 5.0
"""The coordinator ingests finished runs at least this often (seconds) while running..."""

INGEST_EVERY = 200
"""...or after this many results, whichever comes first."""

Progress = Callable[[int, int, int], None]
"""``progress(ok, failed, total)``: runs of the plan on record as ok and as failed."""


@dataclass(frozen=True)
class Plan:
    """An ensemble to run: its description and its runs.

    Attributes:
        ensemble: The row of the store's ``ensembles`` table: ``ensemble_id``,
            ``command`` (an ``uprising ensemble`` command that gives
            this ensemble), ``scenarios`` (per scenario: ``name``, ``source``,
            ``scenario_hash``, ``scale``, ``days``, ``points`` and ``toml``, the full text
            of the scenario as resolved, which `uprising.experiment.rerun` plans
            again from), ``design``, ``vary``
            (``[{"name", "low", "high"}]``), ``runs`` (N), ``seed``, ``scale`` and
            ``days`` (None when the scenarios differ), ``total`` and ``code_version``.
        tasks: One `RunTask` per run, in the order of k (``shard_dir`` is filled in by
            `run_ensemble`).
    """

    ensemble: dict[str, Any]
    tasks: list[RunTask] = field(repr=False)

    @property
    def ensemble_id(self) -> str:
        """The ensemble's id (12 hex digits)."""
        return str(self.ensemble["ensemble_id"])

    @property
    def total(self) -> int:
        """Number of runs in this plan."""
        return len(self.tasks)


@dataclass(frozen=True)
class Summary:
    """What `run_ensemble` did.

    Attributes:
        ensemble_id: The ensemble.
        done: Runs that finished ok in this call.
        failed: Runs that failed in this call.
        skipped: Runs not run because they already had a record (ok, or failed without
            ``retry_failed``).
        total: Runs in the plan.
        ok_total: Runs of the plan on record as ok at the end.
        failed_total: Runs of the plan on record as failed at the end.
        interrupted: Whether the call was interrupted (Ctrl-C).
        first_error: The last line of the first failure's traceback (this call, or on
            record), or None.
        unrecorded: Runs executed in this call that have no record at the end (their
            files could not be written, e.g. on a full disk); they run again on resume.
        damaged: Runs taken out of the store in this call because their shard or
            record was damaged or missing (`uprising.store.shards.Damage`).
    """

    ensemble_id: str
    done: int
    failed: int
    skipped: int
    total: int = 0
    ok_total: int = 0
    failed_total: int = 0
    interrupted: bool = False
    first_error: str | None = None
    unrecorded: int = 0
    damaged: tuple[Any, ...] = ()

    @property
    def missing(self) -> int:
        """Runs of the plan with no record yet (to run when resumed)."""
        return self.total - self.ok_total - self.failed_total


class EnsembleInterrupted(KeyboardInterrupt):
    """`run_ensemble` was interrupted; the finished runs are ingested.

    Attributes:
        summary: The `Summary` at the interruption (``interrupted`` is True).
    """

    def __init__(self, summary: Summary) -> None:
        super().__init__(
            f"ensemble {summary.ensemble_id} interrupted: {summary.ok_total + summary.failed_total}"
            f" of {summary.total} runs recorded"
        )
        self.summary = summary


def ensemble_id(identity: dict[str, Any]) -> str:
    """First 12 hex digits of the sha256 of ``identity``'s canonical JSON."""
    canonical = json.dumps(identity, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def plan_ensemble(
    scenarios: Sequence[str | os.PathLike[str] | Any],
    *,
    runs: int,
    seed: int = 0,
    scale: float | None = None,
    days: int | None = None,
    design: str = "mc",
    vary: Iterable[str | Vary | tuple[str, float, float]] = (),
) -> Plan:
    """Plan an ensemble: resolve the scenarios, make the design, number and seed the runs.

    Args:
        scenarios: Belarus scenarios: built-in names, TOML paths or `BelarusScenario`
            objects, in order.
        runs: N: runs per scenario for ``mc`` and ``lhs``; base samples for ``sobol``
            (N (D + 2) runs per scenario); trajectories for ``morris`` (N (D + 1)).
        seed: Root seed of the run seeds and of the design.
        scale: Agents per person; None: each scenario's ``run.scale``.
        days: Days per run; None: each scenario's ``run.days``.
        design: ``"mc"``, ``"lhs"``, ``"sobol"`` or ``"morris"`` (`uprising.experiment.design`).
        vary: Varied parameters, ``"name=low:high"`` or ``(name, low, high)``, in order.

    Returns:
        The `Plan`. Each design point is applied with `apply_overrides` (integer fields
        rounded), so every run's scenario is validated here, before anything runs.

    Raises:
        EnsembleError: No scenario, a scenario given twice or of another model, a bad
            ``vary`` (unknown or non-numeric parameter, range outside the allowed one),
            a bad design or run count, scale or days out of range.
        ScenarioError: A scenario cannot be loaded.
    """
    from uprising.scenarios import (
        FAMILIES,
        apply_overrides,
        dumps_scenario,
        family_of,
        load_scenario,
        scenario_hash,
        with_run,
    )
    from uprising.store.run_output import code_version

    if not scenarios:
        raise EnsembleError("name at least one scenario")
    items = [parse_vary(item) if isinstance(item, str) else Vary(*item) for item in vary]
    names = [item.name for item in items]
    for name in names:
        if names.count(name) > 1:
            raise EnsembleError(f"--vary {name}: given twice")
        if name.split(".")[0] == "run":
            raise EnsembleError(
                f"--vary {name}: the run control cannot be varied; use --scale, --days, --seed"
            )
    points = make_design(design, items, runs, seed)

    resolved = []  # (source, scenario, hash, scale, days, base scenario of the runs)
    for entry in scenarios:
        if isinstance(entry, str | os.PathLike):
            source, scenario = os.fspath(entry), load_scenario(entry)
        else:
            source, scenario = entry.name, entry
        family = family_of(scenario)
        if not family.ensembles:
            allowed = " or ".join(f.title for f in FAMILIES.values() if f.ensembles)
            raise EnsembleError(
                f"{source}: an {family.title} scenario; ensembles run {allowed} scenarios"
            )
        run_scale = float(scenario.run.scale if scale is None else scale)
        run_days = int(scenario.run.days if days is None else days)
        try:
            base = apply_overrides(scenario, [f"run.scale={run_scale!r}"])
        except ScenarioError as exc:
            raise EnsembleError(f"--scale {run_scale:g}: {exc}") from None
        try:
            base = with_run(base, steps=run_days)
        except ScenarioError as exc:
            raise EnsembleError(f"--days {run_days}: {exc}") from None
        resolved.append((source, scenario, scenario_hash(scenario), run_scale, run_days, base))
    seen: dict[str, str] = {}
    for source, scenario, *_ in resolved:
        if scenario.name in seen:
            raise EnsembleError(
                f"{source}: scenario {scenario.name!r} is given twice"
                + (f" (also as {seen[scenario.name]})" if seen[scenario.name] != source else "")
            )
        seen[scenario.name] = source

    identity = {
        "scenarios": [
            {"scenario_hash": digest, "scale": run_scale, "days": run_days}
            for _, _, digest, run_scale, run_days, _ in resolved
        ],
        "design": design,
        "vary": [item.identity() for item in items],
        "runs": int(runs),
        "seed": int(seed),
    }
    eid = ensemble_id(identity)
    n_points = design_size(design, runs, len(items), [item.levels for item in items])
    total = n_points * len(resolved)
    if total > MAX_RUNS:
        raise EnsembleError(
            f"--runs {runs}: {total:,} runs in all ({len(resolved)} scenario(s) x {n_points:,} "
            f"{design} points); at most {MAX_RUNS:,} in one ensemble"
        )
    seeds = run_seeds(seed, total)

    tasks: list[RunTask] = []
    for source, scenario, digest, run_scale, run_days, base in resolved:
        integer = _integer_fields(base, items, source)
        base_toml = dumps_scenario(base)
        for point in range(n_points):
            parameters, overrides = point_overrides(names, points[point], integer)
            if overrides:
                try:
                    toml = dumps_scenario(apply_overrides(base, overrides))
                except ScenarioError as exc:
                    raise EnsembleError(f"design point {point}: {exc}") from None
            else:
                toml = base_toml
            k = len(tasks)
            tasks.append(
                RunTask(
                    run_id=f"{eid}-{k:06d}",
                    ensemble_id=eid,
                    k=k,
                    scenario_toml=toml,
                    scenario_name=scenario.name,
                    scenario_hash=digest,
                    seed=seeds[k],
                    scale=run_scale,
                    days=run_days,
                    design_point=point,
                    parameters=parameters,
                )
            )

    scales = {entry[3] for entry in resolved}
    lengths = {entry[4] for entry in resolved}
    ensemble = {
        "ensemble_id": eid,
        "command": _command(resolved, design, items, runs, seed, scale, days),
        "scenarios": [
            {
                "name": scenario.name,
                "source": source,
                "scenario_hash": digest,
                "scale": run_scale,
                "days": run_days,
                "points": n_points,
                "toml": dumps_scenario(scenario),
            }
            for source, scenario, digest, run_scale, run_days, _ in resolved
        ],
        "design": design,
        "vary": [
            {"name": item.name, "low": item.low, "high": item.high}
            | ({"levels": item.levels} if item.levels else {})
            for item in items
        ],
        "runs": int(runs),
        "seed": int(seed),
        "scale": scales.pop() if len(scales) == 1 else None,
        "days": lengths.pop() if len(lengths) == 1 else None,
        "total": total,
        "code_version": code_version(),
    }
    return Plan(ensemble=ensemble, tasks=tasks)


def run_ensemble(
    plan: Plan,
    store: ResultsStore,
    executor: Executor,
    progress: Progress | None = None,
    retry_failed: bool = False,
) -> Summary:
    """Run the plan's runs that have no record yet; ingest the records as they arrive.

    Args:
        plan: From `plan_ensemble`.
        store: Where the shards and records go (`uprising.store.results.ResultsStore`).
        executor: Where the runs execute (`uprising.experiment.executors`).
        progress: Called as ``progress(ok, failed, total)`` before the first run and
            after each (counts of the plan's runs on record, earlier calls included).
        retry_failed: Run again the runs on record as failed.

    Returns:
        The `Summary`.

    Raises:
        EnsembleInterrupted: On Ctrl-C, after the finished runs are ingested; its
            ``summary`` says how far it got. Running the same plan again resumes.
        EnsembleBusy: Another coordinator is running this ensemble
            (`uprising.store.lock`).
        Exception: Whatever the executor raises when it breaks down (a worker process
            killed, a lost cluster), after the finished runs are ingested. A run that
            raises is not such a failure: it is recorded as failed.
    """
    from uprising.store.lock import LOCKS_DIR, EnsembleLock

    eid = plan.ensemble_id
    folder = Path(store.shard_dir(eid)).resolve()
    lock = EnsembleLock(store.directory / LOCKS_DIR / f"{eid}.lock", f"ensemble {eid}")
    with lock:
        return _run_locked(plan, store, executor, str(folder), progress, retry_failed)


def _run_locked(
    plan: Plan,
    store: ResultsStore,
    executor: Executor,
    shard_dir: str,
    progress: Progress | None,
    retry_failed: bool,
) -> Summary:
    """`run_ensemble` once its lock is held."""
    eid = plan.ensemble_id
    damaged_before = len(store.damaged)
    store.register_ensemble(plan.ensemble)
    store.ingest(eid)
    store.verify(eid)
    status, _ = _statuses(store, eid)
    call_error: str | None = None
    run_ids = [task.run_id for task in plan.tasks]
    total = len(run_ids)

    def wanted(task: RunTask) -> bool:
        state = status.get(task.run_id)
        return state is None or (retry_failed and state == "failed")

    todo = [task for task in plan.tasks if wanted(task)]
    skipped = total - len(todo)
    retried = {task.run_id for task in todo}
    ok = sum(status.get(run_id) == "ok" for run_id in run_ids)
    failed_before = sum(
        status.get(run_id) == "failed" and run_id not in retried for run_id in run_ids
    )
    done = failed = 0
    if progress is not None:
        progress(ok, failed_before, total)

    interrupted = False
    ran: list[str] = []
    since, last_ingest = 0, time.monotonic()
    bound = (replace(task, shard_dir=shard_dir) for task in todo)
    try:
        with closing(executor.map_unordered(run_one, bound)) as results:
            for record in results:
                ran.append(str(record.get("run_id")))
                if record.get("status") == "ok":
                    done += 1
                else:
                    failed += 1
                    if call_error is None:
                        call_error = _last_line(record.get("error"))
                since += 1
                if progress is not None:
                    progress(ok + done, failed_before + failed, total)
                if since >= INGEST_EVERY or time.monotonic() - last_ingest >= INGEST_SECONDS:
                    _ingest_quietly(store, eid)
                    since, last_ingest = 0, time.monotonic()
    except KeyboardInterrupt:
        interrupted = True
    except BaseException:  # a worker crashed: keep what finished, then report the crash
        _ingest_quietly(store, eid)
        raise
    store.ingest(eid)

    status, recorded_error = _statuses(store, eid)
    unrecorded = sum(run_id not in status for run_id in ran)
    summary = Summary(
        ensemble_id=eid,
        done=done,
        failed=failed,
        skipped=skipped,
        total=total,
        ok_total=sum(status.get(run_id) == "ok" for run_id in run_ids),
        failed_total=sum(status.get(run_id) == "failed" for run_id in run_ids),
        interrupted=interrupted,
        first_error=call_error or recorded_error,
        unrecorded=unrecorded,
        damaged=tuple(store.damaged[damaged_before:]),
    )
    if interrupted:
        raise EnsembleInterrupted(summary)
    return summary


def _statuses(store: ResultsStore, eid: str) -> tuple[dict[str, str], str | None]:
    """Status of every run of the ensemble on record, and the first failure's last line."""
    frame = store.runs([eid])
    if len(frame) == 0:
        return {}, None
    status = dict(zip(frame["run_id"].astype(str), frame["status"].astype(str), strict=True))
    first_error = None
    if "error" in frame.columns:
        failures = frame[frame["status"] == "failed"]
        if len(failures):
            if "k" in failures.columns:
                failures = failures.sort_values("k")
            first_error = _last_line(failures["error"].iloc[0])
    return status, first_error


def _ingest_quietly(store: ResultsStore, eid: str) -> None:
    """Ingest while running; a failure (the database busy) waits for the next try."""
    try:
        store.ingest(eid)
    except Exception:  # the records are safe on disk; the final ingest reports errors
        pass


def _last_line(error: Any) -> str | None:
    if not isinstance(error, str) or not error.strip():
        return None
    return error.strip().splitlines()[-1]


def _integer_fields(scenario: Any, items: Sequence[Vary], source: str) -> list[bool]:
    """Per varied parameter, whether it is an integer field; checks names and ranges."""
    from uprising.scenarios import apply_overrides

    data = scenario.model_dump(mode="json", exclude_none=True)
    integer = []
    for item in items:
        value = _lookup(data, item.name.split("."))
        if isinstance(value, bool) or isinstance(value, str | dict | list):
            kind = "true/false" if isinstance(value, bool) else type(value).__name__
            raise EnsembleError(
                f"--vary {item.spec()}: {source}: {item.name} is not a number ({kind}) "
                "and cannot be varied"
            )
        is_int = isinstance(value, int)
        for bound in (item.low, item.high):
            value_text = repr(round(bound)) if is_int else repr(float(bound))
            try:
                apply_overrides(scenario, [f"{item.name}={value_text}"], source=source)
            except ScenarioError as exc:
                raise EnsembleError(f"--vary {item.spec()}: {exc}") from None
        integer.append(is_int)
    return integer


def _lookup(data: Any, path: Sequence[str]) -> Any:
    from uprising.scenarios.overrides import entry_index

    node = data
    for key in path:
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and (index := entry_index(node, key)) is not None:
            node = node[index]
        else:
            return None
    return node


def _command(
    resolved: Sequence[tuple[Any, ...]],
    design: str,
    items: Sequence[Vary],
    runs: int,
    seed: int,
    scale: float | None,
    days: int | None,
) -> str:
    """An ``uprising ensemble`` command line that plans this ensemble."""
    args = ["uprising", "ensemble", *(str(entry[0]) for entry in resolved)]
    args += ["--runs", str(runs), "--seed", str(seed)]
    if scale is not None:
        args += ["--scale", repr(float(scale))]
    if days is not None:
        args += ["--days", str(days)]
    if design != "mc":
        args += ["--design", design]
    for item in items:
        args += ["--vary", item.spec()]
    return shlex.join(args)


def iter_records(shard_dir: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """The run records (JSON files) in a shard folder, in file-name order (k order)."""
    for path in sorted(Path(shard_dir).glob("*.json")):
        yield json.loads(path.read_text(encoding="utf-8"))
