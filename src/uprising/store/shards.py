"""A run's shard on disk: written with its checksum, verified before it is trusted.

    digest = write_shard(path, table)            # atomic; sha256 and size of the bytes
    problem = shard_problem(path, digest)        # None when the file is the one written
    moved = quarantine(store_dir, path)          # out of the shards, kept for inspection

The worker writes a run's Parquet file, then its JSON record (the commit marker) holding
the file's ``shard_sha256`` and ``shard_bytes``. The coordinator checks both before the
run counts as done: a shard that was truncated, overwritten or had a byte changed since
it was written no longer has its checksum, and a missing one has no size. Such a run is
taken out of the store (its files moved to ``<store>/damaged/<ensemble_id>/``), so the
ensemble runs it again when resumed and no reader meets the damaged file.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from uprising.messages import first_line
from uprising.store.atomic import atomic_write

__all__ = [
    "DAMAGED_DIR",
    "Damage",
    "ShardDigest",
    "file_sha256",
    "quarantine",
    "shard_problem",
    "write_shard",
]

DAMAGED_DIR = "damaged"
"""Folder of a store where the files of damaged runs are moved."""

_CHUNK = 1 << 20


@dataclass(frozen=True)
class ShardDigest:
    """What a shard's record says about its file.

    Attributes:
        sha256: Hex sha256 of the file's bytes.
        size: The file's size in bytes.
    """

    sha256: str
    size: int


@dataclass(frozen=True)
class Damage:
    """A run taken out of the store because its files are damaged or missing.

    Attributes:
        run_id: The run.
        path: The file found damaged or missing.
        reason: What is wrong with it.
        moved_to: Where the run's files were moved (None when nothing was left to move).
    """

    run_id: str
    path: Path
    reason: str
    moved_to: Path | None = None

    def message(self) -> str:
        """One line: the file, what is wrong, where it went, and that it is re-run."""
        moved = f"; moved to {self.moved_to}" if self.moved_to is not None else ""
        return (
            f"run {self.run_id}: {self.path}: {self.reason}{moved}; "
            "the run is not counted and is run again when the ensemble is resumed"
        )


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def write_shard(path: Path, table: pa.Table) -> ShardDigest:
    """Write ``table`` as zstd Parquet to ``path`` atomically; return its checksum and size.

    The checksum is taken of the temporary file before the rename, so it describes the
    bytes written, whatever happens to the file afterwards.

    Raises:
        OSError: The file cannot be written (a full disk among others).
    """
    found: list[ShardDigest] = []

    def write(tmp: Path) -> None:
        pq.write_table(table, tmp, compression="zstd")
        with tmp.open("rb+") as handle:
            os.fsync(handle.fileno())
        found.append(ShardDigest(file_sha256(tmp), tmp.stat().st_size))

    atomic_write(path, write)
    return found[0]


def shard_problem(path: Path, expected: ShardDigest | None) -> str | None:
    """What is wrong with a shard, or None when it is the file its record describes.

    Args:
        path: The Parquet file.
        expected: The record's checksum and size; None for a record written before
            records carried checksums, when the file is only checked to be Parquet.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return "the series file is missing"
    except OSError as exc:
        return f"the series file cannot be read ({exc.strerror or exc})"
    if expected is None:
        try:
            pq.read_metadata(path)
        except (OSError, pa.ArrowException) as exc:
            return f"not a readable Parquet file ({first_line(exc)})"
        return None
    if size != expected.size:
        return f"{size} bytes where {expected.size} were written (truncated or overwritten)"
    try:
        actual = file_sha256(path)
    except OSError as exc:
        return f"the series file cannot be read ({exc.strerror or exc})"
    if actual != expected.sha256:
        return "its sha256 differs from the one recorded when it was written (damaged)"
    return None


def quarantine(store_dir: Path, *paths: Path) -> Path | None:
    """Move the given files of one run into ``<store_dir>/damaged/<folder>/``.

    Args:
        store_dir: The store's folder.
        paths: The run's files (in ``shards/<ensemble_id>/``); absent ones are skipped.

    Returns:
        The folder they were moved to, or None when none existed. A name already taken
        there gets a numbered suffix, so an earlier damaged copy is never overwritten.
    """
    moved_to = None
    for path in paths:
        if not path.exists():
            continue
        folder = store_dir / DAMAGED_DIR / path.parent.name
        folder.mkdir(parents=True, exist_ok=True)
        target, n = folder / path.name, 0
        while target.exists():
            n += 1
            target = folder / f"{path.name}.{n}"
        os.replace(path, target)
        moved_to = folder
    return moved_to
