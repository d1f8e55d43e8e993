"""The dashboard without a browser: store gate, cache, what-if checks, recordings, assets."""

from __future__ import annotations

import json
import re
import threading

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from dashboard_support import SCENARIOS, make_store
from uprising.cli import app as cli_app
from uprising.dashboard import aggregates as aggregates_module
from uprising.dashboard.aggregates import Aggregates
from uprising.dashboard.app import create_app
from uprising.dashboard.gate import StoreBusyError, StoreGate
from uprising.dashboard.jobs import JobQueue
from uprising.dashboard.recording import read_regions, record_run, replay_scenario
from uprising.dashboard.whatif import LIMITS, check_request, parameter_bounds
from uprising.errors import UprisingError


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("store")
    ids = make_store(folder)
    return folder, ids


# -- the gate ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "parts",
    [("..",), ("../x",), ("/etc/passwd",), ("runs", ".."), (".hidden",), ("a\\b",), ("",)],
)
def test_browser_names_never_leave_the_store(tmp_path, parts):
    gate = StoreGate(tmp_path / "store")
    with pytest.raises(UprisingError):
        gate.inside(*parts)


def test_inside_stays_under_the_dashboard_folder(tmp_path):
    gate = StoreGate(tmp_path / "store")
    path = gate.inside("runs", "abc-000001")
    assert path.is_relative_to(gate.home)


def test_writer_lock_refuses_a_second_writer(tmp_path):
    one, two = StoreGate(tmp_path / "s"), StoreGate(tmp_path / "s")
    with one.writer():
        with pytest.raises(StoreBusyError, match="another process is writing"):
            with two.writer():
                pass
    with two.writer():  # released
        pass


