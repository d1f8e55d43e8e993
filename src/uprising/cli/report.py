"""``uprising report``: the HTML report of a results store, and its fall probabilities."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

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
    """Print, per scenario, P(the regime falls within 1, 3, 5 years and by the last day)."""
    import pandas as pd

    from uprising.analysis.horizons import horizon_table, outcome_table
    from uprising.errors import UprisingError
    from uprising.report.format import pct_of
    from uprising.store.results import ResultsStore

    results = ResultsStore(store)
    try:
        table = horizon_table(results, ensemble_ids, years=(1, 3, 5), allow_failed=True)
        groups = [
            (str(e), str(s), int(rows["failed"].max()))
            for (e, s), rows in table.groupby(["ensemble_id", "scenario"], sort=False)
        ]
        last_days = outcome_table(results, groups)
    except UprisingError as exc:  # the report itself says why (e.g. every run failed)
        typer.echo(f"(no probability table: {exc})")
        return
    designs = dict(zip(*(results.ensembles()[c] for c in ("ensemble_id", "design")), strict=True))

    def share(row: Any) -> str:
        n = int(row.n)
        return (
            f"{int(row.fallen)} of {n} fell = {pct_of(row.p, n)} "
            f"(95 % interval {pct_of(row.low, n)} to {pct_of(row.high, n)})"
        )

    typer.echo("P(the regime falls), each horizon counted from the scenario's first day:")
    for (ensemble_id, scenario), rows in table.groupby(["ensemble_id", "scenario"], sort=False):
        ends = last_days[
            (last_days["ensemble_id"] == ensemble_id) & (last_days["scenario"] == scenario)
        ]
        last = ends.iloc[-1]
        first = (last.date - pd.Timedelta(days=int(last.days) - 1)).date()
        n, failed = int(rows["n"].max()), int(rows["failed"].max())
        extra = f", {failed} failed runs left out" if failed else ""
        typer.echo(
            f"  {scenario} (ensemble {ensemble_id}, {n} runs{extra}, "
            f"{first} to {last.date.date()}, {int(last.days)} days):"
        )
        for row in rows.itertuples():
            by = f"within {row.years} y (by {row.date.date()})"
            if row.observed:
                typer.echo(f"      {by}: {share(row)}")
            else:
                typer.echo(f"      {by}: not known, the runs end on {last.date.date()}")
        if pd.isna(last.years):
            typer.echo(f"      by the runs' last day ({last.date.date()}): {share(last)}")
        main = last.main_channel
        typer.echo(
            "      main channel of the falls by the last day: "
            + (str(main) if isinstance(main, str) else "none, no run fell")
        )
    mc = [e for e in dict.fromkeys(table["ensemble_id"]) if designs.get(e, "mc") == "mc"]
    if mc:
        typer.echo(
            "  The runs of each scenario share one parameter point and differ only by their "
            "seeds: the share and its interval measure chance alone, not whether the "
            "parameters are right."
        )
    if len(mc) < table["ensemble_id"].nunique():
        typer.echo(
            "  Runs of a design (lhs, sobol, morris) span the varied parameters' ranges: "
            "their share mixes chance with those ranges, weighted as the design samples them."
        )
