"""Overrides of a validated scenario: ``--set name=value`` and the run control.

- `apply_overrides(scenario, ["grid.width=200", ...])`: a re-validated copy; a Belarus
  parameter set this way records ``--set ...`` as its source.
- `with_run(scenario, seed=..., steps=...)`: the seed and the length (``run.steps`` or
  ``run.days``, after the family) replaced.
- `parse_value`: the value of a ``name=value`` override.
- `entry_index`: which entry of a list (``events``) a path part names, by number or name.

Every failure raises `ScenarioError` naming the override and the field.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import ValidationError

from uprising.errors import ScenarioError
from uprising.scenarios.belarus import BelarusScenario
from uprising.scenarios.bounds import check_runnable
from uprising.scenarios.families import family_of
from uprising.scenarios.messages import describe_error
from uprising.scenarios.schema import Scenario

__all__ = ["apply_overrides", "entry_index", "parse_value", "with_run"]

_S = TypeVar("_S", Scenario, BelarusScenario)


def parse_value(text: str) -> bool | int | float | str:
    """Parse the value of a ``name=value`` override.

    ``true``/``false`` become booleans, integers become int, other numbers float, and
    anything else a string (surrounding quotes removed), such as ``floor``,
    ``infinite`` or a date ``2021-01-01``.
    """
    value = text.strip()
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    if re.fullmatch(r"[+-]?\d+", value):
        try:
            return int(value)
        except ValueError:  # over 4,300 digits: left as text, which the schema refuses
            return value
    try:
        return float(value)
    except ValueError:
        pass
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def apply_overrides(scenario: _S, overrides: Sequence[str], *, source: str | None = None) -> _S:
    """Return a re-validated copy of ``scenario`` with ``name=value`` overrides applied.

    Args:
        scenario: The scenario to start from (either model family).
        overrides: Strings such as ``"grid.width=200"``, ``"rules.ratio_rule=literal"``,
            ``"jail.max_term=infinite"``, ``"run.scale=0.02"``, ``"run.start=2020-09-01"``
            or ``"timeline.0.value=0.5"`` / ``"events.0.value=0.5"`` (a number indexes a
            ``[[timeline]]`` or, in date order, an ``[[events]]`` entry; an event may also
            be named: ``"events.Russia defeated.value=0.5"``). Values are parsed by
            `parse_value`.
        source: Name used in error messages; default the scenario's name.

    Returns:
        The new scenario, of the same family (the input is unchanged).

    Raises:
        ScenarioError: A malformed override, or a name or value the schema refuses;
            the message names the override.
    """
    if not overrides:
        return scenario
    family = family_of(scenario)
    schema = family.schema
    label = source or scenario.name
    data = scenario.model_dump(mode="json", exclude_none=True)
    paths: list[tuple[tuple[str, ...], str]] = []
    recorded = family.source_paths()
    for override in overrides:
        name, sep, raw = override.partition("=")
        path = tuple(part.strip() for part in name.split("."))
        if not sep or not all(path):
            example = family.override_example
            raise ScenarioError(f"{label}: --set {override}: expected name=value, e.g. {example}")
        _assign(data, path, parse_value(raw), f"{label}: --set {override}")
        paths.append((path, override))
        if ".".join(path) in recorded:
            # The value no longer comes from the file: say so in `describe_parameters`.
            data.setdefault("sources", {})[".".join(path)] = f"--set {override.strip()}"
    try:
        result = schema.model_validate(data)
    except ValidationError as exc:
        details = []
        for error in exc.errors(include_url=False):
            loc = tuple(str(part) for part in error["loc"])
            culprits = [text for path, text in paths if _related(path, loc)] or [
                text for _, text in paths
            ]
            details.append(f"--set {', '.join(culprits)}: {describe_error(error, schema)}")
        raise ScenarioError(f"{label}: {'; '.join(details)}") from None
    check_runnable(result, f"{label}: --set {', '.join(overrides)}")
    return result


def with_run(scenario: _S, *, seed: int | None = None, steps: int | None = None) -> _S:
    """Return a re-validated copy with the run control (``[run]``) replaced where given.

    Args:
        scenario: The scenario to start from (either model family).
        seed: New ``run.seed``, or None to keep it.
        steps: New length, or None to keep it: ``run.steps`` (Epstein, ticks) or
            ``run.days`` (Belarus; one tick is one day).

    Raises:
        ScenarioError: A value out of range; the message names ``--seed`` or ``--steps``.
    """
    length = family_of(scenario).length_field
    changes = {
        name: value for name, value in (("seed", seed), (length, steps)) if value is not None
    }
    if not changes:
        return scenario
    schema = type(scenario)
    data = scenario.model_dump(mode="json", exclude_none=True)
    data["run"].update(changes)
    try:
        result = schema.model_validate(data)
    except ValidationError as exc:
        option = {"seed": "--seed", length: "--steps"}
        details = []
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            if len(loc) == 2 and loc[0] == "run" and loc[1] in option:
                culprit = option[str(loc[1])]
            else:  # e.g. an event now outside a shorter run
                culprit = ", ".join(option[name] for name in changes)
            details.append(f"{culprit}: {describe_error(error, schema)}")
        raise ScenarioError(f"{scenario.name}: {'; '.join(details)}") from None
    options = {"seed": "--seed", length: "--steps"}
    check_runnable(result, f"{scenario.name}: {', '.join(options[name] for name in changes)}")
    return result


def entry_index(entries: Sequence[Any], key: str) -> int | None:
    """The index of the list entry ``key`` names: its number, or its ``name`` field.

    ``events.3.value`` and ``events.Russia defeated.value`` both address an event; a
    number counts from 0 in the list's order (events in date order). None when no entry
    matches.
    """
    if key.isdigit():
        return int(key) if int(key) < len(entries) else None
    for index, entry in enumerate(entries):
        if isinstance(entry, dict) and str(entry.get("name", "")).strip() == key:
            return index
    return None


def _assign(data: dict[str, Any], path: tuple[str, ...], value: Any, context: str) -> None:
    node: Any = data
    for depth, key in enumerate(path):
        last = depth == len(path) - 1
        where = ".".join(path[: depth + 1])
        if isinstance(node, list):
            index = entry_index(node, key)
            if index is None:
                names = [str(e["name"]) for e in node if isinstance(e, dict) and "name" in e]
                named = f"; by name: {', '.join(names)}" if names else ""
                raise ScenarioError(
                    f"{context}: {where}: no such entry (there are {len(node)}, numbered "
                    f"from 0{named})"
                )
            if last:
                node[index] = value
            else:
                node = node[index]
        elif isinstance(node, dict):
            if last:
                node[key] = value
            else:
                node = node.setdefault(key, {})
        else:
            parent = ".".join(path[:depth])
            raise ScenarioError(f"{context}: {parent} is a value, not a section")


def _related(override_path: tuple[str, ...], loc: tuple[str, ...]) -> bool:
    n = min(len(override_path), len(loc))
    return n > 0 and override_path[:n] == loc[:n]
