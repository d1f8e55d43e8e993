"""Analyses of an ensemble in a `ResultsStore`: survival, channels of fall, fan charts.

    store = ResultsStore("results")
    fall_probability(store, "3f2a9c01b7de", "belarus-2020")     # P(fallen by each day)
    channel_split(store, "3f2a9c01b7de", "belarus-2020")        # how the regime fell
    fan_chart(store, "3f2a9c01b7de", "belarus-2020", "participants")

Every analysis uses the successful runs of one ensemble and scenario (`horizon_table`:
of each). It refuses, with `FailedRunsError`, when some runs of that ensemble and scenario
failed, unless ``allow_failed=True``: then it analyses the successful runs only and says
so in the result's ``attrs`` (``"failed"``: the number of failed runs left out). It raises
`UprisingError` when there is no successful run to analyse. Records must have been
ingested (`ResultsStore.ingest`) to count.

Every run lasts the same number of days and goes on after a fall, so the probability that
the regime has fallen by a date is the plain share of runs whose ``fall_date`` is on or
before that date (no censoring within the simulated window). Intervals are Wilson score
intervals (`wilson_interval`). The tables at yearly horizons are in
`uprising.analysis.horizons`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from uprising.errors import UprisingError
from uprising.models.belarus import CHANNELS
from uprising.store.duck import connect as duck_connect
from uprising.store.duck import parquet_scan
from uprising.store.results import ResultsStore
from uprising.store.series import union_columns

__all__ = [
    "FailedRunsError",
    "channel_split",
    "fall_probability",
    "fan_chart",
    "quantile_column",
    "wilson_interval",
]

HOLDS = "holds"
UNKNOWN_CHANNEL = "unknown"


class FailedRunsError(UprisingError):
    """Some runs of the ensemble failed, and the analysis was not told to leave them out.

    Attributes:
        ensemble_id: The ensemble.
        scenario: The scenario whose runs failed (None: several).
        failed: Number of failed runs.
        total: Number of recorded runs (failed and successful).
        first_error: The last line of the traceback of the first failed run (lowest k).
    """

    def __init__(
        self, ensemble_id: str, scenario: str | None, failed: int, total: int, first_error: str
    ) -> None:
        self.ensemble_id = ensemble_id
        self.scenario = scenario
        self.failed = failed
        self.total = total
        self.first_error = first_error
        which = f"ensemble {ensemble_id}" + (f" ({scenario})" if scenario else "")
        ok = total - failed
        super().__init__(
            f"{failed} of {total} runs of {which} failed (first error: {first_error}); "
            f"rerun, or pass allow_failed=True to analyse the {ok} ok runs only"
        )


def wilson_interval(successes: Any, n: Any, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a binomial proportion (element-wise).

    Computed by ``statsmodels.stats.proportion.proportion_confint(method="wilson")``
    (Wilson 1927, JASA 22: 209-212). With p = k / n and z the standard normal quantile of
    (1 + level) / 2::

        centre = (p + z^2 / 2n) / (1 + z^2 / n)
        half   = z / (1 + z^2 / n) * sqrt(p (1 - p) / n + z^2 / 4n^2)

    The bounds are set to exactly 0 when k = 0 and exactly 1 when k = n (the formula
    gives them up to rounding).

    Args:
        successes: Counts k (scalar or array).
        n: Trials (scalar or array, > 0).
        level: Confidence level, in (0, 1).

    Returns:
        ``(low, high)`` as float arrays (0-d for scalars).

    Raises:
        ValueError: ``level`` is not in (0, 1), or some n <= 0 or k outside [0, n].
    """
    from statsmodels.stats.proportion import proportion_confint

    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), not {level}")
    k = np.asarray(successes, dtype=float)
    trials = np.asarray(n, dtype=float)
    if np.any(trials <= 0) or np.any(k < 0) or np.any(k > trials):
        raise ValueError("wilson_interval needs n > 0 and 0 <= successes <= n")
    low, high = proportion_confint(k, trials, alpha=1.0 - level, method="wilson")
    low = np.where(k == 0, 0.0, np.clip(low, 0.0, 1.0))
    high = np.where(k == trials, 1.0, np.clip(high, 0.0, 1.0))
    return low, high


