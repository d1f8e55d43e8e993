"""The `uprising` command.

    uprising scenarios
    uprising show belarus-2022
    uprising run epstein-run2 --seed 1 --steps 500 --set grid.width=200 --out out/run2
    uprising run belarus-2020 --scale 0.01 --seed 1 --days 500 --out out/belarus-2020

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
    days: Annotated[
        int | None,
        typer.Option(help="Belarus scenarios: days to run [default: run.days]", min=1),
    ] = None,
    scale: Annotated[
        float | None,
        typer.Option(
            help="Belarus scenarios: agents per person, 1.0 = one per person [default: run.scale]",
            min=0.0,
            max=1.5,
        ),
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
        model_name,
        scenario_dict,
        scenario_hash,
        to_engine_config,
        with_run,
    )
    from uprising.store.run_output import build_summary, write_run_output

    with _user_errors():
        resolved = load_scenario(scenario)
        resolved = apply_overrides(resolved, sets or [])
        if model_name(resolved) == "belarus":
            if steps is not None and days is not None and steps != days:
                _fail("--steps and --days disagree: give one of them")
            overrides = [f"run.scale={scale!r}"] if scale is not None else []
            resolved = apply_overrides(resolved, overrides)
            resolved = with_run(resolved, seed=seed, steps=days or steps)
        else:
            if scale is not None:
                _fail(f"--scale applies to Belarus scenarios; {resolved.name} is an Epstein run")
            resolved = with_run(resolved, seed=seed, steps=steps or days)
            config = to_engine_config(resolved)
    if model_name(resolved) == "belarus":
        _run_belarus(resolved, out)
        return
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


@app.command("show")
def show_command(
    scenario: Annotated[str, typer.Argument(help="Built-in scenario name or TOML path")],
    sets: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override a parameter first (repeatable)", metavar="NAME=VALUE"),
    ] = None,
) -> None:
    """Print a scenario's resolved parameters with units, ranges and sources."""
    from uprising.scenarios import apply_overrides, describe_parameters, load_scenario

    with _user_errors():
        resolved = apply_overrides(load_scenario(scenario), sets or [])
        rows = describe_parameters(resolved)
    typer.echo(f"{resolved.name}: {resolved.summary}")
    typer.echo(f"source: {resolved.provenance.source}")
    section = None
    for row in rows:
        head = row.path.split(".")[0]
        if head != section:
            section = head
            typer.echo(f"\n[{section}]")
        plausible = f"; plausible {row.plausible}" if row.plausible else ""
        typer.echo(f"  {row.path} = {_show_value(row.value)} {row.unit}".rstrip())
        typer.echo(f"      allowed {row.allowed}{plausible}")
        typer.echo(f"      source: {row.source}")
    for event in getattr(resolved, "events", ()):
        if section != "events":
            section = "events"
            typer.echo("\n[events]")
        span = f" to {event.until}" if event.until else ""
        weekday = f", weekday {event.weekday}" if event.weekday is not None else ""
        typer.echo(
            f"  {event.date}{span}{weekday}: {event.variable} = {event.value:g} ({event.name})"
        )
        typer.echo(f"      source: {event.source}")


def _show_value(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)


