"""``uprising ensemble``: plan an ensemble of runs, run it into a results store, resume it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from uprising.cli.app import app, fail, user_errors, warn_damaged


@app.command("ensemble")
def ensemble_command(
    scenarios: Annotated[
        list[str],
        typer.Argument(help="Belarus scenarios: built-in names or TOML paths", show_default=False),
    ],
    runs: Annotated[
        int,
        typer.Option(
            help="N: runs per scenario (mc, lhs); base samples, N(D+2) runs (sobol); "
            "trajectories, N(D+1) runs (morris); seeds per combination, N*K1*K2... runs (grid)",
            min=1,
        ),
    ],
    scale: Annotated[
        float | None,
        typer.Option(help="Agents per person (default: each scenario's run.scale)", min=0.0),
    ] = None,
    days: Annotated[
        int | None,
        typer.Option(help="Days per run (default: each scenario's run.days)", min=1),
    ] = None,
    seed: Annotated[int, typer.Option(help="Root seed of the run seeds and the design", min=0)] = 0,
    design: Annotated[
        str,
        typer.Option(help="mc (seeds only), lhs, sobol, morris or grid", metavar="DESIGN"),
    ] = "mc",
    vary: Annotated[
        list[str] | None,
        typer.Option(
            "--vary",
            help="Vary a parameter over a range, e.g. --vary legitimacy.initial=0.5:0.7 "
            "or an event by name, --vary 'events.Russia defeated.value=0.2:0.6' "
            "(repeatable; lhs, sobol, morris); grid: K values, name=low:high:K",
            metavar="NAME=LOW:HIGH",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(help="Local worker processes (default: the CPUs available)", min=1),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Run on a Dask cluster instead, e.g. tcp://HOST:8786"),
    ] = None,
    store: Annotated[
        Path, typer.Option(help="Results store folder (results.duckdb and shards/)")
    ] = Path("out/ensembles"),
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Run again the runs recorded as failed")
    ] = False,
) -> None:
    """Run an ensemble of Belarus runs into a results store; the same command resumes it.

    Runs already recorded in the store are skipped, so after Ctrl-C (or a crash) the same
    command carries on. Exit status: 0 when every run is ok, 1 when some failed (their
    records hold the tracebacks), 130 when interrupted, 2 for bad input.
    """
    import shlex

    from uprising.experiment import (
        EnsembleInterrupted,
        compile_kernels,
        make_executor,
        plan_ensemble,
        run_ensemble,
    )
    from uprising.store.results import ResultsStore

    with user_errors():
        if workers is not None and scheduler is not None:
            fail("give --workers or --scheduler, not both")
        plan = plan_ensemble(
            scenarios,
            runs=runs,
            seed=seed,
            scale=scale,
            days=days,
            design=design,
            vary=vary or [],
        )
        results = ResultsStore(store)
    eid, total = plan.ensemble_id, plan.total
    resume = plan.ensemble["command"] + " --store " + shlex.quote(str(store))
    if scheduler is not None:
        resume += " --scheduler " + shlex.quote(scheduler)
    elif workers is not None:
        resume += f" --workers {workers}"
    if retry_failed:
        resume += " --retry-failed"
    if design == "sobol" and runs & (runs - 1):
        typer.echo(
            f"note: --runs {runs} is not a power of 2: the Sobol' design loses its balance",
            err=True,
        )
    with user_errors():
        executor = make_executor(workers, scheduler)
    points = plan.ensemble["scenarios"][0]["points"]
    typer.echo(
        f"ensemble {eid}: {total} runs ({len(plan.ensemble['scenarios'])} scenario(s) x "
        f"{points} {plan.ensemble['design']} points), {executor.workers} worker(s)",
        err=True,
    )
    if plan.tasks:
        typer.echo(
            "compiling the model once (Numba, cached on disk: seconds when already done, "
            "minutes the first time)...",
            err=True,
        )
        with user_errors():
            seconds = compile_kernels(plan.tasks[0])
        typer.echo(f"compiled in {seconds:.0f} s; running the ensemble...", err=True)
    interrupted = False
    try:
        with _ensemble_progress(f"ensemble {eid}") as progress, user_errors():
            summary = run_ensemble(
                plan, results, executor, progress=progress, retry_failed=retry_failed
            )
    except EnsembleInterrupted as stop:
        summary, interrupted = stop.summary, True
    except _worker_crashes() as exc:
        fail(
            f"a worker stopped ({type(exc).__name__}: {exc}); the runs that finished are "
            f"recorded; resume with the same command: {resume}",
            code=1,
        )
    finally:
        executor.close()

    typer.echo(
        f"ensemble {eid}: {summary.total} runs: {summary.ok_total} ok, "
        f"{summary.failed_total} failed, {summary.missing} not run "
        f"({summary.done + summary.failed} run now, {summary.skipped} already recorded)"
    )
    for entry in plan.ensemble["scenarios"]:
        typer.echo(
            f"  {entry['name']}: scale {entry['scale']:g}, {entry['days']} days, "
            f"{entry['points']} runs"
        )
    typer.echo(f"  store: {results.directory} (series in shards/{eid}/)")
    warn_damaged(results.damaged)
    if interrupted:
        typer.echo(
            f"interrupted: {summary.ok_total + summary.failed_total} of {summary.total} runs "
            f"recorded; resume with the same command:\n  {resume}",
            err=True,
        )
        raise typer.Exit(130)
    if summary.unrecorded:
        fail(
            f"{summary.unrecorded} run(s) ran but could not be recorded in {results.directory}"
            f" (first error: {summary.first_error}); free space or fix the store, then resume "
            f"with the same command: {resume}",
            code=1,
        )
    if summary.failed_total:
        fail(
            f"{summary.failed_total} run(s) failed; first error: {summary.first_error}; "
            f"their records hold the tracebacks; to run them again: {resume}"
            + ("" if retry_failed else " --retry-failed"),
            code=1,
        )


def _worker_crashes() -> tuple[type[BaseException], ...]:
    """Exceptions of an executor whose workers died (a process killed, a lost cluster)."""
    from concurrent.futures.process import BrokenProcessPool

    crashes: list[type[BaseException]] = [BrokenProcessPool]
    try:
        from distributed.scheduler import KilledWorker
    except ImportError:  # Dask is the optional ``cluster`` extra
        pass
    else:
        crashes.append(KilledWorker)
    return tuple(crashes)


@contextmanager
def _ensemble_progress(label: str) -> Iterator[Callable[[int, int, int], None] | None]:
    """A progress bar of an ensemble's runs (ok, failed, time left) in a terminal."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield _logged_progress(label)
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("runs, {task.fields[ok]} ok, {task.fields[failed]} failed"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(label, total=None, ok=0, failed=0)
        started = False

        def update(ok: int, failed: int, total: int) -> None:
            nonlocal started
            if not started:  # runs already recorded do not count toward the speed
                bar.reset(task, total=total, completed=ok + failed, ok=ok, failed=failed)
                started = True
            else:
                bar.update(task, completed=ok + failed, ok=ok, failed=failed)

        yield update


LOG_EVERY_SECONDS = 30.0
"""Without a terminal, a progress line at least this often (seconds) while runs finish."""


def _logged_progress(label: str) -> Callable[[int, int, int], None]:
    """Progress as plain lines (for a log): the first and last run, then every 10 % or 30 s."""
    import time

    clock = time.monotonic()
    state = {"start": None, "last": -1.0, "tenth": -1}

    def update(ok: int, failed: int, total: int) -> None:
        done, now = ok + failed, time.monotonic()
        if state["start"] is None:  # runs already on record do not count toward the speed
            state["start"] = done
        tenth = (10 * done) // max(total, 1)
        if done < total and now - state["last"] < LOG_EVERY_SECONDS and tenth == state["tenth"]:
            return
        state["last"], state["tenth"] = now, tenth
        elapsed = now - clock
        fresh = done - state["start"]
        left = ""
        if 0 < fresh and done < total:
            left = f", about {_duration(elapsed / fresh * (total - done))} left"
        typer.echo(
            f"{label}: {done}/{total} runs ({ok} ok, {failed} failed), "
            f"{_duration(elapsed)} elapsed{left}",
            err=True,
        )

    return update


def _duration(seconds: float) -> str:
    """``1 h 05 min``, ``3 min 20 s`` or ``42 s``."""
    seconds = round(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"
    if seconds >= 60:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds} s"