def fall_probability(
    store: ResultsStore,
    ensemble_id: str,
    scenario: str | None,
    dates: Iterable[Any] | None = None,
    *,
    allow_failed: bool = False,
    level: float = 0.95,
) -> pd.DataFrame:
    """Probability that the regime has fallen by each date (cumulative, with an interval).

    Args:
        store: The results store.
        ensemble_id: The ensemble.
        scenario: The scenario (as recorded in the runs); None when the ensemble has one.
        dates: Dates to evaluate (anything `pandas.to_datetime` reads), in the order
            given; default: every simulated day (read from the shards' ``date`` column).
        allow_failed: Analyse the successful runs when some failed.
        level: Confidence level of the Wilson interval.

    Returns:
        Columns ``date`` (datetime64), ``fallen`` (runs fallen on or before the date),
        ``n`` (successful runs), ``p`` (fallen / n), ``low``, ``high`` (Wilson interval).
        ``attrs``: ``ensemble_id``, ``scenario``, ``failed``, ``level``.

    Raises:
        FailedRunsError: Some runs failed and ``allow_failed`` is False.
        UprisingError: No successful run, or an unknown scenario.
    """
    runs = _scenario_runs(store, ensemble_id, scenario, allow_failed)
    if dates is None:
        first, last = _date_range(store, runs)
        when = np.arange(first, last + np.timedelta64(1, "D"), dtype="datetime64[D]")
    else:
        when = pd.to_datetime(list(dates)).values.astype("datetime64[D]")
    falls = _fall_dates(runs.ok)
    fallen = np.searchsorted(falls, when, side="right")
    n = len(runs.ok)
    low, high = wilson_interval(fallen, n, level)
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(when),
            "fallen": fallen.astype(np.int64),
            "n": np.full(len(when), n, dtype=np.int64),
            "p": fallen / n,
            "low": low,
            "high": high,
        }
    )
    frame.attrs.update(runs.attrs(level=level))
    return frame


def channel_split(
    store: ResultsStore,
    ensemble_id: str,
    scenario: str | None,
    *,
    at: Any = None,
    allow_failed: bool = False,
) -> pd.DataFrame:
    """How the runs ended: count and share of each channel of fall, and of ``holds``.

    Args:
        store: The results store.
        ensemble_id: The ensemble.
        scenario: The scenario; None when the ensemble has one.
        at: Count falls on or before this date only (later falls count as ``holds``);
            default: the end of the runs.
        allow_failed: Analyse the successful runs when some failed.

    Returns:
        Columns ``channel``, ``count``, ``share`` (count / successful runs). One row per
        channel of `uprising.models.belarus.CHANNELS` (zero counts included), then
        ``holds``, then any other channel recorded (``unknown`` for a fall without one).
        ``attrs``: ``ensemble_id``, ``scenario``, ``failed``.

    Raises:
        FailedRunsError: Some runs failed and ``allow_failed`` is False.
        UprisingError: No successful run, or an unknown scenario.
    """
    runs = _scenario_runs(store, ensemble_id, scenario, allow_failed)
    limit = None if at is None else np.datetime64(pd.Timestamp(at).date(), "D")
    labels = _end_labels(runs.ok, limit)
    counts = labels.value_counts()
    order = [*CHANNELS, HOLDS]
    order += sorted(str(label) for label in counts.index if label not in order)
    values = np.array([int(counts.get(label, 0)) for label in order], dtype=np.int64)
    frame = pd.DataFrame({"channel": order, "count": values, "share": values / len(runs.ok)})
    frame.attrs.update(runs.attrs())
    return frame


