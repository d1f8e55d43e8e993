"""Calendar dates in Belarus scenarios: a TOML date or an ISO ``YYYY-MM-DD`` string."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def as_date(value: Any) -> Any:
    """Accept a TOML date or an ISO ``YYYY-MM-DD`` string (``--set`` overrides, JSON).

    Args:
        value: The raw value of a date field.

    Returns:
        The `datetime.date`.

    Raises:
        ValueError: for a date and time, or anything that is not a calendar date.
    """
    if isinstance(value, dt.datetime):
        raise ValueError("must be a date (YYYY-MM-DD), not a date and time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError("must be a date (YYYY-MM-DD)")
