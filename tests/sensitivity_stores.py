"""Synthetic stores of designed ensembles, written through the store's own API."""

from __future__ import annotations

import json
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from uprising.experiment.design import make_design
from uprising.store import ResultsStore

START = np.datetime64("2022-10-01", "D")


def designed_store(
    store: ResultsStore,
    design: str,
    vary: list[tuple[str, float, float]],
    runs: int,
    model: Callable[[np.ndarray], np.ndarray],
    *,
    ensemble_id: str = "5e5e5e5e5e5e",
    seed: int = 1,
    days: int = 4 * 366,
    fails: tuple[int, ...] = (),
) -> np.ndarray:
    """Register an ensemble of ``design`` and write one run per design point.

    ``model(points)`` gives per point the fall day (NaN or negative: holds), and the
    series ``participants`` is that day's value plus the point's index (a peak known
    in advance); ``political_prisoners`` grows by one a day. Returns the points.
    """
    points = make_design(design, vary, runs, seed)
    fall_days = np.asarray(model(points), dtype=float)
    store.register_ensemble(
        {
            "ensemble_id": ensemble_id,
            "design": design,
            "vary": [{"name": n, "low": lo, "high": hi} for n, lo, hi in vary],
            "runs": runs,
            "seed": seed,
            "scenarios": [{"name": "belarus-2022"}],
        }
    )
    folder = store.shard_dir(ensemble_id)
    dates = pa.array(START + np.arange(days), pa.date32())
    for k, point in enumerate(points):
        run_id = f"{ensemble_id}-{k:06d}"
        failed = k in fails
        fall = fall_days[k]
        falls = bool(np.isfinite(fall) and fall >= 0)
        if not failed:
            pq.write_table(
                pa.table(
                    {
                        "run_id": pa.array([run_id] * days),
                        "date": dates,
                        "participants": np.full(days, float(fall if falls else -1.0)),
                        "political_prisoners": np.arange(days, dtype=float),
                    }
                ),
                folder / f"{run_id}.parquet",
            )
        record = {
            "run_id": run_id,
            "ensemble_id": ensemble_id,
            "k": k,
            "scenario": "belarus-2022",
            "design_point": k,
            "parameters": {n: float(v) for (n, _, _), v in zip(vary, point, strict=True)},
            "status": "failed" if failed else "ok",
            "error": "Traceback\nRuntimeError: boom" if failed else None,
            "outcome": None if failed else ("falls" if falls else "holds"),
            "fall_date": str(START + int(fall)) if falls and not failed else None,
            "channel": ("mobilisation" if k % 3 else "elite_split") if falls else None,
            "seed": k,
        }
        (folder / f"{run_id}.json").write_text(json.dumps(record), encoding="utf-8")
    store.ingest()
    return points
