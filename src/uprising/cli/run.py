"""``uprising run``: one run of a scenario of any family, its summary and outputs.

The run goes through `uprising.runs.prepare_run`, as a run from Python does; the
family (`uprising.scenarios.families`) says how long it is, whether ``--scale`` applies
and how its summary reads. Ctrl-C keeps the ticks done: they are summarised and
written, and the command exits with status 130.

With ``--checkpoint-every DAYS --out DIR`` the run's whole state is saved to
``DIR/checkpoint.pkl`` every DAYS ticks (`uprising.engine.checkpoint`); the same
command run again continues from the last checkpoint, and its outputs are bit for bit
those of an uninterrupted run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from uprising.cli.app import app, fail, progress_bar, user_errors

CHECKPOINT_FILE = "checkpoint.pkl"
"""The checkpoint's name in the ``--out`` folder."""


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
    checkpoint_every: Annotated[
        int | None,
        typer.Option(
            help="Save the run's state to OUT/checkpoint.pkl every this many ticks (days); "
            "the same command continues from it after a kill",
            min=1,
        ),
    ] = None,
) -> None:
    """Run a scenario, print a summary and, with --out, write its outputs."""
    from uprising.runs import prepare_run

    if steps is not None and days is not None and steps != days:
        fail("--steps and --days disagree: give one of them")
    if checkpoint_every is not None and out is None:
        fail("--checkpoint-every needs --out DIR, the folder the checkpoint is kept in")
    checkpoint = None if checkpoint_every is None else out / CHECKPOINT_FILE
    with user_errors():
        prepared = prepare_run(
            scenario,
            seed=seed,
            scale=scale,
            steps=days if days is not None else steps,
            overrides=sets or [],
        )
        unit = prepared.family.length_unit
        done = 0 if checkpoint is None else prepared.resume(checkpoint)
        if done:
            typer.echo(f"resumed from {checkpoint} at {done} of {prepared.total} {unit}", err=True)
        with progress_bar(prepared.total - done, prepared.label, unit=unit) as advance:
            record = prepared.execute(
                advance,
                interruptible=True,
                checkpoint=checkpoint,
                checkpoint_every=checkpoint_every or 0,
            )
    for line in record.summary_lines():
        typer.echo(line)
    if out is not None:
        try:
            record = record.write(out)
        except OSError as exc:
            fail(f"cannot write outputs to {out}: {exc.strerror or exc}", code=1)
        typer.echo(f"outputs: {record.paths.series} and {record.paths.summary}")
    if record.status == "interrupted":
        typer.echo(f"interrupted after {record.steps} of {record.steps_requested} {unit}", err=True)
        raise typer.Exit(130)
