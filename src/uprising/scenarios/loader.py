"""Loading, inheriting, overriding, hashing and writing scenarios of both model families.

- `load_scenario(name_or_path)`: a built-in name (`epstein-run2`, `belarus-2020`) or a
  TOML file path. The top-level ``model`` key picks the schema: none or ``"epstein"``
  gives a `Scenario`, ``"belarus"`` a `BelarusScenario`.
- Variants: a file with ``base = "belarus-2022"`` (a built-in name, or a path relative to
  the file) holds only what differs. Tables are merged deeply (the variant wins),
  ``[[events]]`` are appended, and a variant event with the same ``name`` as a base event
  replaces it. ``name`` and ``description`` are never inherited. Chains of bases are
  followed; a missing base and a cycle are errors naming the chain. The merged document
  is validated as a whole; an error in a field that came from a base names that base.
- `list_scenarios()`: the built-ins with their one-line descriptions and model family.
- `apply_overrides(scenario, ["grid.width=200", ...])` and `with_run`: re-validated copies.
- `dumps_scenario` / `loads_scenario`: TOML round trip (a variant dumps as a complete,
  self-contained file).
- `scenario_hash`: sha256 of the canonical JSON form; equal scenarios, equal hashes.
- `describe_parameters`: every parameter with value, unit, range and source.

Every failure raises `ScenarioError` with a one-line message that names the file (or
the built-in, or the ``--set`` override) and the field path, e.g.
``epstein-run2.toml: rules.legitimacy = 1.7: must be <= 1``.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import math
import os
import re
import tomllib
import typing
from collections.abc import Sequence
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import tomli_w
from pydantic import BaseModel, ValidationError

from uprising.errors import ScenarioError
from uprising.scenarios.belarus import BelarusScenario
from uprising.scenarios.families import FAMILIES, family_of
from uprising.scenarios.schema import ParameterInfo, Scenario

_BUILTIN_DIR = "builtin"

AnyScenario = Scenario | BelarusScenario
"""A validated scenario of either model family."""

MODELS: dict[str, type[Scenario] | type[BelarusScenario]] = {
    name: family.schema  # type: ignore[misc]
    for name, family in FAMILIES.items()
}
"""Schema per value of the top-level ``model`` key (absent means ``"epstein"``); from
the family registry, `uprising.scenarios.families.FAMILIES`."""

_S = TypeVar("_S", Scenario, BelarusScenario)

# Path of a field in a TOML document: section names and array indices.
_Loc = tuple[str | int, ...]


class ScenarioInfo(NamedTuple):
    """A built-in scenario's name, the first line of its description, and its model."""

    name: str
    description: str
    model: str = "epstein"


def builtin_names() -> list[str]:
    """Return the names of the built-in scenarios (both model families), sorted."""
    folder = resources.files("uprising.scenarios").joinpath(_BUILTIN_DIR)
    return sorted(
        entry.name.removesuffix(".toml")
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    )


def list_scenarios() -> list[ScenarioInfo]:
    """Load every built-in scenario and return its name, one-line description and model.

    Raises:
        ScenarioError: If a built-in file is invalid (a bug in the package).
    """
    infos = []
    for name in builtin_names():
        scenario = load_scenario(name)
        infos.append(ScenarioInfo(name, scenario.summary, model_name(scenario)))
    return infos


def model_name(scenario: AnyScenario) -> str:
    """Return the model family of a scenario: ``"epstein"`` or ``"belarus"``."""
    return family_of(scenario).name


def load_scenario(name_or_path: str | os.PathLike[str]) -> AnyScenario:
    """Load and validate a scenario, following its chain of bases.

    Args:
        name_or_path: A built-in name such as ``"epstein-run2"`` or ``"belarus-2020"``,
            or the path of a TOML file. A string ending in ``.toml`` or containing a path
            separator is always a path.

    Returns:
        The validated, frozen scenario: a `Scenario` or a `BelarusScenario`, after the
        top-level ``model`` key.

    Raises:
        ScenarioError: Unknown name, missing or unreadable file, malformed TOML (with
            its line), a missing base or a cycle of bases, or a field that is unknown, of
            the wrong type or out of range.
    """
    text = os.fspath(name_or_path)
    if not _looks_like_path(name_or_path):
        names = builtin_names()
        if text in names:
            return _build(_read_builtin(text))
        if not Path(text).is_file():
            raise ScenarioError(
                f"unknown scenario {text!r}: the built-in scenarios are {', '.join(names)}; "
                "or give the path of a .toml file"
            )
    return _build(_read_file(Path(text)))


