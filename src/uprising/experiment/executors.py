"""Where the runs of an ensemble execute: local processes or a Dask cluster.

    with LocalExecutor(workers=2) as executor:
        for record in executor.map_unordered(run_one, tasks):
            ...

Every executor has the `Executor` interface: ``map_unordered(fn, tasks)`` yields
``fn(task)`` for every task as the results arrive (in no particular order), and
``close()`` releases the workers. Only a bounded window of tasks (about two per worker)
is submitted ahead, so an ensemble of any size takes little memory in the coordinator
and an interrupt has little to cancel.

- `LocalExecutor` (``--workers K``): K worker processes on this machine
  (`concurrent.futures.ProcessPoolExecutor`, ``spawn`` start method); with one worker the
  runs execute in this process. Workers ignore Ctrl-C: the coordinator handles it. Each
  worker watches its coordinator and exits within `PARENT_POLL_SECONDS` when it is gone
  (killed, even with SIGKILL), so no worker outlives the ensemble. Workers do not import
  the main script that started them, so a plain script without an
  ``if __name__ == "__main__":`` guard works as a notebook does.
- `DaskExecutor` (``--scheduler tcp://HOST:PORT``, needs the ``cluster`` extra:
  ``pip install 'uprising[cluster]'``): the workers of a running Dask
  cluster (they need this package installed and the store's folder on a shared file
  system, at the same path), or, without an address, a `distributed.LocalCluster` of K
  single-threaded worker processes listening on loopback only. When the cluster has had
  no worker for `NO_WORKER_SECONDS` while runs are pending, `map_unordered` raises
  `NoWorkersError` instead of waiting for ever.

Interrupting (Ctrl-C while iterating, or closing the iterator early) cancels the tasks
not yet started and stops the local workers at once; runs cut short leave no files
under their final names (see `uprising.experiment.tasks`), so the caller can ingest
what finished and resume later.
"""

from __future__ import annotations

import logging
import multiprocessing.context
import os
import signal
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from itertools import islice
from threading import Thread
from typing import Any, Protocol, TypeVar

from uprising.errors import EnvironmentFailure
from uprising.experiment.design import EnsembleError

T = TypeVar("T")
R = TypeVar("R")

WINDOW_PER_WORKER = 2
"""Tasks submitted ahead per worker."""

PARENT_POLL_SECONDS = 1.0
"""A local worker checks this often (seconds) that its coordinator is alive."""

MAX_WORKERS = 1024
"""Most local worker processes (one run each); more than any machine has cores for."""

NO_WORKER_SECONDS = 60.0
"""A Dask ensemble with runs pending and no worker for this long (seconds) stops."""


_DASK_POLL_SECONDS = 1.0
"""How often (seconds) a waiting Dask ensemble checks that the cluster has workers."""


class NoWorkersError(EnvironmentFailure):
    """The Dask cluster has had no worker for too long while runs were pending."""


