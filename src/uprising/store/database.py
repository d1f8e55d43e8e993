"""Opening a store's DuckDB file: a foreign or damaged file, a lock, a full disk.

    con = open_database(path, read_only=False, lock_timeout=60)
    raise database_failure(path, exc, "cannot be read or written")

`open_database` checks the file's header first (a SQLite file, a truncated one), opens
it without extension auto-install (`uprising.store.duck`), and waits with backoff while
another process holds DuckDB's lock. Only a lock conflict waits: any other error (a
checksum mismatch, a short read) is reported at once, as a `StoreError` that says the
file may be damaged; a full disk and a lock held past the timeout are
`StoreUnavailable` (an environment failure, exit status 1).
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

from uprising.errors import EnvironmentFailure, UprisingError
from uprising.messages import first_line
from uprising.store.duck import check_database_file, connect, is_disk_full, is_lock_conflict

__all__ = ["StoreError", "StoreUnavailable", "database_failure", "open_database"]


class StoreError(UprisingError):
    """The results store cannot be used: a foreign, damaged or misused database file."""


class StoreUnavailable(StoreError, EnvironmentFailure):
    """The store cannot be written or opened now: a full disk, a database held elsewhere."""


def open_database(path: Path, *, read_only: bool, lock_timeout: float) -> duckdb.DuckDBPyConnection:
    """A connection to the store's database file (created when absent and not read-only).

    Args:
        path: The ``results.duckdb`` file.
        read_only: Open read-only.
        lock_timeout: Seconds to wait while another process holds the file.

    Raises:
        StoreError: Not a DuckDB file, damaged, or a connection of this process is open.
        StoreUnavailable: Held by another process after ``lock_timeout``; a full disk.
    """
    problem = check_database_file(path)
    if problem is not None:
        raise StoreError(
            f"{path} {problem}: a results store's database is a DuckDB file; "
            "move it away or give another --store"
        )
    deadline = time.monotonic() + lock_timeout
    delay = 0.02
    while True:
        try:
            return connect(path, read_only=read_only)
        except duckdb.ConnectionException as exc:
            raise StoreError(
                f"{path}: {first_line(exc)} (close the connection from "
                "ResultsStore.connect() before writing the store)"
            ) from None
        except duckdb.Error as exc:
            if not is_lock_conflict(exc):
                raise database_failure(path, exc, "cannot be opened") from None
            if time.monotonic() >= deadline:
                raise StoreUnavailable(
                    f"{path} is held by another process (waited {lock_timeout:g} s): "
                    f"{first_line(exc)}"
                ) from None
        time.sleep(delay)
        delay = min(delay * 2, 0.5)


def database_failure(path: Path, exc: BaseException, what: str) -> StoreError:
    """The `StoreError` for a DuckDB error on the database file (not raised here)."""
    if is_disk_full(exc):
        return StoreUnavailable(
            f"{path}: the disk is full ({first_line(exc)}); free some space and run the "
            "command again"
        )
    return StoreError(f"{path} {what}; it may be damaged or not a results store: {first_line(exc)}")
