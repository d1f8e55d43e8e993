"""The probability that the regime falls within yearly horizons, and the main channel.

    horizon_table(store, years=(1, 2, 3))       # one row per ensemble, scenario, horizon
    outcome_table(store, [("3f2a9c01b7de", "belarus-2022", 0)])  # the report's table
    main_channel(labels.value_counts())         # the commonest channel of fall

The horizon of ``y`` years ends on the day before the same calendar date ``y`` years
after the first simulated day (`horizon_end`; 29 February -> 28 February, the rule of
``pandas.DateOffset(years=y)``), inclusive. A horizon is observed when it ends on or
before the last simulated day. The probability is the share of successful runs that
have fallen by the end of the horizon, with its Wilson interval
(`uprising.analysis.ensemble.wilson_interval`); runs sharing one parameter point differ
only by their seeds, so this share measures chance alone, not uncertainty about the
parameters. The main channel is the commonest channel among those falls; ties go to the
order of `uprising.models.belarus.CHANNELS`, then to the name.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from uprising.analysis.ensemble import (
    HOLDS,
    _date_range,
    _end_labels,
    _fall_dates,
    _Runs,
    _scenario_runs,
    wilson_interval,
)
from uprising.errors import UprisingError
from uprising.models.belarus import CHANNELS
from uprising.store.results import ResultsStore

__all__ = [
    "DAYS_PER_YEAR",
    "HORIZON_COLUMNS",
    "add_years",
    "horizon_end",
    "horizon_table",
    "horizon_years",
    "main_channel",
    "outcome_table",
]

DAYS_PER_YEAR = 365.2425
"""Mean length of a Gregorian year in days (to count the years a run spans)."""

HORIZON_COLUMNS = [
    "ensemble_id",
    "scenario",
    "years",
    "date",
    "observed",
    "n",
    "failed",
    "fallen",
    "p",
    "low",
    "high",
    "main_channel",
]
"""Columns of `horizon_table`."""


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar date ``years`` later (29 February -> 28 February)."""
    return (pd.Timestamp(day) + pd.DateOffset(years=int(years))).date()


def horizon_end(first: dt.date, years: int) -> dt.date:
    """Last day of the horizon of ``years`` years that starts on ``first``."""
    return add_years(first, years) - dt.timedelta(days=1)


def horizon_years(days: int, at_least: int = 5) -> tuple[int, ...]:
    """Horizons 1, 2, ... up to the years ``days`` days span (at least ``at_least``)."""
    return tuple(range(1, max(at_least, math.ceil(days / DAYS_PER_YEAR)) + 1))


def main_channel(counts: Mapping[str, int] | pd.Series) -> str | None:
    """The commonest channel of fall, given the count of runs per channel (or ``holds``).

    ``holds`` and zero counts are ignored; ties go to the order of `CHANNELS`, then to
    the channel's name. None when no run fell.
    """
    falls = {str(c): int(n) for c, n in dict(counts).items() if c != HOLDS and int(n) > 0}
    if not falls:
        return None
    best = max(falls.values())
    tied = [c for c, n in falls.items() if n == best]
    rank = {c: i for i, c in enumerate(CHANNELS)}
    return min(tied, key=lambda c: (rank.get(c, len(CHANNELS)), c))


def horizon_table(
    store: ResultsStore,
    ensemble_ids: str | Iterable[str] | None = None,
    years: Sequence[int] = (1, 2, 3, 4, 5),
    *,
    allow_failed: bool = False,
    level: float = 0.95,
) -> pd.DataFrame:
    """Probability of a fall within each horizon, per ensemble and scenario.

    A horizon beyond the last simulated day is not observed: its row has ``observed``
    False, NaN ``fallen``, ``p``, ``low``, ``high`` and no ``main_channel``.

    Args:
        store: The results store.
        ensemble_ids: One id or several; default: every ensemble with recorded runs.
        years: Horizons in years.
        allow_failed: Analyse the successful runs when some failed.
        level: Confidence level of the Wilson interval.

    Returns:
        One row per (ensemble, scenario, horizon), ensembles in the order given (default:
        oldest first), scenarios in run order: `HORIZON_COLUMNS`: ``ensemble_id``,
        ``scenario``, ``years``, ``date`` (last day of the horizon), ``observed``, ``n``
        (successful runs), ``failed`` (failed runs left out), ``fallen``, ``p``, ``low``,
        ``high``, ``main_channel`` (`main_channel` of the falls within the horizon).

    Raises:
        FailedRunsError: Some runs of an ensemble failed and ``allow_failed`` is False.
        UprisingError: No successful run (of an ensemble or a scenario given).
    """
    if isinstance(ensemble_ids, str):
        wanted: list[str] | None = [ensemble_ids]
    else:
        wanted = None if ensemble_ids is None else list(ensemble_ids)
    all_runs = store.runs(wanted)
    if wanted is None:
        registered = list(store.ensembles()["ensemble_id"])
        present = list(dict.fromkeys(all_runs["ensemble_id"]))
        wanted = [e for e in registered if e in present]
        wanted += [e for e in present if e not in wanted]
    if not wanted:
        raise UprisingError(f"no runs recorded in {store.directory}")
    rows = []
    for ensemble_id in wanted:
        mine = all_runs[all_runs["ensemble_id"] == ensemble_id]
        if mine.empty:
            raise UprisingError(f"no runs of ensemble {ensemble_id} in {store.directory}")
        for scenario in dict.fromkeys(mine.sort_values("k")["scenario"]):
            runs = _scenario_runs(store, ensemble_id, scenario, allow_failed, runs=mine)
            rows += _horizon_rows(store, runs, years, level)
    return _frame(rows, level)


