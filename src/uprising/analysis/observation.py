"""The observation model: which model output measures which reported quantity, and how.

    rows = calibration_rows()                  # the calibration table, one dict per row
    obs = Observation("detentions during month", "2020-09", "Belarus", "3500",
                      "detentions", "sum", "2020-09-30", "2020-09-01")
    value = measure(obs, series)               # the model's figure for that report

The calibration table (``data/belarus_calibration.csv``, each row with its source) holds
what was reported about Belarus in 2019-22. A model run gives daily series of national
equivalents (lattice counts divided by the scale). To compare the two like for like,
each reported figure is matched to one series and one operation on it:

- ``at``: the series on the date ``end`` (a stock: political prisoners held on a date;
  a crowd: the people in the street that day);
- ``sum``: the sum of a daily flow over the days ``start`` to ``end``, both included
  (Viasna's monthly detentions: the daily detentions summed over the month);
- ``change``: a cumulative stock on ``end`` minus its value on the day before ``start``
  (departures since the election: the increase of ``emigrants``);
- ``compound``: a rate in percent per year compounded over the days, as the model's
  price index compounds it (`uprising.models.regime.step_index`): Dec/Dec inflation.

Each match says how the report relates to the model's figure (`RELATIONS`): an
``estimate`` of it, or a bound on it (``at_least``: the model's figure should be at least
the report, e.g. a city's crowd within the model's oblast; ``at_most``: at most). An
``offset`` adds to the model's figure what a report counts from before the run starts.
The Belarus scenarios' matches, and the rows no output measures, are in
`uprising.analysis.belarus_observations`; `uprising.analysis.compare` runs the model
and applies them to many seeds.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from uprising.models.regime import DAYS_PER_YEAR

CALIBRATION_FILE = "data/belarus_calibration.csv"
"""The calibration table, within the package `uprising.analysis`."""

HOWS = ("at", "sum", "change", "compound")
"""Operations on a series (see the module docstring)."""

HOW_KINDS = {
    "at": ("stock", "flow", "level"),
    "sum": ("flow",),
    "change": ("stock",),
    "compound": ("level",),
}
"""The kinds of series (`uprising.outputs.KINDS`) each operation applies to: a flow is
summed over a window, a cumulative stock differenced, a rate compounded."""

RELATIONS = ("estimate", "at_least", "at_most")
"""How a report relates to the model's figure: the model's figure is estimated by it,
should be at least it, or at most it."""


@dataclass(frozen=True)
class Observation:
    """One row of the calibration table and the model output that measures it.

    Attributes:
        quantity: The row's ``quantity`` (with ``date``, ``geography`` and ``value``
            it names the row).
        date: The row's ``date``, as written there.
        geography: The row's ``geography``.
        value: The row's ``value``, as written there.
        column: The series that measures it (a column of the run's series).
        how: ``at``, ``sum``, ``change`` or ``compound`` (`HOWS`).
        start: First day of a ``sum``, ``change`` or ``compound`` window (ISO date);
            None for ``at``.
        end: The day of an ``at``, or the last day of a window (ISO date).
        relation: ``estimate``, ``at_least`` or ``at_most`` (`RELATIONS`).
        offset: Added to the model's figure for what the report counts from before the
            run starts (persons), 0 otherwise.
        note: Why this output, this window and this relation.
    """

    quantity: str
    date: str
    geography: str
    value: str
    column: str
    how: str
    end: str
    start: str | None = None
    relation: str = "estimate"
    offset: float = 0.0
    note: str = ""

    def __post_init__(self) -> None:
        if self.how not in HOWS:
            raise ValueError(f"how must be one of {HOWS}, got {self.how!r}")
        if self.relation not in RELATIONS:
            raise ValueError(f"relation must be one of {RELATIONS}, got {self.relation!r}")
        if (self.start is None) != (self.how == "at"):
            raise ValueError(f"{self.quantity} {self.date}: a start date goes with a window")

    @property
    def key(self) -> tuple[str, str, str, str]:
        """The row it measures: (quantity, date, geography, value) as in the table."""
        return (self.quantity, self.date, self.geography, self.value)

    @property
    def first_day(self) -> dt.date:
        """First day the measure reads (``end`` for ``at``)."""
        return dt.date.fromisoformat(self.start or self.end)

    @property
    def last_day(self) -> dt.date:
        """Last day the measure reads."""
        return dt.date.fromisoformat(self.end)

    @property
    def window(self) -> str:
        """The days read, e.g. ``2020-08-16`` or ``2020-09-01..2020-09-30``."""
        return self.end if self.start is None else f"{self.start}..{self.end}"


def calibration_rows() -> list[dict[str, str]]:
    """The calibration table shipped with the package, one dict of strings per row."""
    path = resources.files("uprising.analysis").joinpath(CALIBRATION_FILE)
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def row_key(row: Mapping[str, str]) -> tuple[str, str, str, str]:
    """A table row's name: (quantity, date, geography, value) as written."""
    return (row["quantity"], row["date"], row["geography"], row["value"])


def reported(obs: Observation, rows: Sequence[Mapping[str, str]] | None = None) -> dict:
    """The table row an observation measures: value, low, high (floats), unit, source, note.

    Raises:
        KeyError: No row of the table has the observation's key.
    """
    table = calibration_rows() if rows is None else rows
    for row in table:
        if row_key(row) == obs.key:
            value = float(row["value"])
            low = float(row["low"]) if row["low"] else value
            high = float(row["high"]) if row["high"] else value
            return {
                "value": value,
                "low": min(low, value),
                "high": max(high, value),
                "unit": row["unit"],
                "source": row["source"],
                "note": row["note"],
            }
    raise KeyError(f"no calibration row {obs.key}")


def measure(obs: Observation, series: Mapping[str, Any]) -> float:
    """The model's figure for one observation, from one run's daily series.

    Args:
        obs: The observation.
        series: The run's columns: ``date`` (anything `numpy.datetime64` reads, one per
            day, consecutive) and ``obs.column``.

    Returns:
        The figure (with ``obs.offset`` added), or NaN when the run does not cover the
        days it reads (a ``change`` also needs the day before ``start``, unless ``start``
        is the run's first day, when the stock's value before the run is taken as 0).

    Raises:
        KeyError: The series lacks ``obs.column``.
    """
    dates = np.asarray(series["date"]).astype("datetime64[D]")
    values = np.asarray(series[obs.column], dtype=float)
    if len(dates) == 0:
        return math.nan
    first = (np.datetime64(obs.first_day, "D") - dates[0]).astype(int)
    last = (np.datetime64(obs.last_day, "D") - dates[0]).astype(int)
    if last >= len(dates) or first < 0:
        return math.nan
    if obs.how == "at":
        figure = values[last]
    elif obs.how == "sum":
        figure = float(values[first : last + 1].sum())
    elif obs.how == "change":
        before = values[first - 1] if first > 0 else 0.0
        figure = values[last] - before
    else:  # compound
        daily = (1.0 + values[first : last + 1] / 100.0) ** (1.0 / DAYS_PER_YEAR)
        figure = 100.0 * (float(np.prod(daily)) - 1.0)
    return float(figure) + obs.offset


def consistent(obs: Observation, low: float, high: float, value: float) -> bool:
    """Whether a reported value agrees with a model band [low, high] under the relation.

    ``estimate``: low <= value <= high; ``at_least`` (the model's figure should be at
    least the report): high >= value; ``at_most``: low <= value.
    """
    if obs.relation == "at_least":
        return high >= value
    if obs.relation == "at_most":
        return low <= value
    return low <= value <= high


__all__ = [
    "CALIBRATION_FILE",
    "HOWS",
    "HOW_KINDS",
    "RELATIONS",
    "Observation",
    "calibration_rows",
    "consistent",
    "measure",
    "reported",
    "row_key",
]
