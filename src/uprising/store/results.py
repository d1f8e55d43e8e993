"""The results store of ensembles: run records in DuckDB, daily series in Parquet shards.

    store = ResultsStore("results")
    store.ingest()                           # records written by workers -> table `runs`
    store.outcomes(["3f2a9c01b7de"])         # one row per successful run
    store.series(run_ids=["3f2a9c01b7de-000007"], columns=["participants"])

Layout of a store directory::

    <dir>/results.duckdb                     tables `ensembles`, `runs`, `record_files`;
                                             views `outcomes` and `series`
    <dir>/shards/<ensemble_id>/<run_id>.parquet   one run's series (run_id, date, ...)
    <dir>/shards/<ensemble_id>/<run_id>.json      the run's record: the commit marker

Workers never touch the database: each writes its run's Parquet file and then its JSON
record, both atomically, and a run is done exactly when its record exists. `ingest` reads
the records that are new or changed since the last ingest (by file size and modification
time) into the table `runs`; it is idempotent, and a record that changed (a failed run
run again) replaces its row. The series stay in the shards: `runs` and `outcomes` never
read them, and `series` reads only the files and columns asked for.

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
  ``falls`` or NULL), ``fall_date`` DATE, ``channel`` VARCHAR, ``readiness`` DOUBLE.
- ``record_files``: ``run_id`` primary key, ``path`` (relative to the store),
  ``mtime_ns``, ``size``: which record file each row was read from (for `ingest`).
- view ``outcomes``: ``run_id, ensemble_id, scenario, k, outcome, fall_date, channel,
  readiness`` of the runs whose status is ``ok``.
- view ``series``: every shard of a run recorded as ``ok``
  (``read_parquet('<dir>/shards/*/*.parquet', union_by_name = true)``); an empty store
  has an empty view with the columns ``run_id`` and ``date``.

One process at a time may write the database file, and none may read it meanwhile;
every method opens it, works and closes it, and waits (up to `ResultsStore.lock_timeout`
seconds) while another process holds it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from uprising.errors import UprisingError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DATABASE_FILE", "SHARDS_DIR", "ResultsStore", "StoreError"]

DATABASE_FILE = "results.duckdb"
SHARDS_DIR = "shards"

_SCHEMA = """
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
    readiness DOUBLE
);
CREATE TABLE IF NOT EXISTS record_files (
    run_id VARCHAR PRIMARY KEY,
    path VARCHAR NOT NULL,
    mtime_ns BIGINT NOT NULL,
    size BIGINT NOT NULL
);
CREATE OR REPLACE VIEW outcomes AS
    SELECT run_id, ensemble_id, scenario, k, outcome, fall_date, channel, readiness
    FROM runs WHERE status = 'ok';
