"""Record one run day by day, by region and, for small lattices, cell by cell.

An ensemble keeps each run's national series (and participants per region). To show
detentions, prisoners and emigrants on the map, the dashboard runs a recorded run again:
same scenario, seed, scale and days, so the same run bit for bit (the model is a pure
function of these), and reads its state after each day without changing it:

- participants: active citizens per region (the model's census);
- detentions: entries added to the jail store that day, by the region of the cell the
  citizen was taken from (street, retroactive and targeted arrests, saboteurs caught);
- prisoners: the recognised political prisoners (a national stock in persons), split by
  region like the citizens held on a criminal term by the region they were taken from;
- emigrants: citizens gone abroad so far, by the region they lived in on day 0.

All are national equivalents (lattice counts / scale), as in the series. When the
lattice has at most `LATTICE_MAX_CELLS` cells, it also keeps the lattice (each cell:
empty, quiet, active or police) on at most `LATTICE_MAX_SNAPSHOTS` evenly spaced days.

Files, in ``<store>/dashboard/runs/<run_id>/``: ``series.parquet`` (the run's series, as
in the ensemble's shard), ``regions.parquet`` (``date``, ``region``, ``participants``,
``detentions``, ``prisoners``, ``emigrants``), ``lattice.npz`` (``region``: the region of
each cell; ``days``: the days kept; ``d<day>``: the cell kinds that day) when kept, and
``recording.json`` (what was run). The files are written into a temporary folder that
then takes the recording's place, so a page never reads half a recording.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from uprising.engine import kernels as K
from uprising.errors import UprisingError

LATTICE_MAX_CELLS = 150_000
"""Larger lattices are not kept cell by cell (a run at scale 0.005 is kept)."""

LATTICE_MAX_SNAPSHOTS = 400
"""Days of the lattice kept at most, evenly spaced (first and last day included)."""

LAYERS = ("participants", "detentions", "prisoners", "emigrants")
"""What the map can show, per region."""

RECORDING_FILE = "recording.json"


def record_run(
    scenario: Any,
    *,
    seed: int,
    scale: float,
    days: int,
    folder: str | os.PathLike[str],
    run_id: str,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Run the Belarus model and write its series, regional counts and lattice.

    Args:
        scenario: A validated `BelarusScenario` (design point applied).
        seed: The run's seed.
        scale: Agents per person.
        days: Days to run.
        folder: Where the files go (created).
        run_id: The run's id, written into the series' ``run_id`` column.
        progress: Called as ``progress(days_done, days)`` after each day.

    Returns:
        The contents of ``recording.json``.
    """
    from uprising.experiment.tasks import series_table
    from uprising.models.belarus import BelarusModel

    final = Path(folder)
    target = final.with_name(f".{final.name}.tmp-{os.getpid()}")
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    model = BelarusModel(scenario, seed=seed, scale=scale, days=days)
    sim = model.sim
    n_regions = len(model.regions)
    occupied = (sim.cells & K.KIND) == K.QUIET  # day 0: every citizen is quiet
    home = np.full(int(sim.n_identities) + 1, -1, dtype=np.int64)
    home[sim.ident[occupied]] = model.region[occupied]
    nat = 1.0 / model.scale
    cells = model.config.width * model.config.height
    keep_lattice = cells <= LATTICE_MAX_CELLS
    kept_days = set(_snapshot_days(model.days)) if keep_lattice else set()
    snapshots: dict[str, np.ndarray] = {}
    rows: dict[str, list[Any]] = {name: [] for name in ("day", "region", *LAYERS)}
    held_before = np.zeros(0, dtype=np.int64)
    for day in range(model.days):
        model.step()
        jail = sim.jail
        n = jail.n
        held = jail.ident[:n].astype(np.int64)
        region_of = model.region[jail.home[:n]].astype(np.int64)
        new = ~np.isin(held, held_before, assume_unique=False)
        criminal = jail.tier[:n] != 0
        flags = np.asarray(model.emigrated)[: len(home)]
        gone = home[: len(flags)][flags != 0]
        values = {
            "participants": model.counts[:, K.ACTIVE].astype(float),
            "detentions": np.bincount(region_of[new], minlength=n_regions).astype(float),
            "prisoners": np.bincount(region_of[criminal], minlength=n_regions).astype(float),
            "emigrants": np.bincount(gone[gone >= 0], minlength=n_regions).astype(float),
        }
        for r in range(n_regions):
            rows["day"].append(day)
            rows["region"].append(model.regions[r])
            for name in LAYERS:
                rows[name].append(values[name][r] * nat)
        held_before = held
        if day in kept_days:
            snapshots[f"d{day}"] = (sim.cells & K.KIND).astype(np.uint8)
        if progress is not None:
            progress(day + 1, model.days)
    result = model.result()
    pq.write_table(series_table(run_id, result.series), target / "series.parquet")
    dates = result.series["date"]
    regions = pd.DataFrame(rows)
    regions["prisoners"] = _split_like(
        regions, "prisoners", "detentions", result.series["political_prisoners"], n_regions
    )
    regions.insert(0, "date", pd.to_datetime(dates[regions["day"].to_numpy()]))
    pq.write_table(pa.Table.from_pandas(regions, preserve_index=False), target / "regions.parquet")
    if keep_lattice:
        np.savez_compressed(
            target / "lattice.npz",
            region=model.region.reshape(model.config.height, model.config.width),
            days=np.array(sorted(kept_days), dtype=np.int64),
            **{k: v.reshape(model.config.height, model.config.width) for k, v in snapshots.items()},
        )
    outcome = result.outcome.as_dict()
    info = {
        "run_id": run_id,
        "scenario": scenario.name,
        "seed": int(seed),
        "scale": float(model.scale),
        "days": int(model.days),
        "width": int(model.config.width),
        "height": int(model.config.height),
        "lattice": "kept" if keep_lattice else _lattice_refusal(cells),
        "outcome": outcome,
    }
    (target / RECORDING_FILE).write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    old = final.with_name(f".{final.name}.old-{os.getpid()}")
    if final.exists():
        final.rename(old)
    target.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    return info


