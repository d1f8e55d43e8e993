"""How a Belarus run ended, and what it returns: `Outcome`, `BelarusResult`, `CHANNELS`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

CHANNELS = ("mobilisation", "security_defection", "elite_split")


@dataclass(frozen=True)
class Outcome:
    """How a run ended.

    Attributes:
        status: ``"holds"`` (to the horizon) or ``"falls"``.
        date: the day the regime fell (None when it holds).
        channel: one of `CHANNELS` (None when it holds).
        readiness: the opposition's readiness on that day (or on the last day).
        day: index of that day (0-based), or the number of days run.
        successor: what follows the fall, ``"democracy"`` or ``"autocracy"``
            (`uprising.models.regime.successor`; None when it holds).
    """

    status: str
    date: dt.date | None
    channel: str | None
    readiness: float
    day: int
    successor: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The outcome as JSON-ready values."""
        return {
            "outcome": self.status,
            "fall_date": self.date.isoformat() if self.date else None,
            "channel": self.channel,
            "readiness": round(self.readiness, 4),
            "days": self.day,
            "successor": self.successor,
        }


@dataclass(frozen=True)
class BelarusResult:
    """Daily series (name -> array, one entry per day run) and the outcome."""

    series: dict[str, np.ndarray]
    outcome: Outcome
    regions: tuple[str, ...]


__all__ = ["CHANNELS", "BelarusResult", "Outcome"]
