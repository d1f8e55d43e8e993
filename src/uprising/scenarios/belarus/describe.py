"""The parameter list of a Belarus scenario: value, unit, allowed and plausible range, source."""

from __future__ import annotations

import datetime as dt
import typing
from typing import Any, Literal

import annotated_types

from uprising.scenarios.belarus.scenario import BelarusScenario, sections
from uprising.scenarios.schema import ParameterInfo


def describe_belarus_parameters(scenario: BelarusScenario) -> list[ParameterInfo]:
    """List every parameter of a Belarus scenario with its value, unit, range and source.

    Args:
        scenario: The scenario whose values are shown.

    Returns:
        One `ParameterInfo` per parameter, in file order (`[run]` first, events
        excluded), values as JSON shows them (dates as ``YYYY-MM-DD``). The source is the
        scenario's own (``[sources]``) where it gives one, else the schema default's.
    """
    values = scenario.model_dump(mode="json")
    rows = []
    for section_name, section_cls in sections():
        for name, info in section_cls.model_fields.items():
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            rows.append(
                ParameterInfo(
                    path=f"{section_name}.{name}",
                    value=values[section_name][name],
                    unit=str(extra.get("unit", "")),
                    allowed=_allowed(info.annotation, info.metadata),
                    plausible=str(extra.get("plausible", "")),
                    source=scenario.sources.get(
                        f"{section_name}.{name}", str(extra.get("source", ""))
                    ),
                    description=info.description or "",
                )
            )
    return rows


def _allowed(annotation: Any, metadata: list[Any]) -> str:
    """The allowed range as text: ``[0, 1]``, ``(0, 1.5]``, ``a | b``, ``YYYY-MM-DD``."""
    if typing.get_origin(annotation) is Literal:
        return " | ".join(str(a) for a in typing.get_args(annotation))
    if annotation is bool:
        return "true | false"
    if annotation is dt.date:
        return "date (YYYY-MM-DD)"
    low_open = high_open = False
    low = high = None
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            low = item.ge
        elif isinstance(item, annotated_types.Gt):
            low, low_open = item.gt, True
        elif isinstance(item, annotated_types.Le):
            high = item.le
        elif isinstance(item, annotated_types.Lt):
            high, high_open = item.lt, True
    left = "(" if low is None or low_open else "["
    right = ")" if high is None or high_open else "]"
    low_text = "-inf" if low is None else _number(low)
    high_text = "inf" if high is None else _number(high)
    return f"{left}{low_text}, {high_text}{right}"


def _number(value: Any) -> str:
    return str(value) if isinstance(value, int) else f"{value:g}"


__all__ = ["describe_belarus_parameters"]