"""

# Arrow schema of the rows inserted into `runs`, in the table's column order.
_RUNS_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("ensemble_id", pa.string()),
        ("k", pa.int64()),
        ("scenario", pa.string()),
        ("scenario_hash", pa.string()),
        ("seed", pa.int64()),
        ("scale", pa.float64()),
        ("days", pa.int64()),
        ("design_point", pa.int64()),
        ("parameters", pa.string()),
        ("code_version", pa.string()),
        ("status", pa.string()),
        ("error", pa.string()),
        ("started_at", pa.timestamp("us")),
        ("seconds", pa.float64()),
        ("series_rows", pa.int64()),
        ("outcome", pa.string()),
        ("fall_date", pa.date32()),
        ("channel", pa.string()),
        ("readiness", pa.float64()),
    ]
)
_FILES_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("path", pa.string()),
        ("mtime_ns", pa.int64()),
        ("size", pa.int64()),
    ]
)
_STATUSES = ("ok", "failed")
_ENSEMBLE_COLUMNS = (
    "ensemble_id",
    "created_at",
    "command",
    "scenarios",
    "design",
    "vary",
    "runs",
    "seed",
    "scale",
    "days",
    "code_version",
    "definition",
)


class StoreError(UprisingError):
    """The results store cannot be used: a bad record, a locked or damaged database."""


class ResultsStore:
    """A directory of ensemble results: DuckDB tables of runs, Parquet shards of series.

    Attributes:
        directory: The store's folder (created if absent).
        database: ``<directory>/results.duckdb``.
        lock_timeout: Seconds to wait for another process that holds the database.
    """

    def __init__(self, directory: str | os.PathLike[str], *, lock_timeout: float = 60.0) -> None:
        """Open (or create) the store at ``directory``: folders, database and tables.

        Args:
            directory: The store's folder; created with ``shards/`` if absent.
            lock_timeout: Seconds to wait while another process holds the database.

        Raises:
            StoreError: The folder or the database cannot be created or opened.
        """
        self.directory = Path(directory).resolve()
        self.database = self.directory / DATABASE_FILE
        self.lock_timeout = float(lock_timeout)
        try:
            (self.directory / SHARDS_DIR).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the results store {self.directory}: {exc}") from exc
        with self._open() as con:
            con.execute(_SCHEMA)
            self._refresh_series_view(con)

    def __repr__(self) -> str:
        return f"ResultsStore({str(self.directory)!r})"

    # -- files ---------------------------------------------------------------------------

    @property
    def shards(self) -> Path:
        """``<directory>/shards``: one folder of shards per ensemble."""
        return self.directory / SHARDS_DIR

    def shard_dir(self, ensemble_id: str) -> Path:
        """The folder of an ensemble's shards and records (created on demand)."""
        _check_id(ensemble_id)
        path = self.shards / ensemble_id
        path.mkdir(parents=True, exist_ok=True)
        return path

    def shard_path(self, run_id: str) -> Path:
        """Where the series of ``run_id`` (``<ensemble_id>-<k>``) is, or will be, stored."""
        return self.shards / _ensemble_of(run_id) / f"{run_id}.parquet"

    def record_path(self, run_id: str) -> Path:
        """Where the record of ``run_id`` (``<ensemble_id>-<k>``) is, or will be, stored."""
        return self.shards / _ensemble_of(run_id) / f"{run_id}.json"

    # -- writing -------------------------------------------------------------------------

    def register_ensemble(self, ensemble: Mapping[str, Any]) -> None:
        """Insert or update an ensemble's row in ``ensembles``.

        Args:
            ensemble: At least ``ensemble_id``; the columns read are ``created_at``
                (ISO-8601 or datetime; default: now, or the time of the first
                registration when the row exists), ``command``, ``scenarios``, ``design``,
                ``vary``, ``runs``, ``seed``, ``scale``, ``days`` (non-numbers, such as
                per-scenario lists, are stored as NULL) and ``code_version`` (default:
                `uprising.store.run_output.code_version`). The whole dict is kept as
                ``definition`` JSON.

        Raises:
            StoreError: ``ensemble_id`` is missing or not a plain identifier.
        """
        ensemble = dict(ensemble)
        ensemble_id = ensemble.get("ensemble_id")
        if not isinstance(ensemble_id, str):
            raise StoreError("register_ensemble: the ensemble has no ensemble_id")
        _check_id(ensemble_id)
        if ensemble.get("code_version") is None:
            from uprising.store.run_output import code_version

            ensemble["code_version"] = code_version()
        created = ensemble.get("created_at")
        try:
            created_at = _timestamp(created) if created is not None else None
        except ValueError as exc:
            raise StoreError(f"ensemble {ensemble_id}: bad created_at {created!r}") from exc
        row = [
            ensemble_id,
            created_at,
            _text(ensemble.get("command")),
            _json(ensemble.get("scenarios")),
            _text(ensemble.get("design")),
            _json(ensemble.get("vary")),
            _int(ensemble.get("runs")),
            _int(ensemble.get("seed")),
            _float(ensemble.get("scale")),
            _int(ensemble.get("days")),
            _json(ensemble.get("code_version")),
            _json(ensemble),
        ]
        with self._open() as con:
            con.execute("BEGIN TRANSACTION")
            old = con.execute(
                "SELECT created_at FROM ensembles WHERE ensemble_id = ?", [ensemble_id]
            ).fetchone()
            if row[1] is None:
                row[1] = old[0] if old else _utcnow()
            if old is None:
                con.execute(
                    "INSERT INTO ensembles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row
                )
            else:  # UPDATE, not DELETE + INSERT: DuckDB < 1.2 rejects that in a transaction
                columns = ", ".join(f"{name} = ?" for name in _ENSEMBLE_COLUMNS[1:])
                con.execute(
                    f"UPDATE ensembles SET {columns} WHERE ensemble_id = ?", [*row[1:], row[0]]
                )
            con.execute("COMMIT")

    def ingest(self, ensemble_id: str | None = None) -> int:
        """Read the records on disk that are new or changed into ``runs``.

        A record is read again only when its file's size or modification time changed
        (a failed run that was run again); its row is then replaced. Records being
        written (temporary files) and Parquet files without a record are ignored.

        Args:
            ensemble_id: Only this ensemble's folder; default: every ensemble's.

        Returns:
            The number of records inserted or replaced (0 when nothing changed).

        Raises:
            StoreError: A record is not valid JSON or lacks ``run_id``, ``ensemble_id``,
                ``k`` or ``status``, or its ``run_id`` does not match its file name.
        """
        on_disk = self._record_files(ensemble_id)
        with self._open() as con:
            known = {
                run_id: (mtime_ns, size)
                for run_id, mtime_ns, size in con.execute(
                    "SELECT run_id, mtime_ns, size FROM record_files"
                ).fetchall()
            }
            todo = [entry for entry in on_disk if known.get(entry[0]) != (entry[2], entry[3])]
            if not todo:
                return 0
            rows = [_record_row(self.directory / path, run_id) for run_id, path, _, _ in todo]
            runs = pa.Table.from_pylist(rows, schema=_RUNS_SCHEMA)
            files = pa.Table.from_pylist(
                [dict(zip(_FILES_SCHEMA.names, entry, strict=True)) for entry in todo],
                schema=_FILES_SCHEMA,
            )
            con.register("new_runs", runs)
            con.register("new_files", files)
            # Two transactions: DuckDB < 1.2 rejects re-inserting a key deleted in the same
            # transaction. A crash in between leaves the rows out of both tables, and the
            # next ingest reads those records again.
            con.execute("BEGIN TRANSACTION")
            con.execute("DELETE FROM runs WHERE run_id IN (SELECT run_id FROM new_files)")
            con.execute("DELETE FROM record_files WHERE run_id IN (SELECT run_id FROM new_files)")
            con.execute("COMMIT")
            con.execute("BEGIN TRANSACTION")
            con.execute("INSERT INTO runs SELECT * FROM new_runs")
            con.execute("INSERT INTO record_files SELECT * FROM new_files")
            con.execute("COMMIT")
            con.unregister("new_runs")
            con.unregister("new_files")
            self._refresh_series_view(con)
        return len(todo)

    # -- reading -------------------------------------------------------------------------

    def recorded_run_ids(self, ensemble_id: str, *, status: str | None = None) -> set[str]:
        """The run ids of an ensemble that have a row in ``runs`` (call `ingest` first).

        Args:
            ensemble_id: The ensemble.
            status: Only runs with this status (``"ok"`` or ``"failed"``); default: all.
        """
        sql = "SELECT run_id FROM runs WHERE ensemble_id = ?"
        params: list[Any] = [ensemble_id]
        if status is not None:
            if status not in _STATUSES:
                raise StoreError(f"status must be one of {_STATUSES}, not {status!r}")
            sql += " AND status = ?"
            params.append(status)
        with self._open(read_only=True) as con:
            return {row[0] for row in con.execute(sql, params).fetchall()}

    def runs(self, ensemble_ids: str | Iterable[str] | None = None) -> pd.DataFrame:
        """Rows of ``runs`` (all columns, see the module docs), ordered by ensemble and k.

        Args:
            ensemble_ids: One id or several; default: every ensemble.
        """
        return self._select("runs", ensemble_ids, order="ensemble_id, k, run_id")

    def outcomes(self, ensemble_ids: str | Iterable[str] | None = None) -> pd.DataFrame:
        """The outcomes of the successful runs (view ``outcomes``), ordered by ensemble and k.

        Columns: ``run_id, ensemble_id, scenario, k, outcome`` (``holds`` | ``falls``),
        ``fall_date`` (datetime64, NaT when it holds), ``channel`` (None when it holds),
        ``readiness``.
        """
        return self._select("outcomes", ensemble_ids, order="ensemble_id, k, run_id")

    def ensembles(self) -> pd.DataFrame:
        """Rows of ``ensembles`` (JSON columns as text), oldest first."""
        with self._open(read_only=True) as con:
            return con.execute("SELECT * FROM ensembles ORDER BY created_at, ensemble_id").df()

    def series_files(
        self,
        run_ids: Iterable[str] | None = None,
        ensemble_ids: str | Iterable[str] | None = None,
    ) -> list[Path]:
        """The shards of the successful recorded runs selected (both filters apply).

        Args:
            run_ids: Only these runs; default: every run (of ``ensemble_ids``).
            ensemble_ids: Only these ensembles; default: every ensemble.

        Returns:
            Paths ordered by run id; runs whose shard is missing are left out.
        """
        sql = "SELECT run_id FROM runs WHERE status = 'ok'"
        params: list[Any] = []
        ensembles = _ids(ensemble_ids)
        if ensembles is not None:
            sql += " AND list_contains(?, ensemble_id)"
            params.append(ensembles)
        with self._open(read_only=True) as con:
            recorded = [row[0] for row in con.execute(sql + " ORDER BY run_id", params).fetchall()]
        if run_ids is not None:
            wanted = set(_ids(run_ids) or [])
            recorded = [run_id for run_id in recorded if run_id in wanted]
        paths = [self.shard_path(run_id) for run_id in recorded]
        return [path for path in paths if path.is_file()]

    def series_arrow(
        self,
        run_ids: Iterable[str] | None = None,
        ensemble_ids: str | Iterable[str] | None = None,
        columns: Iterable[str] | None = None,
    ) -> pa.Table:
        """The daily series of the selected successful runs, as an Arrow table.

        Args:
            run_ids: Only these runs; default: every run (of ``ensemble_ids``).
            ensemble_ids: Only these ensembles; default: every ensemble.
            columns: Series columns wanted (``run_id`` and ``date`` always come first);
                default: all. A column that some shards lack is null there.

        Returns:
            Columns ``run_id`` (string), ``date`` (date32), then ``columns``; rows ordered
            by run id and date. Empty (with ``run_id`` and ``date``, and the columns
            named) when nothing is selected.

        Raises:
            StoreError: A column named is in none of the selected shards.
        """
        files = self.series_files(run_ids, ensemble_ids)
        wanted = None if columns is None else [c for c in columns if c not in ("run_id", "date")]
        if not files:
            names = ["run_id", "date", *(wanted or [])]
            types = [pa.string(), pa.date32(), *([pa.float64()] * len(wanted or []))]
            return pa.table({n: pa.array([], t) for n, t in zip(names, types, strict=True)})
        scan = parquet_scan(files)
        con = duckdb.connect()
        try:
            if wanted is None:
                select = "*"
            else:
                available = [
                    row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()
                ]
                missing = [c for c in wanted if c not in available]
                if missing:
                    raise StoreError(
                        f"no series column {', '.join(missing)} in the selected runs; "
                        f"columns: {', '.join(available)}"
                    )
                select = ", ".join(["run_id", "date", *(_quote_ident(c) for c in wanted)])
            table = _arrow(con.sql(f"SELECT {select} FROM {scan} ORDER BY run_id, date"))
        except duckdb.Error as exc:
            raise StoreError(f"cannot read the series shards in {self.shards}: {exc}") from exc
        finally:
            con.close()
        if wanted is None:
            head = ["run_id", "date"]
            table = table.select(head + [n for n in table.column_names if n not in head])
        return table

    def series(
        self,
        run_ids: Iterable[str] | None = None,
        ensemble_ids: str | Iterable[str] | None = None,
        columns: Iterable[str] | None = None,
    ) -> pd.DataFrame:
        """The daily series of the selected successful runs, as a pandas DataFrame.

        Same selection and columns as `series_arrow`; ``date`` is datetime64.
        """
        table = self.series_arrow(run_ids, ensemble_ids, columns)
        return table.to_pandas(date_as_object=False)

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A read-only connection to the database, for one's own SQL.

        Close it when done (``with store.connect() as con: ...``): while it is open, this
        process cannot write the store (`ingest`, `register_ensemble`) and no other
        process can open it.
        """
        return self._connect(read_only=True)

    # -- internals -----------------------------------------------------------------------

    @contextmanager
    def _open(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        con = self._connect(read_only=read_only)
        try:
            yield con
        finally:
            con.close()

    def _connect(self, *, read_only: bool) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.02
        while True:
            try:
                return duckdb.connect(str(self.database), read_only=read_only)
            except duckdb.ConnectionException as exc:
                raise StoreError(
                    f"{self.database}: {exc} (close the connection from "
                    "ResultsStore.connect() before writing the store)"
                ) from exc
            except duckdb.Error as exc:
                locked = "lock" in str(exc).lower()
                if not locked or time.monotonic() >= deadline:
                    why = "held by another process" if locked else "cannot be opened"
                    raise StoreError(f"{self.database} {why}: {exc}") from exc
            time.sleep(delay)
            delay = min(delay * 2, 0.5)

    def _refresh_series_view(self, con: duckdb.DuckDBPyConnection) -> None:
        if any(self.shards.glob("*/*.parquet")):
            glob = str(self.shards / "*" / "*.parquet")
            source = (
                f"SELECT * FROM read_parquet({_quote(glob)}, union_by_name = true) "
                "WHERE run_id IN (SELECT run_id FROM runs WHERE status = 'ok')"
            )
        else:
            source = "SELECT NULL::VARCHAR AS run_id, NULL::DATE AS date WHERE false"
        con.execute(f"CREATE OR REPLACE VIEW series AS {source}")

    def _record_files(self, ensemble_id: str | None) -> list[tuple[str, str, int, int]]:
        """(run_id, path relative to the store, mtime_ns, size) of the records on disk."""
        if ensemble_id is not None:
            _check_id(ensemble_id)
            folders = [self.shards / ensemble_id]
        else:
            folders = sorted(p for p in self.shards.iterdir() if p.is_dir())
        found = []
        for folder in folders:
            if not folder.is_dir():
                continue
            with os.scandir(folder) as entries:
                for entry in entries:
                    name = entry.name
                    if name.startswith(".") or not name.endswith(".json"):
                        continue
                    stat = entry.stat()
                    relative = f"{SHARDS_DIR}/{folder.name}/{name}"
                    found.append((name[: -len(".json")], relative, stat.st_mtime_ns, stat.st_size))
        found.sort()
        return found

    def _select(
        self, table: str, ensemble_ids: str | Iterable[str] | None, *, order: str
    ) -> pd.DataFrame:
        sql = f"SELECT * FROM {table}"
        params: list[Any] = []
        ensembles = _ids(ensemble_ids)
        if ensembles is not None:
            sql += " WHERE list_contains(?, ensemble_id)"
            params.append(ensembles)
        with self._open(read_only=True) as con:
            return con.execute(f"{sql} ORDER BY {order}", params).df()


# -- helpers shared with `uprising.analysis.ensemble` -------------------------------------


def parquet_scan(files: Iterable[os.PathLike[str] | str]) -> str:
    """SQL for a DuckDB scan of the given Parquet files, columns united by name."""
    listed = ", ".join(_quote(str(path)) for path in files)
    return f"read_parquet([{listed}], union_by_name = true)"


def union_columns(files: Iterable[os.PathLike[str] | str]) -> list[str]:
    """The column names of the given Parquet files united by name, in first-seen order.

    Raises:
        StoreError: A file is missing or not Parquet.
    """
    listed = list(files)
    if not listed:
        return []
    con = duckdb.connect()
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM {parquet_scan(listed)}").fetchall()
    except duckdb.Error as exc:
        raise StoreError(f"cannot read the series shards: {exc}") from exc
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


def _record_row(path: Path, run_id: str) -> dict[str, Any]:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"{path}: not a readable run record: {exc}") from exc
    if not isinstance(record, dict):
        raise StoreError(f"{path}: not a run record (a JSON object)")
    missing = [key for key in ("run_id", "ensemble_id", "k", "status") if key not in record]
    if missing:
        raise StoreError(f"{path}: run record without {', '.join(missing)}")
    if record["run_id"] != run_id:
        raise StoreError(f"{path}: the record's run_id is {record['run_id']!r}")
    if record["status"] not in _STATUSES:
        raise StoreError(f"{path}: status {record['status']!r} is not one of {_STATUSES}")
    try:
        fall = record.get("fall_date")
        started = record.get("started_at")
        return {
            "run_id": run_id,
            "ensemble_id": str(record["ensemble_id"]),
            "k": _int(record["k"]),
            "scenario": _text(record.get("scenario")),
            "scenario_hash": _text(record.get("scenario_hash")),
            "seed": _int(record.get("seed")),
            "scale": _float(record.get("scale")),
            "days": _int(record.get("days")),
            "design_point": _int(record.get("design_point")),
            "parameters": _json(record.get("parameters") or {}),
            "code_version": _json(record.get("code_version")),
            "status": record["status"],
            "error": _text(record.get("error")),
            "started_at": _timestamp(started) if started else None,
            "seconds": _float(record.get("seconds")),
            "series_rows": _int(record.get("series_rows")),
            "outcome": _text(record.get("outcome")),
            "fall_date": dt.date.fromisoformat(fall) if fall else None,
            "channel": _text(record.get("channel")),
            "readiness": _float(record.get("readiness")),
        }
    except (TypeError, ValueError) as exc:
        raise StoreError(f"{path}: bad value in run record: {exc}") from exc


def _ensemble_of(run_id: str) -> str:
    ensemble_id, sep, k = run_id.rpartition("-")
    if not sep or not ensemble_id or not k.isdigit():
        raise StoreError(f"run id {run_id!r} is not <ensemble_id>-<k>")
    _check_id(ensemble_id)
    return ensemble_id


def _check_id(ensemble_id: str) -> None:
    if (
        not ensemble_id
        or ensemble_id.startswith(".")
        or any(ch in ensemble_id for ch in "/\\*?[]'\"")
    ):
        raise StoreError(f"not an ensemble id: {ensemble_id!r}")


def _ids(ids: str | Iterable[str] | None) -> list[str] | None:
    if ids is None:
        return None
    if isinstance(ids, str):
        return [ids]
    return [str(item) for item in ids]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=False, default=str)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _int(value: Any) -> int | None:
    """An int for a BIGINT column; None for anything else or out of the int64 range."""
    if value is None or isinstance(value, bool | list | tuple | dict):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    try:
        number = int(value)  # ints, integral floats, numpy integers, digit strings
    except (TypeError, ValueError, OverflowError):
        return None
    return number if -(2**63) <= number < 2**63 else None


def _float(value: Any) -> float | None:
    if value is None or isinstance(value, bool | str | list | tuple | dict):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _timestamp(value: Any) -> dt.datetime:
    """A naive UTC datetime from an ISO-8601 string or a datetime (naive = UTC)."""
    when = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return when


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
