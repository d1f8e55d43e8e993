"""What-if requests: a built-in Belarus scenario with changed drivers and parameters.

A request (a dict, as the browser sends it) names a built-in base scenario, the
ensemble's size, and what changes:

- ``russian_support``: ``{"value", "date", "until"?}``, a level of Russian support from
  ``date`` (a linear ramp to it when ``until`` is given);
- ``sanctions``: ``{"value", "date", "until"?}``, likewise for the sanctions index;
- ``repression``: ``{"policy": "optimise" | "fixed", "level"}``, the regime's policy
  and its (start) repression level;
- ``protest_call``: ``{"date", "strength", "until"?}``, a call to protest on a date (on
  every day to ``until``);
- ``parameters``: ``{path: value}`` for the parameters of `KEY_PARAMETERS`.

Each driver becomes a dated event (``[[events]]``, `uprising.scenarios.Event`); an event
of the base setting the same variable on the same date is replaced. The variant goes
through the scenario schema, so every value must lie in its declared range, and is
written as a complete scenario file ``<store>/dashboard/whatif/<name>.toml``; its name,
``whatif-<digest>``, is a hash of the base and the changes, so the same question asked
twice is the same scenario (and, with the same size and seed, the same ensemble, which
then resumes instead of running again). The ensemble is planned from that file, so
``uprising ensemble <file> --runs ...`` and ``uprising report`` see the same runs.

Sizes are bounded (`LIMITS`): runs, scale and days each, and their product in
agent-days; a request outside them is refused with one message per field.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import annotated_types
import tomli_w

from uprising.errors import UprisingError

KEY_PARAMETERS = (
    "legitimacy.initial",
    "opposition.readiness",
    "media.reach",
    "population.opponent_share",
    "security.police_per_100k",
    "security.arrest_rate",
    "emigration.rate",
    "fall.mobilisation_ratio",
)
"""Parameters a what-if may change directly (any other goes through a scenario file)."""

PEOPLE = 9_413_400
"""Belarus's population in the census regions (BelTA 2019), agents = scale x this."""


@dataclass(frozen=True)
class Limits:
    """Bounds on the size of a what-if ensemble.

    Attributes:
        max_runs: Runs per ensemble, at most.
        min_scale: Agents per person, at least (fewer makes regions of a few agents).
        max_scale: Agents per person, at most.
        min_days: Days per run, at least.
        max_days: Days per run, at most (five years).
        max_agent_days: runs x agents x days, at most (about 20 minutes on two cores).
    """

    max_runs: int = 200
    min_scale: float = 0.001
    max_scale: float = 0.01
    min_days: int = 30
    max_days: int = 1826
    max_agent_days: float = 2e10


LIMITS = Limits()


@dataclass(frozen=True)
class Bounds:
    """A parameter's declared range (`uprising show`'s ``allowed``) and metadata."""

    path: str
    low: float | None
    high: float | None
    unit: str
    plausible: str
    source: str
    integer: bool


@dataclass(frozen=True)
class WhatIf:
    """A checked what-if request.

    Attributes:
        scenario: The variant (`BelarusScenario`).
        path: Where its scenario file is written.
        runs: Runs of the ensemble.
        scale: Agents per person.
        days: Days per run.
        seed: Root seed.
        changes: What differs from the base, one line each.
    """

    scenario: Any
    path: Path
    runs: int
    scale: float
    days: int
    seed: int
    changes: tuple[str, ...]


def base_scenarios() -> list[str]:
    """The built-in Belarus scenarios, the bases a what-if may start from."""
    from uprising.scenarios import builtin_names, load_scenario, model_name

    return [name for name in builtin_names() if model_name(load_scenario(name)) == "belarus"]


def parameter_bounds(path: str) -> Bounds:
    """The declared range of a Belarus scenario parameter (``section.name``).

    Raises:
        UprisingError: No such numeric parameter.
    """
    from uprising.scenarios import BelarusScenario

    section, _, name = path.partition(".")
    field = BelarusScenario.model_fields.get(section)
    model = getattr(field, "annotation", None)
    info = getattr(model, "model_fields", {}).get(name)
    if info is None or info.annotation not in (int, float):
        raise UprisingError(f"{path}: not a numeric parameter of a Belarus scenario")
    low = high = None
    for item in info.metadata:
        if isinstance(item, annotated_types.Ge):
            low = float(item.ge)
        elif isinstance(item, annotated_types.Gt):
            low = float(item.gt)
        elif isinstance(item, annotated_types.Le):
            high = float(item.le)
        elif isinstance(item, annotated_types.Lt):
            high = float(item.lt)
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    return Bounds(
        path=path,
        low=low,
        high=high,
        unit=str(extra.get("unit", "")),
        plausible=str(extra.get("plausible", "")),
        source=str(extra.get("source", "")),
        integer=info.annotation is int,
    )


