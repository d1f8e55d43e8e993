"""Loading, overriding, hashing and writing scenarios.

- `load_scenario(name_or_path)`: a built-in name (`epstein-run2`) or a TOML file path.
- `list_scenarios()`: the built-ins with their one-line descriptions.
- `apply_overrides(scenario, ["grid.width=200", ...])`: re-validated copy.
- `dumps_scenario` / `loads_scenario`: TOML round trip.
- `scenario_hash`: sha256 of the canonical JSON form; equal scenarios, equal hashes.

Every failure raises `ScenarioError` with a one-line message that names the file (or
the built-in, or the ``--set`` override) and the field path, e.g.
``epstein-run2.toml: rules.legitimacy = 1.7: must be <= 1``.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import tomllib
import typing
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import tomli_w
from pydantic import BaseModel, ValidationError

from uprising.errors import ScenarioError
from uprising.scenarios.schema import Scenario

_BUILTIN_DIR = "builtin"


class ScenarioInfo(NamedTuple):
    """A built-in scenario's name and the first line of its description."""

    name: str
    description: str


def builtin_names() -> list[str]:
    """Return the names of the built-in scenarios, sorted."""
    folder = resources.files("uprising.scenarios").joinpath(_BUILTIN_DIR)
    return sorted(
        entry.name.removesuffix(".toml")
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    )


def list_scenarios() -> list[ScenarioInfo]:
    """Load every built-in scenario and return its name and one-line description.

    Raises:
        ScenarioError: If a built-in file is invalid (a bug in the package).
    """
    return [ScenarioInfo(name, load_scenario(name).summary) for name in builtin_names()]


def load_scenario(name_or_path: str | os.PathLike[str]) -> Scenario:
    """Load and validate a scenario.

    Args:
        name_or_path: A built-in name such as ``"epstein-run2"``, or the path of a TOML
            file. A string ending in ``.toml`` or containing a path separator is always
            a path.

    Returns:
        The validated, frozen scenario.

    Raises:
        ScenarioError: Unknown name, missing or unreadable file, malformed TOML (with
            its line), or a field that is unknown, of the wrong type or out of range.
    """
    text = os.fspath(name_or_path)
    looks_like_path = (
        isinstance(name_or_path, os.PathLike)
        or text.endswith(".toml")
        or "/" in text
        or os.sep in text
    )
    if not looks_like_path:
        names = builtin_names()
        if text in names:
            resource = resources.files("uprising.scenarios").joinpath(_BUILTIN_DIR, f"{text}.toml")
            return loads_scenario(resource.read_text(encoding="utf-8"), source=f"{text}.toml")
        if not Path(text).is_file():
            raise ScenarioError(
                f"unknown scenario {text!r}: the built-in scenarios are {', '.join(names)}; "
                "or give the path of a .toml file"
            )
    return _load_file(Path(text))


def _load_file(path: Path) -> Scenario:
    label = str(path)
    try:
        content = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{label}: no such file") from None
    except IsADirectoryError:
        raise ScenarioError(f"{label}: is a directory, not a scenario file") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{label}: not UTF-8 text") from None
    except OSError as exc:
        raise ScenarioError(f"{label}: cannot read: {exc.strerror or exc}") from None
    return loads_scenario(content, source=label)


