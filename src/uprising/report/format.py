"""How the report writes values: escaping, numbers, percentages, dates, versions.

Every value the report shows goes through `escape` (HTML-escaped, and a web address
written without its scheme, so that the file has no link to the network); the template
environment (`uprising.report.html`) applies it to every ``{{ value }}`` that is not
already `markupsafe.Markup`. Cells that hold markup are built here as ``Markup``.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from markupsafe import Markup

__all__ = [
    "code",
    "day",
    "escape",
    "first",
    "json_value",
    "last_line",
    "num",
    "or_dash",
    "pct",
    "pct_of",
    "present",
    "share_digits",
    "strong",
    "value_text",
    "vary_text",
    "version_text",
    "when",
]

_URL = re.compile(r"\b(?:https?|ftp)://", re.IGNORECASE)


def escape(value: Any) -> Markup:
    """Escaped text, with web addresses written without their scheme (no network links)."""
    if isinstance(value, Markup):
        return value
    return Markup(html.escape(_URL.sub("", str(value)), quote=True))


def code(value: Any) -> Markup:
    """``<code>value</code>``, escaped."""
    return Markup(f"<code>{escape(value)}</code>")


def strong(value: Any) -> Markup:
    """``<strong>value</strong>``, escaped."""
    return Markup(f"<strong>{escape(value)}</strong>")


def json_value(value: Any) -> Any:
    """A value recorded as JSON text, decoded (other values as they are, None if absent)."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    if present(value):
        return value
    return None


def present(value: Any) -> bool:
    """Whether a recorded value is there (not None, NaN or NaT)."""
    if value is None or value is pd.NaT:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    try:
        return not bool(pd.isna(value))
    except (TypeError, ValueError):
        return True


def first(values: pd.Series) -> Any:
    """The first value present in a column, or None."""
    there = values.dropna()
    return there.iloc[0] if len(there) else None


def num(value: Any, digits: int | None = None) -> str:
    """A number: integers exactly (seeds exceed a float's 53 bits), others ``%g``."""
    if not present(value):
        return "-"
    if isinstance(value, bool | np.bool_):
        return str(value)
    if isinstance(value, int | np.integer):
        return str(int(value))
    number = float(value)
    if digits is not None:
        return f"{number:.{digits}f}"
    if number.is_integer() and abs(number) < 2**63:
        return str(int(number))
    return f"{number:g}"


def pct(share: float, digits: int = 1) -> str:
    """A share as a percentage, ``0.2 -> "20.0 %"``."""
    return f"{100 * share:.{digits}f} %"


def share_digits(n: int) -> int:
    """Decimals of a percentage estimated from ``n`` runs: 0, or 1 from 10,000 runs.

    Below 10,000 runs the 95 % interval of a share is wider than ±1 percentage point
    (±0.98 at p = 0.5 and n = 10,000), so a decimal would claim a precision the runs do
    not have.
    """
    return 1 if n >= 10_000 else 0


def pct_of(share: float, n: int) -> str:
    """A share estimated from ``n`` runs as a percentage with `share_digits` decimals."""
    return pct(share, share_digits(n))


def value_text(value: Any) -> str:
    """A parameter's value (floats as ``%g``)."""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def or_dash(value: Any) -> str:
    """The value as text, or ``-`` when absent."""
    return str(value) if present(value) else "-"


def day(value: Any) -> str:
    """A date as ``YYYY-MM-DD``, or ``-``."""
    if not present(value):
        return "-"
    return pd.Timestamp(value).date().isoformat()


def when(value: Any) -> str:
    """A time as ``YYYY-MM-DD HH:MM:SS``, or ``-``."""
    if not present(value):
        return "-"
    return pd.Timestamp(value).isoformat(sep=" ", timespec="seconds")


def vary_text(value: Any) -> str:
    """A varied parameter as ``name=low:high`` (``name=low:high:K`` on a grid of K values)."""
    if isinstance(value, list | tuple) and len(value) in (3, 4):
        name, low, high, *levels = value
        return f"{name}={low}:{high}" + "".join(f":{k}" for k in levels)
    if isinstance(value, Mapping) and {"name", "low", "high"} <= set(value):
        levels = f":{value['levels']}" if value.get("levels") else ""
        return f"{value['name']}={value['low']}:{value['high']}{levels}"
    return str(value)


def version_text(version: Any) -> str:
    """A recorded code version as ``0.1.0 (git 0123456789ab)``."""
    if not isinstance(version, Mapping) or not version:
        return "not recorded"
    text = str(version.get("package", "?"))
    commit = version.get("git_commit")
    if commit:
        text += f" (git {str(commit)[:12]}"
        text += ", with uncommitted changes)" if version.get("git_dirty") else ")"
    else:
        text += " (no git commit recorded)"
    return text


def last_line(error: Any) -> str:
    """The last line of a traceback."""
    if not isinstance(error, str) or not error.strip():
        return "no traceback recorded"
    return error.strip().splitlines()[-1].strip()
