"""The `uprising` command.

    uprising scenarios
    uprising run epstein-run2 --seed 1 --steps 500 --set grid.width=200 --out out/run2

Errors a user can fix (unknown scenario, bad file, bad ``--set``) print one line,
``error: ...``, and exit with status 2; they never show a traceback.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

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

from uprising.errors import UprisingError

PROGRESS_MIN_STEPS = 200
"""Runs shorter than this many ticks show no progress bar."""

app = typer.Typer(
    name="uprising",
    help="Agent-based simulator of civil resistance, repression and regime stability.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


@app.callback()
def main() -> None:
    """Agent-based simulator of civil resistance, repression and regime stability."""


@app.command("scenarios")
def scenarios_command() -> None:
    """List the built-in scenarios, one line each."""
    from uprising.scenarios import list_scenarios

    with _user_errors():
        infos = list_scenarios()
    width = max(len(info.name) for info in infos)
    for info in infos:
        typer.echo(f"{info.name:<{width}}  {info.description}")


@app.command("run")
def run_command(
    scenario: Annotated[
        str, typer.Argument(help="Built-in scenario name (see `uprising scenarios`) or TOML path")
    ],
    seed: Annotated[
        int | None,
        typer.Option(help="Root seed of the run [default: the scenario's run.seed]", min=0),
    ] = None,
    steps: Annotated[
        int | None,
        typer.Option(help="Ticks to run [default: the scenario's run.steps]", min=1),
    ] = None,
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Override a parameter, e.g. --set grid.width=200 (repeatable)",
            metavar="NAME=VALUE",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Write series.parquet and summary.json into this folder"),
    ] = None,
) -> None:
    """Run a scenario, print a summary and, with --out, write its outputs."""
    from uprising.analysis.outbursts import outburst_stats
    from uprising.engine.simulation import Simulation
    from uprising.scenarios import (
        apply_overrides,
        load_scenario,
        scenario_dict,
        scenario_hash,
        to_engine_config,
        with_run,
    )
    from uprising.store.run_output import build_summary, write_run_output

    with _user_errors():
        resolved = load_scenario(scenario)
        resolved = apply_overrides(resolved, sets or [])
        resolved = with_run(resolved, seed=seed, steps=steps)
        config = to_engine_config(resolved)
    n_steps, run_seed = resolved.run.steps, resolved.run.seed

    started = time.perf_counter()
    simulation = Simulation(config, seed=run_seed)
    interrupted = False
    with _progress(n_steps, f"{resolved.name} (seed {run_seed})") as advance:
        try:
            series = simulation.run(n_steps, progress=advance)
        except KeyboardInterrupt:  # keep the ticks completed so far
            interrupted = True
            series = simulation.series()
    wall_seconds = time.perf_counter() - started

    columns = series.columns()
    stats = outburst_stats(
        columns["active"], threshold=resolved.outbursts.threshold, ticks=columns["tick"]
    )
    summary = build_summary(
        scenario_name=resolved.name,
        scenario_hash=scenario_hash(resolved),
        parameters=scenario_dict(resolved),
        seed=run_seed,
        steps=len(series),
        wall_seconds=wall_seconds,
        columns=columns,
        outbursts=stats.to_dict(),
    )
    summary["status"] = "interrupted" if interrupted else "completed"
    summary["steps_requested"] = n_steps
    _print_summary(summary, stats, resolved.outbursts.threshold)

    if out is not None:
        try:
            paths = write_run_output(out, summary=summary, columns=columns)
        except OSError as exc:
            _fail(f"cannot write outputs to {out}: {exc.strerror or exc}", code=1)
        typer.echo(f"outputs: {paths.series} and {paths.summary}")
    if interrupted:
        typer.echo(f"interrupted after {len(series)} of {n_steps} ticks", err=True)
        raise typer.Exit(130)


def _print_summary(summary: dict[str, Any], stats: Any, threshold: int) -> None:
    series = summary["series"]
    rows = [
        ("peak actives", _fmt(series["peak_active"], "")),
        ("mean actives", _fmt(series["mean_active"], "")),
        ("mean jailed", _fmt(series["mean_jailed"], "")),
        (f"outbursts (> {threshold} actives)", _fmt(getattr(stats, "count", None), "")),
        ("mean waiting time", _fmt(getattr(stats, "mean_waiting_time", None), " ticks")),
        ("mean activation", _fmt(getattr(stats, "mean_activation", None), " active-ticks")),
    ]
    code = summary["code_version"]
    commit = code.get("git_commit")
    version = code["package"] + (f" ({commit[:10]})" if commit else "")
    typer.echo(
        f"{summary['scenario']}: seed {summary['seed']}, {summary['steps']} ticks, "
        f"{summary['wall_seconds']:.2f} s, uprising {version}"
    )
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        typer.echo(f"  {label:<{width}}  {value}")


def _fmt(value: Any, unit: str) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}{unit}"
    return f"{int(value)}{unit}"


@contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[int], None] | None]:
    """A rich progress bar on stderr for long runs in a terminal; None otherwise."""
    console = Console(stderr=True)
    if total < PROGRESS_MIN_STEPS or not console.is_terminal:
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("ticks"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done: bar.update(task, completed=done)


@contextmanager
def _user_errors() -> Iterator[None]:
    try:
        yield
    except UprisingError as exc:
        _fail(str(exc))


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
