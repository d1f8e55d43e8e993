"""Ensembles: designs, planning and ids, run records, executors, resume, failures, CLI."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from uprising.cli import app
from uprising.experiment import (
    DaskExecutor,
    EnsembleError,
    EnsembleInterrupted,
    LocalExecutor,
    design_size,
    make_design,
    parse_vary,
    plan_ensemble,
    run_ensemble,
    run_one,
    run_seeds,
)
from uprising.models.belarus import BelarusModel
from uprising.scenarios import (
    apply_overrides,
    load_scenario,
    loads_scenario,
    scenario_hash,
    with_run,
)
from uprising.store.results import ResultsStore

SCALE = 0.002
DAYS = 120
VARY = ["legitimacy.initial=0.5:0.7", "regime.elite_size=150:250"]
VOLATILE = ("started_at", "seconds")  # the only record fields that may differ between runs

runner = CliRunner()


def small_plan(**overrides):
    kwargs = {"runs": 4, "seed": 7, "scale": SCALE, "days": DAYS, "design": "mc", "vary": ()}
    kwargs.update(overrides)
    return plan_ensemble(["belarus-2022"], **kwargs)


def records(store: ResultsStore, ensemble_id: str) -> dict[str, dict]:
    folder = store.shard_dir(ensemble_id)
    out = {}
    for path in sorted(folder.glob("*.json")):
        record = json.loads(path.read_text())
        for key in VOLATILE:
            record.pop(key)
        out[record["run_id"]] = record
    return out


def shards(store: ResultsStore, ensemble_id: str) -> dict[str, object]:
    folder = store.shard_dir(ensemble_id)
    return {path.stem: pq.read_table(path) for path in sorted(folder.glob("*.parquet"))}


# --- designs ------------------------------------------------------------------------------


def test_designs_have_the_stated_shapes_and_bounds():
    vary = [parse_vary("a.x=0.1:0.3"), parse_vary("b.y=-2:5"), ("c.z", 10.0, 20.0)]
    low, high = np.array([0.1, -2, 10]), np.array([0.3, 5, 20])
    assert make_design("mc", [], 7, seed=1).shape == (7, 0)
    for kind, rows in (("lhs", 16), ("sobol", 16 * 5), ("morris", 16 * 4)):
        points = make_design(kind, vary, 16, seed=3)
        assert points.shape == (rows, 3) == (design_size(kind, 16, 3), 3), kind
        assert np.all(points >= low) and np.all(points <= high), kind
        assert np.array_equal(points, make_design(kind, vary, 16, seed=3)), kind
        assert not np.array_equal(points, make_design(kind, vary, 16, seed=4)), kind
    # a Latin hypercube has exactly one point in each of the N strata of every axis
    points = make_design("lhs", vary, 16, seed=3)
    strata = np.floor((points - low) / (high - low) * 16).astype(int)
    assert all(sorted(strata[:, j]) == list(range(16)) for j in range(3))
    # Morris: 4 levels; each trajectory changes one parameter per step
    points = make_design("morris", vary, 5, seed=3)
    levels = np.round((points - low) / (high - low) * 3, 9)
    assert set(np.unique(levels)) <= {0.0, 1.0, 2.0, 3.0}
    steps = np.diff(points.reshape(5, 4, 3), axis=1)
    assert np.all(np.count_nonzero(steps, axis=2) == 1)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("legitimacy.initial", "expected name=low:high"),
        ("legitimacy.initial=0.5", "expected name=low:high"),
        ("=0:1", "expected name=low:high"),
        ("legitimacy.initial=0.7:0.5", "must be below high"),
        ("legitimacy.initial=0.5:0.5", "must be below high"),
        ("legitimacy.initial=low:0.5", "'low' is not a number"),
        ("legitimacy.initial=0:nan", "finite"),
    ],
)
def test_bad_vary_is_a_clear_error(text, fragment):
    with pytest.raises(EnsembleError, match=fragment.replace("(", r"\(")):
        parse_vary(text)


def test_design_and_vary_must_agree():
    with pytest.raises(EnsembleError, match="takes no --vary"):
        make_design("mc", [("a", 0.0, 1.0)], 4, seed=0)
    with pytest.raises(EnsembleError, match="needs at least one --vary"):
        make_design("lhs", [], 4, seed=0)
    with pytest.raises(EnsembleError, match="unknown design"):
        make_design("factorial", [("a", 0.0, 1.0)], 4, seed=0)
    with pytest.raises(EnsembleError, match="positive integer"):
        make_design("mc", [], 0, seed=0)


# --- planning -----------------------------------------------------------------------------


def test_plan_ids_seeds_order_and_design_points():
    plan = plan_ensemble(
        ["belarus-2022", "russia-defeat"],
        runs=3,
        seed=11,
        scale=SCALE,
        days=DAYS,
        design="lhs",
        vary=VARY,
    )
    eid = plan.ensemble_id
    assert len(eid) == 12 and int(eid, 16) >= 0
    again = plan_ensemble(
        ["belarus-2022", "russia-defeat"],
        runs=3,
        seed=11,
        scale=SCALE,
        days=DAYS,
        design="lhs",
        vary=VARY,
    )
    assert again.ensemble_id == eid and again.tasks == plan.tasks
    assert plan.total == 6
    # scenario by scenario, design point by design point; seeds from SeedSequence(seed)
    children = np.random.SeedSequence(11).spawn(6)
    expected_seeds = [int(c.generate_state(1, dtype=np.uint64)[0] >> 1) for c in children]
    assert [t.seed for t in plan.tasks] == expected_seeds == run_seeds(11, 6)
    assert all(0 <= t.seed < 2**63 for t in plan.tasks)
    assert [t.k for t in plan.tasks] == list(range(6))
    assert [t.run_id for t in plan.tasks] == [f"{eid}-{k:06d}" for k in range(6)]
    assert [t.scenario_name for t in plan.tasks] == ["belarus-2022"] * 3 + ["russia-defeat"] * 3
    assert [t.design_point for t in plan.tasks] == [0, 1, 2] * 2
    assert plan.tasks[0].scenario_hash == scenario_hash(load_scenario("belarus-2022"))
    points = make_design("lhs", [parse_vary(v) for v in VARY], 3, seed=11)
    for task in plan.tasks:
        value, size = points[task.design_point]
        assert task.parameters == {"legitimacy.initial": value, "regime.elite_size": round(size)}
        assert isinstance(task.parameters["regime.elite_size"], int)
        scenario = loads_scenario(task.scenario_toml)
        assert scenario.legitimacy.initial == value
        assert scenario.regime.elite_size == round(size)
        assert (scenario.run.scale, scenario.run.days) == (SCALE, DAYS)
    assert plan.ensemble["vary"][1] == {"name": "regime.elite_size", "low": 150.0, "high": 250.0}
    assert "--design lhs" in plan.ensemble["command"]

    # what defines the ensemble changes its id; the scale the scenario already has does not
    base = small_plan()
    assert small_plan().ensemble_id == base.ensemble_id
    default_scale = load_scenario("belarus-2022").run.scale
    assert small_plan(scale=None).ensemble_id == small_plan(scale=default_scale).ensemble_id
    for change in ({"seed": 8}, {"runs": 5}, {"scale": 0.003}, {"days": DAYS + 1}):
        assert small_plan(**change).ensemble_id != base.ensemble_id, change
    swapped = plan_ensemble(
        ["russia-defeat", "belarus-2022"],
        runs=3,
        seed=11,
        scale=SCALE,
        days=DAYS,
        design="lhs",
        vary=VARY,
    )
    assert swapped.ensemble_id != eid


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"design": "lhs", "vary": ["legitimacy.nonsense=0:1"]}, "nonsense"),
        ({"design": "lhs", "vary": ["legitimacy.initial=0.5:1.5"]}, "legitimacy.initial"),
        ({"design": "lhs", "vary": ["mechanisms.media=0:1"]}, "not a number"),
        ({"design": "lhs", "vary": ["run.scale=0.001:0.002"]}, "run control"),
        ({"design": "lhs", "vary": [VARY[0], VARY[0]]}, "given twice"),
        ({"design": "mc", "vary": [VARY[0]]}, "takes no --vary"),
    ],
)
def test_bad_plans_are_clear_errors(kwargs, fragment):
    with pytest.raises(EnsembleError, match=fragment):
        small_plan(**kwargs)


def test_plan_refuses_epstein_and_repeated_scenarios():
    with pytest.raises(EnsembleError, match="Epstein"):
        plan_ensemble(["epstein-run2"], runs=2)
    with pytest.raises(EnsembleError, match="given twice"):
        plan_ensemble(["belarus-2022", "belarus-2022"], runs=2, scale=SCALE, days=DAYS)


# --- running ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lhs_plan():
    return small_plan(design="lhs", vary=VARY)


@pytest.fixture(scope="module")
def serial_store(lhs_plan, tmp_path_factory):
    store = ResultsStore(tmp_path_factory.mktemp("serial"))
    summary = run_ensemble(lhs_plan, store, LocalExecutor(1))
    assert (summary.done, summary.failed, summary.skipped) == (4, 0, 0)
    return store


def test_records_and_shards_follow_the_contract(lhs_plan, serial_store):
    eid = lhs_plan.ensemble_id
    found = records(serial_store, eid)
    assert list(found) == [task.run_id for task in lhs_plan.tasks]
    for task in lhs_plan.tasks:
        record = found[task.run_id]
        assert record["status"] == "ok" and record["error"] is None
        assert record["outcome"] in ("holds", "falls")
        assert (record["seed"], record["scale"], record["days"]) == (task.seed, SCALE, DAYS)
        assert record["parameters"] == task.parameters
        assert record["series_rows"] == DAYS
        assert record["code_version"]["package"]
        table = pq.read_table(serial_store.shard_dir(eid) / f"{task.run_id}.parquet")
        assert table.column_names[:2] == ["run_id", "date"]
        assert str(table.schema.field("date").type) == "date32[day]"
        assert set(table.column("run_id").to_pylist()) == {task.run_id}
    runs = serial_store.runs(eid)
    assert sorted(runs["run_id"]) == sorted(found) and set(runs["status"]) == {"ok"}

    # `uprising run SCENARIO --seed S --scale X --days D --set ...` reproduces a run bit for bit
    task = lhs_plan.tasks[2]
    scenario = apply_overrides(load_scenario("belarus-2022"), task.overrides())
    scenario = with_run(apply_overrides(scenario, [f"run.scale={SCALE!r}"]), seed=task.seed)
    scenario = with_run(scenario, steps=DAYS)
    series = BelarusModel(scenario).run().series
    table = pq.read_table(serial_store.shard_dir(eid) / f"{task.run_id}.parquet")
    for name, values in series.items():
        stored = table.column(name).to_numpy()
        assert np.array_equal(stored, values.astype(stored.dtype)), name


def test_executors_give_identical_records_and_series(lhs_plan, serial_store, tmp_path):
    eid = lhs_plan.ensemble_id
    expected_records, expected_series = records(serial_store, eid), shards(serial_store, eid)
    for name, make in (
        ("pool", lambda: LocalExecutor(2)),
        ("dask", lambda: DaskExecutor(workers=2)),
    ):
        store = ResultsStore(tmp_path / name)
        with make() as executor:
            summary = run_ensemble(lhs_plan, store, executor)
        assert (summary.done, summary.failed, summary.ok_total) == (4, 0, 4), name
        assert records(store, eid) == expected_records, name
        got = shards(store, eid)
        assert list(got) == list(expected_series), name
        assert all(got[key].equals(expected_series[key]) for key in got), name


def test_interrupted_ensemble_resumes_without_loss_or_duplicates(tmp_path):
    plan = small_plan(runs=5, seed=3)
    store = ResultsStore(tmp_path / "store")
    seen = []

    def stop_after_two(ok, failed, total):
        seen.append(ok)
        if ok >= 2:
            raise KeyboardInterrupt

    with (
        LocalExecutor(2) as executor,
        pytest.raises(EnsembleInterrupted) as stopped,
    ):
        run_ensemble(plan, store, executor, progress=stop_after_two)
    first = stopped.value.summary
    assert first.interrupted and first.ok_total >= 2 and first.missing == 5 - first.ok_total
    assert isinstance(stopped.value, KeyboardInterrupt)
    recorded = store.recorded_run_ids(plan.ensemble_id)
    assert len(recorded) == first.ok_total  # ingested before raising
    folder = store.shard_dir(plan.ensemble_id)
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temporary files
    # every record has its series; a series without a record would be run again
    assert {p.stem for p in folder.glob("*.json")} <= {p.stem for p in folder.glob("*.parquet")}

    # a part-way run (a subset of the tasks) and a resume with the whole plan
    partial = dataclasses.replace(plan, tasks=plan.tasks[:4])
    second = run_ensemble(partial, store, LocalExecutor(1))
    assert second.skipped == first.ok_total and second.ok_total == 4
    calls = []
    third = run_ensemble(plan, store, LocalExecutor(1), progress=lambda *a: calls.append(a))
    assert (third.done, third.skipped, third.ok_total, third.missing) == (1, 4, 5, 0)
    assert calls[0] == (4, 0, 5) and calls[-1] == (5, 0, 5)
    runs = store.runs(plan.ensemble_id)
    assert sorted(runs["run_id"]) == [task.run_id for task in plan.tasks]
    assert len(store.series(ensemble_ids=plan.ensemble_id)) == 5 * DAYS
    fresh = ResultsStore(tmp_path / "fresh")
    run_ensemble(plan, fresh, LocalExecutor(1))
    assert records(fresh, plan.ensemble_id) == records(store, plan.ensemble_id)


def test_failing_run_is_recorded_with_its_traceback_and_retried(tmp_path):
    plan = small_plan(runs=3, seed=5, days=60)
    broken_task = dataclasses.replace(plan.tasks[1], scenario_toml="model = [unclosed")
    broken = dataclasses.replace(plan, tasks=[plan.tasks[0], broken_task, plan.tasks[2]])
    store = ResultsStore(tmp_path / "store")
    summary = run_ensemble(broken, store, LocalExecutor(1))
    assert (summary.done, summary.failed, summary.ok_total, summary.failed_total) == (2, 1, 2, 1)
    assert "invalid TOML" in summary.first_error
    folder = store.shard_dir(plan.ensemble_id)
    record = json.loads((folder / f"{broken_task.run_id}.json").read_text())
    assert record["status"] == "failed" and record["outcome"] is None
    assert record["error"].startswith("Traceback") and "ScenarioError" in record["error"]
    assert not (folder / f"{broken_task.run_id}.parquet").exists()
    runs = store.runs(plan.ensemble_id).set_index("run_id")
    assert runs.loc[broken_task.run_id, "status"] == "failed"
    assert "invalid TOML" in runs.loc[broken_task.run_id, "error"]

    # not run again unless asked; then replaced by its successful run
    again = run_ensemble(plan, store, LocalExecutor(1))
    assert (again.done, again.skipped, again.failed_total) == (0, 3, 1)
    assert "invalid TOML" in again.first_error
    retried = run_ensemble(plan, store, LocalExecutor(1), retry_failed=True)
    assert (retried.done, retried.skipped, retried.ok_total, retried.failed_total) == (1, 2, 3, 0)
    runs = store.runs(plan.ensemble_id)
    assert len(runs) == 3 and set(runs["status"]) == {"ok"}


def test_run_one_never_raises_and_can_skip_writing(tmp_path):
    task = dataclasses.replace(
        small_plan(runs=1, days=30).tasks[0], shard_dir=str(tmp_path / "shards")
    )
    record = run_one(task, write=False)
    assert record["status"] == "ok" and record["series_rows"] == 30
    assert not (tmp_path / "shards").exists()
    bad = dataclasses.replace(task, scenario_toml='model = "belarus"\nname = "x"\n')
    record = run_one(bad)
    assert record["status"] == "failed" and "Traceback" in record["error"]
    assert [p.name for p in (tmp_path / "shards").iterdir()] == [f"{task.run_id}.json"]


# --- command line -------------------------------------------------------------------------


def test_cli_ensemble_runs_resumes_and_reports(tmp_path):
    store = tmp_path / "store"
    args = ["ensemble", "belarus-2022", "--runs", "2", "--scale", "0.002", "--days", "60"]
    args += ["--seed", "4", "--workers", "1", "--store", str(store)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    eid = small_plan(runs=2, seed=4, days=60).ensemble_id
    assert f"ensemble {eid}: 2 runs: 2 ok, 0 failed" in result.stdout
    assert str(store.resolve()) in result.stdout
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "(0 run now, 2 already recorded)" in result.stdout
    assert len(ResultsStore(store).runs(eid)) == 2


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (["--design", "lhs", "--vary", "legitimacy.nonsense=0:1"], "nonsense"),
        (["--design", "factorial", "--vary", "legitimacy.initial=0.5:0.6"], "unknown design"),
        (["--vary", "legitimacy.initial=0.5:0.6"], "takes no --vary"),
        (["--design", "lhs", "--vary", "legitimacy.initial=0.6"], "name=low:high"),
        (["--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "not both"),
    ],
)
def test_cli_ensemble_bad_input_is_one_line(tmp_path, extra, fragment):
    args = ["ensemble", "belarus-2022", "--runs", "2", "--store", str(tmp_path / "s"), *extra]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert fragment in result.stderr and "Traceback" not in result.output


def test_cli_ctrl_c_ingests_finished_runs_and_says_how_to_resume(tmp_path):
    store = tmp_path / "store"
    args = ["belarus-2022", "--runs", "12", "--scale", "0.002", "--days", "150", "--seed", "9"]
    args += ["--workers", "2", "--store", str(store)]
    process = subprocess.Popen(
        [sys.executable, "-m", "uprising.cli", "ensemble", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 60
        while len(list(store.glob("shards/*/*.json"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130, err
    assert "resume with the same command" in err
    eid = small_plan(runs=12, seed=9, days=150).ensemble_id
    recorded = ResultsStore(store).recorded_run_ids(eid)
    assert 2 <= len(recorded) < 12
    assert f"{len(recorded)} of 12 runs recorded" in err
    assert "uprising ensemble belarus-2022 --runs 12 --seed 9 --scale 0.002" in err