def outcome_table(
    store: ResultsStore,
    groups: Sequence[tuple[str, str, int]],
    *,
    level: float = 0.95,
) -> pd.DataFrame:
    """The report's table: each whole year observed, then the runs' last day.

    Args:
        store: The results store.
        groups: ``(ensemble_id, scenario, failed)`` of each scenario to analyse (with at
            least one successful run), in the order of the table; failed runs are left out
            when ``failed`` > 0.
        level: Confidence level of the Wilson interval.

    Returns:
        The observed rows of `horizon_table` for horizons up to `horizon_years` of the
        longest run, then, when the last day is not a horizon's end, a row for it with
        ``years`` None: `HORIZON_COLUMNS` plus ``days`` (days simulated).
    """
    selected = [
        _scenario_runs(store, ensemble_id, scenario, failed > 0)
        for ensemble_id, scenario, failed in groups
    ]
    ranges = [_date_range(store, runs) for runs in selected]
    longest = max((int((last - first) / np.timedelta64(1, "D")) + 1 for first, last in ranges),
                  default=0)  # fmt: skip
    years = horizon_years(longest)
    rows = []
    for runs, (first, last) in zip(selected, ranges, strict=True):
        days = int((last - first) / np.timedelta64(1, "D")) + 1
        mine = [row for row in _horizon_rows(store, runs, years, level) if row["observed"]]
        if not mine or mine[-1]["date"] != pd.Timestamp(last):
            mine.append(_row(runs, None, last, True, level, channel_at=None))
        for row in mine:
            row["days"] = days
        rows += mine
    frame = _frame(rows, level, [*HORIZON_COLUMNS, "days"])
    frame["years"] = frame["years"].astype("Int64")
    return frame


def _horizon_rows(
    store: ResultsStore, runs: _Runs, years: Sequence[int], level: float
) -> list[dict[str, Any]]:
    first, last = _date_range(store, runs)
    rows = []
    for y in years:
        end = np.datetime64(horizon_end(first.astype(dt.date), int(y)), "D")
        rows.append(_row(runs, int(y), end, bool(end <= last), level))
    return rows


def _row(
    runs: _Runs,
    years: int | None,
    end: np.datetime64,
    observed: bool,
    level: float,
    channel_at: Any = "end",
) -> dict[str, Any]:
    """One row; the main channel counts the falls by ``end`` (``channel_at`` None: all)."""
    n = len(runs.ok)
    row: dict[str, Any] = {
        "ensemble_id": runs.ensemble_id,
        "scenario": runs.scenario,
        "years": years,
        "date": pd.Timestamp(end),
        "observed": observed,
        "n": n,
        "failed": runs.failed,
        "fallen": math.nan,
        "p": math.nan,
        "low": math.nan,
        "high": math.nan,
        "main_channel": None,
    }
    if observed:
        fallen = int(np.searchsorted(_fall_dates(runs.ok), end, side="right"))
        low, high = wilson_interval(fallen, n, level)
        row.update(
            fallen=fallen,
            p=fallen / n,
            low=float(low),
            high=float(high),
            main_channel=main_channel(
                _end_labels(runs.ok, end if channel_at == "end" else channel_at).value_counts()
            ),
        )
    return row


def _frame(
    rows: list[dict[str, Any]], level: float, columns: Sequence[str] = HORIZON_COLUMNS
) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(columns))
    frame["fallen"] = frame["fallen"].astype("Int64")
    channels = frame["main_channel"].astype(object)
    frame["main_channel"] = pd.Series(
        [None if pd.isna(c) else str(c) for c in channels], index=frame.index, dtype=object
    )
    frame.attrs["level"] = level
    return frame
