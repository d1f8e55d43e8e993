"""``uprising report``: the HTML report of a results store, and its fall probabilities."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from uprising.cli.app import app, fail, user_errors, warn_damaged
from uprising.cli.sensitivity import print_top_inputs


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
    of fall, fan charts, the inputs that matter most (ensembles with varied inputs), each
    scenario's parameters, the seeds and the code version. The
    figures are also written into <stem>_figures/ next to the HTML file.
    """
    from uprising.report import FIGURE_SUFFIX, write_report
    from uprising.store.results import ResultsStore

    target = out if out is not None else store / "report.html"
    with user_errors():
        if not store.is_dir():
            fail(f"no results store at {store}: the folder does not exist")
        results = ResultsStore(store)
        try:
            path = write_report(results, target, ensemble or None)
        except OSError as exc:
            fail(f"cannot write the report {target}: {exc.strerror or exc}", code=1)
        warn_damaged(results.damaged)
    _print_fall_probabilities(store, ensemble or None)
    print_top_inputs(store, ensemble or None)
    typer.echo(f"report: {path} (figures in {path.parent / (path.stem + FIGURE_SUFFIX)}/)")


def _print_fall_probabilities(store: Path, ensemble_ids: list[str] | None) -> None:
    """Print, per scenario, P(the regime falls within 1, 3, 5 years) and the main channel."""
    from uprising.analysis.horizons import horizon_table
    from uprising.errors import UprisingError
    from uprising.store.results import ResultsStore

    try:
        table = horizon_table(ResultsStore(store), ensemble_ids, years=(1, 3, 5), allow_failed=True)
    except UprisingError as exc:  # the report itself says why (e.g. every run failed)
        typer.echo(f"(no probability table: {exc})")
        return
    typer.echo(
        "P(the regime falls within the horizon), 95 % Wilson interval, over ok runs "
        "(runs of one parameter point differ only by their seeds: this is chance alone):"
    )
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
