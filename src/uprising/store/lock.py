"""A lock on one ensemble of a store: one coordinator at a time runs an ensemble.

    with EnsembleLock(store_dir / "locks" / f"{ensemble_id}.lock"):   # or EnsembleBusy
        ...                                  # plan, submit, ingest

The lock is an exclusive ``flock`` on the lock file, taken without waiting. The
operating system releases it when its process ends, however it ends, so a killed
coordinator never leaves a stale lock behind. The file holds the holder's host, process
id and start time, so that the second coordinator can say who runs the ensemble.
On a network file system where ``flock`` is not shared between machines, two
coordinators on two machines are not kept apart.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import socket
from pathlib import Path
from types import TracebackType

from uprising.errors import EnvironmentFailure

__all__ = ["LOCKS_DIR", "EnsembleBusy", "EnsembleLock"]

LOCKS_DIR = "locks"
"""Folder of a store that holds one lock file per ensemble run so far."""


class EnsembleBusy(EnvironmentFailure):
    """Another coordinator is running the same ensemble."""


class EnsembleLock:
    """An exclusive, non-waiting lock on a file (its folder is created if absent).

    Args:
        path: The lock file, e.g. ``<store>/locks/<ensemble_id>.lock``.
        label: How the ensemble is named in the error message.
    """

    def __init__(self, path: Path, label: str = "this ensemble") -> None:
        self.path = Path(path)
        self.label = label
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock.

        Raises:
            EnsembleBusy: Another process holds it (the message says which).
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise EnsembleBusy(
                f"{self.label} is being run by another coordinator ({holder}); "
                "wait for it to finish or stop it, then run the command again"
            ) from None
        except BaseException:
            os.close(fd)
            raise
        when = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        note = f"host {socket.gethostname()}, pid {os.getpid()}, since {when}\n"
        os.ftruncate(fd, 0)
        os.pwrite(fd, note.encode("utf-8"), 0)
        self._fd = fd

    def release(self) -> None:
        """Let the lock go (idempotent)."""
        fd, self._fd = self._fd, None
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def __enter__(self) -> EnsembleLock:
        self.acquire()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def _read_holder(fd: int) -> str:
    try:
        text = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return text or "holder unknown"
