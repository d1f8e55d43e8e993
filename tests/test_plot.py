"""``uprising plot``: one run's figure and its series as CSV."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from uprising.cli import app
from uprising.report.run_plot import run_figure
from uprising.runs import run_scenario


def test_plot_and_csv_of_a_belarus_run(tmp_path):
    run_scenario("belarus-2022", seed=1, scale=0.001, steps=40, out=tmp_path / "run")
    runner = CliRunner()
    result = runner.invoke(app, ["plot", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    png = (tmp_path / "run" / "series.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    result = runner.invoke(app, ["plot", str(tmp_path / "run"), "--format", "csv"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "run" / "series.csv")
    stored = pd.read_parquet(tmp_path / "run" / "series.parquet")
    assert list(table.columns) == list(stored.columns) and len(table) == 40
    assert (table["participants"].to_numpy() == stored["participants"].to_numpy()).all()

    figure = run_figure(stored, "belarus", "belarus-2022")
    titles = [a.get_title() for a in figure.axes if a.get_visible()]
    assert "Participants by region" in titles and "Detentions, 30-day sum" in titles
    legitimacy = next(a for a in figure.axes if a.get_title() == "Legitimacy")
    assert legitimacy.get_ylim() == (0.0, 1.0)


def test_plot_errors_are_one_line(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["plot", str(tmp_path)])
    assert result.exit_code == 2 and result.stderr.startswith("error: ")
    assert "no series.parquet" in result.stderr
    result = runner.invoke(app, ["plot", str(tmp_path), "--format", "xlsx"])
    assert result.exit_code == 2 and "use png or csv" in result.stderr
