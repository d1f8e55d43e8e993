r"""Model against the record: N seeds of a Belarus scenario, measured by the observation model.

    result = run_comparison("belarus-2020", runs=10, scale=0.01, workers=2)
    paths = write_comparison(result, "out/compare")
    print("\\n".join(format_table(result.table)))

The runs go through the ensemble machinery (`uprising.experiment`: `plan_ensemble`, an
executor, `run_ensemble`) into a results store, temporary unless one is named; each
run's series is then measured by every observation of
`uprising.analysis.belarus_observations.OBSERVATIONS`. For each observation the table gives the
model's median and 90 % band (the 5th and 95th percentiles over the runs, linear
interpolation) and whether the reported value agrees with the band under the
observation's relation. The runs share one parameter point and differ only in their
seeds, so the band measures chance (the spread between seeds) only: not the uncertainty
of the parameters, nor the error of the reports.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from uprising.analysis.belarus_observations import OBSERVATIONS
from uprising.analysis.observation import (
    Observation,
    calibration_rows,
    consistent,
    measure,
    reported,
)

BAND = (0.05, 0.95)
"""Quantiles of the band over the runs: a 90 % band."""

CHANCE_NOTE = (
    "the band is the spread over seeds at one parameter point: it measures chance only, "
    "not parameter uncertainty or the error of the reports"
)
"""Said wherever the band is shown."""

TABLE_COLUMNS = (
    "quantity",
    "geography",
    "date",
    "column",
    "how",
    "window",
    "relation",
    "offset",
    "reported",
    "reported_low",
    "reported_high",
    "unit",
    "n",
    "median",
    "q05",
    "q95",
    "ratio",
    "verdict",
    "agrees",
    "range_overlaps",
    "source",
)
"""Columns of the comparison table, one row per observation."""


@dataclass(frozen=True)
class Comparison:
    """The comparison of a scenario's runs with the calibration table.

    Attributes:
        table: One row per observation (`TABLE_COLUMNS`).
        per_run: One row per run and observation: ``run_id``, ``seed``,
            ``observation`` (index into the table), ``column``, ``window``, ``model``.
        meta: Scenario, runs, scale, days, root seed, seeds, the ensemble id, the
            regime's outcome per run, the code version and the note on chance.
    """

    table: pd.DataFrame
    per_run: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)


def default_days(start: dt.date, observations: Sequence[Observation] = OBSERVATIONS) -> int:
    """Days from ``start`` that cover the last day any observation reads."""
    last = max(obs.last_day for obs in observations)
    return max(1, (last - start).days + 1)


def compare_series(
    series_by_run: Mapping[str, Mapping[str, Any]],
    observations: Sequence[Observation] = OBSERVATIONS,
    seeds: Mapping[str, int] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Measure every run by every observation; summarise over the runs.

    Args:
        series_by_run: Per run id, the run's columns (``date`` and the observations'
            columns).
        observations: What to measure.
        seeds: Per run id, its seed (for the per-run table); default: none.

    Returns:
        ``(table, per_run)`` as in `Comparison`. An observation whose days no run covers
        has n = 0, NaN figures and the verdict ``beyond the run``.
    """
    rows = calibration_rows()
    per_run = []
    summary = []
    for index, obs in enumerate(observations):
        figures = []
        for run_id, series in series_by_run.items():
            value = measure(obs, series)
            per_run.append(
                {
                    "run_id": run_id,
                    "seed": None if seeds is None else seeds.get(run_id),
                    "observation": index,
                    "column": obs.column,
                    "window": obs.window,
                    "model": value,
                }
            )
            figures.append(value)
        summary.append(_summary_row(obs, reported(obs, rows), np.asarray(figures, dtype=float)))
    table = pd.DataFrame(summary, columns=list(TABLE_COLUMNS))
    return table, pd.DataFrame(per_run)