class Executor(Protocol):
    """Runs a function over tasks on some workers; see the module docstring."""

    workers: int
    """Number of runs executed at the same time."""

    def map_unordered(self, fn: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
        """Yield ``fn(task)`` for every task, in the order the results arrive."""
        ...

    def close(self) -> None:
        """Release the workers (idempotent)."""
        ...


class LocalExecutor:
    """Worker processes on this machine.

    Args:
        workers: Number of worker processes (runs at the same time), at least 1.
        in_process: Run in this process instead of a pool; default: when
            ``workers == 1`` (no start-up cost, and a failure shows in this process).
    """

    def __init__(self, workers: int = 1, *, in_process: bool | None = None) -> None:
        _check_workers(workers)
        self.workers = int(workers)
        self.in_process = self.workers == 1 if in_process is None else bool(in_process)
        self._pool: ProcessPoolExecutor | None = None

    def __repr__(self) -> str:
        where = "in-process" if self.in_process else "processes"
        return f"LocalExecutor(workers={self.workers}, {where})"

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def map_unordered(self, fn: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
        """Yield ``fn(task)`` for every task as results arrive (see `Executor`)."""
        if self.in_process:
            for task in tasks:
                yield fn(task)
            return
        pool = self._start()
        todo = iter(tasks)
        pending: set[Future[R]] = {
            pool.submit(fn, task) for task in islice(todo, WINDOW_PER_WORKER * self.workers)
        }
        finished = False
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    result = future.result()
                    for task in islice(todo, 1):
                        pending.add(pool.submit(fn, task))
                    yield result
            finished = True
        finally:
            if not finished:
                self._abort(pending)

    def close(self) -> None:
        """Shut the worker processes down (idempotent)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=_ScriptSafeSpawn(),
                initializer=_init_worker,
                initargs=(os.getpid(),),
            )
        return self._pool

    def _abort(self, pending: set[Future[Any]]) -> None:
        """Cancel what has not started and stop the workers now (runs in flight are lost)."""
        pool, self._pool = self._pool, None
        for future in pending:
            future.cancel()
        if pool is None:
            return
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=10)


@contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Hide the ``__main__`` module's file and spec while a worker process is spawned.

    A spawned process imports the parent's main script again (as ``__mp_main__``) unless
    it cannot find it; a script that starts an ensemble at module level, without an
    ``if __name__ == "__main__":`` guard, would then start the ensemble again in every
    worker and the pool would break. The workers need nothing from the script (a task
    carries its scenario as text and `run_one` lives in this package), so they are
    started as from a notebook, which has no main file.
    """
    main = sys.modules.get("__main__")
    saved = {name: getattr(main, name) for name in ("__file__", "__spec__") if hasattr(main, name)}
    try:
        if main is not None:
            main.__spec__ = None
            if hasattr(main, "__file__"):
                del main.__file__
        yield
    finally:
        for name, value in saved.items():
            setattr(main, name, value)


class _ScriptSafeProcess(multiprocessing.context.SpawnProcess):
    """A spawned process that does not import the parent's main script."""

    def start(self) -> None:
        """Start the process with the main module hidden (`_main_module_hidden`)."""
        with _main_module_hidden():
            super().start()


class _ScriptSafeSpawn(multiprocessing.context.SpawnContext):
    """The ``spawn`` start method with `_ScriptSafeProcess` processes."""

    Process = _ScriptSafeProcess


def _check_workers(workers: int) -> None:
    if not 1 <= workers <= MAX_WORKERS:
        raise EnsembleError(f"--workers {workers}: must be from 1 to {MAX_WORKERS}")


def _init_worker(coordinator: int) -> None:
    """Worker start-up: leave Ctrl-C to the coordinator; one compute thread; exit with it.

    Args:
        coordinator: The coordinator's process id (given, not read here: it may already
            be gone when this runs, and this process adopted by another).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.setdefault("NUMBA_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    Thread(target=_exit_with_parent, args=(coordinator,), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """End this process when its parent is gone (it is then adopted: its ppid changes).

    A pool's workers otherwise wait for ever on a queue that nobody will fill when the
    coordinator is killed with SIGKILL.
    """
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


class DaskExecutor:
    """The workers of a Dask cluster: a running one, or a local cluster on loopback.

    Args:
        address: The scheduler, e.g. ``"tcp://10.0.0.5:8786"``; None starts a
            `distributed.LocalCluster` on 127.0.0.1 (no dashboard).
        workers: Worker processes of the local cluster (one thread each); ignored with
            an address. Default 1.
        timeout: Seconds to wait for the scheduler.
        no_worker_timeout: Seconds without any worker, while runs are pending, after
            which `map_unordered` raises `NoWorkersError`.

    Raises:
        EnsembleError: The scheduler cannot be reached.
    """

    def __init__(
        self,
        address: str | None = None,
        workers: int | None = None,
        *,
        timeout: float = 30,
        no_worker_timeout: float = NO_WORKER_SECONDS,
    ) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise EnsembleError(
                "--scheduler needs Dask, an optional extra: pip install 'uprising[cluster]' "
                "(local runs need no Dask: leave --scheduler out)"
            ) from None

        self.address = address
        self.no_worker_timeout = float(no_worker_timeout)
        self._cluster: Any = None
        if address is None:
            n = 1 if workers is None else int(workers)
            _check_workers(n)
            self._cluster = LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            self.client = Client(self._cluster, timeout=timeout)
        else:
            if not address.strip():
                raise EnsembleError("--scheduler: give the address, e.g. tcp://10.0.0.5:8786")
            try:
                self.client = Client(address, timeout=timeout)
            except (OSError, TimeoutError, ValueError) as exc:
                raise EnsembleError(
                    f"--scheduler {address}: cannot connect to the Dask scheduler: {exc}"
                ) from None
        self.workers = max(1, sum(self.client.nthreads().values()))

    def __repr__(self) -> str:
        where = self.address or "local cluster on 127.0.0.1"
        return f"DaskExecutor({where}, workers={self.workers})"

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def map_unordered(self, fn: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
        """Yield ``fn(task)`` for every task as results arrive (see `Executor`)."""
        from distributed import wait as dask_wait

        todo = iter(tasks)
        pending: set[Any] = set()

        def submit(task: T) -> None:
            name = getattr(task, "run_id", "task")
            future = self.client.submit(fn, task, pure=False, key=f"{name}-{uuid.uuid4().hex}")
            pending.add(future)

        for task in islice(todo, WINDOW_PER_WORKER * self.workers + 2):
            submit(task)
        finished = False
        alone_since: float | None = None
        try:
            while pending:
                try:
                    done, _ = dask_wait(
                        list(pending), timeout=_DASK_POLL_SECONDS, return_when="FIRST_COMPLETED"
                    )
                except TimeoutError:
                    alone_since = self._check_workers(alone_since)
                    continue
                alone_since = None
                for future in done:
                    result = future.result()
                    pending.discard(future)
                    future.release()
                    for task in islice(todo, 1):
                        submit(task)
                    yield result
            finished = True
        finally:
            if not finished and pending:
                self.client.cancel(list(pending))

    def _check_workers(self, alone_since: float | None) -> float | None:
        """When the cluster has been without workers since; `NoWorkersError` if too long."""
        if self.client.nthreads():
            return None
        now = time.monotonic()
        if alone_since is None:
            return now
        if now - alone_since < self.no_worker_timeout:
            return alone_since
        where = self.address or "the local cluster"
        raise NoWorkersError(
            f"the Dask cluster at {where} has had no worker for {self.no_worker_timeout:g} s "
            "while runs were pending; start workers (dask worker ADDRESS) and run the same "
            "command again to resume"
        )

    def close(self) -> None:
        """Disconnect; a local cluster is shut down (idempotent)."""
        client, self.client = getattr(self, "client", None), None
        if client is not None:
            client.close()
        cluster, self._cluster = self._cluster, None
        if cluster is not None:
            cluster.close()


def make_executor(
    workers: int | None = None, scheduler: str | None = None, *, timeout: float = 10
) -> Executor:
    """The executor the command line asks for.

    Args:
        workers: Local worker processes (default: the CPUs this process may use).
        scheduler: A Dask scheduler address; then ``workers`` must be None.
        timeout: Seconds to wait for the scheduler.

    Raises:
        EnsembleError: Both given, or the scheduler cannot be reached.
    """
    if scheduler is not None:
        if workers is not None:
            raise EnsembleError("give --workers or --scheduler, not both")
        return DaskExecutor(scheduler, timeout=timeout)
    return LocalExecutor(default_workers() if workers is None else workers)


def default_workers() -> int:
    """The number of CPUs this process may use (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)
