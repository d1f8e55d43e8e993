"""DuckDB connections that touch nothing but local files, and what their errors mean.

    con = connect(path, read_only=True)      # extensions never installed or loaded
    scan = parquet_scan([path1, path2])      # SQL for the files, glob characters escaped

Every connection the project opens goes through `connect`: DuckDB's automatic install
and loading of extensions is off, so that opening a foreign file (a SQLite database
named ``results.duckdb``) never reaches the network. Before a database file is opened
its header is checked (`check_database_file`), so a file that is not a DuckDB database
is refused with one line instead of DuckDB guessing its format.

DuckDB reads a file name given to ``read_parquet`` as a glob pattern, even inside a
list: `glob_escape` makes a path match itself only, whatever ``[``, ``*`` or ``?`` it
contains.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from pathlib import Path

import duckdb

__all__ = [
    "DUCKDB_MAGIC",
    "check_database_file",
    "connect",
    "glob_escape",
    "is_disk_full",
    "is_interrupt",
    "is_lock_conflict",
    "parquet_scan",
]

DUCKDB_MAGIC = b"DUCK"
"""Bytes 8 to 11 of every DuckDB database file (after an 8-byte checksum)."""

_LOCAL_ONLY = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}


def connect(
    database: str | os.PathLike[str] | None = None, *, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that never installs or loads an extension.

    Args:
        database: The database file; None for an in-memory database.
        read_only: Open the file read-only.

    Returns:
        The `duckdb.DuckDBPyConnection`.

    Raises:
        duckdb.Error: As `duckdb.connect` (see `is_lock_conflict`, `is_disk_full`).
    """
    target = ":memory:" if database is None else str(database)
    return duckdb.connect(target, read_only=read_only, config=dict(_LOCAL_ONLY))


def check_database_file(path: Path) -> str | None:
    """Why ``path`` cannot be a DuckDB database, or None when it may be one (or is absent).

    Only the header is read: an absent or empty file is fine (DuckDB creates it); a file
    shorter than a header, or whose bytes 8 to 11 are not ``DUCK``, is not a database.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if not head:
        return None
    if head.startswith(b"SQLite format 3"):
        return "is a SQLite database, not a DuckDB one"
    if len(head) < 12 or head[8:12] != DUCKDB_MAGIC:
        return "is not a DuckDB database (its header has no DUCK signature)"
    return None


def is_lock_conflict(exc: BaseException) -> bool:
    """Whether a DuckDB error says that another process holds the database file."""
    text = str(exc)
    return "Could not set lock on file" in text or "Conflicting lock is held" in text


def is_interrupt(exc: BaseException) -> bool:
    """Whether DuckDB stopped a query for Ctrl-C (it then swallows the KeyboardInterrupt).

    DuckDB raises ``InterruptException`` or, in 2.x, ``RuntimeError("Query interrupted")``.
    """
    if isinstance(exc, duckdb.InterruptException):
        return True
    return isinstance(exc, RuntimeError) and str(exc).strip() == "Query interrupted"


def is_disk_full(exc: BaseException) -> bool:
    """Whether an error (OSError or DuckDB's) says that the disk or a quota is full."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(exc).lower()
    return "no space left on device" in text or "disk quota exceeded" in text


def glob_escape(path: str | os.PathLike[str]) -> str:
    """``path`` as a DuckDB glob pattern that matches that one file only."""
    return "".join(f"[{ch}]" if ch in "[*?" else ch for ch in str(path))


def parquet_scan(files: Iterable[os.PathLike[str] | str]) -> str:
    """SQL for a DuckDB scan of the given Parquet files, columns united by name."""
    listed = ", ".join(_quote(glob_escape(path)) for path in files)
    return f"read_parquet([{listed}], union_by_name = true)"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