def _summary_row(obs: Observation, report: dict[str, Any], figures: np.ndarray) -> dict:
    finite = figures[np.isfinite(figures)]
    row: dict[str, Any] = {
        "quantity": obs.quantity,
        "geography": obs.geography,
        "date": obs.date,
        "column": obs.column,
        "how": obs.how,
        "window": obs.window,
        "relation": obs.relation,
        "offset": obs.offset,
        "reported": report["value"],
        "reported_low": report["low"],
        "reported_high": report["high"],
        "unit": report["unit"],
        "n": int(finite.size),
        "source": report["source"],
    }
    if finite.size == 0:
        row.update(median=np.nan, q05=np.nan, q95=np.nan, ratio=np.nan)
        row.update(verdict="beyond the run", agrees=None, range_overlaps=None)
        return row
    low, median, high = np.quantile(finite, [BAND[0], 0.5, BAND[1]])
    agrees = consistent(obs, low, high, report["value"])
    if obs.relation == "estimate":
        if agrees:
            verdict = "inside band"
        else:
            verdict = "model below" if high < report["value"] else "model above"
        overlaps = bool(high >= report["low"] and low <= report["high"])
    else:
        verdict = "bound met" if agrees else "bound not met"
        overlaps = None
    row.update(
        median=float(median),
        q05=float(low),
        q95=float(high),
        ratio=float(median / report["value"]) if report["value"] else np.nan,
        verdict=verdict,
        agrees=bool(agrees),
        range_overlaps=overlaps,
    )
    return row


def run_comparison(
    scenario: str = "belarus-2020",
    *,
    runs: int,
    scale: float | None = None,
    days: int | None = None,
    seed: int = 0,
    workers: int | None = None,
    store: str | Path | None = None,
    observations: Sequence[Observation] = OBSERVATIONS,
    progress: Any = None,
) -> Comparison:
    """Run ``runs`` seeds of a Belarus scenario and compare them with the record.

    Args:
        scenario: A Belarus scenario: built-in name or TOML path.
        runs: Number of seeds (the ensemble's ``mc`` design).
        scale: Agents per person; default: the scenario's ``run.scale``.
        days: Days per run; default: to the last day any observation reads.
        seed: Root seed of the run seeds (`uprising.experiment.run_seeds`).
        workers: Local worker processes; default: the CPUs available.
        store: A results store folder to run into (runs already on record there are
            reused, as by ``uprising ensemble``); default: a temporary one, removed after.
        observations: What to measure.
        progress: Passed to `run_ensemble` (``progress(ok, failed, total)``).

    Returns:
        The `Comparison`.

    Raises:
        EnsembleError: Bad runs, scale or days; a run failed (its last error line).
        ScenarioError: The scenario cannot be loaded.
    """
    from uprising.experiment import EnsembleError, make_executor, plan_ensemble, run_ensemble
    from uprising.scenarios import load_scenario, model_name
    from uprising.store.results import ResultsStore

    resolved = load_scenario(scenario)
    if model_name(resolved) != "belarus":
        raise EnsembleError(f"{scenario}: an Epstein scenario; compare runs Belarus scenarios")
    run_days = default_days(resolved.run.start, observations) if days is None else int(days)
    plan = plan_ensemble([resolved], runs=runs, seed=seed, scale=scale, days=run_days)
    holder = tempfile.TemporaryDirectory(prefix="uprising-compare-") if store is None else None
    with holder if holder is not None else nullcontext(), make_executor(workers) as executor:
        folder = Path(holder.name if holder is not None else store)
        results = ResultsStore(folder)
        summary = run_ensemble(plan, results, executor, progress=progress)
        if summary.failed_total:
            raise EnsembleError(
                f"{summary.failed_total} of {summary.total} runs failed: {summary.first_error}"
            )
        columns = sorted({obs.column for obs in observations})
        frame = results.series(ensemble_ids=[plan.ensemble_id], columns=columns)
        outcomes = results.outcomes([plan.ensemble_id])
    seeds = {task.run_id: task.seed for task in plan.tasks}
    series_by_run = {
        run_id: {name: group[name].to_numpy() for name in ["date", *columns]}
        for run_id, group in frame.groupby("run_id", sort=True)
    }
    table, per_run = compare_series(series_by_run, observations, seeds)
    meta = {
        "scenario": resolved.name,
        "runs": int(runs),
        "scale": float(plan.ensemble["scenarios"][0]["scale"]),
        "days": run_days,
        "start": resolved.run.start.isoformat(),
        "seed": int(seed),
        "seeds": [task.seed for task in plan.tasks],
        "ensemble_id": plan.ensemble_id,
        "holds": int((outcomes["outcome"] == "holds").sum()),
        "falls": int((outcomes["outcome"] == "falls").sum()),
        "code_version": plan.ensemble["code_version"],
        "band": list(BAND),
        "note": CHANCE_NOTE,
    }
    return Comparison(table=table, per_run=per_run, meta=meta)


