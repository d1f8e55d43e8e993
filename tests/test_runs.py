"""Runs as a library (`uprising.runs`) and the family registry they go through."""

from __future__ import annotations

import dataclasses
import json

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from uprising.cli import app
from uprising.errors import ScenarioError
from uprising.experiment import plan_ensemble, run_one
from uprising.runs import prepare_run, run_scenario
from uprising.scenarios import (
    FAMILIES,
    MODELS,
    builtin_names,
    family_of,
    load_scenario,
    model_name,
    scenario_hash,
)

runner = CliRunner()
ARGS = {"seed": 4, "scale": 0.002, "steps": 25}


def _without_clock(summary: dict) -> dict:
    return {key: value for key, value in summary.items() if key != "wall_seconds"}


def test_a_belarus_summary_without_the_cli_is_the_cli_s(tmp_path):
    record = run_scenario("belarus-2020", out=tmp_path / "lib", **ARGS)
    assert record.paths.summary == tmp_path / "lib" / "summary.json"
    result = runner.invoke(
        app,
        ["run", "belarus-2020", "--seed", "4", "--scale", "0.002", "--days", "25",
         "--out", str(tmp_path / "cli")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lib = json.loads((tmp_path / "lib" / "summary.json").read_text())
    cli = json.loads((tmp_path / "cli" / "summary.json").read_text())
    assert _without_clock(lib) == _without_clock(cli)
    assert lib["model"] == "belarus" and lib["steps"] == 25 and lib["scale"] == 0.002
    assert pq.read_table(tmp_path / "lib" / "series.parquet").equals(
        pq.read_table(tmp_path / "cli" / "series.parquet")
    )
    assert record.summary_lines()[0].startswith("belarus-2020: scale 0.002")
    assert record.outcome.status in ("holds", "falls")


def test_an_epstein_run_from_python_is_the_cli_s(tmp_path):
    sets = ["grid.width=40", "grid.height=40"]
    record = run_scenario("epstein-run2", seed=3, steps=60, overrides=sets, out=tmp_path / "lib")
    result = runner.invoke(
        app,
        ["run", "epstein-run2", "--seed", "3", "--steps", "60", "--set", sets[0],
         "--set", sets[1], "--out", str(tmp_path / "cli")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert pq.read_table(tmp_path / "lib" / "series.parquet").equals(
        pq.read_table(tmp_path / "cli" / "series.parquet")
    )
    lib = json.loads((tmp_path / "lib" / "summary.json").read_text())
    cli = json.loads((tmp_path / "cli" / "summary.json").read_text())
    assert _without_clock(lib) == _without_clock(cli)
    assert record.family == "epstein" and record.scale is None and record.outcome is None
    assert record.steps == record.steps_requested == 60 and record.status == "completed"
    assert record.summary["outbursts"] == lib["outbursts"]


def test_a_validated_scenario_runs_like_its_name():
    scenario = load_scenario("epstein-run1")
    a = run_scenario(scenario, steps=15)
    b = run_scenario("epstein-run1", steps=15)
    assert all((a.series[k] == b.series[k]).all() for k in a.series)


def test_scale_is_refused_for_a_family_without_scale():
    with pytest.raises(ScenarioError, match="--scale"):
        run_scenario("epstein-run2", scale=0.1, steps=5)


def test_the_ensemble_worker_runs_through_run_scenario(tmp_path):
    plan = plan_ensemble(["belarus-2022"], runs=1, seed=9, scale=0.002, days=20)
    task = dataclasses.replace(plan.tasks[0], shard_dir=str(tmp_path))
    record = run_one(task)
    assert record["status"] == "ok", record["error"]
    alone = run_scenario("belarus-2022", seed=task.seed, scale=0.002, steps=20)
    outcome = alone.outcome.as_dict()
    assert (record["outcome"], record["fall_date"], record["channel"]) == (
        outcome["outcome"],
        outcome["fall_date"],
        outcome["channel"],
    )
    shard = pq.read_table(tmp_path / f"{task.run_id}.parquet").to_pydict()
    for name, values in alone.series.items():
        if name != "date":
            assert shard[name] == values.tolist(), name


def test_an_interrupt_keeps_the_ticks_done_only_when_asked(monkeypatch):
    from uprising.engine.simulation import Simulation

    original = Simulation.step

    def step(self):
        if self.tick == 7:
            raise KeyboardInterrupt
        original(self)

    monkeypatch.setattr(Simulation, "step", step)
    record = prepare_run("epstein-run1", steps=30).execute(interruptible=True)
    assert record.status == "interrupted" and record.steps == 7
    assert record.steps_requested == 30 and len(record.series["tick"]) == 7
    with pytest.raises(KeyboardInterrupt):
        prepare_run("epstein-run1", steps=30).execute()


def test_every_builtin_has_a_registered_family():
    assert MODELS == {name: family.schema for name, family in FAMILIES.items()}
    for name in builtin_names():
        scenario = load_scenario(name)
        family = family_of(scenario)
        assert FAMILIES[model_name(scenario)] is family
        assert isinstance(scenario, family.schema)
        assert getattr(scenario.run, family.length_field) >= 1
        assert hasattr(scenario.run, "scale") == family.scaled
        assert family.describe(scenario), name


def test_prepared_run_knows_its_length_label_and_scenario():
    prepared = prepare_run("belarus-2022", seed=1, scale=0.002, steps=10)
    assert prepared.total == 10 and prepared.family.name == "belarus"
    assert prepared.label == "belarus-2022 (scale 0.002, seed 1)"
    assert prepared.scenario.run.days == 10 and scenario_hash(prepared.scenario)
    with pytest.raises(TypeError):
        family_of(object())
