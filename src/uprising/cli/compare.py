"""``uprising compare``: a scenario's seeds against the calibration table, row by row."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated

import typer

from uprising.cli.app import app, fail, user_errors

__all__ = ["compare_command"]


@app.command("compare")
def compare_command(
    scenario: Annotated[
        str, typer.Argument(help="Belarus scenario: built-in name or TOML path")
    ] = "belarus-2020",
    runs: Annotated[int, typer.Option(help="Seeds to run", min=1)] = 10,
    scale: Annotated[
        float | None,
        typer.Option(help="Agents per person (default: the scenario's run.scale)", min=0.0),
    ] = None,
    days: Annotated[
        int | None,
        typer.Option(help="Days per run (default: to the last reported date measured)", min=1),
    ] = None,
    seed: Annotated[int, typer.Option(help="Root seed of the run seeds", min=0)] = 0,
    workers: Annotated[
        int | None,
        typer.Option(help="Local worker processes (default: the CPUs available)", min=1),
    ] = None,
    out: Annotated[Path, typer.Option(help="Folder for compare.csv, .parquet, .png, .json")] = Path(
        "out/compare"
    ),
    store: Annotated[
        Path | None,
        typer.Option(help="Run into this results store, reusing its runs (default: temporary)"),
    ] = None,
) -> None:
    """Compare N seeds of a scenario with the calibration table, row by row.

    Each reported figure that the observation model maps (docs/MODEL.md, "Observation
    model") is set against the model's median and 90 % band over the seeds. The band
    measures chance only: the runs share one parameter point.
    """
    from uprising.analysis.compare import format_table, run_comparison, write_comparison

    words = ["uprising", "compare", scenario, "--runs", str(runs), "--seed", str(seed)]
    words += ["--scale", repr(scale)] if scale is not None else []
    words += ["--days", str(days)] if days is not None else []
    command = shlex.join(words)
    with user_errors():
        result = run_comparison(
            scenario, runs=runs, scale=scale, days=days, seed=seed, workers=workers, store=store
        )
    meta = result.meta
    typer.echo(
        f"{meta['scenario']}: {meta['runs']} runs, scale {meta['scale']:g}, {meta['days']} days "
        f"from {meta['start']}, root seed {meta['seed']}; the regime holds in {meta['holds']} "
        f"of {meta['runs']}"
    )
    for line in format_table(result.table):
        typer.echo(line)
    try:
        paths = write_comparison(result, out, command=command)
    except OSError as exc:
        fail(f"cannot write outputs to {out}: {exc.strerror or exc}", code=1)
    typer.echo(f"outputs: {paths.csv}, {paths.parquet}, {paths.per_run}, {paths.figure}")
