"""Reading the daily series of runs from their Parquet shards with DuckDB.

    table = read_series(files, columns=["participants"], where=store.shards)
    names = union_columns(files)

Only the files and columns asked for are read; the shards' columns are united by name
(a column some shards lack is null there). File names are glob-escaped
(`uprising.store.duck.parquet_scan`), so a store path with ``[``, ``*`` or ``?`` reads
its own files only.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import duckdb
import pyarrow as pa

from uprising.messages import first_line
from uprising.store.database import StoreError
from uprising.store.duck import connect, is_interrupt, parquet_scan

__all__ = ["read_series", "union_columns"]


def read_series(
    files: Sequence[os.PathLike[str] | str],
    columns: Iterable[str] | None,
    where: Path,
) -> pa.Table:
    """The rows of the given shards, ordered by run id and date.

    Args:
        files: The Parquet shards.
        columns: Series columns wanted after ``run_id`` and ``date``; None for all.
        where: The shards' folder, for messages.

    Returns:
        Columns ``run_id`` (string), ``date`` (date32), then ``columns``. Empty (with
        those columns, the series as float64) when ``files`` is empty.

    Raises:
        StoreError: A column named is in none of the shards, or a shard is unreadable.
    """
    wanted = None if columns is None else [c for c in columns if c not in ("run_id", "date")]
    if not files:
        names = ["run_id", "date", *(wanted or [])]
        types = [pa.string(), pa.date32(), *([pa.float64()] * len(wanted or []))]
        return pa.table({n: pa.array([], t) for n, t in zip(names, types, strict=True)})
    scan = parquet_scan(files)
    con = connect()
    try:
        if wanted is None:
            select = "*"
        else:
            available = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()]
            missing = [c for c in wanted if c not in available]
            if missing:
                raise StoreError(
                    f"no series column {', '.join(missing)} in the selected runs; "
                    f"columns: {', '.join(available)}"
                )
            select = ", ".join(["run_id", "date", *(_quote_ident(c) for c in wanted)])
        table = _arrow(con.sql(f"SELECT {select} FROM {scan} ORDER BY run_id, date"))
    except (duckdb.Error, RuntimeError) as exc:
        if is_interrupt(exc):  # Ctrl-C inside a query is still Ctrl-C
            raise KeyboardInterrupt from None
        if not isinstance(exc, duckdb.Error):
            raise
        raise StoreError(f"cannot read the series shards in {where}: {first_line(exc)}") from None
    finally:
        con.close()
    if wanted is None:
        head = ["run_id", "date"]
        table = table.select(head + [n for n in table.column_names if n not in head])
    return table


def union_columns(files: Iterable[os.PathLike[str] | str]) -> list[str]:
    """The column names of the given Parquet files united by name, in first-seen order.

    Raises:
        StoreError: A file is missing or not Parquet.
    """
    listed = list(files)
    if not listed:
        return []
    con = connect()
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM {parquet_scan(listed)}").fetchall()
    except duckdb.Error as exc:
        raise StoreError(f"cannot read the series shards: {first_line(exc)}") from None
    finally:
        con.close()
    return [row[0] for row in rows]


def _arrow(relation: duckdb.DuckDBPyRelation) -> pa.Table:
    # DuckDB >= 1.4 spells it to_arrow_table; older versions fetch_arrow_table.
    fetch = getattr(relation, "to_arrow_table", None) or getattr(
        relation, "fetch_arrow_table", None
    )
    result = fetch() if fetch is not None else relation.arrow()
    return result.read_all() if isinstance(result, pa.RecordBatchReader) else result


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
