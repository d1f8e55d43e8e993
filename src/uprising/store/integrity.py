"""Checking a store's runs against their files: what `ResultsStore.ingest` trusts.

    read = read_run(store, run_id, path)          # (row, shard row) or the run's Damage
    bad = check_known_shards(store, con, prefix)  # by size and mtime, then checksum
    bad = verify_listed(store, con, prefix)       # every shard read whole

A run counts as ``ok`` only while its shard is the file its record describes
(`uprising.store.shards`). When it is not, or the record is unreadable, `take_out`
moves the run's files to ``<store>/damaged/<ensemble_id>/`` and adds a `Damage` to
``store.damaged``; the caller deletes the run's rows, so that resuming the ensemble runs
it again.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from uprising.store.database import StoreUnavailable
from uprising.store.records import RecordError, read_record, record_digest, runs_row
from uprising.store.shards import Damage, ShardDigest, quarantine, shard_problem
from uprising.store.tables import replace_rows

if TYPE_CHECKING:
    from uprising.store.results import ResultsStore

__all__ = [
    "ShardRow",
    "check_known_shards",
    "ingest_records",
    "read_run",
    "take_out",
    "verify_listed",
]

ShardRow = tuple[str, str, int, int, str | None]
"""A row of ``shard_files``: run id, path in the store, mtime (ns), size, sha256."""


def read_run(
    store: ResultsStore, run_id: str, path: Path
) -> Damage | tuple[dict[str, Any], ShardRow | None]:
    """A record's row of ``runs`` and its verified shard's row, or the run's `Damage`."""
    shard = store.shard_path(run_id)
    try:
        record = read_record(path, run_id)
        digest = record_digest(record)
        row = runs_row(record)
    except RecordError as exc:
        return take_out(store, run_id, path, str(exc))
    if row["status"] != "ok":
        return row, None
    problem = shard_problem(shard, digest)
    if problem is not None:
        return take_out(store, run_id, shard, problem)
    stat = shard.stat()
    relative = shard.relative_to(store.directory).as_posix()
    sha = digest.sha256 if digest is not None else None
    return row, (run_id, relative, stat.st_mtime_ns, stat.st_size, sha)


def check_known_shards(
    store: ResultsStore, con: duckdb.DuckDBPyConnection, prefix: str, skip: set[str]
) -> list[str]:
    """Runs under ``prefix`` whose listed shard is missing or changed; they are taken out.

    A shard whose size and modification time are as listed is trusted; otherwise its
    checksum decides (a file touched but unchanged keeps its run, with the new time).
    """
    listed = con.execute("SELECT run_id, path, mtime_ns, size, sha256 FROM shard_files")
    bad, touched = [], []
    for run_id, path, mtime_ns, size, sha in listed.fetchall():
        if run_id in skip or not path.startswith(prefix):
            continue
        shard = store.directory / path
        try:
            stat = shard.stat()
        except OSError:
            stat = None
        if stat is not None and (stat.st_mtime_ns, stat.st_size) == (mtime_ns, size):
            continue
        digest = ShardDigest(sha, size) if sha is not None else None
        problem = shard_problem(shard, digest)
        if problem is None and stat is not None:
            touched.append((stat.st_mtime_ns, run_id))  # same bytes, new timestamp
            continue
        take_out(store, run_id, shard, problem or "the series file is missing")
        bad.append(run_id)
    for mtime_ns, run_id in touched:
        con.execute("UPDATE shard_files SET mtime_ns = ? WHERE run_id = ?", [mtime_ns, run_id])
    return bad


def verify_listed(store: ResultsStore, con: duckdb.DuckDBPyConnection, prefix: str) -> list[str]:
    """Check every listed shard under ``prefix`` whole; take out and unlist the bad ones."""
    listed = con.execute("SELECT run_id, path, size, sha256 FROM shard_files").fetchall()
    bad = []
    for run_id, path, size, sha in listed:
        if not path.startswith(prefix):
            continue
        digest = ShardDigest(sha, size) if sha is not None else None
        problem = shard_problem(store.directory / path, digest)
        if problem is not None:
            take_out(store, run_id, store.directory / path, problem)
            bad.append(run_id)
    if bad:
        replace_rows(con, bad, [], [], [])
    return bad


def take_out(store: ResultsStore, run_id: str, path: Path, reason: str) -> Damage:
    """Move a damaged run's files to ``damaged/`` and add it to ``store.damaged``.

    Raises:
        StoreUnavailable: The files cannot be moved (a read-only or full disk).
    """
    try:
        moved_to = quarantine(store.directory, store.record_path(run_id), store.shard_path(run_id))
    except OSError as exc:
        raise StoreUnavailable(
            f"{path}: {reason}, and it cannot be moved out of the shards: {exc.strerror or exc}"
        ) from None
    damage = Damage(run_id, path, reason, moved_to)
    store.damaged.append(damage)
    return damage


def ingest_records(
    store: ResultsStore,
    con: duckdb.DuckDBPyConnection,
    on_disk: list[tuple[str, str, int, int]],
    prefix: str,
) -> tuple[list[dict[str, Any]], list[tuple[str, str, int, int]], list[ShardRow], list[str]]:
    """What `ResultsStore.ingest` changes: new rows and the runs taken out.

    Args:
        store: The store.
        con: Its open, writable connection.
        on_disk: ``(run_id, path, mtime_ns, size)`` of the records found on disk.
        prefix: Only the runs whose files are under this path (one ensemble's folder).

    Returns:
        Rows of ``runs``, ``record_files`` and ``shard_files`` to insert (records new or
        changed, shards verified), and the runs taken out (record gone, unreadable, or
        shard damaged), whose old rows are to be deleted.
    """
    known = {
        run_id: (mtime_ns, size)
        for run_id, path, mtime_ns, size in con.execute(
            "SELECT run_id, path, mtime_ns, size FROM record_files"
        ).fetchall()
        if path.startswith(prefix)
    }
    unchecked = {
        row[0]
        for row in con.execute(
            "SELECT run_id FROM runs WHERE status = 'ok' "
            "AND run_id NOT IN (SELECT run_id FROM shard_files)"
        ).fetchall()
    }
    present = {entry[0] for entry in on_disk}
    gone = [run_id for run_id in known if run_id not in present]
    todo = [
        entry
        for entry in on_disk
        if known.get(entry[0]) != (entry[2], entry[3]) or entry[0] in unchecked
    ]
    rows, files, shards = [], [], []
    taken_out = list(gone)
    for run_id in gone:
        take_out(store, run_id, store.record_path(run_id), "the run record is missing")
    for run_id, path, mtime_ns, size in todo:
        read = read_run(store, run_id, store.directory / path)
        if isinstance(read, Damage):
            taken_out.append(run_id)
            continue
        row, shard = read
        rows.append(row)
        files.append((run_id, path, mtime_ns, size))
        if shard is not None:
            shards.append(shard)
    fresh = {entry[0] for entry in todo}
    for run_id in check_known_shards(store, con, prefix, fresh):
        taken_out.append(run_id)
    return rows, files, shards, taken_out
