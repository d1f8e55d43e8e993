"""Exogenous, dated paths of a Belarus scenario, one value per day of the run.

A scenario's `[[events]]` become daily arrays before the run starts. Every variable of
`uprising.scenarios.belarus.drivers.DRIVERS` has a path, which starts at the variable's
baseline and follows its events by the rule of the variable's kind (`KINDS` there):

- ``ramp``: the level ``value`` from ``date`` on, or with ``until`` a linear ramp from
  the level in force the day before ``date`` to ``value`` on ``until``, kept afterwards;
- ``jump``: a setting jump (``troops_abroad``) holds ``value`` from ``date`` on; an
  additive one (``legitimacy_shock``) adds ``value`` to the path on ``date`` only (the
  model applies the day's increment, so shocks on one date add up);
- ``window``: ``value`` on every day from ``date`` to ``until`` inclusive (``date``
  alone without ``until``);
- ``call``: ``value`` (the call's strength) on ``date``, or on every day from ``date``
  to ``until`` whose weekday is ``weekday`` (0 = Monday ... 6 = Sunday), or on every
  day of that span without a weekday.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from uprising.scenarios.belarus.drivers import DRIVERS


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
        initial: the value of each variable before any event
            (`uprising.scenarios.belarus.drivers.baseline`); a variable left out starts
            at 0.
        events: objects with ``variable``, ``date``, ``value`` and optional ``until``
            and ``weekday`` attributes, in any order (applied by date, then as given).

    Returns:
        The daily path of every variable of `DRIVERS`.
    """
    paths = {name: np.full(days, float(initial.get(name, 0.0))) for name in DRIVERS}

    def index(date: dt.date) -> int:
        return (date - start).days

    for event in sorted(events, key=lambda e: e.date):
        first = index(event.date)
        until = getattr(event, "until", None)
        last = index(until) if until is not None else None
        values = paths[event.variable]
        driver = DRIVERS[event.variable]
        if first >= days:
            continue  # after the horizon: it does not happen in this run
        if driver.sets_level:
            if last is None or last <= first:
                values[max(first, 0) :] = event.value
            else:
                before = values[first - 1] if first > 0 else values[0]
                span = np.arange(first, min(last, days - 1) + 1)
                values[span] = before + (event.value - before) * (span - first + 1) / (
                    last - first + 1
                )
                values[last + 1 :] = event.value
        elif driver.kind == "jump":  # additive
            if 0 <= first < days:
                values[first] += event.value
        elif driver.kind == "window":
            end = last if last is not None else first
            values[max(first, 0) : min(end, days - 1) + 1] = event.value
        else:  # call
            weekday = getattr(event, "weekday", None)
            end = last if last is not None else first
            for day in range(max(first, 0), min(end, days - 1) + 1):
                if weekday is None or (start + dt.timedelta(days=day)).weekday() == weekday:
                    values[day] = event.value  # the call's strength
    return Drivers(start=start, paths=paths)


__all__ = ["Drivers", "build_drivers"]
