"""``uprising rerun``: rebuild runs of a stored ensemble from the store alone, bit for bit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from uprising.cli.app import app, fail, user_errors


@app.command("rerun")
def rerun_command(
    ensemble: Annotated[str, typer.Option(help="The ensemble's id", metavar="ID")],
    store: Annotated[
        Path, typer.Option(help="Results store folder (results.duckdb and shards/)")
    ] = Path("out/ensembles"),
    run: Annotated[
        list[str] | None,
        typer.Option(
            "--run",
            help="A run's number k or its run id (repeatable) [default: every run]",
            metavar="RUN",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Write the (one) rerun's series.parquet and summary.json here"),
    ] = None,
) -> None:
    """Run runs of a stored ensemble again from the scenario texts kept in the store.

    Each run is planned again with the ensemble's stored definition (no scenario file is
    read) and its series compared with the stored ones. Exit status: 0 when every rerun
    is identical, 1 when some differ, 2 for bad input.
    """
    from uprising.experiment.rerun import find_task, replan, rerun
    from uprising.store.results import ResultsStore

    with user_errors():
        if not store.is_dir():
            fail(f"no results store at {store}: the folder does not exist")
        results = ResultsStore(store)
        plan = replan(results, ensemble)
        wanted = [find_task(plan, item) for item in run] if run else plan.tasks
        if out is not None and len(wanted) != 1:
            fail(f"--out writes one run: give one --run (this selection has {len(wanted)})")
    differ = 0
    for task in wanted:
        with user_errors():
            result = rerun(results, ensemble, task.k, plan)
        if not result.stored:
            verdict = "no stored series to compare (the run failed or is not recorded)"
        elif result.identical:
            verdict = "identical to the stored series, bit for bit"
        else:
            differ += 1
            verdict = "DIFFERS from the stored series in " + ", ".join(result.differing)
        typer.echo(f"{task.run_id} (k = {task.k}, seed {task.seed}): {verdict}")
        if out is not None:
            written = result.run.write(out).paths
            typer.echo(f"outputs: {written.series} and {written.summary}")
    if differ:
        raise typer.Exit(1)
