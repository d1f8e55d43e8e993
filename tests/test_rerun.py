"""Ensembles rebuilt from the store alone: the stored scenario texts, `uprising rerun`."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from uprising.cli import app
from uprising.experiment import EnsembleError, LocalExecutor, plan_ensemble, replan, run_ensemble
from uprising.scenarios import apply_overrides, load_scenario, loads_scenario, scenario_hash
from uprising.store.results import ResultsStore


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A two-run lhs ensemble of a scenario built in Python (no file names it)."""
    folder = tmp_path_factory.mktemp("rerun")
    scenario = apply_overrides(load_scenario("belarus-2022"), ["legitimacy.initial=0.58"])
    scenario = scenario.model_copy(update={"name": "from-python"})
    plan = plan_ensemble(
        [scenario], runs=2, scale=0.001, days=3, design="lhs", vary=["media.reach=0.1:0.3"]
    )
    store = ResultsStore(folder / "store")
    with LocalExecutor(1) as executor:
        summary = run_ensemble(plan, store, executor)
    assert summary.ok_total == 2
    return {"store": store, "plan": plan, "scenario": scenario, "folder": folder}


def test_the_plan_keeps_the_full_text_of_each_scenario(stored):
    entry = stored["plan"].ensemble["scenarios"][0]
    again = loads_scenario(entry["toml"], source="stored")
    assert scenario_hash(again) == entry["scenario_hash"] == scenario_hash(stored["scenario"])


def test_replan_gives_the_same_runs(stored):
    plan = replan(stored["store"], stored["plan"].ensemble_id)
    assert [(t.run_id, t.seed, dict(t.parameters), t.scenario_toml) for t in plan.tasks] == [
        (t.run_id, t.seed, dict(t.parameters), t.scenario_toml) for t in stored["plan"].tasks
    ]


def test_rerun_command_is_bit_for_bit_and_catches_a_change(stored):
    runner = CliRunner()
    store, eid = stored["store"].directory, stored["plan"].ensemble_id
    result = runner.invoke(app, ["rerun", "--store", str(store), "--ensemble", eid])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("identical to the stored series, bit for bit") == 2

    out = stored["folder"] / "one"
    result = runner.invoke(
        app, ["rerun", "--store", str(store), "--ensemble", eid, "--run", "1", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert (out / "series.parquet").is_file()

    path = stored["store"].shard_path(f"{eid}-000000")
    table = pq.read_table(path)
    column = table.column_names.index("legitimacy")
    changed = table.column("legitimacy").to_numpy().copy()
    changed[-1] += 0.01  # (the column may be float32: a change it can hold)
    pq.write_table(table.set_column(column, table.field(column), pa.array(changed)), path)
    from uprising.experiment import rerun

    again = rerun(stored["store"], eid, 0)
    assert again.stored and not again.identical and again.differing == ("legitimacy",)


def test_rerun_bad_input_is_one_error_line(stored):
    runner = CliRunner()
    store = str(stored["store"].directory)
    result = runner.invoke(app, ["rerun", "--store", store, "--ensemble", "000000000000"])
    assert result.exit_code == 2 and result.stderr.startswith("error: --ensemble 000000000000")
    eid = stored["plan"].ensemble_id
    result = runner.invoke(app, ["rerun", "--store", store, "--ensemble", eid, "--run", "9"])
    assert result.exit_code == 2 and "--run 9: no such run" in result.stderr
    with pytest.raises(EnsembleError, match="not in"):
        replan(stored["store"], "ffffffffffff")


def test_report_rebuilds_the_scenario_from_the_store(stored):
    from uprising.report import write_report

    page = write_report(stored["store"], stored["folder"] / "r.html").read_text("utf-8")
    assert "Rebuilt from <code>the text stored with the ensemble</code>" in page
    assert "changed since the runs" not in page
    assert "uprising rerun --ensemble" in page
