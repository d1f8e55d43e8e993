"""Background jobs of the dashboard: what-if ensembles and run recordings, one at a time.

`JobQueue` runs its jobs in one worker thread, first come first served, so the
dashboard process is the store's only writer and writes it from one place. The browser
submits a job and then polls its `Job` (state, runs or days done, message) once a
second; the job survives closing the tab. Submitting what is already queued or running
(the same ensemble, the same run) returns that job instead of a second one.

The runs themselves execute in worker processes (`uprising.experiment.LocalExecutor`,
or one spawned process for a recording), so the web server stays responsive.
"""

from __future__ import annotations

import itertools
import multiprocessing
import queue
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from uprising.dashboard.gate import StoreGate
from uprising.errors import UprisingError

STATES = ("queued", "running", "done", "failed")


@dataclass
class Job:
    """One background job and how far it got.

    Attributes:
        job_id: ``"j<n>"``, the job's number in this dashboard process.
        kind: ``"whatif"`` (an ensemble) or ``"record"`` (one run recorded).
        key: What the job produces (the ensemble id, or the run id); equal keys are
            the same job.
        label: One line for the page.
        state: One of `STATES`.
        done: Units done (runs, or days for a recording).
        failed: Runs that failed.
        total: Units in all.
        message: What happened (the error when it failed).
        result: The ensemble id or run id once done.
        submitted: ``time.time()`` at submission.
    """

    job_id: str
    kind: str
    key: str
    label: str
    state: str = "queued"
    done: int = 0
    failed: int = 0
    total: int = 0
    message: str = ""
    result: str | None = None
    submitted: float = field(default_factory=time.time)

    def as_dict(self) -> dict[str, Any]:
        """The job as JSON-ready values (for the page)."""
        return {
            "job_id": self.job_id,
            "kind": self.kind,
            "key": self.key,
            "label": self.label,
            "state": self.state,
            "done": self.done,
            "failed": self.failed,
            "total": self.total,
            "message": self.message,
            "result": self.result,
        }


Work = Callable[[Job], str]
"""A job's body: updates the job's progress and returns its result."""


class JobQueue:
    """Jobs run one after the other in a daemon thread (see the module docstring).

    Args:
        gate: The store the jobs write.
    """

    def __init__(self, gate: StoreGate) -> None:
        self.gate = gate
        self._jobs: dict[str, Job] = {}
        self._work: dict[str, Work] = {}
        self._todo: queue.Queue[str] = queue.Queue()
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)
        self._thread = threading.Thread(target=self._loop, name="uprising-jobs", daemon=True)
        self._thread.start()

    def submit(self, kind: str, key: str, label: str, total: int, work: Work) -> Job:
        """Queue a job, or return the queued or running job with the same key."""
        with self._lock:
            for job in self._jobs.values():
                if job.key == key and job.state in ("queued", "running"):
                    return job
            job = Job(f"j{next(self._numbers)}", kind, key, label, total=total)
            self._jobs[job.job_id] = job
            self._work[job.job_id] = work
        self._todo.put(job.job_id)
        return job

    def get(self, job_id: str) -> Job | None:
        """The job with this id, or None."""
        with self._lock:
            return self._jobs.get(job_id)

    def jobs(self) -> list[Job]:
        """Every job of this process, newest first."""
        with self._lock:
            return sorted(self._jobs.values(), key=lambda j: j.submitted, reverse=True)

    def wait(self, job_id: str, timeout: float) -> Job:
        """Block until the job is done or failed (for scripts and tests).

        Raises:
            TimeoutError: It was still queued or running after ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        while True:
            job = self.get(job_id)
            if job is None:
                raise KeyError(job_id)
            if job.state in ("done", "failed"):
                return job
            if time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} still {job.state} after {timeout:g} s")
            time.sleep(0.1)

    def _loop(self) -> None:
        while True:
            job_id = self._todo.get()
            job = self.get(job_id)
            work = self._work.pop(job_id, None)
            if job is None or work is None:
                continue
            job.state = "running"
            try:
                with self.gate.writer():
                    job.result = work(job)
                job.state = "done"
            except UprisingError as exc:
                job.message = str(exc)
                job.state = "failed"
            except Exception as exc:  # a bug or a crashed worker: say what, keep serving
                job.message = f"{type(exc).__name__}: {exc}"
                job.state = "failed"
                traceback.print_exc()


def ensemble_work(plan: Any, gate: StoreGate, workers: int, after: Callable[[str], None]) -> Work:
    """The body of a what-if job: run the plan into the store, then call ``after(eid)``."""

    def work(job: Job) -> str:
        from uprising.experiment import LocalExecutor, run_ensemble

        def progress(ok: int, failed: int, total: int) -> None:
            job.done, job.failed, job.total = ok + failed, failed, total

        with LocalExecutor(workers=workers, in_process=False) as executor:
            summary = run_ensemble(plan, gate.store, executor, progress=progress)
        job.done = summary.ok_total + summary.failed_total
        job.failed = summary.failed_total
        job.message = (
            f"{summary.ok_total} ok, {summary.failed_total} failed"
            + (f"; first error: {summary.first_error}" if summary.first_error else "")
            + (f"; {summary.skipped} already on record" if summary.skipped else "")
        )
        after(plan.ensemble_id)
        return plan.ensemble_id

    return work


def record_work(arguments: dict[str, Any]) -> Work:
    """The body of a recording job: `record_run` in a spawned process, with progress."""

    def work(job: Job) -> str:
        context = multiprocessing.get_context("spawn")
        done = context.Value("i", 0)
        errors = context.Queue()
        child = context.Process(
            target=_record_child, args=(arguments, done, errors), name="uprising-record"
        )
        child.start()
        while child.is_alive():
            child.join(0.25)
            job.done = int(done.value)
        job.done = int(done.value)
        error = None
        try:
            error = errors.get_nowait()
        except queue.Empty:
            pass
        if error is not None or child.exitcode != 0:
            raise UprisingError(
                f"the recording of {arguments['run_id']} failed: "
                f"{error or f'exit status {child.exitcode}'}"
            )
        return str(arguments["run_id"])

    return work


def _record_child(arguments: dict[str, Any], done: Any, errors: Any) -> None:
    """Runs in the spawned process: load the scenario, record the run."""
    from uprising.dashboard.recording import record_run
    from uprising.scenarios import loads_scenario

    def progress(day: int, days: int) -> None:
        done.value = day

    try:
        scenario = loads_scenario(arguments["scenario_toml"], source=arguments["run_id"])
        record_run(
            scenario,
            seed=arguments["seed"],
            scale=arguments["scale"],
            days=arguments["days"],
            folder=arguments["folder"],
            run_id=arguments["run_id"],
            progress=progress,
        )
    except Exception:
        errors.put(traceback.format_exc().strip().splitlines()[-1])
        raise SystemExit(1) from None
