"""Results storage: run records and outputs.

- `run_output`: one run's per-tick series as Parquet and its summary as JSON, with the
  code version that produced them.
- `atomic`: `atomic_write`, every output written through a temporary file and a rename.
- `results`: the store of ensembles (`ResultsStore`): run records in DuckDB tables,
  daily series in Parquet shards, one per run.
- `tables`: the store's tables and views, their columns, and replacing their rows.
- `records`: run records (JSON commit markers) read into rows of ``runs``.
- `shards`: a shard written with its sha256 (`write_shard`), checked (`shard_problem`),
  or moved to ``damaged/`` (`quarantine`, `Damage`).
- `integrity`: what an ingest trusts: records and shards checked, damaged runs taken out.
- `series`: the series of runs read from their shards (`read_series`, `union_columns`).
- `database`: opening the DuckDB file (header, lock, full disk; `StoreError`,
  `StoreUnavailable`).
- `duck`: DuckDB connections without extension auto-install; glob-escaped scans.
- `lock`: `EnsembleLock`, one coordinator at a time per ensemble (`EnsembleBusy`).
- `owned`: `write_owned_files`, a folder of generated files beside the user's own.

`ResultsStore`, `StoreError` and `StoreUnavailable` are imported on first use, so that
importing `run_output` does not load DuckDB and pandas.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from uprising.store.database import StoreError, StoreUnavailable
    from uprising.store.results import ResultsStore

__all__ = ["ResultsStore", "StoreError", "StoreUnavailable"]

_HOMES = {
    "ResultsStore": "uprising.store.results",
    "StoreError": "uprising.store.database",
    "StoreUnavailable": "uprising.store.database",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