def _run_belarus(scenario: Any, out: Path | None) -> None:
    """Run a Belarus scenario: progress, summary, outputs; Ctrl-C keeps the days done."""
    from uprising.models.belarus import BelarusModel
    from uprising.scenarios import scenario_dict, scenario_hash
    from uprising.store.run_output import code_version, write_run_output

    started = time.perf_counter()
    with _user_errors():
        model = BelarusModel(scenario)
    label = f"{scenario.name} (scale {model.scale:g}, seed {model.seed})"
    interrupted = False
    with _progress(model.days, label, unit="days") as advance:
        try:
            result = model.run(progress=advance)
        except KeyboardInterrupt:
            interrupted = True
            result = model.result()
    wall = time.perf_counter() - started
    series = result.series
    summary = {
        "scenario": scenario.name,
        "model": "belarus",
        "scenario_hash": scenario_hash(scenario),
        "seed": model.seed,
        "scale": model.scale,
        "steps": len(series.get("day", [])),
        "days_requested": model.days,
        "status": "interrupted" if interrupted else "completed",
        "code_version": code_version(),
        "wall_seconds": wall,
        "n_agents": model.n_agents,
        **result.outcome.as_dict(),
        "at_dates": _key_rows(series),
        "parameters": scenario_dict(scenario),
    }
    outcome = result.outcome
    code = summary["code_version"]
    version = code["package"] + (f" ({code['git_commit'][:10]})" if code.get("git_commit") else "")
    typer.echo(
        f"{scenario.name}: scale {model.scale:g} ({model.n_agents:,} agents), seed {model.seed}, "
        f"{summary['steps']} days, {wall:.1f} s, uprising {version}"
    )
    if outcome.status == "falls":
        typer.echo(
            f"  outcome: the regime FALLS on {outcome.date} through {outcome.channel}; "
            f"opposition readiness then {outcome.readiness:.2f}"
        )
    else:
        typer.echo(
            f"  outcome: the regime HOLDS to {series['date'][-1] if summary['steps'] else '-'}; "
            f"opposition readiness {outcome.readiness:.2f}"
        )
    typer.echo("  (counts are national equivalents: lattice counts / scale)")
    header = (
        f"  {'date':<10} {'participants':>12} {'det. 30 d':>10} {'prisoners':>9} "
        f"{'emigrants':>9} {'legitimacy':>10} {'loyalty':>7}"
    )
    typer.echo(header)
    for row in summary["at_dates"]:
        typer.echo(
            f"  {row['date']:<10} {row['participants']:>12,.0f} {row['detentions']:>10,.0f} "
            f"{row['political_prisoners']:>9,.0f} {row['emigrants']:>9,.0f} "
            f"{row['legitimacy']:>10.3f} {row['security_loyalty']:>7.3f}"
        )
    if out is not None:
        try:
            paths = write_run_output(out, summary=summary, columns=series)
        except OSError as exc:
            _fail(f"cannot write outputs to {out}: {exc.strerror or exc}", code=1)
        typer.echo(f"outputs: {paths.series} and {paths.summary}")
    if interrupted:
        typer.echo(f"interrupted after {summary['steps']} of {model.days} days", err=True)
        raise typer.Exit(130)


KEY_COLUMNS = (
    "participants",
    "detentions",
    "political_prisoners",
    "emigrants",
    "legitimacy",
    "security_loyalty",
)


FLOW_COLUMNS = ("detentions",)
"""Daily flows, shown as sums over the 30 days up to the date (stocks as they are)."""


