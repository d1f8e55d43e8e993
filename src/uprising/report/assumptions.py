"""What each scenario of a report assumes, and what differs between the scenarios compared.

- `assumptions(rebuilt)`: a scenario's description and its events (date, end, weekday,
  driver, value, unit, name and source), as the page lists them.
- `differences(rebuilt)`: the events and parameters whose values are not the same in
  every scenario of the report, one row each with the value in each scenario (``absent``
  for an event a scenario lacks). The seed is per run and left out.

Both take scenarios rebuilt by `uprising.report.rebuild.rebuild` (None: not rebuilt,
left out).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from uprising.report.format import code, value_text

__all__ = ["assumptions", "differences"]

ABSENT = "absent"
"""The cell of an event that a scenario does not have."""


def assumptions(scenario: Any) -> dict[str, Any] | None:
    """The description and the event rows of a rebuilt scenario (None: not rebuilt)."""
    if scenario is None:
        return None
    rows = [
        [
            event.date.isoformat(),
            event.until.isoformat() if event.until else "-",
            "-" if event.weekday is None else str(event.weekday),
            code(event.variable),
            value_text(event.value),
            _unit(event.variable),
            event.name,
            event.source,
        ]
        for event in getattr(scenario, "events", ())
    ]
    return {"description": str(getattr(scenario, "description", "") or ""), "events": rows}


def differences(rebuilt: Mapping[str, Any]) -> dict[str, Any] | None:
    """Rows of what differs between the scenarios (label -> scenario; None: left out).

    Returns:
        ``{"header": [...], "rows": [...]}``, or None with fewer than two scenarios.
    """
    from uprising.scenarios import describe_parameters

    shown = {label: scenario for label, scenario in rebuilt.items() if scenario is not None}
    if len(shown) < 2:
        return None
    labels = list(shown)
    rows: list[list[Any]] = []
    events = {label: {e.name: _event_text(e) for e in shown[label].events} for label in labels}
    names = list(dict.fromkeys(name for label in labels for name in events[label]))
    for name in names:
        cells = [events[label].get(name, ABSENT) for label in labels]
        if len(set(cells)) > 1:
            rows.append([f"event: {name}", *cells])
    values = {
        label: {
            info.path: value_text(info.value)
            for info in describe_parameters(shown[label])
            if info.path != "run.seed"
        }
        for label in labels
    }
    paths = list(dict.fromkeys(path for label in labels for path in values[label]))
    for path in paths:
        cells = [values[label].get(path, "-") for label in labels]
        if len(set(cells)) > 1:
            rows.append([code(path), *cells])
    return {"header": ["what", *labels], "rows": rows}


def _event_text(event: Any) -> str:
    span = f" to {event.until.isoformat()}" if event.until else ""
    weekday = f" (weekday {event.weekday})" if event.weekday is not None else ""
    return f"{event.date.isoformat()}{span}{weekday}: {event.variable} = {value_text(event.value)}"


def _unit(variable: str) -> str:
    from uprising.scenarios.belarus.drivers import DRIVERS

    return str(getattr(DRIVERS[variable], "unit", "")) if variable in DRIVERS else ""
