"""`uprising sensitivity`, `uprising discover` and the report's section on the inputs."""

from __future__ import annotations

import numpy as np
from typer.testing import CliRunner

from sensitivity_stores import designed_store
from uprising.cli import app
from uprising.report import write_report
from uprising.store import ResultsStore

runner = CliRunner()
VARY = [("population.threshold", 0.4, 0.7), ("fall.mobilisation_ratio", 2.0, 8.0)]


def model(points: np.ndarray) -> np.ndarray:
    """Falls on day 100 * ratio when the threshold is below 0.55, else holds."""
    return np.where(points[:, 0] < 0.55, 100.0 * points[:, 1], np.nan)


def test_sensitivity_and_discover_print_tables_and_a_sentence(tmp_path):
    designed_store(ResultsStore(tmp_path / "s"), "lhs", VARY, 60, model)
    result = runner.invoke(app, ["sensitivity", "--store", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert "Borgonovo's delta" in result.output and "PAWN" in result.output
    assert "Most influential (delta): population.threshold" in result.output
    result = runner.invoke(app, ["discover", "--store", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert "P(fall within 3 years) is 1.00 when population.threshold < 0.5" in result.output
    assert "CART leaves" in result.output and "Resampling stability" in result.output


def test_failed_runs_and_bad_outcomes_are_one_line_errors(tmp_path):
    designed_store(ResultsStore(tmp_path / "s"), "lhs", VARY, 12, model, fails=(2,))
    for command in ("sensitivity", "discover"):
        result = runner.invoke(app, [command, "--store", str(tmp_path / "s")])
        assert result.exit_code == 2
        assert result.output.startswith("error: 1 of 12 runs of ensemble 5e5e5e5e5e5e")
        assert "Traceback" not in result.output
    result = runner.invoke(
        app, ["sensitivity", "--store", str(tmp_path / "s"), "--allow-failed", "--outcome", "x"]
    )
    assert result.exit_code == 2 and "choose one of" in result.output
    result = runner.invoke(app, ["sensitivity", "--store", str(tmp_path / "none")])
    assert result.exit_code == 2 and "no results store" in result.output


def test_report_shows_the_three_inputs_that_matter(tmp_path):
    store = ResultsStore(tmp_path / "s")
    designed_store(store, "lhs", VARY, 40, model)
    path = write_report(store, tmp_path / "report.html")
    page = path.read_text(encoding="utf-8")
    assert '<h2 id="inputs">Which inputs matter</h2>' in page
    assert "The three inputs that matter most for P(fall within 3 years)" in page
    assert "PRIM:" in page
    figures = sorted(p.name for p in (tmp_path / "report_figures").glob("inputs_*.png"))
    assert figures == [
        "inputs_01_indices.png",
        "inputs_01_prim_box.png",
        "inputs_01_prim_tradeoff.png",
    ]
    result = runner.invoke(
        app, ["report", "--store", str(tmp_path / "s"), "--out", str(tmp_path / "r.html")]
    )
    assert result.exit_code == 0, result.output
    assert "The three inputs that matter most" in result.output
    assert "population.threshold (delta" in result.output
