"""A dated ``[[events]]`` entry: one change of one driver of `DRIVERS`.

Each event changes one variable on a date; the variable's kind (``jump``, ``ramp``,
``window``, ``call``; `uprising.scenarios.belarus.drivers.KINDS`) says whether ``until``
and ``weekday`` are allowed and what they mean, and its row of `DRIVERS` which values
are allowed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from uprising.scenarios.belarus.dates import as_date
from uprising.scenarios.belarus.drivers import DRIVERS, of_kind
from uprising.scenarios.schema import _Section

EventVariable = Literal[tuple(DRIVERS)]  # type: ignore[valid-type]
"""The names of `DRIVERS`, the variables an event may change."""


class Event(_Section):
    """A dated change of one exogenous driver (see the module docstring for the kinds)."""

    name: str = Field(min_length=1, strict=True, description="Unique name of the event")
    date: dt.date = Field(description="Day the event starts (YYYY-MM-DD)")
    variable: EventVariable = Field(description="The driver that changes")
    value: float = Field(strict=True, allow_inf_nan=False, description="The new value")
    until: dt.date | None = Field(
        None, description="End of a ramp, or last day of a window or a call"
    )
    weekday: int | None = Field(
        None,
        ge=0,
        le=6,
        strict=True,
        description="protest_call only: recurring on this weekday (0 = Monday .. 6 = Sunday)",
    )
    source: str = Field(min_length=1, strict=True, description="Citation of the event")

    @field_validator("date", "until", mode="before")
    @classmethod
    def _parse_dates(cls, value: Any) -> Any:
        return None if value is None else as_date(value)

    @field_validator("value")
    @classmethod
    def _value_in_range(cls, value: float, info: ValidationInfo) -> float:
        variable = info.data.get("variable")
        if variable is None:
            return value
        DRIVERS[variable].check(value)
        return value

    @model_validator(mode="after")
    def _kind_fits_variable(self) -> Event:
        kind = DRIVERS[self.variable].kind
        if self.until is not None:
            if kind == "jump":
                raise ValueError(f"until: {self.variable} is a jump on one date: leave until out")
            if self.until <= self.date:
                raise ValueError(
                    f"until = {self.until.isoformat()} must be after date = {self.date.isoformat()}"
                )
        if self.weekday is not None:
            if kind != "call":
                calls = " and ".join(of_kind("call"))
                raise ValueError(f"weekday: only {calls} recurs weekly, not {self.variable}")
            if self.until is None:
                raise ValueError(f"weekday: a weekly {self.variable} needs until (its last day)")
        return self

    @property
    def is_ramp(self) -> bool:
        """A ramp variable moving linearly from ``date`` to ``until``."""
        return self.until is not None and DRIVERS[self.variable].kind == "ramp"

    @property
    def is_window(self) -> bool:
        """A variable of kind window or call (internet shutdown, protest call)."""
        return DRIVERS[self.variable].kind in ("window", "call")

    def active_on(self, day: dt.date) -> bool:
        """Whether a window event applies on ``day`` (False for jumps and levels)."""
        if not self.is_window:
            return False
        last = self.until if self.until is not None else self.date
        if not self.date <= day <= last:
            return False
        return self.weekday is None or day.weekday() == self.weekday


__all__ = ["Event", "EventVariable"]
