"""The store's tables: their SQL, the Arrow schemas of their rows, and replacing rows.

    con.execute(SCHEMA_SQL)                                  # tables and views if absent
    replace_rows(con, delete, rows, files, shards)           # delete, then insert

`replace_rows` deletes the rows of the given runs from ``runs``, ``record_files`` and
``shard_files``, then inserts the new rows (`uprising.store.records.RUNS_SCHEMA`,
`FILES_SCHEMA`, `SHARDS_SCHEMA`), in two transactions.

Tables (DuckDB types):

- ``ensembles``: ``ensemble_id`` VARCHAR primary key, ``created_at`` TIMESTAMP (UTC),
  ``command`` VARCHAR, ``scenarios`` JSON (list), ``design`` VARCHAR, ``vary`` JSON (list),
  ``runs`` BIGINT, ``seed`` BIGINT, ``scale`` DOUBLE, ``days`` BIGINT (both NULL when
  they differ by scenario), ``code_version`` JSON, ``definition`` JSON (the whole dict
  given to `ResultsStore.register_ensemble`).
- ``runs``: ``run_id`` VARCHAR primary key, ``ensemble_id``, ``k`` BIGINT, ``scenario``,
  ``scenario_hash``, ``seed`` BIGINT, ``scale`` DOUBLE, ``days`` BIGINT, ``design_point``
  BIGINT, ``parameters`` JSON (object), ``code_version`` JSON, ``status`` (``ok`` or
  ``failed``), ``error`` (traceback text or NULL), ``started_at`` TIMESTAMP (UTC),
  ``seconds`` DOUBLE, ``series_rows`` BIGINT, and the outcome: ``outcome`` (``holds``,
  ``falls`` or NULL), ``fall_date`` DATE, ``channel`` VARCHAR, ``readiness`` DOUBLE,
  ``transition`` VARCHAR (what followed a fall: ``democracy`` or ``autocracy``; NULL when
  the regime held or the family has no successor; added to older stores on opening).
- ``record_files``: ``run_id`` primary key, ``path`` (relative to the store),
  ``mtime_ns``, ``size``: which record file each row was read from (for `ingest`).
- ``shard_files``: ``run_id`` primary key, ``path``, ``mtime_ns``, ``size``, ``sha256``
  (NULL for records written without one): the verified shard of each ``ok`` run.
- view ``outcomes``: ``run_id, ensemble_id, scenario, k, outcome, fall_date, channel,
  readiness, transition`` of the runs whose status is ``ok``.
- view ``series``: the verified shard of every run recorded as ``ok`` (a
  ``read_parquet`` of the files listed in ``shard_files``, columns united by name, no
  glob); an empty store has an empty view with the columns ``run_id`` and ``date``.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from uprising.store.records import RUNS_SCHEMA

__all__ = ["FILES_SCHEMA", "SCHEMA_SQL", "SHARDS_SCHEMA", "replace_rows"]

SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS ensembles (
    ensemble_id VARCHAR PRIMARY KEY,
    created_at TIMESTAMP,
    command VARCHAR,
    scenarios JSON,
    design VARCHAR,
    vary JSON,
    runs BIGINT,
    seed BIGINT,
    scale DOUBLE,
    days BIGINT,
    code_version JSON,
    definition JSON
);
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY,
    ensemble_id VARCHAR NOT NULL,
    k BIGINT,
    scenario VARCHAR,
    scenario_hash VARCHAR,
    seed BIGINT,
    scale DOUBLE,
    days BIGINT,
    design_point BIGINT,
    parameters JSON,
    code_version JSON,
    status VARCHAR NOT NULL,
    error VARCHAR,
    started_at TIMESTAMP,
    seconds DOUBLE,
    series_rows BIGINT,
    outcome VARCHAR,
    fall_date DATE,
    channel VARCHAR,
    readiness DOUBLE,
    transition VARCHAR
);
ALTER TABLE runs ADD COLUMN IF NOT EXISTS transition VARCHAR;
CREATE TABLE IF NOT EXISTS record_files (
    run_id VARCHAR PRIMARY KEY,
    path VARCHAR NOT NULL,
    mtime_ns BIGINT NOT NULL,
    size BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS shard_files (
    run_id VARCHAR PRIMARY KEY,
    path VARCHAR NOT NULL,
    mtime_ns BIGINT NOT NULL,
    size BIGINT NOT NULL,
    sha256 VARCHAR
);
CREATE OR REPLACE VIEW outcomes AS
    SELECT run_id, ensemble_id, scenario, k, outcome, fall_date, channel, readiness,
        transition
    FROM runs WHERE status = 'ok';
"""

"""The tables and the ``outcomes`` view, created when absent."""

FILES_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("path", pa.string()),
        ("mtime_ns", pa.int64()),
        ("size", pa.int64()),
    ]
)
"""Arrow schema of the rows of ``record_files``."""

SHARDS_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("path", pa.string()),
        ("mtime_ns", pa.int64()),
        ("size", pa.int64()),
        ("sha256", pa.string()),
    ]
)
"""Arrow schema of the rows of ``shard_files``."""


def replace_rows(
    con: duckdb.DuckDBPyConnection,
    delete: list[str],
    rows: list[dict[str, Any]],
    files: list[tuple[str, str, int, int]],
    shards: list[tuple[str, str, int, int, str | None]],
) -> None:
    """Delete the rows of ``delete``, then insert the new rows of the three tables."""
    gone = pa.table({"run_id": pa.array(sorted(set(delete)), pa.string())})
    runs = pa.Table.from_pylist(rows, schema=RUNS_SCHEMA)
    record_files = pa.Table.from_pylist(
        [dict(zip(FILES_SCHEMA.names, entry, strict=True)) for entry in files],
        schema=FILES_SCHEMA,
    )
    shard_files = pa.Table.from_pylist(
        [dict(zip(SHARDS_SCHEMA.names, entry, strict=True)) for entry in shards],
        schema=SHARDS_SCHEMA,
    )
    for name, table in [
        ("gone_runs", gone),
        ("new_runs", runs),
        ("new_files", record_files),
        ("new_shards", shard_files),
    ]:
        con.register(name, table)
    # Two transactions: DuckDB < 1.2 rejects re-inserting a key deleted in the same
    # transaction. A crash in between leaves the rows out of all tables, and the
    # next ingest reads those records again.
    con.execute("BEGIN TRANSACTION")
    for table in ("runs", "record_files", "shard_files"):
        con.execute(f"DELETE FROM {table} WHERE run_id IN (SELECT run_id FROM gone_runs)")
    con.execute("COMMIT")
    con.execute("BEGIN TRANSACTION")
    con.execute("INSERT INTO runs SELECT * FROM new_runs")
    con.execute("INSERT INTO record_files SELECT * FROM new_files")
    con.execute("INSERT INTO shard_files SELECT * FROM new_shards")
    con.execute("COMMIT")
    for name in ("gone_runs", "new_runs", "new_files", "new_shards"):
        con.unregister(name)
