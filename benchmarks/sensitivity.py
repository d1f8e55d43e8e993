"""Sensitivity analysis and scenario discovery on a large synthetic ensemble.

    python benchmarks/sensitivity.py [--runs 10000] [--inputs 20] [--days 1100]
                                     [--resamples 10] [--json out.json]

Writes, through the store's own API, a Latin-hypercube ensemble of ``--runs`` runs over
``--inputs`` inputs on [0, 1], each run a shard of ``--days`` days (``participants`` and
``political_prisoners``) and a record, then ingests it. The regime falls on day
``400 + 900 * x1`` when ``x0 < 0.5`` (chance: one run in ten falls anyway, on day 300),
so the answer is known. Then it times, each on its own (wall and CPU seconds of this
process: the CPU figure is the one to compare on a shared machine):

- importing the EMA Workbench (paid once per process);
- ``feature_table``: one DuckDB pass over the shards and the records (the features);
- delta (100 bootstrap resamples) and PAWN of "falls within 3 years" on that table;
- PRIM and CART on it, without and with ``--resamples`` PRIM runs on halves;
- ``sensitivity`` and ``discover`` as the commands call them (each builds the table).

It prints one JSON object with those times, the peak resident memory of the process
before and after the analyses, and what they found (top inputs, the PRIM sentence).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ENSEMBLE = "bench0000001"
START = np.datetime64("2022-10-01", "D")


def write_store(folder: Path, runs: int, inputs: int, days: int, seed: int = 1) -> Any:
    """A synthetic ensemble with a known region of falls, written and ingested."""
    from uprising.experiment.design import make_design
    from uprising.store import ResultsStore

    store = ResultsStore(folder)
    names = [f"x{i}" for i in range(inputs)]
    points = make_design("lhs", [(name, 0.0, 1.0) for name in names], runs, seed)
    store.register_ensemble(
        {
            "ensemble_id": ENSEMBLE,
            "design": "lhs",
            "vary": [{"name": name, "low": 0.0, "high": 1.0} for name in names],
            "runs": runs,
            "seed": seed,
        }
    )
    rng = np.random.default_rng(seed)
    luck = rng.random(runs) < 0.1
    shards = store.shard_dir(ENSEMBLE)
    dates = pa.array(START + np.arange(days), pa.date32())
    prisoners = np.arange(days, dtype=float)
    for k in range(runs):
        run_id = f"{ENSEMBLE}-{k:06d}"
        if points[k, 0] < 0.5:
            fall = int(400 + 900 * points[k, 1])
        elif luck[k]:
            fall = 300
        else:
            fall = None
        falls = fall is not None and fall < days
        crowd = np.full(days, 1000.0 * (1 + points[k, 2]))
        table = pa.table(
            {
                "run_id": pa.array([run_id] * days),
                "date": dates,
                "participants": crowd,
                "political_prisoners": prisoners,
            }
        )
        pq.write_table(table, shards / f"{run_id}.parquet")
        record = {
            "run_id": run_id,
            "ensemble_id": ENSEMBLE,
            "k": k,
            "scenario": "synthetic",
            "design_point": k,
            "parameters": dict(zip(names, map(float, points[k]), strict=True)),
            "status": "ok",
            "outcome": "falls" if falls else "holds",
            "fall_date": str(START + fall) if falls else None,
            "channel": "mobilisation" if falls else None,
        }
        (shards / f"{run_id}.json").write_text(json.dumps(record), encoding="utf-8")
    store.ingest()
    return store


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (MB; Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--inputs", type=int, default=20)
    parser.add_argument("--days", type=int, default=1100)
    parser.add_argument("--resamples", type=int, default=10)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    from uprising.analysis.discovery import discover, find_box
    from uprising.analysis.features import feature_table
    from uprising.analysis.sensitivity import delta_indices, pawn_indices, sensitivity

    times: dict[str, dict[str, float]] = {}

    def timed(name: str, call: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        value = call()
        times[name] = {
            "wall_s": round(time.perf_counter() - wall, 2),
            "cpu_s": round(time.process_time() - cpu, 2),
        }
        return value

    with tempfile.TemporaryDirectory(prefix="uprising-sens-") as tmp:
        store = timed(
            "write_and_ingest",
            lambda: write_store(Path(tmp) / "store", args.runs, args.inputs, args.days),
        )
        rss_before = peak_rss_mb()
        with warnings.catch_warnings():  # optional parallel back-ends it does not find
            warnings.simplefilter("ignore")
            timed("import_workbench", lambda: __import__("ema_workbench.analysis.prim"))
        table = timed("feature_table", lambda: feature_table(store, ENSEMBLE))
        names = list(table.attrs["inputs"])
        x, y = table[names], table["falls_within_3y"].to_numpy()
        problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
        timed("delta_100_resamples", lambda: delta_indices(x.to_numpy(), y.astype(float), names))
        timed("pawn", lambda: pawn_indices(problem, x.to_numpy(), y.astype(float)))
        timed("prim_and_cart", lambda: find_box(x, y, resamples=0))
        timed(
            f"prim_cart_{args.resamples}_resamples",
            lambda: find_box(x, y, resamples=args.resamples),
        )
        result = timed("sensitivity_command", lambda: sensitivity(store, ENSEMBLE))
        found = timed(
            "discover_command",
            lambda: discover(store, ENSEMBLE, "falls within 3 years", resamples=args.resamples),
        )

    report = {
        "runs": args.runs,
        "inputs": args.inputs,
        "days": args.days,
        "seconds": times,
        "outcome_table_mb": round(table.memory_usage(deep=True).sum() / 2**20, 2),
        "peak_rss_mb_after_writing": round(rss_before, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "top_inputs": result.top(3),
        "sentence": found.sentence,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    text = json.dumps(report, indent=2)
    print(text)
    if args.json is not None:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