def loads_scenario(
    text: str,
    source: str = "<string>",
    *,
    base_dir: str | os.PathLike[str] | None = None,
) -> AnyScenario:
    """Parse and validate a scenario from TOML text.

    Args:
        text: The TOML document.
        source: Name used in error messages (a file name).
        base_dir: Folder against which a relative ``base`` path is resolved; default
            the current directory.

    Returns:
        The validated scenario.

    Raises:
        ScenarioError: Malformed TOML (the message gives line and column), a bad base,
            or an invalid field.
    """
    folder = Path(base_dir) if base_dir is not None else Path.cwd()
    document = _Document(_parse_toml(text, source), source, ("string", source), folder)
    return _build(document)


# --- reading documents and resolving bases ---------------------------------------------


class _Document(NamedTuple):
    """A parsed TOML document, where it came from and where its relative bases live."""

    data: dict[str, Any]
    label: str
    key: tuple[str, str]
    folder: Path | Traversable


def _looks_like_path(name_or_path: str | os.PathLike[str]) -> bool:
    text = os.fspath(name_or_path)
    return (
        isinstance(name_or_path, os.PathLike)
        or text.endswith(".toml")
        or "/" in text
        or os.sep in text
    )


def _builtin_folder() -> Traversable:
    return resources.files("uprising.scenarios").joinpath(_BUILTIN_DIR)


def _read_builtin(name: str) -> _Document:
    label = f"{name}.toml"
    text = _builtin_folder().joinpath(label).read_text(encoding="utf-8")
    return _Document(_parse_toml(text, label), label, ("builtin", name), _builtin_folder())


def _read_file(path: Path) -> _Document:
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
    key = ("file", str(path.resolve()))
    return _Document(_parse_toml(content, label), label, key, path.parent)