def test_many_readers_and_a_writer_never_collide(store_dir):
    """Page threads read while a job thread ingests: all through one gate, no error."""
    folder, ids = store_dir
    gate = StoreGate(folder)
    errors: list[BaseException] = []

    def read():
        try:
            for _ in range(15):
                assert len(gate.store.runs(ids["mc"])) == 2 * len(SCENARIOS)
        except BaseException as exc:
            errors.append(exc)

    def write():
        try:
            for _ in range(15):
                gate.store.ingest()
                gate.store.register_ensemble({"ensemble_id": "probe", "design": "mc"})
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(4)] + [threading.Thread(target=write)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


# -- the cached summaries -----------------------------------------------------------------


def test_summaries_are_computed_once_and_cached_in_the_store(store_dir, monkeypatch):
    folder, ids = store_dir
    gate = StoreGate(folder)
    calls = []
    real = aggregates_module._scenario_summaries

    def counting(*args):
        calls.append(args[1:])
        return real(*args)

    monkeypatch.setattr(aggregates_module, "_scenario_summaries", counting)
    for path in (gate.home / "aggregates").glob("*.json"):
        path.unlink()
    first = Aggregates(gate).get(ids["mc"])
    assert len(calls) == len(SCENARIOS)
    assert Aggregates(gate).get(ids["mc"]) == first  # a new process: read from the file
    cached = Aggregates(gate)
    cached.get(ids["mc"])
    cached.get(ids["mc"])
    assert len(calls) == len(SCENARIOS)
    assert (gate.home / "aggregates" / f"{ids['mc']}.json").is_file()
    assert first["chance_only"] is True and first["design"] == "mc"
    one = first["scenarios"][0]
    assert one["n"] == 2 and one["failed"] == 0
    assert [h["years"] for h in one["horizons"]] == [1, 2, 3, 4, 5]
    assert one["horizons"][0]["observed"] and not one["horizons"][1]["observed"]
    assert set(one["fans"]) >= {"participants", "political_prisoners", "emigrants"}
    assert len(one["survival"]["date"]) == 400
    assert sum(c["count"] for c in one["channels"]) == 2


def test_summaries_are_recomputed_when_runs_change(store_dir, monkeypatch):
    folder, ids = store_dir
    gate = StoreGate(folder)
    aggregates = Aggregates(gate)
    before = aggregates.get(ids["mc"])
    # a run re-recorded with another outcome changes the fingerprint
    record_path = gate.store.record_path(f"{ids['mc']}-000000")
    original = record_path.read_text()
    record = json.loads(original)
    record.update(outcome="falls", fall_date=record["started_at"][:10], channel="elite_split")
    record["fall_date"] = "2022-10-05"
    try:
        record_path.write_text(json.dumps(record))
        gate.store.ingest()
        after = aggregates.get(ids["mc"])
        assert after["fingerprint"] != before["fingerprint"]
        channels = {c["channel"]: c["count"] for c in after["scenarios"][0]["channels"]}
        assert channels["elite_split"] >= 1
    finally:
        record_path.write_text(original)
        gate.store.ingest()


def test_design_ensembles_keep_their_points(store_dir):
    folder, ids = store_dir
    data = Aggregates(StoreGate(folder)).get(ids["lhs"])
    assert data["chance_only"] is False and data["design"] == "lhs"
    points = data["scenarios"][0]["design_points"]
    values = points["values"]["legitimacy.initial"]
    assert len(values) == 4 == len(points["fell"])
    assert all(0.5 <= v <= 0.7 for v in values)


# -- what-if requests ---------------------------------------------------------------------


def _request(**changes):
    request = {"base": "belarus-2022", "runs": 2, "scale": 0.001, "days": 30, "seed": 0}
    request.update(changes)
    return request


def test_what_if_sizes_are_bounded_with_clear_messages(tmp_path):
    with pytest.raises(UprisingError) as caught:
        check_request(_request(runs=5000, scale=0.5, days=10), tmp_path)
    message = str(caught.value)
    assert f"runs: 5000 is outside 1 to {LIMITS.max_runs}" in message
    assert "scale: 0.5 is outside" in message
    assert "days: 10 is outside" in message
    with pytest.raises(UprisingError, match="agent-days"):
        check_request(_request(runs=200, scale=0.01, days=1826), tmp_path)
    with pytest.raises(UprisingError, match="not a built-in Belarus scenario"):
        check_request(_request(base="../../etc/passwd"), tmp_path)
    with pytest.raises(UprisingError, match="not a built-in Belarus scenario"):
        check_request(_request(base="epstein-run2"), tmp_path)


def test_what_if_values_go_through_the_schema(tmp_path):
    with pytest.raises(UprisingError, match="sanctions must be in"):
        check_request(_request(sanctions={"value": 9.0, "date": "2023-01-01"}), tmp_path)
    with pytest.raises(UprisingError, match="before the run starts"):
        check_request(_request(protest_call={"strength": 1.0, "date": "2020-01-01"}), tmp_path)
    with pytest.raises(UprisingError, match=r"legitimacy\.initial"):
        check_request(_request(parameters={"legitimacy.initial": 3.0}), tmp_path)
    with pytest.raises(UprisingError, match="is not one of"):
        check_request(_request(parameters={"run.seed": 3}), tmp_path)


def test_what_if_builds_the_variant(tmp_path):
    whatif = check_request(
        _request(
            russian_support={"value": 0.4, "date": "2023-01-01", "until": "2023-06-01"},
            protest_call={"strength": 0.8, "date": "2022-10-10"},
            repression={"policy": "fixed", "level": 2.0},
            parameters={"media.reach": 0.3, "legitimacy.initial": None},
        ),
        tmp_path,
    )
    scenario = whatif.scenario
    assert scenario.name.startswith("whatif-")
    assert scenario.repression.policy == "fixed" and scenario.repression.repression_level == 2.0
    assert scenario.media.reach == 0.3
    made = [e for e in scenario.events if e.name.startswith("what-if")]
    assert {(e.variable, e.value) for e in made} == {
        ("russian_support", 0.4),
        ("protest_call", 0.8),
    }
    again = check_request(
        _request(
            russian_support={"value": 0.4, "date": "2023-01-01", "until": "2023-06-01"},
            protest_call={"strength": 0.8, "date": "2022-10-10"},
            repression={"policy": "fixed", "level": 2.0},
            parameters={"media.reach": 0.3},
        ),
        tmp_path,
    )
    assert again.scenario.name == scenario.name  # the same question, the same scenario


def test_parameter_bounds_are_the_declared_ones():
    bounds = parameter_bounds("security.police_per_100k")
    assert (bounds.low, bounds.high) == (0.0, 10000.0)
    assert bounds.unit == "officers per 100,000 people"
    with pytest.raises(UprisingError):
        parameter_bounds("repression.policy")


# -- recordings ---------------------------------------------------------------------------


def test_a_recording_is_the_same_run_and_adds_up_by_region(store_dir, tmp_path):
    folder, ids = store_dir
    target = tmp_path / "recording"
    gate = StoreGate(folder)
    runs = gate.store.runs(ids["mc"])
    run = runs.iloc[-1]
    ensembles = gate.store.ensembles()
    definition = json.loads(ensembles.set_index("ensemble_id").loc[ids["mc"], "definition"])
    scenario = replay_scenario(definition, run)
    days = int(run["days"])
    info = record_run(
        scenario,
        seed=int(run["seed"]),
        scale=float(run["scale"]),
        days=days,
        folder=target,
        run_id=run["run_id"],
    )
    assert info["outcome"]["outcome"] == run["outcome"]
    original = gate.store.series(run_ids=[run["run_id"]])
    again = pd.read_parquet(target / "series.parquet")
    assert list(again.columns) == list(original.columns)
    for column in original.columns:
        if column != "date":
            assert np.array_equal(again[column].to_numpy(), original[column].to_numpy()), column
    regions = read_regions(target).groupby("day").sum(numeric_only=True)
    national = {
        "participants": "participants",
        "detentions": "detentions",
        "prisoners": "political_prisoners",
        "emigrants": "emigrants",
    }
    for layer, column in national.items():
        # the same counts split by region: equal up to float rounding of count / scale
        np.testing.assert_allclose(regions[layer], original[column], rtol=1e-12, atol=1e-6)
    assert info["lattice"] == "kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["recording"]  # no leftovers
    with np.load(target / "lattice.npz") as data:
        assert data["region"].shape == (info["height"], info["width"])
        assert len(data["days"]) == min(days, 400)
        kinds = data[f"d{days - 1}"]
        assert set(np.unique(kinds)) <= {0, 1, 2, 3}


def test_replay_refuses_a_changed_scenario(store_dir):
    folder, ids = store_dir
    gate = StoreGate(folder)
    run = gate.store.runs(ids["mc"]).iloc[0]
    definition = json.loads(
        gate.store.ensembles().set_index("ensemble_id").loc[ids["mc"], "definition"]
    )
    definition["scenarios"][0]["scenario_hash"] = "0" * 64
    with pytest.raises(UprisingError, match="has changed since the ensemble ran"):
        replay_scenario(definition, run)


# -- jobs ---------------------------------------------------------------------------------


def test_the_same_job_is_not_queued_twice(tmp_path):
    gate = StoreGate(tmp_path / "s")
    jobs = JobQueue(gate)
    release = threading.Event()

    def slow(job):
        release.wait(10)
        return "done"

    first = jobs.submit("whatif", "key-1", "one", 1, slow)
    second = jobs.submit("whatif", "key-1", "one again", 1, slow)
    assert second is first
    release.set()
    assert jobs.wait(first.job_id, 10).state == "done"

    def broken(job):
        raise UprisingError("bad request")

    failed = jobs.wait(jobs.submit("whatif", "key-2", "two", 1, broken).job_id, 10)
    assert failed.state == "failed" and failed.message == "bad request"


# -- offline assets and the command -------------------------------------------------------


def test_every_asset_is_served_by_the_app(store_dir):
    folder, _ = store_dir
    app = create_app(folder, warm=False)
    client = app.server.test_client()
    index = client.get("/").get_data(as_text=True)
    urls = re.findall(r'(?:src|href)="([^"]+)"', index)
    assert urls, index
    for url in urls:
        assert url.startswith("/"), url  # no scheme, no host: this server
        assert client.get(url).status_code == 200, url
    assert "http://" not in index and "https://" not in index
    for path in ("/_dash-layout", "/_dash-dependencies"):
        assert client.get(path).status_code == 200
    plotly = client.get("/_dash-component-suites/plotly/package_data/plotly.min.js")
    assert plotly.status_code == 200 and len(plotly.data) > 1_000_000


def test_command_help_and_bad_store(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli_app, ["dashboard", "--help"])
    assert result.exit_code == 0
    assert "127.0.0.1" in result.output and "--store" in result.output
    file = tmp_path / "not-a-folder"
    file.write_text("x")
    result = runner.invoke(cli_app, ["dashboard", "--store", str(file)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1].startswith("error: --store")
