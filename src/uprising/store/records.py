"""Run records (the JSON commit markers) read into rows of the store's ``runs`` table.

    record = read_record(path, run_id)       # RecordError when it is not a valid record
    row = runs_row(record)                   # one row of `runs`, typed as `RUNS_SCHEMA`
    digest = record_digest(record)           # the shard's checksum and size, or None

A record is the JSON object a worker writes after the run's Parquet shard
(`uprising.experiment.tasks`). ``run_id``, ``ensemble_id``, ``k`` and ``status`` are
required; ``shard_sha256`` and ``shard_bytes`` describe the shard of an ``ok`` run
(records written before they existed have neither, and their shards are only checked to
be Parquet).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import pyarrow as pa

from uprising.errors import UprisingError
from uprising.messages import first_line
from uprising.store.shards import ShardDigest

__all__ = [
    "MAX_RECORD_BYTES",
    "RUNS_SCHEMA",
    "STATUSES",
    "RecordError",
    "read_record",
    "record_digest",
    "runs_row",
]

STATUSES = ("ok", "failed")

MAX_RECORD_BYTES = 16 * 2**20
"""A record larger than this (16 MiB) is not read: a worker never writes one."""

RUNS_SCHEMA = pa.schema(
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
        ("transition", pa.string()),
    ]
)
"""Arrow schema of the rows inserted into ``runs``, in the table's column order."""


class RecordError(UprisingError):
    """A run record is unreadable or invalid; the message says why, without the path."""


def read_record(path: Path, run_id: str) -> dict[str, Any]:
    """Read and check the record of ``run_id`` at ``path``.

    Raises:
        RecordError: Unreadable, too large, not a JSON object, without a required key,
            with another ``run_id`` or an unknown ``status``.
    """
    try:
        if path.stat().st_size > MAX_RECORD_BYTES:
            raise RecordError(f"a record of over {MAX_RECORD_BYTES} bytes")
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        raise RecordError(f"not a readable run record ({first_line(exc)})") from None
    if not isinstance(record, dict):
        raise RecordError("not a run record (a JSON object)")
    missing = [key for key in ("run_id", "ensemble_id", "k", "status") if key not in record]
    if missing:
        raise RecordError(f"run record without {', '.join(missing)}")
    if record["run_id"] != run_id:
        raise RecordError(f"the record's run_id is {_short(record['run_id'])}")
    if record["status"] not in STATUSES:
        raise RecordError(f"status {_short(record['status'])} is not one of {STATUSES}")
    return record


def record_digest(record: dict[str, Any]) -> ShardDigest | None:
    """The shard checksum and size a record holds, or None when it holds none.

    Raises:
        RecordError: The fields are there but malformed.
    """
    sha, size = record.get("shard_sha256"), record.get("shard_bytes")
    if sha is None and size is None:
        return None
    if not (isinstance(sha, str) and len(sha) == 64 and isinstance(size, int) and size >= 0):
        raise RecordError("malformed shard_sha256 or shard_bytes")
    return ShardDigest(sha, size)


def runs_row(record: dict[str, Any]) -> dict[str, Any]:
    """A checked record (`read_record`) as a row of ``runs`` (`RUNS_SCHEMA`).

    Raises:
        RecordError: A date or time that is not ISO-8601.
    """
    try:
        fall = record.get("fall_date")
        started = record.get("started_at")
        return {
            "run_id": record["run_id"],
            "ensemble_id": str(record["ensemble_id"]),
            "k": as_int(record["k"]),
            "scenario": as_text(record.get("scenario")),
            "scenario_hash": as_text(record.get("scenario_hash")),
            "seed": as_int(record.get("seed")),
            "scale": as_float(record.get("scale")),
            "days": as_int(record.get("days")),
            "design_point": as_int(record.get("design_point")),
            "parameters": as_json(record.get("parameters") or {}),
            "code_version": as_json(record.get("code_version")),
            "status": record["status"],
            "error": as_text(record.get("error")),
            "started_at": as_timestamp(started) if started else None,
            "seconds": as_float(record.get("seconds")),
            "series_rows": as_int(record.get("series_rows")),
            "outcome": as_text(record.get("outcome")),
            "fall_date": dt.date.fromisoformat(fall) if fall else None,
            "channel": as_text(record.get("channel")),
            "readiness": as_float(record.get("readiness")),
            "transition": as_text(record.get("transition")),
        }
    except (TypeError, ValueError) as exc:
        raise RecordError(f"bad value in run record: {first_line(exc)}") from None


def as_json(value: Any) -> str | None:
    """JSON text of ``value`` (None stays None)."""
    return None if value is None else json.dumps(value, sort_keys=False, default=str)


def as_text(value: Any) -> str | None:
    """``str(value)`` (None stays None)."""
    return None if value is None else str(value)


def as_int(value: Any) -> int | None:
    """An int for a BIGINT column; None for anything else or out of the int64 range."""
    if value is None or isinstance(value, bool | list | tuple | dict):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    if isinstance(value, str) and len(value) > 20:
        return None
    try:
        number = int(value)  # ints, integral floats, numpy integers, digit strings
    except (TypeError, ValueError, OverflowError):
        return None
    return number if -(2**63) <= number < 2**63 else None


def as_float(value: Any) -> float | None:
    """A finite float for a DOUBLE column; None for anything else."""
    if value is None or isinstance(value, bool | str | list | tuple | dict):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def as_timestamp(value: Any) -> dt.datetime:
    """A naive UTC datetime from an ISO-8601 string or a datetime (naive = UTC).

    Raises:
        ValueError: Not ISO-8601.
    """
    when = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return when


def utcnow() -> dt.datetime:
    """Now, as a naive UTC datetime."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
