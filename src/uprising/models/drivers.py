"""Exogenous, dated paths of a Belarus scenario, one value per day of the run.

A scenario's `[[events]]` become daily arrays before the run starts:

- levels (`russian_support`, `sanctions`, `western_recognition`,
  `opposition_readiness`, `police_surge`): a jump to ``value`` on ``date``, or with
  ``until`` a linear ramp from the level in force the day before ``date`` to ``value``
  on ``until``, kept afterwards;
- `legitimacy_shock`: an additive jump of legitimacy (and of the level it recovers
  to) on ``date``;
- windows (`internet_shutdown`, `troops_abroad`): 1 on every day from ``date`` to
  ``until`` inclusive (``date`` alone without ``until``; `troops_abroad` without
  ``until`` lasts to the end);
- `protest_call`: a call to protest of strength ``value`` on ``date``, or on every day
  from ``date`` to ``until`` whose weekday is ``weekday`` (0 = Monday ... 6 = Sunday).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from uprising.scenarios.belarus_schema import LEVEL_VARIABLES

LEVELS = tuple(sorted(LEVEL_VARIABLES))  # the schema's list: one place to add a level
WINDOWS = ("internet_shutdown", "troops_abroad")
SHOCKS = ("legitimacy_shock",)
CALLS = ("protest_call",)
VARIABLES = LEVELS + WINDOWS + SHOCKS + CALLS


@dataclass(frozen=True)
class Drivers:
    """Daily exogenous paths (arrays of length ``days``; index 0 is the start date)."""

    start: dt.date
    paths: dict[str, np.ndarray]

    def on(self, day: int) -> dict[str, float]:
        """Every variable's value on day ``day`` (0-based)."""
        return {name: float(values[day]) for name, values in self.paths.items()}

    def date(self, day: int) -> dt.date:
        """Calendar date of day ``day`` (0-based)."""
        return self.start + dt.timedelta(days=day)


def build_drivers(
    start: dt.date, days: int, initial: dict[str, float], events: Iterable[Any]
) -> Drivers:
    """Turn dated events into daily paths.

    Args:
        start: the run's first date.
        days: the run's length in days.
        initial: the level of every variable of `LEVELS` before any event.
        events: objects with ``variable``, ``date``, ``value`` and optional ``until``
            and ``weekday`` attributes, in any order (applied by date, then as given).

    Returns:
        The daily paths of every variable of `VARIABLES`.
    """
    paths = {name: np.full(days, float(initial.get(name, 0.0))) for name in LEVELS}
    for name in WINDOWS + SHOCKS + CALLS:
        paths[name] = np.zeros(days)

    def index(date: dt.date) -> int:
        return (date - start).days

    for event in sorted(events, key=lambda e: e.date):
        first = index(event.date)
        until = getattr(event, "until", None)
        last = index(until) if until is not None else None
        values = paths[event.variable]
        if first >= days:
            continue  # after the horizon: it does not happen in this run
        if event.variable in LEVELS:
            if last is None or last <= first:
                values[max(first, 0) :] = event.value
            else:
                before = values[first - 1] if first > 0 else values[0]
                span = np.arange(first, min(last, days - 1) + 1)
                values[span] = before + (event.value - before) * (span - first + 1) / (
                    last - first + 1
                )
                values[last + 1 :] = event.value
        elif event.variable in SHOCKS:
            if 0 <= first < days:
                values[first] += event.value
        elif event.variable in WINDOWS:
            end = (
                last
                if last is not None
                else (days - 1 if event.variable == "troops_abroad" else first)
            )
            values[max(first, 0) : min(end, days - 1) + 1] = event.value
        else:  # protest_call
            weekday = getattr(event, "weekday", None)
            end = last if last is not None else first
            for day in range(max(first, 0), min(end, days - 1) + 1):
                if weekday is None or (start + dt.timedelta(days=day)).weekday() == weekday:
                    values[day] = event.value  # the call's strength
    return Drivers(start=start, paths=paths)


__all__ = ["CALLS", "LEVELS", "SHOCKS", "VARIABLES", "WINDOWS", "Drivers", "build_drivers"]
