"""Scenario errors as one line each: ``path = value: reason`` for a pydantic error.

`describe_error` turns one pydantic error into the text of a `ScenarioError`, e.g.
``rules.legitimacy = 1.7: must be <= 1`` or ``grid.wdth: unknown field (allowed: width,
height)``; the loader and the overrides add the file or the ``--set`` that caused it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from uprising.messages import MAX_SHOWN, shown
from uprising.scenarios.schema import Scenario

__all__ = ["TYPE_MESSAGES", "allowed_fields", "describe_error", "format_loc", "show_value"]

TYPE_MESSAGES = {
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


def describe_error(error: Any, schema: type[BaseModel] = Scenario) -> str:
    """One pydantic error as ``path = value: reason`` (``schema``: the root model)."""
    loc = error["loc"]
    path = format_loc(loc)
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        allowed = allowed_fields(loc[:-1], schema)
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
    elif kind in TYPE_MESSAGES:
        reason = TYPE_MESSAGES[kind]
    else:
        reason = str(error["msg"]).removeprefix("Value error, ")
    value = error.get("input")
    if not path or reason.startswith((f"{path}[", f"{path}.")):
        # The reason names the entry itself, e.g. "events[3].date = ...".
        return reason
    if kind == "missing" or isinstance(value, dict | list | tuple):
        return f"{path}: {reason}"
    return f"{path} = {show_value(value)}: {reason}"


def format_loc(loc: Sequence[Any]) -> str:
    """A pydantic location as a field path, e.g. ``events[3].date``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def show_value(value: Any) -> str:
    """A value as TOML would write it (``true``, ``0.5``, ``"floor"``, ``2020-08-09``).

    A long value is cut short (`uprising.messages.shown`): a message never echoes a
    20 MB string or an integer of thousands of digits whole.
    """
    text = _show_whole(value)
    return text if len(text) <= MAX_SHOWN else shown(value)


def _show_whole(value: Any) -> str:
    if isinstance(value, str) and len(value) > 4 * MAX_SHOWN:
        return shown(value)
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 4000:
        return shown(value)
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


def allowed_fields(loc: Sequence[Any], schema: type[BaseModel] = Scenario) -> list[str]:
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
