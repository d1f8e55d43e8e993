"""The results store of ensembles: run records in DuckDB, daily series in Parquet shards.

    store = ResultsStore("results")
    store.ingest()                           # records written by workers -> table `runs`
    store.outcomes(["3f2a9c01b7de"])         # one row per successful run
    store.series(run_ids=["3f2a9c01b7de-000007"], columns=["participants"])

Layout of a store directory::

    <dir>/results.duckdb                     tables `ensembles`, `runs`, `record_files`,
                                             `shard_files`; views `outcomes` and `series`
    <dir>/shards/<ensemble_id>/<run_id>.parquet   one run's series (run_id, date, ...)
    <dir>/shards/<ensemble_id>/<run_id>.json      the run's record: the commit marker,
                                             with the shard's sha256 and size
    <dir>/locks/<ensemble_id>.lock           held by the coordinator running it
    <dir>/damaged/<ensemble_id>/             files of runs taken out as damaged

Workers never touch the database: each writes its run's Parquet file and then its JSON
record, both atomically, and a run is done exactly when its record exists. `ingest` reads
the records that are new or changed since the last ingest (by file size and modification
time) into the table `runs`; it is idempotent, and a record that changed (a failed run
run again) replaces its row. The series stay in the shards: `runs` and `outcomes` never
read them, and `series` reads only the files and columns asked for.

Nothing damaged is trusted and nothing is lost silently: an ``ok`` run counts only while
its shard is the file its record describes (`uprising.store.shards`). A run whose shard
is missing, truncated or changed, or whose record is unreadable, is taken out of the
tables, its files are moved to ``damaged/``, and it is listed in `ResultsStore.damaged`;
resuming the ensemble runs it again. One damaged run never stops the other runs, or
other ensembles, from being read.

The tables and views, with their columns, are listed in `uprising.store.tables`.

One process at a time may write the database file, and none may read it meanwhile;
every method opens it, works and closes it, and waits (up to `ResultsStore.lock_timeout`
seconds) while another process holds it. The database file's header is checked before
DuckDB opens it, and DuckDB never installs or loads an extension
(`uprising.store.database`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from uprising.store.database import (
    StoreError,
    StoreUnavailable,
    database_failure,
    open_database,
)
from uprising.store.duck import is_interrupt, parquet_scan
from uprising.store.integrity import check_known_shards, ingest_records, verify_listed
from uprising.store.records import (
    STATUSES,
    as_float,
    as_int,
    as_json,
    as_text,
    as_timestamp,
    utcnow,
)
from uprising.store.series import read_series
from uprising.store.shards import Damage
from uprising.store.tables import SCHEMA_SQL, replace_rows

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DATABASE_FILE", "SHARDS_DIR", "ResultsStore", "StoreError", "StoreUnavailable"]

DATABASE_FILE = "results.duckdb"
SHARDS_DIR = "shards"

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


class ResultsStore:
    """A directory of ensemble results: DuckDB tables of runs, Parquet shards of series.

    Attributes:
        directory: The store's folder (created if absent).
        database: ``<directory>/results.duckdb``.
        lock_timeout: Seconds to wait for another process that holds the database.
        damaged: Every run this object took out of the store as damaged or missing
            (`uprising.store.shards.Damage`), oldest first.
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
        self.damaged: list[Damage] = []
        try:
            (self.directory / SHARDS_DIR).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the results store {self.directory}: {exc}") from exc
        with self._open() as con:
            con.execute(SCHEMA_SQL)
            bad = check_known_shards(self, con, "", set())
            if bad:
                replace_rows(con, bad, [], [], [])
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
            created_at = as_timestamp(created) if created is not None else None
        except ValueError as exc:
            raise StoreError(f"ensemble {ensemble_id}: bad created_at {created!r}") from exc
        row = [
            ensemble_id,
            created_at,
            as_text(ensemble.get("command")),
            as_json(ensemble.get("scenarios")),
            as_text(ensemble.get("design")),
            as_json(ensemble.get("vary")),
            as_int(ensemble.get("runs")),
            as_int(ensemble.get("seed")),
            as_float(ensemble.get("scale")),
            as_int(ensemble.get("days")),
            as_json(ensemble.get("code_version")),
            as_json(ensemble),
        ]
        with self._open() as con:
            con.execute("BEGIN TRANSACTION")
            old = con.execute(
                "SELECT created_at FROM ensembles WHERE ensemble_id = ?", [ensemble_id]
            ).fetchone()
            if row[1] is None:
                row[1] = old[0] if old else utcnow()
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
        """Read the records on disk that are new or changed into ``runs``; check the shards.

        A record is read again only when its file's size or modification time changed
        (a failed run that was run again); its row is then replaced. Records being
        written (temporary files) and Parquet files without a record are ignored.

        Every ``ok`` run's shard is checked: a new record's shard against the checksum
        and size in the record, a known one by its size and modification time (and its
        checksum when they changed). A run whose record is unreadable or whose shard is
        missing, truncated or changed is taken out: its rows are deleted, its files
        moved to ``<directory>/damaged/<ensemble_id>/``, and a `Damage` is added to
        `damaged`. The run then has no record, so resuming the ensemble runs it again,
        and the other runs and ensembles are read as usual. A run whose record was
        deleted loses its rows too.

        Args:
            ensemble_id: Only this ensemble's folder; default: every ensemble's.

        Returns:
            The number of records inserted, replaced or taken out (0 when nothing
            changed).

        Raises:
            StoreError: The database cannot be opened or written (`StoreUnavailable`
                for a full disk or a database held by another process).
        """
        on_disk = self._record_files(ensemble_id)
        with self._open() as con:
            prefix = f"{SHARDS_DIR}/{ensemble_id}/" if ensemble_id is not None else ""
            rows, files, shards, taken_out = ingest_records(self, con, on_disk, prefix)
            if not rows and not taken_out:
                return 0
            replace_rows(con, [*taken_out, *(entry[0] for entry in files)], rows, files, shards)
            self._refresh_series_view(con)
        return len(rows) + len(set(taken_out))

    def verify(self, ensemble_id: str | None = None) -> list[Damage]:
        """Check every recorded ``ok`` shard against its checksum; take out the damaged.

        `ingest` trusts a known shard whose size and modification time are unchanged;
        this reads each one whole, so it also finds a change that kept both (a disk
        error, a restored timestamp). Damaged runs are taken out as by `ingest`.

        Args:
            ensemble_id: Only this ensemble; default: every ensemble.

        Returns:
            The damage found by this call (also added to `damaged`).
        """
        before = len(self.damaged)
        with self._open() as con:
            prefix = f"{SHARDS_DIR}/{ensemble_id}/" if ensemble_id is not None else ""
            if verify_listed(self, con, prefix):
                self._refresh_series_view(con)
        return self.damaged[before:]

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
            if status not in STATUSES:
                raise StoreError(f"status must be one of {STATUSES}, not {status!r}")
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
        return read_series(self.series_files(run_ids, ensemble_ids), columns, self.shards)

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
        except (duckdb.Error, RuntimeError) as exc:
            if is_interrupt(exc):  # Ctrl-C inside a query is still Ctrl-C
                raise KeyboardInterrupt from None
            if not isinstance(exc, duckdb.Error):
                raise
            raise database_failure(self.database, exc, "cannot be read or written") from None
        finally:
            con.close()

    def _connect(self, *, read_only: bool) -> duckdb.DuckDBPyConnection:
        return open_database(self.database, read_only=read_only, lock_timeout=self.lock_timeout)

    def _refresh_series_view(self, con: duckdb.DuckDBPyConnection) -> None:
        """(Re)create ``series`` over the verified shards; DuckDB reads their footers."""
        for attempt in range(2):
            listed = con.execute(
                "SELECT path FROM shard_files WHERE run_id IN "
                "(SELECT run_id FROM runs WHERE status = 'ok') ORDER BY run_id"
            ).fetchall()
            if not listed:
                source = "SELECT NULL::VARCHAR AS run_id, NULL::DATE AS date WHERE false"
                con.execute(f"CREATE OR REPLACE VIEW series AS {source}")
                return
            source = "SELECT * FROM " + parquet_scan(self.directory / row[0] for row in listed)
            try:
                con.execute(f"CREATE OR REPLACE VIEW series AS {source}")
                return
            except duckdb.Error:
                # A shard changed without changing its size and mtime: find it, take it out.
                if attempt or not verify_listed(self, con, ""):
                    raise

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
