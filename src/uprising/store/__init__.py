"""Results storage: run records and outputs.

- `run_output`: one run's per-tick series as Parquet and its summary as JSON, with the
  code version that produced them.
"""