def read_recording(folder: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The ``recording.json`` of a complete recording, or None."""
    path = Path(folder) / RECORDING_FILE
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def read_regions(folder: str | os.PathLike[str]) -> pd.DataFrame:
    """The recording's ``regions.parquet`` (one row per day and region)."""
    return pq.read_table(Path(folder) / "regions.parquet").to_pandas()


def read_lattice(folder: str | os.PathLike[str], day: int) -> tuple[int, np.ndarray] | None:
    """The lattice kept nearest to ``day``: ``(day kept, kinds as (height, width))``."""
    path = Path(folder) / "lattice.npz"
    if not path.is_file():
        return None
    with np.load(path) as data:
        days = data["days"]
        if days.size == 0:
            return None
        nearest = int(days[np.argmin(np.abs(days - int(day)))])
        return nearest, data[f"d{nearest}"]


def replay_scenario(definition: dict[str, Any], run: pd.Series) -> Any:
    """The scenario of a recorded ensemble run, rebuilt to run it again.

    Args:
        definition: The ensemble's ``definition`` (its ``scenarios``: name, source,
            scenario_hash).
        run: The run's row of the store's ``runs`` table.

    Returns:
        The `BelarusScenario` with the run's design point applied.

    Raises:
        UprisingError: The scenario's source is gone or has changed since the run.
    """
    from uprising.scenarios import apply_overrides, load_scenario, scenario_hash

    entries = [e for e in definition.get("scenarios", []) if e.get("name") == run["scenario"]]
    if not entries:
        raise UprisingError(f"the ensemble's definition does not name {run['scenario']!r}")
    entry = entries[0]
    source = str(entry.get("source") or entry["name"])
    try:
        scenario = load_scenario(source)
    except UprisingError as exc:
        raise UprisingError(f"cannot load the scenario {source!r} again: {exc}") from None
    if scenario_hash(scenario) != entry.get("scenario_hash"):
        raise UprisingError(
            f"the scenario {source!r} has changed since the ensemble ran (its content hash "
            "differs), so the run cannot be reproduced"
        )
    parameters = json.loads(run["parameters"]) if isinstance(run["parameters"], str) else {}
    overrides = [f"{name}={value!r}" for name, value in parameters.items()]
    return apply_overrides(scenario, overrides) if overrides else scenario


def _snapshot_days(days: int) -> list[int]:
    if days <= LATTICE_MAX_SNAPSHOTS:
        return list(range(days))
    picks = np.linspace(0, days - 1, LATTICE_MAX_SNAPSHOTS)
    return sorted({round(float(p)) for p in picks})


def _lattice_refusal(cells: int) -> str:
    return (
        f"not kept: the lattice has {cells:,} cells, more than the {LATTICE_MAX_CELLS:,} "
        "kept cell by cell (run at a smaller scale to see it)"
    )


def _split_like(
    regions: pd.DataFrame, column: str, fallback: str, national: np.ndarray, n_regions: int
) -> np.ndarray:
    """Shares of ``column`` by region, scaled to the day's ``national`` figure.

    The recognised political prisoners are a national stock counted in persons (the
    criminal pipeline, docs/MODEL.md B3.3.9a), not agents of a region. They are split by
    region in proportion to the lattice's criminal-term jail by home region on that day,
    or, on a day without one, to the region's detentions so far; with neither, evenly.
    The regions then add up to the national series exactly as it is recorded.
    """
    days = len(regions) // n_regions
    counts = regions[column].to_numpy(float).reshape(days, n_regions)
    seen = np.cumsum(regions[fallback].to_numpy(float).reshape(days, n_regions), axis=0)
    weights = np.where(counts.sum(axis=1, keepdims=True) > 0, counts, seen)
    total = weights.sum(axis=1, keepdims=True)
    shares = np.where(total > 0, weights / np.where(total > 0, total, 1.0), 1.0 / n_regions)
    return (shares * np.asarray(national, float)[:days, None]).reshape(-1)