@dataclass(frozen=True)
class ComparisonPaths:
    """Files written by `write_comparison`."""

    csv: Path
    parquet: Path
    per_run: Path
    figure: Path
    meta: Path


def write_comparison(result: Comparison, out: str | Path, command: str = "") -> ComparisonPaths:
    """Write the table (CSV and Parquet), the per-run figures, the figure and the metadata.

    Args:
        result: From `run_comparison`.
        out: Folder (created if missing).
        command: The command that made it, recorded in ``compare.json`` and the figure.

    Returns:
        The paths: ``compare.csv``, ``compare.parquet``, ``compare_runs.parquet``,
        ``compare.png``, ``compare.json`` in ``out``.
    """
    from uprising.report.comparison import comparison_figure

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    paths = ComparisonPaths(
        csv=folder / "compare.csv",
        parquet=folder / "compare.parquet",
        per_run=folder / "compare_runs.parquet",
        figure=folder / "compare.png",
        meta=folder / "compare.json",
    )
    result.table.to_csv(paths.csv, index=False)
    result.table.to_parquet(paths.parquet, index=False)
    result.per_run.to_parquet(paths.per_run, index=False)
    meta = dict(result.meta, command=command)
    caption = (
        f"{command or meta.get('scenario', '')} | {meta.get('runs')} runs, scale "
        f"{meta.get('scale', float('nan')):g}, {meta.get('days')} days | {CHANCE_NOTE}"
    )
    comparison_figure(result.table, paths.figure, caption=caption)
    paths.meta.write_text(json.dumps(meta, indent=1, default=str) + "\n", encoding="utf-8")
    return paths


def format_table(table: pd.DataFrame) -> list[str]:
    """The comparison as lines of text for a terminal, one line per observation."""
    head = (
        f"{'reported quantity':<44} {'window':<22} {'series':<27} {'reported':>10} "
        f"{'median':>10} {'90 % band':>21} {'verdict':<13}"
    )
    lines = [head, "-" * len(head)]
    for row in table.itertuples():
        label = row.quantity if len(row.quantity) <= 44 else row.quantity[:43] + "~"
        mark = {"at_least": ">= ", "at_most": "<= "}.get(row.relation, "")
        band = "-" if row.n == 0 else f"{_num(row.q05)} - {_num(row.q95)}"
        lines.append(
            f"{label:<44} {row.window:<22} {row.column:<27} "
            f"{mark + _num(row.reported):>10} {_num(row.median):>10} {band:>21} {row.verdict:<13}"
        )
    agreed = int(table["agrees"].fillna(False).astype(bool).sum())
    measured = int((table["n"] > 0).sum())
    lines.append(f"{agreed} of {measured} measured rows agree with the band ({CHANCE_NOTE}).")
    return lines


def _num(value: float) -> str:
    if not np.isfinite(value):
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


__all__ = [
    "BAND",
    "CHANCE_NOTE",
    "TABLE_COLUMNS",
    "Comparison",
    "ComparisonPaths",
    "compare_series",
    "default_days",
    "format_table",
    "run_comparison",
    "write_comparison",
]
