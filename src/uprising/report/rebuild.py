"""The scenario an ensemble's runs used, rebuilt and checked against the recorded hash."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NamedTuple

import pandas as pd
from markupsafe import Markup

from uprising.errors import UprisingError
from uprising.report.format import escape, first, json_value, present
from uprising.report.selection import Group

__all__ = ["Rebuilt", "rebuild", "scenario_sources", "varied"]


class Rebuilt(NamedTuple):
    """A scenario rebuilt for the report (None if it could not be), how, and from what."""

    scenario: Any
    how: Markup
    source: str | None


def rebuild(group: Group, ensemble: Mapping[str, Any]) -> Rebuilt:
    """The scenario the runs used (design point aside) and a sentence on how it was found.

    Candidates are the scenarios named in the ensemble's definition and the recorded
    scenario name; the first whose `scenario_hash` equals the recorded hash wins. A
    scenario that loads but whose hash differs is shown with a warning.
    """
    from uprising.scenarios import apply_overrides, load_scenario, scenario_hash

    recorded = first(group.runs["scenario_hash"])
    candidates = [*scenario_sources(ensemble), group.scenario]
    loaded = found = None
    how = Markup("")
    for source in dict.fromkeys(candidates):
        try:
            scenario = load_scenario(source)
        except UprisingError:
            continue
        if scenario.name != group.scenario and source != group.scenario:
            continue
        if recorded and scenario_hash(scenario) == recorded:
            found, loaded = source, scenario
            how = Markup(
                f"Rebuilt from <code>{escape(source)}</code>; its hash equals the recorded "
                f"<code>scenario_hash</code> <code>{escape(recorded[:16])}</code>."
            )
            break
        if loaded is None:
            found, loaded = source, scenario
            how = Markup(
                f'<span class="warning"><strong>Rebuilt from <code>{escape(source)}</code>, but '
                f"its hash <code>{escape(scenario_hash(scenario)[:16])}</code> differs from "
                f"the recorded <code>{escape(str(recorded)[:16])}</code></strong>: the "
                "scenario changed since the runs; the values below may not be those the runs "
                "used.</span>"
            )
    if loaded is None:
        names = ", ".join(sorted(varied(group.runs))) or "none"
        how = Markup(
            f"The scenario <code>{escape(group.scenario)}</code> cannot be rebuilt here (not "
            "a built-in, and no file named in the ensemble loads): only the parameters "
            f"recorded with the runs are shown (varied parameters: {escape(names)})."
        )
        return Rebuilt(None, how, None)
    scale, days = first(group.runs["scale"]), first(group.runs["days"])
    overrides = []
    if present(scale):
        overrides.append(f"run.scale={float(scale)!r}")
    if present(days):
        overrides.append(f"run.days={int(days)}")
    try:
        loaded = apply_overrides(loaded, overrides)
    except UprisingError as exc:
        how += Markup(f" (scale and days of the runs not applied: {escape(exc)})")
    return Rebuilt(loaded, how, found)


def scenario_sources(ensemble: Mapping[str, Any]) -> list[str]:
    """Scenario names or paths named in an ensemble's row (``scenarios``, ``definition``)."""
    found: list[str] = []

    def take(value: Any) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, Mapping):
            for key in ("source", "path", "scenario", "name"):
                if isinstance(value.get(key), str):
                    found.append(value[key])
        elif isinstance(value, list | tuple):
            for item in value:
                take(item)

    take(json_value(ensemble.get("scenarios")))
    definition = json_value(ensemble.get("definition"))
    if isinstance(definition, Mapping):
        take(definition.get("scenarios"))
    return found


def varied(runs: pd.DataFrame) -> dict[str, tuple[Any, Any, int]]:
    """Varied parameter -> (lowest, highest, number of distinct values) over the runs."""
    values: dict[str, list[Any]] = {}
    for raw in runs["parameters"]:
        parameters = json_value(raw) or {}
        if isinstance(parameters, Mapping):
            for name, value in parameters.items():
                values.setdefault(str(name), []).append(value)
    summary = {}
    for name, seen in values.items():
        try:
            low, high = min(seen), max(seen)
        except TypeError:
            low, high = seen[0], seen[-1]
        summary[name] = (low, high, len({json.dumps(v, default=str) for v in seen}))
    return summary
