"""`uprising compare`: runs seeds, measures them by the observation model, writes its outputs."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from uprising.analysis.belarus_observations import OBSERVATIONS
from uprising.cli import app

runner = CliRunner()


def test_compare_writes_table_figure_and_per_run_figures(tmp_path):
    out = tmp_path / "cmp"
    result = runner.invoke(
        app,
        ["compare", "belarus-2020", "--runs", "2", "--scale", "0.001", "--days", "45",
         "--workers", "1", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "median" in result.stdout and "90 % band" in result.stdout
    assert "chance only" in result.stdout
    table = pd.read_csv(out / "compare.csv")
    assert len(table) == len(OBSERVATIONS)
    assert pd.read_parquet(out / "compare.parquet").shape == table.shape
    # 45 days from 1 August end on 14 September: rows after it are beyond the run
    beyond = table["window"].str[-10:] > "2020-09-14"
    assert (table.loc[beyond, "verdict"] == "beyond the run").all()
    assert (table.loc[beyond, "n"] == 0).all() and (table.loc[~beyond, "n"] == 2).all()
    inside = table.loc[~beyond]
    assert (inside["q05"] <= inside["median"]).all() and (inside["median"] <= inside["q95"]).all()
    assert set(inside["verdict"]) <= {"inside band", "model below", "model above", "bound met",
                                      "bound not met"}  # fmt: skip
    per_run = pd.read_parquet(out / "compare_runs.parquet")
    assert len(per_run) == 2 * len(OBSERVATIONS) and per_run["run_id"].nunique() == 2
    # the median is the median of the two runs' figures
    first = per_run[per_run["observation"] == 0]["model"].to_numpy()
    assert np.isclose(table.loc[0, "median"], np.median(first))
    assert (out / "compare.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    meta = json.loads((out / "compare.json").read_text())
    assert meta["runs"] == 2 and meta["scale"] == 0.001 and meta["days"] == 45
    assert meta["holds"] + meta["falls"] == 2 and len(meta["seeds"]) == 2
    assert meta["command"].startswith("uprising compare belarus-2020 --runs 2")


def test_compare_refuses_an_epstein_scenario(tmp_path):
    result = runner.invoke(app, ["compare", "epstein-run2", "--runs", "1", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "Belarus" in result.stderr
