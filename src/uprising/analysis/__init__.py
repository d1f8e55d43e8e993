"""Analysis of run outputs: outburst statistics, ensemble results, model against data.

- `outbursts`: outburst statistics of one run's series of actives.
- `ensemble`: survival curves (`fall_probability`), channels of fall (`channel_split`),
  fan charts (`fan_chart`) and the Wilson interval of the ensembles in a
  `uprising.store.ResultsStore`.
- `horizons`: the probability of a fall within yearly horizons (`horizon_table`, and the
  report's `outcome_table` with the runs' last day), the main channel of fall
  (`main_channel`) and the calendar rule of a horizon (`horizon_end`).
- `seeds`: the seed rule of ensembles (`run_seed`, `run_seeds`, `check_seeds`).
- `features`: outcomes as features, one row per run with its inputs (`feature_table`).
- `sensitivity`: Sobol', Morris, delta and PAWN indices of an outcome (`sensitivity`).
- `discovery`: scenario discovery with PRIM and CART (`discover`, `find_box`).
- `observation`: the observation model's machinery: the calibration table shipped in
  ``data/belarus_calibration.csv`` (`calibration_rows`), `Observation` (a row and the
  output that measures it), `measure` (the model's figure from a run's series) and
  `consistent` (a report against a band).
- `belarus_observations`: the Belarus scenarios' mapping: `OBSERVATIONS` (the rows an
  output measures) and `NOT_MAPPED` (the others, by reason).
- `compare`: `run_comparison` (N seeds through the ensemble machinery, each measured by
  the observation model; median and 90 % band per row), `write_comparison`,
  `format_table` (``uprising compare``).

Import `features`, `sensitivity`, `discovery`, `observation`, `belarus_observations` and
`compare` by their module path. The names of `ensemble` and `horizons` are imported on
first use, so that importing `outbursts` does not load DuckDB, pandas and the Belarus model.
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
        quantile_column,
        wilson_interval,
    )
    from uprising.analysis.horizons import horizon_table, main_channel, outcome_table
    from uprising.analysis.seeds import check_seeds, run_seed, run_seeds

_HOMES = {
    "FailedRunsError": "ensemble",
    "channel_split": "ensemble",
    "fall_probability": "ensemble",
    "fan_chart": "ensemble",
    "quantile_column": "ensemble",
    "wilson_interval": "ensemble",
    "horizon_table": "horizons",
    "main_channel": "horizons",
    "outcome_table": "horizons",
    "check_seeds": "seeds",
    "run_seed": "seeds",
    "run_seeds": "seeds",
}

__all__ = [
    "FailedRunsError",
    "channel_split",
    "check_seeds",
    "fall_probability",
    "fan_chart",
    "horizon_table",
    "main_channel",
    "outcome_table",
    "quantile_column",
    "run_seed",
    "run_seeds",
    "wilson_interval",
]


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(f"uprising.analysis.{_HOMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
