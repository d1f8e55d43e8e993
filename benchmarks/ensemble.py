"""Ensemble throughput: runs per hour with 1 and 2 local workers, and the cost of recording.

    python benchmarks/ensemble.py [--runs 16] [--scale 0.005] [--days 300] [--workers 1 2]
                                  [--dask] [--json out.json]

Plans one Monte Carlo ensemble of `belarus-2022` (``--runs`` seeds at ``--scale`` for
``--days`` days) and runs the same task list on each executor twice:

- ``recorded``: `run_ensemble` into a fresh results store: every run writes its series
  (Parquet) and record (JSON), and the coordinator ingests the records into DuckDB;
- ``not recorded``: `run_one` with ``write=False`` mapped over the same tasks (the model
  runs and the record is built, nothing is written, no store).

``runs_per_hour`` counts the whole wall time, worker start-up included (one worker runs
in this process; two are spawned processes that load Numba's cached kernels on their
first run). ``write_overhead`` compares the two, and ``per_run`` times one run both ways
in this process, several times, with the final `ResultsStore.ingest` timed on its own.
Numba's compilation (or loading its disk cache) is done once before any timing.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any


def timed_ensemble(plan: Any, executor: Any, folder: Path, recorded: bool) -> dict[str, Any]:
    """Run the plan once on ``executor``; return wall seconds and runs per hour."""
    from uprising.experiment import run_ensemble, run_one
    from uprising.store.results import ResultsStore

    start = time.perf_counter()
    if recorded:
        store = ResultsStore(folder)
        summary = run_ensemble(plan, store, executor)
        ok = summary.ok_total
        sim_seconds = float(store.runs(plan.ensemble_id)["seconds"].sum())
    else:
        shard_dir = str(folder / "unused")
        tasks = [t.__class__(**{**t.__dict__, "shard_dir": shard_dir}) for t in plan.tasks]
        results = list(executor.map_unordered(functools.partial(run_one, write=False), tasks))
        ok = sum(r["status"] == "ok" for r in results)
        sim_seconds = sum(r["seconds"] for r in results)
    wall = time.perf_counter() - start
    return {
        "wall_s": round(wall, 3),
        "runs_ok": ok,
        "runs_per_hour": round(plan.total / wall * 3600, 1),
        "run_seconds_sum": round(sim_seconds, 3),
    }


def per_run_costs(plan: Any, folder: Path, repeats: int) -> dict[str, Any]:
    """One run in this process with and without writing; the ingest of those records."""
    import dataclasses

    from uprising.experiment import run_one
    from uprising.store.results import ResultsStore

    store = ResultsStore(folder)
    shard_dir = str(store.shard_dir(plan.ensemble_id))
    tasks = [dataclasses.replace(t, shard_dir=shard_dir) for t in plan.tasks[:repeats]]
    with_write, without = [], []
    for i, task in enumerate(tasks):
        for write in (True, False) if i % 2 else (False, True):  # alternate which goes first
            start = time.perf_counter()
            run_one(task, write=write)
            (with_write if write else without).append(time.perf_counter() - start)
    start = time.perf_counter()
    store.register_ensemble(plan.ensemble)
    ingested = store.ingest(plan.ensemble_id)
    ingest = time.perf_counter() - start
    shard = Path(shard_dir) / f"{tasks[0].run_id}.parquet"
    record = Path(shard_dir) / f"{tasks[0].run_id}.json"
    run_s, write_s = statistics.median(without), statistics.median(with_write)
    return {
        "repeats": len(tasks),
        "run_s_median": round(run_s, 4),
        "run_and_write_s_median": round(write_s, 4),
        "write_s_median": round(write_s - run_s, 4),
        "write_share": round((write_s - run_s) / run_s, 4),
        "register_and_ingest_s": round(ingest, 4),
        "records_ingested": ingested,
        "parquet_bytes": shard.stat().st_size,
        "record_bytes": record.stat().st_size,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the benchmark and print its JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=16, help="runs in the ensemble")
    parser.add_argument("--scale", type=float, default=0.005)
    parser.add_argument("--days", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--dask", action="store_true", help="also a local Dask cluster")
    parser.add_argument("--repeats", type=int, default=5, help="runs timed one by one")
    parser.add_argument("--json", type=Path, help="also write the JSON here")
    args = parser.parse_args(argv)

    from uprising.experiment import DaskExecutor, LocalExecutor, plan_ensemble, run_one
    from uprising.store.run_output import code_version

    plan = plan_ensemble(
        ["belarus-2022"], runs=args.runs, seed=args.seed, scale=args.scale, days=args.days
    )
    root = Path(tempfile.mkdtemp(prefix="uprising-ensemble-bench-"))
    try:
        warm = plan.tasks[0].__class__(**{**plan.tasks[0].__dict__, "shard_dir": str(root)})
        run_one(warm, write=False)  # compile, or load Numba's cache, outside the timings

        executors: list[tuple[str, Any]] = [
            (f"local-{n}", functools.partial(LocalExecutor, n)) for n in args.workers
        ]
        if args.dask:
            executors += [(f"dask-{n}", functools.partial(DaskExecutor, workers=n)) for n in (2,)]
        results: dict[str, Any] = {}
        for name, make in executors:
            results[name] = {}
            for recorded in (True, False):
                label = "recorded" if recorded else "not_recorded"
                with make() as executor:
                    results[name]["workers"] = executor.workers
                    folder = root / f"{name}-{label}"
                    results[name][label] = timed_ensemble(plan, executor, folder, recorded)
            rec, bare = results[name]["recorded"], results[name]["not_recorded"]
            results[name]["write_overhead"] = round(rec["wall_s"] / bare["wall_s"] - 1, 4)
        per_run = per_run_costs(plan, root / "per-run", min(args.repeats, plan.total))
    finally:
        shutil.rmtree(root, ignore_errors=True)

    out = {
        "benchmark": "ensemble",
        "scenario": "belarus-2022",
        "design": "mc",
        "runs": plan.total,
        "scale": args.scale,
        "days": args.days,
        "ensemble_id": plan.ensemble_id,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "code_version": code_version(),
        "executors": results,
        "per_run": per_run,
    }
    text = json.dumps(out, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return out


if __name__ == "__main__":
    main()
