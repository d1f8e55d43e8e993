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
- `apply_overrides` and `with_run` (re-validated copies) are in `uprising.scenarios.overrides`.
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
import hashlib
import json
import os
import re
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, NamedTuple

import tomli_w
from pydantic import ValidationError

from uprising.errors import ScenarioError
from uprising.messages import shown
from uprising.scenarios.belarus import BelarusScenario
from uprising.scenarios.bounds import check_runnable
from uprising.scenarios.families import FAMILIES, family_of
from uprising.scenarios.files import (
    MAX_BASE_CHAIN,
    is_regular_file,
    parse_scenario_toml,
    read_scenario_text,
)
from uprising.scenarios.messages import describe_error, show_value
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
        if not is_regular_file(Path(text)):
            raise ScenarioError(
                f"unknown scenario {shown(text)}: the built-in scenarios are "
                f"{', '.join(names)}; or give the path of a .toml file"
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
    label = shown(str(path)).strip("'")
    content = read_scenario_text(path, label)
    key = ("file", str(path.resolve()))
    return _Document(_parse_toml(content, label), label, key, path.parent)


def _parse_toml(text: str, source: str) -> dict[str, Any]:
    return parse_scenario_toml(text, source)


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
    if len(chain) >= MAX_BASE_CHAIN:
        raise ScenarioError(
            f"{chain[0].label}: a chain of bases may have at most {MAX_BASE_CHAIN} files "
            f"(via {document.label})"
        )
    base = _locate_base(reference, document, chain)
    if any(base.key == seen.key for seen in chain):
        names = " -> ".join(item.label for item in [*chain, base])
        raise ScenarioError(
            f"{document.label}: base = {show_value(reference)}: cycle of bases: {names}"
        )
    base_data, base_origins = _resolve(base, [*chain, base])
    base_model = base_data.get("model", "epstein")
    if "model" in data and data["model"] != base_model:
        raise ScenarioError(
            f"{document.label}: model = {show_value(data['model'])}: differs from its base "
            f"{base.label} (model = {show_value(base_model)})"
        )
    # A variant is a different scenario: it never inherits its base's identity.
    for key in ("name", "description"):
        base_data.pop(key, None)
        base_origins.pop((key,), None)
    return _merge(base_data, base_origins, data, document.label)


def _locate_base(reference: Any, document: _Document, chain: list[_Document]) -> _Document:
    """Find and parse the base a document names (a built-in or a relative path)."""
    where = f"{document.label}: base = {show_value(reference)}"
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
            if not _exists(candidate):
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


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):  # a name too long for the file system
        return False


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
        raise ScenarioError(f"{source}: model = {show_value(model)}: must be {allowed}")
    family = FAMILIES[model]
    schema = family.schema
    if not family.has_model_key:
        # Epstein scenarios have no model field; "epstein" is the default family.
        data = {key: value for key, value in data.items() if key != "model"}
    try:
        scenario = schema.model_validate(data)
    except ValidationError as exc:
        details = "; ".join(
            describe_error(error, schema) + _origin_note(error, source, origins)
            for error in exc.errors(include_url=False)
        )
        raise ScenarioError(f"{source}: {details}") from None
    check_runnable(scenario, source)
    return scenario


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