def _parse_toml(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{source}: invalid TOML: {exc}") from None


def _build(document: _Document) -> AnyScenario:
    """Resolve the document's bases, then validate the merged document."""
    data, origins = _resolve(document, [document])
    return _validate(data, document.label, origins)


def _resolve(document: _Document, chain: list[_Document]) -> tuple[dict[str, Any], dict[_Loc, str]]:
    """Return the document merged onto its chain of bases, and each field's file.

    Args:
        document: The document to resolve (the last element of ``chain``).
        chain: The documents from the one loaded down to this one, for cycle detection
            and error messages.
    """
    data = dict(document.data)
    origins = _origins(data, document.label)
    if "base" not in data:
        return data, origins
    reference = data.pop("base")
    origins.pop(("base",), None)
    base = _locate_base(reference, document, chain)
    if any(base.key == seen.key for seen in chain):
        names = " -> ".join(item.label for item in [*chain, base])
        raise ScenarioError(f"{document.label}: base = {_show(reference)}: cycle of bases: {names}")
    base_data, base_origins = _resolve(base, [*chain, base])
    base_model = base_data.get("model", "epstein")
    if "model" in data and data["model"] != base_model:
        raise ScenarioError(
            f"{document.label}: model = {_show(data['model'])}: differs from its base "
            f"{base.label} (model = {_show(base_model)})"
        )
    # A variant is a different scenario: it never inherits its base's identity.
    for key in ("name", "description"):
        base_data.pop(key, None)
        base_origins.pop((key,), None)
    return _merge(base_data, base_origins, data, document.label)


def _locate_base(reference: Any, document: _Document, chain: list[_Document]) -> _Document:
    """Find and parse the base a document names (a built-in or a relative path)."""
    where = f"{document.label}: base = {_show(reference)}"
    via = f" (chain: {' -> '.join(item.label for item in chain)})" if len(chain) > 1 else ""
    if not isinstance(reference, str) or not reference.strip():
        raise ScenarioError(
            f"{where}: must be a built-in scenario name or the path of a .toml file{via}"
        )
    reference = reference.strip()
    names = builtin_names()
    candidate = document.folder.joinpath(reference)
    try:
        if not _looks_like_path(reference) and reference in names:
            return _read_builtin(reference)
        if isinstance(candidate, Path):
            if not candidate.exists():
                hint = (
                    ""
                    if _looks_like_path(reference)
                    else f" and no built-in scenario of that name ({', '.join(names)})"
                )
                raise ScenarioError(f"{where}: no such file {candidate}{hint}{via}")
            return _read_file(candidate)
        if not candidate.is_file():
            raise ScenarioError(f"{where}: no such built-in scenario or file{via}")
        # A packaged (e.g. zipped) built-in folder: key it like a built-in name.
        key = ("builtin", reference.removesuffix(".toml"))
        text = candidate.read_text(encoding="utf-8")
        return _Document(_parse_toml(text, reference), reference, key, document.folder)
    except ScenarioError as exc:
        message = str(exc)
        if message.startswith(where):
            raise
        raise ScenarioError(f"{message} (base of {document.label}){via}") from None


def _origins(data: dict[str, Any], label: str) -> dict[_Loc, str]:
    """Map every field path of a document (each event as a whole) to ``label``."""
    origins: dict[_Loc, str] = {}

    def walk(node: Any, path: _Loc) -> None:
        if isinstance(node, dict) and path:
            for key, value in node.items():
                walk(value, (*path, key))
        else:
            origins[path] = label

    for key, value in data.items():
        if key == "events" and isinstance(value, list):
            for index in range(len(value)):
                origins[("events", index)] = label
        else:
            walk(value, (key,))
    return origins


def _merge(
    base: dict[str, Any], base_origins: dict[_Loc, str], variant: dict[str, Any], label: str
) -> tuple[dict[str, Any], dict[_Loc, str]]:
    """Deep-merge ``variant`` onto ``base`` (variant wins; events by name), with origins."""
    merged = copy.deepcopy(base)
    origins = dict(base_origins)

    def drop(prefix: _Loc) -> None:
        for path in [p for p in origins if p[: len(prefix)] == prefix]:
            del origins[path]

    def put(node: dict[str, Any], path: _Loc, key: str, value: Any) -> None:
        here = (*path, key)
        if isinstance(value, dict) and isinstance(node.get(key), dict):
            for sub_key, sub_value in value.items():
                put(node[key], here, sub_key, sub_value)
            return
        node[key] = copy.deepcopy(value)
        drop(here)
        origins.update(
            {(*here, *p[1:]): label for p in _origins({key: value}, label)}
            if isinstance(value, dict)
            else {here: label}
        )

    for key, value in variant.items():
        if key == "events" and isinstance(value, list) and isinstance(merged.get(key), list):
            events = merged[key]
            index_of = {
                event.get("name"): i for i, event in enumerate(events) if isinstance(event, dict)
            }
            for event in value:
                name = event.get("name") if isinstance(event, dict) else None
                if isinstance(name, str) and name in index_of:
                    index = index_of[name]
                    events[index] = copy.deepcopy(event)
                else:
                    events.append(copy.deepcopy(event))
                    index = len(events) - 1
                drop(("events", index))
                origins[("events", index)] = label
        else:
            put(merged, (), key, value)
    return merged, origins


def _validate(data: dict[str, Any], source: str, origins: dict[_Loc, str]) -> AnyScenario:
    model = data.get("model", "epstein")
    if not isinstance(model, str) or model not in MODELS:
        allowed = " or ".join(json.dumps(name) for name in MODELS)
        raise ScenarioError(f"{source}: model = {_show(model)}: must be {allowed}")
    family = FAMILIES[model]
    schema = family.schema
    if not family.has_model_key:
        # Epstein scenarios have no model field; "epstein" is the default family.
        data = {key: value for key, value in data.items() if key != "model"}
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        details = "; ".join(
            _describe_error(error, schema) + _origin_note(error, source, origins)
            for error in exc.errors(include_url=False)
        )
        raise ScenarioError(f"{source}: {details}") from None


def _origin_note(error: Any, source: str, origins: dict[_Loc, str]) -> str:
    """`` (from base.toml)`` when the erroneous field came from a base file."""
    loc: _Loc = tuple(error["loc"])
    if loc == ("events",):
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        match = re.match(r"events\[(\d+)\]", message)
        if match:
            loc = ("events", int(match.group(1)))
    for n in range(len(loc), 0, -1):
        origin = origins.get(loc[:n])
        if origin is not None:
            return "" if origin == source else f" (from {origin})"
    return ""


# --- plain data, TOML, hash ------------------------------------------------------------


def scenario_dict(scenario: AnyScenario) -> dict[str, Any]:
    """Return the scenario as plain JSON data (infinite terms as ``"infinite"``, dates ISO)."""
    data = scenario.model_dump(mode="json", exclude_none=True)
    for key in ("timeline", "events", "sources"):
        if key in data and not data[key]:
            del data[key]
    return data


def dumps_scenario(scenario: AnyScenario) -> str:
    """Write a scenario as TOML text that `loads_scenario` reads back to an equal scenario.

    Dates are written as TOML dates; a variant is written complete (no ``base``).
    """
    data = family_of(scenario).toml_data(scenario)
    return tomli_w.dumps(data, multiline_strings=True)


def scenario_hash(scenario: AnyScenario) -> str:
    """Return the sha256 (hex) of the scenario's canonical JSON form.

    The canonical form is `scenario_dict` with sorted keys and no whitespace, so the
    hash does not depend on the layout, comments or key order of the TOML file, nor on
    the order of ``[[events]]`` (they are sorted by date) or on whether the values came
    from a base. Everything is included: model, name, description, provenance, run
    control, parameters, events.
    """
    canonical = json.dumps(
        scenario_dict(scenario),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def describe_parameters(scenario: AnyScenario) -> list[ParameterInfo]:
    """List every parameter of a scenario of either family (see `ParameterInfo`).

    Args:
        scenario: The scenario whose values are shown.

    Returns:
        One row per parameter, in file order, with path, value, unit, allowed range,
        plausible range, source and description (timeline and events excluded).
    """
    return family_of(scenario).describe(scenario)


# --- overrides -------------------------------------------------------------------------


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
        return int(value)
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
            ``[[timeline]]`` or, in date order, an ``[[events]]`` entry). Values are
            parsed by `parse_value`.
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
        return schema.model_validate(data)
    except ValidationError as exc:
        details = []
        for error in exc.errors(include_url=False):
            loc = tuple(str(part) for part in error["loc"])
            culprits = [text for path, text in paths if _related(path, loc)] or [
                text for _, text in paths
            ]
            details.append(f"--set {', '.join(culprits)}: {_describe_error(error, schema)}")
        raise ScenarioError(f"{label}: {'; '.join(details)}") from None


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
        return schema.model_validate(data)
    except ValidationError as exc:
        option = {"seed": "--seed", length: "--steps"}
        details = []
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            if len(loc) == 2 and loc[0] == "run" and loc[1] in option:
                culprit = option[str(loc[1])]
            else:  # e.g. an event now outside a shorter run
                culprit = ", ".join(option[name] for name in changes)
            details.append(f"{culprit}: {_describe_error(error, schema)}")
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
    "string_too_short": "must not be empty",
}


def _describe_error(error: Any, schema: type[BaseModel] = Scenario) -> str:
    """One pydantic error as ``path = value: reason`` (``schema``: the root model)."""
    loc = error["loc"]
    path = _format_loc(loc)
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        allowed = _allowed_fields(loc[:-1], schema)
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
    elif kind == "tuple_type":
        reason = f"must be an array of tables ([[{loc[-1]}]] in TOML)"
    elif kind in _TYPE_MESSAGES:
        reason = _TYPE_MESSAGES[kind]
    else:
        reason = str(error["msg"]).removeprefix("Value error, ")
    value = error.get("input")
    if not path or reason.startswith((f"{path}[", f"{path}.")):
        # The reason names the entry itself, e.g. "events[3].date = ...".
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
    if isinstance(value, dt.date):
        return value.isoformat()
    return repr(value)


def _allowed_fields(loc: Sequence[Any], schema: type[BaseModel] = Scenario) -> list[str]:
    """Names of the fields of the model found at ``loc`` (empty if not a model)."""
    model: Any = schema
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
