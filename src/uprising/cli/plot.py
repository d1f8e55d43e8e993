"""``uprising plot``: one run's key series and regions as a PNG; its series as CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from uprising.cli.app import app, fail, user_errors


@app.command("plot")
def plot_command(
    run_dir: Annotated[Path, typer.Argument(help="A run's folder (uprising run --out DIR)")],
    out: Annotated[
        Path | None, typer.Option(help="File to write [default: RUN_DIR/series.png or .csv]")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="png (the figure) or csv (the series as a table)")
    ] = "png",
) -> None:
    """Draw a run's key series (and each region's participants), or export them as CSV."""
    import json

    import pandas as pd

    from uprising.report.figures import png_bytes
    from uprising.report.run_plot import run_figure
    from uprising.store.run_output import SERIES_FILE, SUMMARY_FILE

    if fmt not in ("png", "csv"):
        fail(f"--format {fmt}: use png or csv")
    series_path, summary_path = run_dir / SERIES_FILE, run_dir / SUMMARY_FILE
    with user_errors():
        if not series_path.is_file():
            fail(f"{run_dir}: no {SERIES_FILE} (write a run with uprising run ... --out DIR)")
        series = pd.read_parquet(series_path)
        target = out if out is not None else run_dir / f"series.{fmt}"
        if fmt == "csv":
            series.to_csv(target, index=False)
            typer.echo(f"series: {target} ({len(series)} rows, {len(series.columns)} columns)")
            return
        summary = json.loads(summary_path.read_text("utf-8")) if summary_path.is_file() else {}
        family = "belarus" if "date" in series else "epstein"
        try:
            figure = run_figure(series, family, str(summary.get("scenario", run_dir.name)))
        except ValueError as exc:
            fail(f"{series_path}: {exc}")
        target.write_bytes(png_bytes(figure))
    typer.echo(f"figure: {target}")
