"""Results storage: run records and outputs.

- `run_output`: one run's per-tick series as Parquet and its summary as JSON, with the
  code version that produced them.
- `results`: the store of ensembles (`ResultsStore`): run records in DuckDB tables,
  daily series in Parquet shards, one per run.

`ResultsStore` and `StoreError` are imported on first use, so that importing
`run_output` does not load DuckDB and pandas.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from uprising.store.results import ResultsStore, StoreError

__all__ = ["ResultsStore", "StoreError"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(import_module("uprising.store.results"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