def _key_rows(series: dict[str, Any], n: int = 6) -> list[dict[str, Any]]:
    """The key series at ``n`` evenly spaced dates (first and last included)."""
    length = len(series.get("day", []))
    if length == 0:
        return []
    picks = sorted({round(i * (length - 1) / (n - 1)) for i in range(n)})
    rows = []
    for i in picks:
        row: dict[str, Any] = {"date": str(series["date"][i])}
        for c in KEY_COLUMNS:
            values = series[c][max(0, i - 29) : i + 1] if c in FLOW_COLUMNS else series[c][i]
            row[c] = float(values.sum()) if c in FLOW_COLUMNS else float(values)
        rows.append(row)
    return rows


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
def _progress(
    total: int, label: str, unit: str = "ticks"
) -> Iterator[Callable[[int], None] | None]:
    """A rich progress bar on stderr for long runs in a terminal; None otherwise."""
    console = Console(stderr=True)
    if total < PROGRESS_MIN_STEPS or not console.is_terminal:
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
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
            "trajectories, N(D+1) runs (morris)",
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
        str, typer.Option(help="mc (seeds only), lhs, sobol or morris", metavar="DESIGN")
    ] = "mc",
    vary: Annotated[
        list[str] | None,
        typer.Option(
            "--vary",
            help="Vary a parameter over a range, e.g. --vary legitimacy.initial=0.5:0.7 "
            "(repeatable; lhs, sobol, morris)",
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
        make_executor,
        plan_ensemble,
        run_ensemble,
    )
    from uprising.store.results import ResultsStore

    with _user_errors():
        if workers is not None and scheduler is not None:
            _fail("give --workers or --scheduler, not both")
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
    with _user_errors():
        executor = make_executor(workers, scheduler)
    points = plan.ensemble["scenarios"][0]["points"]
    typer.echo(
        f"ensemble {eid}: {total} runs ({len(plan.ensemble['scenarios'])} scenario(s) x "
        f"{points} {plan.ensemble['design']} points), {executor.workers} worker(s)",
        err=True,
    )
    interrupted = False
    try:
        with _ensemble_progress(f"ensemble {eid}") as progress, _user_errors():
            summary = run_ensemble(
                plan, results, executor, progress=progress, retry_failed=retry_failed
            )
    except EnsembleInterrupted as stop:
        summary, interrupted = stop.summary, True
    except _worker_crashes() as exc:
        _fail(
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
    if interrupted:
        typer.echo(
            f"interrupted: {summary.ok_total + summary.failed_total} of {summary.total} runs "
            f"recorded; resume with the same command:\n  {resume}",
            err=True,
        )
        raise typer.Exit(130)
    if summary.failed_total:
        typer.echo(
            f"{summary.failed_total} run(s) failed; first error: {summary.first_error}; "
            f"their records hold the tracebacks; to run them again:\n  {resume}"
            + ("" if retry_failed else " --retry-failed"),
            err=True,
        )
        raise typer.Exit(1)


def _worker_crashes() -> tuple[type[BaseException], ...]:
    """Exceptions of an executor whose workers died (a process killed, a lost cluster)."""
    from concurrent.futures.process import BrokenProcessPool

    crashes: list[type[BaseException]] = [BrokenProcessPool]
    try:
        from distributed.scheduler import KilledWorker
    except ImportError:  # pragma: no cover - dask is a dependency
        pass
    else:
        crashes.append(KilledWorker)
    return tuple(crashes)


@contextmanager
def _ensemble_progress(label: str) -> Iterator[Callable[[int, int, int], None] | None]:
    """A progress bar of an ensemble's runs (ok, failed, time left) in a terminal."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
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


@app.command("report")
def report_command(
    store: Annotated[
        Path, typer.Option(help="Results store folder (results.duckdb and shards/)")
    ] = Path("out/ensembles"),
    ensemble: Annotated[
        list[str] | None,
        typer.Option(
            "--ensemble",
            help="Report this ensemble id (repeatable) [default: every ensemble in the store]",
            metavar="ID",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="HTML file to write [default: STORE/report.html]"),
    ] = None,
) -> None:
    """Write a self-contained HTML report of ensembles, with its figures as PNG files.

    The report has the fall probabilities at yearly horizons, survival curves, channels
    of fall, fan charts, each scenario's parameters, the seeds and the code version. The
    figures are also written into <stem>_figures/ next to the HTML file.
    """
    from uprising.report import write_report
    from uprising.report.html import FIGURE_SUFFIX

    target = out if out is not None else store / "report.html"
    with _user_errors():
        if not store.is_dir():
            _fail(f"no results store at {store}: the folder does not exist")
        try:
            path = write_report(store, target, ensemble or None)
        except OSError as exc:
            _fail(f"cannot write the report {target}: {exc.strerror or exc}", code=1)
    _print_fall_probabilities(store, ensemble or None)
    typer.echo(f"report: {path} (figures in {path.parent / (path.stem + FIGURE_SUFFIX)}/)")


def _print_fall_probabilities(store: Path, ensemble_ids: list[str] | None) -> None:
    """Print, per scenario, P(the regime falls within 1, 3, 5 years) and the main channel."""
    from uprising.analysis.ensemble import horizon_table
    from uprising.errors import UprisingError
    from uprising.store.results import ResultsStore

    try:
        table = horizon_table(ResultsStore(store), ensemble_ids, years=(1, 3, 5), allow_failed=True)
    except UprisingError as exc:  # the report itself says why (e.g. every run failed)
        typer.echo(f"(no probability table: {exc})")
        return
    typer.echo("P(the regime falls within the horizon), 95 % Wilson interval, over ok runs:")
    for (ensemble_id, scenario), rows in table.groupby(["ensemble_id", "scenario"], sort=False):
        cells = []
        for row in rows.itertuples():
            if not row.observed:
                cells.append(f"{row.years} y: beyond the runs")
                continue
            cells.append(f"{row.years} y: {row.p:.2f} [{row.low:.2f}, {row.high:.2f}]")
        channel = rows["main_channel"].dropna()
        main = channel.iloc[-1] if len(channel) else "none (holds)"
        n = int(rows["n"].max())
        failed = int(rows["failed"].max())
        extra = f", {failed} failed runs left out" if failed else ""
        typer.echo(f"  {scenario} ({ensemble_id}, n = {n}{extra}): " + "; ".join(cells))
        typer.echo(f"      main channel of fall: {main}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
