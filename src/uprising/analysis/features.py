"""Outcomes as features: one row per run, its inputs joined with what happened.

Not the report's `uprising.analysis.horizons.outcome_table` (one row per horizon).

    table = feature_table(store, "3f2a9c01b7de")
    table.attrs["inputs"]         # ['population.threshold', 'fall.mobilisation_ratio']
    table[["population.threshold", "falls_within_3y", "peak_participants"]]
    column = outcome_column(table, "falls within 3 years")   # 'falls_within_3y'

`feature_table` is the table that sensitivity analysis (`uprising.analysis.sensitivity`)
and scenario discovery (`uprising.analysis.discovery`) work on. Its columns:

- ``run_id``, ``k``, ``scenario``, ``design_point``, ``seed``;
- the inputs: one float column per varied parameter, named by its dotted path, with the
  value the run used (from the run's ``parameters``), in the order of the ensemble's
  ``vary``; their names are in ``attrs["inputs"]``;
- ``outcome`` (``holds`` | ``falls``), ``fall_date``, ``channel`` (None when it holds),
  ``readiness``, and ``transition`` when the store's runs carry that column;
- ``fall_day``: days from the first simulated day to the fall (NaN when it holds), and
  ``days_to_fall``: the same, with runs that hold counted at the number of days simulated
  (a censored, always defined number);
- ``falls_within_<y>y`` (bool) for each horizon of ``years`` that the runs cover (the
  horizon ends on the day before the same date ``y`` years after the first day, as in
  `uprising.analysis.horizons.horizon_table`, by `horizon_end`);
- scalar summaries of the daily series, for the series columns the shards have
  (`SUMMARIES`): ``peak_participants``, ``peak_political_prisoners``,
  ``final_political_prisoners``, ``final_emigrants``, ``min_legitimacy``,
  ``min_security_loyalty``, and ``political_prisoners_at_<y>y``, the stock on the last
  day of each covered horizon.

The summaries are computed by DuckDB over the Parquet shards, grouped by run, so memory
holds one row per run, never the series. Failed runs are refused with `FailedRunsError`
unless ``allow_failed=True``; the table then holds the successful runs and
``attrs["failed"]`` says how many were left out.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from uprising.analysis.ensemble import FailedRunsError, select_scenario
from uprising.analysis.horizons import horizon_end
from uprising.errors import UprisingError
from uprising.store.duck import parquet_scan
from uprising.store.results import ResultsStore
from uprising.store.series import union_columns

__all__ = [
    "SUMMARIES",
    "describe_outcome",
    "feature_table",
    "headline_outcome",
    "latest_ensemble",
    "outcome_choices",
    "outcome_column",
]

SUMMARIES = {
    "peak_participants": ("max", "participants"),
    "peak_political_prisoners": ("max", "political_prisoners"),
    "final_political_prisoners": ("last", "political_prisoners"),
    "final_emigrants": ("last", "emigrants"),
    "min_legitimacy": ("min", "legitimacy"),
    "min_security_loyalty": ("min", "security_loyalty"),
}
"""Scalar summaries of the series: name -> (aggregate, series column)."""

AT_HORIZON = "political_prisoners"
"""The series whose value on the last day of each horizon becomes a feature."""

_WITHIN = re.compile(r"^(?:p\()?\s*(?:the regime\s+)?falls?\s+within\s+(\d+)\s+years?\s*\)?$")


def latest_ensemble(store: ResultsStore, *, varied: bool = True) -> str:
    """The id of the newest ensemble of the store that has recorded runs.

    Args:
        store: The results store.
        varied: Only ensembles whose design varies parameters (not ``mc``).

    Raises:
        UprisingError: No such ensemble.
    """
    ensembles = store.ensembles()
    with store.connect() as con:
        present = {
            row[0] for row in con.execute("SELECT DISTINCT ensemble_id FROM runs").fetchall()
        }
    rows = ensembles[ensembles["ensemble_id"].isin(present)]
    if varied:
        rows = rows[rows["design"].fillna("mc") != "mc"]
    if rows.empty:
        what = "with varied parameters (design lhs, sobol or morris) " if varied else ""
        raise UprisingError(f"no ensemble {what}with recorded runs in {store.directory}")
    return str(rows.iloc[-1]["ensemble_id"])


def feature_table(
    store: ResultsStore,
    ensemble_id: str,
    scenario: str | None = None,
    *,
    years: Sequence[int] = (1, 2, 3, 4, 5),
    allow_failed: bool = False,
) -> pd.DataFrame:
    """One row per successful run of one scenario of an ensemble: inputs and outcomes.

    Args:
        store: The results store (records ingested).
        ensemble_id: The ensemble.
        scenario: The scenario; None when the ensemble has one.
        years: Horizons (years) of the ``falls_within_<y>y`` and
            ``political_prisoners_at_<y>y`` columns; those beyond the runs are left out.
        allow_failed: Leave failed runs out instead of refusing.

    Returns:
        The table described in the module docstring, ordered by k. ``attrs``:
        ``ensemble_id``, ``scenario``, ``design``, ``inputs`` (names of the input
        columns), ``bounds`` (``{name: (low, high)}`` of the design), ``horizons``
        (``{y: last day}`` of the covered horizons), ``failed``, ``total`` (runs
        recorded), ``first_day``, ``last_day``.

    Raises:
        FailedRunsError: Some runs failed and ``allow_failed`` is False.
        UprisingError: Unknown ensemble or scenario, no successful run, missing shards.
    """
    runs = store.runs(ensemble_id)
    scenario = str(
        select_scenario(store, runs, ensemble_id, scenario, how_to_name="name one with --scenario")
    )
    mine = runs[runs["scenario"] == scenario].sort_values("k")
    failed = mine[mine["status"] == "failed"]
    if len(failed) and not allow_failed:
        raise FailedRunsError(
            ensemble_id, scenario, len(failed), len(mine), _last_line(failed.iloc[0]["error"])
        )
    ok = mine[mine["status"] == "ok"].reset_index(drop=True)
    if ok.empty:
        raise UprisingError(
            f"no successful runs of {scenario!r} in ensemble {ensemble_id} ({len(failed)} failed)"
        )
    design, bounds = _design(store, ensemble_id)
    inputs = list(bounds)
    table = pd.DataFrame(
        {
            "run_id": ok["run_id"].astype(str),
            "k": ok["k"].astype(np.int64),
            "scenario": ok["scenario"].astype(str),
            "design_point": ok["design_point"],
            "seed": ok["seed"],
        }
    )
    parameters = [json.loads(text) if isinstance(text, str) else {} for text in ok["parameters"]]
    for name in inputs:
        table[name] = np.array([float(p.get(name, np.nan)) for p in parameters], dtype=float)
        if table[name].isna().any():
            raise UprisingError(
                f"ensemble {ensemble_id} varies {name}, but some runs do not record its value"
            )

    files = [store.shard_path(run_id) for run_id in table["run_id"]]
    missing = [path.name for path in files if not path.is_file()]
    if missing:
        raise UprisingError(
            f"{len(missing)} series shards of ensemble {ensemble_id} are missing from "
            f"{store.shards} (first: {missing[0]})"
        )
    # The runs of one scenario share their days and series columns: the first shard gives
    # them, and the one pass over all shards checks the dates.
    columns = set(union_columns(files[:1]))
    first, last = _date_range(files[:1])
    summaries = _summaries(files, columns, _horizons(first, last, years))
    if (summaries["first_day"] != first).any() or (summaries["last_day"] != last).any():
        columns = set(union_columns(files))
        first, last = min(summaries["first_day"]), max(summaries["last_day"])
        summaries = _summaries(files, columns, _horizons(first, last, years))
    summaries = summaries.drop(columns=["first_day", "last_day"])
    horizons = _horizons(first, last, years)

    table["outcome"] = ok["outcome"].astype(object)
    fall = pd.to_datetime(ok["fall_date"])
    table["fall_date"] = fall
    table["channel"] = ok["channel"].astype(object).where(ok["channel"].notna(), None)
    table["readiness"] = ok["readiness"].astype(float)
    if "transition" in ok.columns:
        table["transition"] = ok["transition"].astype(object)
    fell = (ok["outcome"] == "falls").to_numpy() & fall.notna().to_numpy()
    fall_day = (fall - pd.Timestamp(first)).dt.days.to_numpy(dtype=float, na_value=np.nan).copy()
    fall_day[~fell] = np.nan
    table["fall_day"] = fall_day
    table["days_to_fall"] = np.where(fell, fall_day, float((last - first).days + 1))
    for y, end in horizons.items():
        table[f"falls_within_{y}y"] = fell & (fall_day <= (end - first).days)

    table = table.merge(summaries, on="run_id", how="left")
    table.attrs.update(
        ensemble_id=ensemble_id,
        scenario=scenario,
        design=design,
        inputs=inputs,
        bounds=bounds,
        horizons=horizons,
        failed=len(failed),
        total=len(mine),
        first_day=first,
        last_day=last,
    )
    return table


def outcome_column(table: pd.DataFrame, outcome: str) -> str:
    """The column of an outcome table that an outcome names.

    Args:
        table: An `feature_table`.
        outcome: A column name (``falls_within_3y``, ``peak_participants``, ...), the
            same with spaces (``peak participants``), or a phrase ``falls within N
            years`` (also ``fall within``, ``P(falls within N years)``).

    Raises:
        UprisingError: The outcome is not in the table; the message lists the choices.
    """
    text = " ".join(outcome.strip().lower().split())
    match = _WITHIN.match(text)
    if match:
        name = f"falls_within_{int(match.group(1))}y"
    else:
        name = text.replace(" ", "_")
    choices = outcome_choices(table)
    if name not in choices:
        horizon = " (that horizon is beyond the runs)" if match else ""
        raise UprisingError(
            f"--outcome {outcome!r}: not an outcome of ensemble "
            f"{table.attrs.get('ensemble_id')}{horizon}; choose one of: {', '.join(choices)}"
        )
    return name


def outcome_choices(table: pd.DataFrame) -> list[str]:
    """The numeric or yes/no outcome columns of an outcome table, in table order."""
    skip = {"k", "design_point", "seed", "readiness", "fall_day", *table.attrs.get("inputs", [])}
    names = []
    for name in table.columns:
        if name in skip:
            continue
        dtype = table[name].dtype
        if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
            names.append(str(name))
    return names


def describe_outcome(column: str) -> str:
    """A phrase for an outcome column: ``falls_within_3y`` -> ``P(fall within 3 years)``."""
    match = re.fullmatch(r"falls_within_(\d+)y", column)
    if match:
        y = int(match.group(1))
        return f"P(fall within {y} year{'s' if y != 1 else ''})"
    return column.replace("_", " ")


# -- internals ------------------------------------------------------------------------------


def _design(store: ResultsStore, ensemble_id: str) -> tuple[str, dict[str, tuple[float, float]]]:
    ensembles = store.ensembles()
    row = ensembles[ensembles["ensemble_id"] == ensemble_id]
    if row.empty:
        return "mc", {}
    design = row.iloc[0]["design"] or "mc"
    vary = row.iloc[0]["vary"]
    items = json.loads(vary) if isinstance(vary, str) else []
    bounds: dict[str, tuple[float, float]] = {}
    for item in items or []:
        if isinstance(item, dict):
            bounds[str(item["name"])] = (float(item["low"]), float(item["high"]))
        else:
            name, low, high = item
            bounds[str(name)] = (float(low), float(high))
    return str(design), bounds


def _horizons(first: dt.date, last: dt.date, years: Sequence[int]) -> dict[int, dt.date]:
    """The last day of each horizon of ``years`` that the days first..last cover."""
    horizons = {}
    for y in years:
        end = horizon_end(first, int(y))
        if end <= last:
            horizons[int(y)] = end
    return horizons


def _date_range(files: Sequence[Any]) -> tuple[dt.date, dt.date]:
    con = duckdb.connect()
    try:
        first, last = con.execute(
            f"SELECT min(date), max(date) FROM {parquet_scan(files)}"
        ).fetchone()
    except duckdb.Error as exc:
        raise UprisingError(f"cannot read the series shards: {exc}") from exc
    finally:
        con.close()
    if first is None:
        raise UprisingError("the series of the runs have no dates")
    return first, last


def _summaries(
    files: Sequence[Any], columns: set[str], horizons: dict[int, dt.date]
) -> pd.DataFrame:
    """Per run: its first and last day, and the `SUMMARIES` and horizon values.

    The days are ``datetime.date``; the summaries are those of the series columns present,
    the horizon values those of `AT_HORIZON` on the last day of each horizon.
    """
    select = ["run_id", "min(date) AS first_day", "max(date) AS last_day"]
    for name, (aggregate, column) in SUMMARIES.items():
        if column not in columns:
            continue
        ident = _ident(column)
        if aggregate == "last":
            select.append(f"arg_max({ident}::DOUBLE, date) AS {_ident(name)}")
        else:
            select.append(f"{aggregate}({ident}::DOUBLE) AS {_ident(name)}")
    if AT_HORIZON in columns:
        for y, end in horizons.items():
            name = f"{AT_HORIZON}_at_{y}y"
            select.append(
                f"max(CASE WHEN date = DATE '{end.isoformat()}' "
                f"THEN {_ident(AT_HORIZON)}::DOUBLE END) AS {_ident(name)}"
            )
    sql = f"SELECT {', '.join(select)} FROM {parquet_scan(files)} GROUP BY run_id"
    con = duckdb.connect()
    try:
        frame = con.execute(sql).df()
    except duckdb.Error as exc:
        raise UprisingError(f"cannot summarise the series shards: {exc}") from exc
    finally:
        con.close()
    for column in ("first_day", "last_day"):
        frame[column] = [pd.Timestamp(day).date() for day in frame[column]]
    return frame


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _last_line(error: Any) -> str:
    if not isinstance(error, str) or not error.strip():
        return "no traceback recorded"
    return error.strip().splitlines()[-1].strip()


def headline_outcome(table: pd.DataFrame) -> str:
    """The outcome a report ranks the inputs by.

    ``falls_within_3y``, else the longest horizon the runs cover, else ``days_to_fall``.
    """
    if "falls_within_3y" in table.columns:
        return "falls_within_3y"
    horizons = sorted(table.attrs.get("horizons", {}))
    return f"falls_within_{horizons[-1]}y" if horizons else "days_to_fall"