def fan_chart(
    store: ResultsStore,
    ensemble_id: str,
    scenario: str | None,
    column: str,
    quantiles: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95),
    *,
    allow_failed: bool = False,
    holding: bool = False,
    window: int = 1,
) -> pd.DataFrame:
    """Quantiles across runs of one series column, day by day.

    Computed by DuckDB over the shards (the series are not loaded into memory), with
    linear interpolation between order statistics (as `numpy.quantile`'s default).
    With ``holding`` a run counts only on the days before its fall (the regime that the
    series describe is gone after it), so ``n`` is the number of runs still going and
    the frame ends on the last day some run holds. With ``window`` > 1 each run's value
    on a day is its sum over the last ``window`` days (for flows: detentions per 30 days
    rather than a daily count that a small scale makes come in steps of 1 / scale); the
    first ``window - 1`` days have no full window and are left out.

    Args:
        store: The results store.
        ensemble_id: The ensemble.
        scenario: The scenario; None when the ensemble has one.
        column: A numeric series column, e.g. ``participants``.
        quantiles: Probabilities in [0, 1].
        allow_failed: Analyse the successful runs when some failed.
        holding: Count each run only on the days before its fall.
        window: Days of the rolling sum of each run's values (1: the daily values).

    Returns:
        Columns ``date`` (datetime64), then one per quantile named by `quantile_column`
        (``q5``, ``q25``, ``q50``, ``q75``, ``q95`` by default), then ``n`` (runs with a
        value that day). ``attrs``: ``ensemble_id``, ``scenario``, ``failed``,
        ``column``, ``quantiles``, ``holding``, ``window``.

    Raises:
        FailedRunsError: Some runs failed and ``allow_failed`` is False.
        UprisingError: No successful run, an unknown scenario or column, or a
            quantile outside [0, 1].
    """
    qs = [float(q) for q in quantiles]
    if not qs or any(not 0.0 <= q <= 1.0 for q in qs):
        raise UprisingError(f"quantiles must be in [0, 1]: {list(quantiles)}")
    names = [quantile_column(q) for q in qs]
    if len(set(names)) != len(names):
        raise UprisingError(f"repeated quantiles: {list(quantiles)}")
    runs = _scenario_runs(store, ensemble_id, scenario, allow_failed)
    files = _files(store, runs)
    available = [c for c in union_columns(files) if c not in ("run_id", "date")]
    if column not in available:
        raise UprisingError(
            f"no series column {column!r} in ensemble {ensemble_id}; "
            f"columns: {', '.join(available)}"
        )
    if isinstance(window, bool) or int(window) != window or window < 1:
        raise UprisingError(f"window must be a whole number of days >= 1: {window!r}")
    ident = '"' + column.replace('"', '""') + '"'
    probabilities = "[" + ", ".join(repr(q) for q in qs) + "]"
    values_sql = f"SELECT run_id, date, {ident}::DOUBLE AS v FROM {parquet_scan(files)}"
    if window > 1:
        frame_clause = f"ROWS BETWEEN {int(window) - 1} PRECEDING AND CURRENT ROW"
        values_sql = (
            f"SELECT run_id, date, CASE WHEN count(v) OVER w = {int(window)} "
            f"THEN sum(v) OVER w END AS v FROM ({values_sql}) "
            f"WINDOW w AS (PARTITION BY run_id ORDER BY date {frame_clause})"
        )
    if holding:
        values_sql = (
            f"SELECT s.run_id, s.date, s.v FROM ({values_sql}) s "
            "LEFT JOIN falls f ON s.run_id = f.run_id WHERE f.fall IS NULL OR s.date < f.fall"
        )
    having = " HAVING count(v) > 0" if holding or window > 1 else ""
    sql = (
        f"SELECT date, quantile_cont(v, {probabilities}) AS q, count(v) AS n "
        f"FROM ({values_sql}) GROUP BY date{having} ORDER BY date"
    )
    con = duck_connect()
    try:
        if holding:
            falls = pd.DataFrame(
                {
                    "run_id": runs.ok["run_id"].astype(str).to_numpy(),
                    "fall": pd.to_datetime(runs.ok["fall_date"]).dt.date.to_numpy(),
                }
            )
            con.register("falls", falls)
        result = con.execute(sql).fetchall()
    except duckdb.Error as exc:
        raise UprisingError(f"cannot compute quantiles of {column!r}: {exc}") from exc
    finally:
        con.close()
    values = np.array(
        [q if q is not None else [math.nan] * len(qs) for _, q, _ in result], dtype=float
    ).reshape(len(result), len(qs))
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(np.array([r[0] for r in result], dtype="datetime64[D]")),
            **{name: values[:, i] for i, name in enumerate(names)},
            "n": np.array([r[2] for r in result], dtype=np.int64),
        }
    )
    frame.attrs.update(
        runs.attrs(column=column, quantiles=tuple(qs), holding=holding, window=int(window))
    )
    return frame


def quantile_column(q: float) -> str:
    """Name of a quantile's column in `fan_chart`: 0.05 -> ``q5``, 0.025 -> ``q2.5``."""
    return f"q{round(100 * float(q), 6):g}"


# -- internals ------------------------------------------------------------------------------


class _Runs:
    """The recorded runs of one ensemble and scenario, split into ok and failed."""

    def __init__(self, ensemble_id: str, scenario: str, ok: pd.DataFrame, failed: int) -> None:
        self.ensemble_id = ensemble_id
        self.scenario = scenario
        self.ok = ok
        self.failed = failed

    def attrs(self, **extra: Any) -> dict[str, Any]:
        return {
            "ensemble_id": self.ensemble_id,
            "scenario": self.scenario,
            "failed": self.failed,
            **extra,
        }