def loads_scenario(text: str, source: str = "<string>") -> Scenario:
    """Parse and validate a scenario from TOML text.

    Args:
        text: The TOML document.
        source: Name used in error messages (a file name).

    Returns:
        The validated scenario.

    Raises:
        ScenarioError: Malformed TOML (the message gives line and column) or an
            invalid field.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{source}: invalid TOML: {exc}") from None
    return _validate(data, source)


def _validate(data: dict[str, Any], source: str) -> Scenario:
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        details = "; ".join(_describe_error(error) for error in exc.errors(include_url=False))
        raise ScenarioError(f"{source}: {details}") from None


def scenario_dict(scenario: Scenario) -> dict[str, Any]:
    """Return the scenario as plain JSON/TOML data (infinite terms as ``"infinite"``)."""
    data = scenario.model_dump(mode="json", exclude_none=True)
    if not data["timeline"]:
        del data["timeline"]
    return data


def dumps_scenario(scenario: Scenario) -> str:
    """Write a scenario as TOML text that `loads_scenario` reads back to an equal scenario."""
    return tomli_w.dumps(scenario_dict(scenario), multiline_strings=True)


def scenario_hash(scenario: Scenario) -> str:
    """Return the sha256 (hex) of the scenario's canonical JSON form.

    The canonical form is `scenario_dict` with sorted keys and no whitespace, so the
    hash does not depend on the layout, comments or key order of the TOML file.
    Everything is included: name, description, provenance, run control, parameters.
    """
    canonical = json.dumps(
        scenario_dict(scenario),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def parse_value(text: str) -> bool | int | float | str:
    """Parse the value of a ``name=value`` override.

    ``true``/``false`` become booleans, integers become int, other numbers float, and
    anything else a string (surrounding quotes removed), such as ``floor`` or
    ``infinite``.
    """
    value = text.strip()
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    if re.fullmatch(r"[+-]?\d+", value):
        return int(value)
    try:
        return float(value)
    except ValueError:
        pass
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def apply_overrides(
    scenario: Scenario, overrides: Sequence[str], *, source: str | None = None
) -> Scenario:
    """Return a re-validated copy of ``scenario`` with ``name=value`` overrides applied.

    Args:
        scenario: The scenario to start from.
        overrides: Strings such as ``"grid.width=200"``, ``"rules.ratio_rule=literal"``,
            ``"jail.max_term=infinite"`` or ``"timeline.0.value=0.5"`` (a number indexes
            a ``[[timeline]]`` entry). Values are parsed by `parse_value`.
        source: Name used in error messages; default the scenario's name.

    Returns:
        The new scenario (the input is unchanged).

    Raises:
        ScenarioError: A malformed override, or a name or value the schema refuses;
            the message names the override.
    """
    if not overrides:
        return scenario
    label = source or scenario.name
    data = scenario.model_dump(mode="json", exclude_none=True)
    paths: list[tuple[tuple[str, ...], str]] = []
    for override in overrides:
        name, sep, raw = override.partition("=")
        path = tuple(part.strip() for part in name.split("."))
        if not sep or not all(path):
            raise ScenarioError(
                f"{label}: --set {override}: expected name=value, e.g. grid.width=200"
            )
        _assign(data, path, parse_value(raw), f"{label}: --set {override}")
        paths.append((path, override))
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        details = []
        for error in exc.errors(include_url=False):
            loc = tuple(str(part) for part in error["loc"])
            culprits = [text for path, text in paths if _related(path, loc)] or [
                text for _, text in paths
            ]
            details.append(f"--set {', '.join(culprits)}: {_describe_error(error)}")
        raise ScenarioError(f"{label}: {'; '.join(details)}") from None


def with_run(scenario: Scenario, *, seed: int | None = None, steps: int | None = None) -> Scenario:
    """Return a re-validated copy with the run control (``[run]``) replaced where given.

    Args:
        scenario: The scenario to start from.
        seed: New ``run.seed``, or None to keep it.
        steps: New ``run.steps``, or None to keep it.

    Raises:
        ScenarioError: A value out of range; the message names ``--seed`` or ``--steps``.
    """
    changes = {
        name: value for name, value in (("seed", seed), ("steps", steps)) if value is not None
    }
    if not changes:
        return scenario
    data = scenario.model_dump(mode="json", exclude_none=True)
    data["run"].update(changes)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        details = [
            f"--{error['loc'][-1]}: {_describe_error(error)}"
            for error in exc.errors(include_url=False)
        ]
        raise ScenarioError(f"{scenario.name}: {'; '.join(details)}") from None


def _assign(data: dict[str, Any], path: tuple[str, ...], value: Any, context: str) -> None:
    node: Any = data
    for depth, key in enumerate(path):
        last = depth == len(path) - 1
        where = ".".join(path[: depth + 1])
        if isinstance(node, list):
            if not key.isdigit() or int(key) >= len(node):
                raise ScenarioError(
                    f"{context}: {where}: no such entry (there are {len(node)}, numbered from 0)"
                )
            index = int(key)
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


# --- error messages -------------------------------------------------------------------

_TYPE_MESSAGES = {
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "int_type": "must be an integer",
    "int_parsing": "must be an integer",
    "int_from_float": "must be an integer",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be a string",
    "finite_number": "must be a finite number",
    "missing": "required field is missing",
    "model_type": "must be a table (a [section] in TOML)",
    "model_attributes_type": "must be a table (a [section] in TOML)",
    "dict_type": "must be a table (a [section] in TOML)",
    "tuple_type": "must be an array of tables ([[timeline]] in TOML)",
    "string_too_short": "must not be empty",
}


def _describe_error(error: Any) -> str:
    """One pydantic error as ``path = value: reason``."""
    loc = error["loc"]
    path = _format_loc(loc)
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        allowed = _allowed_fields(loc[:-1])
        hint = f" (allowed: {', '.join(allowed)})" if allowed else ""
        return f"{path}: unknown field{hint}"
    if kind in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
        op, bound = {
            "less_than_equal": ("<=", "le"),
            "greater_than_equal": (">=", "ge"),
            "less_than": ("<", "lt"),
            "greater_than": (">", "gt"),
        }[kind]
        limit = ctx.get(bound)
        reason = (
            f"must be {op} {limit:g}" if isinstance(limit, int | float) else f"must be {op} {limit}"
        )
    elif kind == "literal_error":
        reason = f"must be {ctx.get('expected', 'one of the allowed values')}"
    elif kind == "string_pattern_mismatch":
        reason = f"must match {ctx.get('pattern')}"
    elif kind in _TYPE_MESSAGES:
        reason = _TYPE_MESSAGES[kind]
    else:
        reason = str(error["msg"]).removeprefix("Value error, ")
    value = error.get("input")
    if not path:
        return reason
    if kind == "missing" or isinstance(value, dict | list | tuple):
        return f"{path}: {reason}"
    return f"{path} = {_show(value)}: {reason}"


def _format_loc(loc: Sequence[Any]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def _allowed_fields(loc: Sequence[Any]) -> list[str]:
    """Names of the fields of the model found at ``loc`` (empty if not a model)."""
    model: Any = Scenario
    for part in loc:
        if isinstance(part, int):
            args = typing.get_args(model)
            model = args[0] if args else None
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
        field = model.model_fields.get(part)
        if field is None:
            return []
        model = field.annotation
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []
