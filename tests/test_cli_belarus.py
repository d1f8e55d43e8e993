"""The `uprising` command on Belarus scenarios: run, outputs, interruption, show, errors."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow.parquet as pq
from typer.testing import CliRunner

from uprising.cli import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_run_writes_daily_series_and_the_outcome(tmp_path):
    out = tmp_path / "b2020"
    result = invoke(
        "run", "belarus-2020", "--scale", "0.002", "--seed", "3", "--days", "40", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    assert "outcome: the regime" in result.stdout and "national equivalents" in result.stdout
    table = pq.read_table(out / "series.parquet")
    assert table.num_rows == 40
    names = set(table.column_names)
    assert {"date", "participants", "participants_minsk_city", "detentions"} <= names
    assert {"political_prisoners", "emigrants", "legitimacy", "security_loyalty"} <= names
    dates = table.column("date").to_pylist()
    assert dates[0] == dt.date(2020, 8, 1) and dates[-1] == dt.date(2020, 9, 9)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["model"] == "belarus" and summary["status"] == "completed"
    assert summary["seed"] == 3 and summary["scale"] == 0.002 and summary["steps"] == 40
    assert summary["outcome"] in ("holds", "falls")
    assert {"fall_date", "channel", "readiness", "at_dates", "parameters"} <= set(summary)
    assert summary["parameters"]["run"]["days"] == 40


def test_same_seed_same_series(tmp_path):
    tables = []
    for name in ("a", "b"):
        out = tmp_path / name
        result = invoke(
            "run", "belarus-2020", "--scale", "0.002", "--seed", "5", "--days", "30", "--out",
            str(out),
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        tables.append(pq.read_table(out / "series.parquet"))
    assert tables[0].equals(tables[1])


def test_interrupted_run_keeps_the_days_done(tmp_path, monkeypatch):
    from uprising.models.belarus import BelarusModel

    original = BelarusModel.step

    def step_until_interrupted(self):
        if self.day == 12:
            raise KeyboardInterrupt
        original(self)

    monkeypatch.setattr(BelarusModel, "step", step_until_interrupted)
    out = tmp_path / "run"
    result = invoke("run", "belarus-2020", "--scale", "0.002", "--days", "50", "--out", str(out))
    assert result.exit_code == 130
    assert pq.read_table(out / "series.parquet").num_rows == 12
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "interrupted"
    assert summary["steps"] == 12 and summary["days_requested"] == 50


def test_a_variant_file_may_name_a_builtin_base(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(
        'base = "belarus-2022"\nname = "mine"\ndescription = "stronger media"\n'
        '[provenance]\nsource = "test"\n[media]\nreach = 0.3\n'
    )
    result = invoke("run", str(path), "--scale", "0.002", "--days", "20")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("mine: scale 0.002")


def test_show_prints_every_parameter_with_unit_range_and_source():
    result = invoke("show", "russia-defeat")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("russia-defeat: ")
    for fragment in ("[security]", "security.police_per_100k = 491.0", "source: ", "allowed "):
        assert fragment in text
    assert "Russia defeated" in text  # the variant's own event, with its source
    assert text.count("source: ") > 100


def test_scale_is_refused_for_an_epstein_scenario():
    result = invoke("run", "epstein-run2", "--scale", "0.1")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "--scale" in result.stderr


def test_bad_override_of_a_belarus_scenario_is_one_line():
    result = invoke("run", "belarus-2020", "--set", "media.reach=2")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "media.reach" in result.stderr and "Traceback" not in result.output