def select_scenario(
    store: ResultsStore,
    runs: pd.DataFrame,
    ensemble_id: str,
    scenario: str | None,
    *,
    how_to_name: str = "name one",
) -> str:
    """The scenario of ``runs`` (an ensemble's runs) that an analysis is about.

    ``scenario`` None takes the ensemble's only scenario; ``how_to_name`` ends the error
    when there are several.

    Raises:
        UprisingError: No runs, several scenarios and none named, or an unknown one.
    """
    if runs.empty:
        raise UprisingError(
            f"no runs of ensemble {ensemble_id} in {store.directory} "
            "(run the ensemble, or ingest its records)"
        )
    scenarios = list(dict.fromkeys(runs["scenario"]))
    if scenario is None:
        if len(scenarios) != 1:
            raise UprisingError(
                f"ensemble {ensemble_id} has several scenarios ({', '.join(map(str, scenarios))})"
                f": {how_to_name}"
            )
        return scenarios[0]
    if scenario not in scenarios:
        raise UprisingError(
            f"no runs of scenario {scenario!r} in ensemble {ensemble_id}; "
            f"scenarios: {', '.join(map(str, scenarios))}"
        )
    return scenario


def _scenario_runs(
    store: ResultsStore,
    ensemble_id: str,
    scenario: str | None,
    allow_failed: bool,
    *,
    runs: pd.DataFrame | None = None,
) -> _Runs:
    if runs is None:
        runs = store.runs(ensemble_id)
    scenario = select_scenario(store, runs, ensemble_id, scenario)
    mine = runs[runs["scenario"] == scenario]
    failed = mine[mine["status"] == "failed"]
    if len(failed) and not allow_failed:
        first = failed.sort_values("k").iloc[0]
        raise FailedRunsError(
            ensemble_id, scenario, len(failed), len(mine), _last_line(first["error"])
        )
    ok = mine[mine["status"] == "ok"].reset_index(drop=True)
    if ok.empty:
        raise UprisingError(
            f"no successful runs of {scenario!r} in ensemble {ensemble_id} ({len(failed)} failed)"
        )
    return _Runs(ensemble_id, str(scenario), ok, len(failed))


def _last_line(error: Any) -> str:
    if not isinstance(error, str) or not error.strip():
        return "no traceback recorded"
    return error.strip().splitlines()[-1].strip()


def _files(store: ResultsStore, runs: _Runs) -> list[Any]:
    paths = [store.shard_path(run_id) for run_id in runs.ok["run_id"]]
    files = [path for path in paths if path.is_file()]
    if not files:
        raise UprisingError(
            f"the series shards of {runs.scenario!r} in ensemble {runs.ensemble_id} "
            f"are missing from {store.shards}"
        )
    return files


def _date_range(store: ResultsStore, runs: _Runs) -> tuple[np.datetime64, np.datetime64]:
    """First and last simulated day of the runs, from their shards' ``date`` column."""
    files = _files(store, runs)
    con = duck_connect()
    try:
        first, last = con.execute(
            f"SELECT min(date), max(date) FROM {parquet_scan(files)}"
        ).fetchone()
    except duckdb.Error as exc:
        raise UprisingError(f"cannot read the series shards in {store.shards}: {exc}") from exc
    finally:
        con.close()
    if first is None:
        raise UprisingError(f"the series of ensemble {runs.ensemble_id} have no dates")
    return np.datetime64(first, "D"), np.datetime64(last, "D")


def _fall_dates(ok: pd.DataFrame) -> np.ndarray:
    """Sorted fall dates (datetime64[D]) of the runs that fell."""
    fell = ok[(ok["outcome"] == "falls") & ok["fall_date"].notna()]
    return np.sort(fell["fall_date"].to_numpy().astype("datetime64[D]"))


def _end_labels(ok: pd.DataFrame, limit: np.datetime64 | None) -> pd.Series:
    """Per run: its channel of fall (by ``limit`` when given), or ``holds``."""
    fell = (ok["outcome"] == "falls").to_numpy(dtype=bool, copy=True)
    if limit is not None:
        dates = ok["fall_date"].to_numpy().astype("datetime64[D]")
        fell &= ~np.isnat(dates) & (dates <= limit)
    channel = ok["channel"].astype(object).where(ok["channel"].notna(), UNKNOWN_CHANNEL)
    return pd.Series(np.where(fell, channel.to_numpy(dtype=object), HOLDS), dtype=object)