def check_request(request: dict[str, Any], folder: Path, limits: Limits = LIMITS) -> WhatIf:
    """Check a what-if request and build its scenario (not yet written).

    Args:
        request: As described in the module docstring, plus ``runs``, ``scale``,
            ``days`` and ``seed``.
        folder: Where the scenario file will be written.
        limits: The size bounds.

    Returns:
        The `WhatIf`.

    Raises:
        UprisingError: The request is outside the bounds or the scenario schema; the
            message names each field at fault and what is allowed.
    """
    from uprising.scenarios import ScenarioError, load_scenario, loads_scenario

    problems = []
    base = request.get("base")
    bases = base_scenarios()
    if base not in bases:
        raise UprisingError(
            f"base: {base!r} is not a built-in Belarus scenario ({', '.join(bases)})"
        )
    runs = _number(request, "runs", int, problems)
    scale = _number(request, "scale", float, problems)
    days = _number(request, "days", int, problems)
    seed = _number(request, "seed", int, problems, default=0)
    if runs is not None and not 1 <= runs <= limits.max_runs:
        problems.append(f"runs: {runs} is outside 1 to {limits.max_runs}")
    if scale is not None and not limits.min_scale <= scale <= limits.max_scale:
        problems.append(
            f"scale: {scale:g} is outside {limits.min_scale:g} to {limits.max_scale:g} "
            "agents per person"
        )
    if days is not None and not limits.min_days <= days <= limits.max_days:
        problems.append(f"days: {days} is outside {limits.min_days} to {limits.max_days}")
    if seed is not None and not 0 <= seed < 2**63:
        problems.append(f"seed: {seed} must be a non-negative integer")
    if not problems and runs and scale and days:
        work = runs * scale * PEOPLE * days
        if work > limits.max_agent_days:
            problems.append(
                f"size: {runs} runs x {scale * PEOPLE:,.0f} agents x {days} days = {work:.2g} "
                f"agent-days, more than the {limits.max_agent_days:.2g} a what-if may start "
                "(fewer runs, a smaller scale or fewer days)"
            )
    if problems:
        raise UprisingError("; ".join(problems))

    scenario = load_scenario(str(base))
    data = scenario.model_dump(mode="json", exclude_none=True)
    changes: list[str] = []
    events = list(data.get("events", []))
    for variable in ("russian_support", "sanctions"):
        spec = request.get(variable)
        if spec:
            events = _add_event(events, variable, spec.get("value"), spec, changes)
    call = request.get("protest_call")
    if call:
        events = _add_event(events, "protest_call", call.get("strength"), call, changes)
    data["events"] = events
    repression = request.get("repression") or {}
    if repression.get("policy") is not None:
        data["repression"]["policy"] = repression["policy"]
        changes.append(f"repression.policy = {repression['policy']}")
    if repression.get("level") is not None:
        data["repression"]["repression_level"] = repression["level"]
        changes.append(f"repression.repression_level = {repression['level']}")
    for path, value in (request.get("parameters") or {}).items():
        if path not in KEY_PARAMETERS:
            raise UprisingError(f"parameters: {path!r} is not one of {', '.join(KEY_PARAMETERS)}")
        if value is None:
            continue
        section, name = path.split(".")
        if data[section][name] != value:
            data[section][name] = value
            changes.append(f"{path} = {value}")
    digest = hashlib.sha256(
        json.dumps({"base": base, "changes": changes}, sort_keys=True).encode()
    ).hexdigest()[:10]
    name = f"whatif-{digest}"
    said = "; ".join(changes) if changes else "no change"
    data["name"] = name
    data["description"] = f"What if, from {base}: {said}."
    data["provenance"] = {
        "source": f"{base} ({scenario.provenance.source})",
        "notes": f"A what-if variant of {base}: {said}. Each change is an assumption.",
    }
    path = folder / f"{name}.toml"
    try:
        variant = loads_scenario(tomli_w.dumps(data), source=str(path))
    except ScenarioError as exc:
        raise UprisingError(str(exc)) from None
    assert runs is not None and scale is not None and days is not None and seed is not None
    return WhatIf(variant, path, runs, scale, days, seed, tuple(changes))


def write_scenario(whatif: WhatIf) -> Path:
    """Write the variant's scenario file (complete, no base) and return its path."""
    from uprising.scenarios import dumps_scenario

    whatif.path.parent.mkdir(parents=True, exist_ok=True)
    text = dumps_scenario(whatif.scenario)
    if not whatif.path.is_file() or whatif.path.read_text(encoding="utf-8") != text:
        tmp = whatif.path.with_suffix(".toml.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(whatif.path)
    return whatif.path


def _add_event(
    events: list[dict[str, Any]],
    variable: str,
    value: Any,
    spec: dict[str, Any],
    changes: list[str],
) -> list[dict[str, Any]]:
    date = spec.get("date")
    if value is None or not date:
        raise UprisingError(f"{variable}: give a value and a date")
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise UprisingError(f"{variable}: the value must be a number, not {value!r}")
    kept = [e for e in events if not (e["variable"] == variable and e["date"] == date)]
    event = {
        "name": f"what-if {variable}",
        "date": date,
        "variable": variable,
        "value": float(value),
        "source": "what-if assumption",
    }
    until = spec.get("until")
    if until:
        event["until"] = until
    kept.append(event)
    span = f" to {until}" if until else ""
    changes.append(f"{variable} {float(value):g} from {date}{span}")
    return kept


def _number(
    request: dict[str, Any],
    key: str,
    kind: type,
    problems: list[str],
    default: Any = None,
) -> Any:
    value = request.get(key, default)
    if value is None:
        problems.append(f"{key}: missing")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(f"{key}: {value!r} is not a number")
        return None
    if kind is int:
        if float(value) != int(value):
            problems.append(f"{key}: {value!r} is not a whole number")
            return None
        return int(value)
    return float(value)
