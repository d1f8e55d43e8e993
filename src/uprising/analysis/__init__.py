"""Analysis of run outputs: outburst statistics and ensemble results.

- `outbursts`: outburst statistics of one run's series of actives.
- `ensemble`: survival curves, channels of fall, horizon tables and fan charts of the
  ensembles in a `uprising.store.ResultsStore`.

The names of `ensemble` are imported on first use, so that importing `outbursts` does
not load DuckDB, pandas and the Belarus model.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from uprising.analysis.ensemble import (
        FailedRunsError,
        channel_split,
        fall_probability,
        fan_chart,
        horizon_table,
        quantile_column,
        wilson_interval,
    )

__all__ = [
    "FailedRunsError",
    "channel_split",
    "fall_probability",
    "fan_chart",
    "horizon_table",
    "quantile_column",
    "wilson_interval",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(import_module("uprising.analysis.ensemble"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
