"""One door to the results store for the whole dashboard process.

DuckDB lets one process write a database file and, within a process, refuses a second
connection with another configuration (a read-only one while a writer is open). The web
server answers each browser request in its own thread, and the background jobs write
the store from theirs. `StoreGate` therefore hands out a `ResultsStore` whose every
public method runs under one process-wide lock: page views and job writes take turns,
so any number of tabs never open the file at the same time.

A second process writing the same store (another dashboard, an ``uprising ensemble``)
is kept apart by the store itself (it waits while the file is locked); two dashboards
never run what-if jobs into one store at once: `StoreGate.writer` holds an exclusive
``fcntl`` lock on ``<store>/dashboard/writer.lock`` while a job writes.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from uprising.errors import UprisingError
from uprising.store.results import ResultsStore

DASHBOARD_DIR = "dashboard"
"""The dashboard's own folder inside the store (what-if scenarios, recordings, caches)."""


class StoreBusyError(UprisingError):
    """Another process is writing what-if results into the same store."""


class _LockedStore:
    """A `ResultsStore` whose public methods each run under the gate's lock."""

    def __init__(self, store: ResultsStore, lock: threading.RLock) -> None:
        self._store = store
        self._lock = lock

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._store, name)
        if name.startswith("_") or not callable(value):
            return value

        def locked(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return value(*args, **kwargs)

        return locked

    def __repr__(self) -> str:
        return f"locked {self._store!r}"


class StoreGate:
    """The dashboard's access to one results store.

    Attributes:
        directory: The store's folder (resolved).
        store: The store, every public method serialised by one lock (pass it to the
            analysis functions and to `uprising.experiment.run_ensemble`).
        home: ``<store>/dashboard``: the only folder the dashboard writes files into
            besides what `ResultsStore` writes itself.
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        """Open (or create) the store at ``directory``.

        Raises:
            StoreError: The store cannot be created or opened.
        """
        self._lock = threading.RLock()
        raw = ResultsStore(directory)
        self.directory = raw.directory
        self.store: Any = _LockedStore(raw, self._lock)
        self.home = self.directory / DASHBOARD_DIR
        self.home.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def writer(self) -> Iterator[None]:
        """Hold the store's what-if writer lock (across processes) while writing.

        Raises:
            StoreBusyError: Another process holds it.
        """
        path = self.home / "writer.lock"
        with open(path, "a+b") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreBusyError(
                    f"another process is writing what-if results into {self.directory}; "
                    "wait for it to finish"
                ) from None
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def inside(self, *parts: str) -> Path:
        """A path under ``<store>/dashboard`` built from names the browser may have sent.

        Each part must be a plain file or folder name (no separators, no ``..``), and the
        result must lie inside the dashboard's folder.

        Raises:
            UprisingError: A part is not a plain name.
        """
        for part in parts:
            if (
                not part
                or part in (".", "..")
                or part.startswith(".")
                or any(ch in part for ch in "/\\\0")
            ):
                raise UprisingError(f"not a plain name: {part!r}")
        path = self.home.joinpath(*parts).resolve()
        if not path.is_relative_to(self.home.resolve()):
            raise UprisingError(f"{'/'.join(parts)!r} is outside the store")
        return path
