"""The scenario an ensemble's runs used, rebuilt and checked against the recorded hash."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NamedTuple

import pandas as pd

from uprising.errors import UprisingError
from uprising.report.format import first, json_value, present
from uprising.report.selection import Group

__all__ = ["STORED", "Rebuilt", "rebuild", "scenario_sources", "stored_text", "varied"]


class Rebuilt(NamedTuple):
    """A scenario rebuilt for the report, and how it was found (the page says so).

    Attributes:
        scenario: The scenario with the runs' scale and days (None: not rebuilt).
        status: ``"match"`` (its hash is the recorded one), ``"differs"`` (it loads but
            its hash differs) or ``"missing"`` (nothing named loads).
        source: The name or path it was loaded from (None when missing).
        recorded: The recorded ``scenario_hash``, first 16 digits.
        actual: The rebuilt scenario's hash, first 16 digits (empty when missing).
        varied: The varied parameters' names, for a scenario that cannot be rebuilt.
        note: Why the runs' scale and days could not be applied (empty: they were).
    """

    scenario: Any
    status: str
    source: str | None
    recorded: str = ""
    actual: str = ""
    varied: str = ""
    note: str = ""


def rebuild(group: Group, ensemble: Mapping[str, Any]) -> Rebuilt:
    """The scenario the runs used (design point aside), and how it was found.

    The scenario's text stored with the ensemble comes first (`stored_text`); then the
    scenarios named in the ensemble's definition and the recorded scenario name; the
    first whose `scenario_hash` equals the recorded hash wins. A scenario that loads but
    whose hash differs is shown with a warning.
    """
    from uprising.scenarios import apply_overrides, load_scenario, loads_scenario, scenario_hash

    recorded = first(group.runs["scenario_hash"])
    candidates = [*scenario_sources(ensemble), group.scenario]
    found: Rebuilt | None = None
    text = stored_text(ensemble, group.scenario)
    if text is not None:
        try:
            scenario = loads_scenario(text, source=f"{group.scenario} (stored)")
        except UprisingError:
            scenario = None
        if scenario is not None and scenario_hash(scenario) == recorded:
            found = Rebuilt(scenario, "match", STORED, recorded[:16], recorded[:16])
            candidates = []
    for source in dict.fromkeys(candidates):
        try:
            scenario = load_scenario(source)
        except UprisingError:
            continue
        if scenario.name != group.scenario and source != group.scenario:
            continue
        digest = scenario_hash(scenario)
        if recorded and digest == recorded:
            found = Rebuilt(scenario, "match", source, recorded[:16], digest[:16])
            break
        if found is None:
            found = Rebuilt(scenario, "differs", source, str(recorded)[:16], digest[:16])
    if found is None:
        names = ", ".join(sorted(varied(group.runs))) or "none"
        return Rebuilt(None, "missing", None, str(recorded)[:16], varied=names)
    scale, days = first(group.runs["scale"]), first(group.runs["days"])
    overrides = []
    if present(scale):
        overrides.append(f"run.scale={float(scale)!r}")
    if present(days):
        overrides.append(f"run.days={int(days)}")
    try:
        return found._replace(scenario=apply_overrides(found.scenario, overrides))
    except UprisingError as exc:
        return found._replace(note=str(exc))


STORED = "the text stored with the ensemble"
"""`Rebuilt.source` of a scenario rebuilt from the store's own copy of its text."""


def stored_text(ensemble: Mapping[str, Any], scenario: str) -> str | None:
    """The TOML text of ``scenario`` kept in the ensemble's definition, if there is one."""
    definition = json_value(ensemble.get("definition"))
    if not isinstance(definition, Mapping):
        return None
    for entry in definition.get("scenarios") or []:
        if isinstance(entry, Mapping) and entry.get("name") == scenario:
            text = entry.get("toml")
            return text if isinstance(text, str) else None
    return None


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
