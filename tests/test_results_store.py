"""ResultsStore: records ingested once, failed runs kept with their traceback, series by run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import traceback

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from uprising.store import ResultsStore, StoreError
from uprising.store.results import DATABASE_FILE

EID = "0123456789ab"
OTHER = "ba9876543210"
START = np.datetime64("2020-08-01", "D")


def _traceback() -> str:
    try:
        raise ValueError("selectorate_size must be > 0")
    except ValueError:
        return traceback.format_exc()


def write_run(
    store: ResultsStore,
    k: int,
    *,
    ensemble_id: str = EID,
    scenario: str = "belarus-2020",
    status: str = "ok",
    outcome: str | None = "holds",
    fall_date: str | None = None,
    channel: str | None = None,
    transition: str | None = None,
    days: int = 5,
    series: dict[str, np.ndarray] | None = None,
) -> dict:
    """Write one run's shard and record as a worker does (the record last)."""
    run_id = f"{ensemble_id}-{k:06d}"
    folder = store.shard_dir(ensemble_id)
    record = {
        "run_id": run_id,
        "ensemble_id": ensemble_id,
        "k": k,
        "scenario": scenario,
        "scenario_hash": "f" * 64,
        "seed": 1000 + k,
        "scale": 0.002,
        "days": days,
        "design_point": k,
        "parameters": {"media.call_share": 0.1 * k},
        "code_version": {"package": "0.1.0", "git_commit": None, "git_dirty": None},
        "status": status,
        "error": None,
        "started_at": "2024-05-01T12:00:00+00:00",
        "seconds": 0.25,
        "outcome": outcome,
        "fall_date": fall_date,
        "channel": channel,
        "readiness": 0.5,
        "transition": transition,
        "series_rows": days,
    }
    if status == "ok":
        columns = series if series is not None else {"participants": np.arange(days) + 10.0 * k}
        table = pa.table(
            {
                "run_id": pa.array([run_id] * days, pa.string()),
                "date": pa.array(START + np.arange(days), pa.date32()),
                **columns,
            }
        )
        pq.write_table(table, folder / f"{run_id}.parquet")
    else:
        record.update(error=_traceback(), outcome=None, readiness=None, series_rows=0)
    (folder / f"{run_id}.json").write_text(json.dumps(record), encoding="utf-8")
    return record


@pytest.fixture
def store(tmp_path):
    return ResultsStore(tmp_path / "store")


def test_new_store_has_tables_and_an_empty_series_view(store):
    assert store.database == store.directory / DATABASE_FILE
    assert store.database.is_file() and (store.directory / "shards").is_dir()
    assert store.ingest() == 0
    assert store.runs().empty and store.outcomes().empty and store.ensembles().empty
    assert list(store.runs().columns[:4]) == ["run_id", "ensemble_id", "k", "scenario"]
    empty = store.series(columns=["participants"])
    assert list(empty.columns) == ["run_id", "date", "participants"] and empty.empty
    with store.connect() as con:
        assert con.execute("SELECT count(*) FROM series").fetchone() == (0,)
        tables = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
    assert {"ensembles", "runs", "outcomes", "series", "record_files"} <= tables
    # Reopening an existing store keeps it as it is.
    assert ResultsStore(store.directory).runs().empty


def test_register_ensemble_upserts_and_keeps_created_at(store):
    ensemble = {
        "ensemble_id": EID,
        "command": "uprising ensemble belarus-2020 --runs 4",
        "scenarios": ["belarus-2020"],
        "scenario_hashes": ["f" * 64],
        "design": "mc",
        "vary": [],
        "runs": 4,
        "seed": 7,
        "scale": 0.002,
        "days": 5,
        "code_version": {"package": "0.1.0", "git_commit": None, "git_dirty": None},
    }
    store.register_ensemble(ensemble)
    first = store.ensembles()
    store.register_ensemble({**ensemble, "runs": 8, "scale": [0.002, 0.005]})
    rows = store.ensembles()
    assert len(rows) == 1
    row = rows.iloc[0]
    assert row["created_at"] == first.iloc[0]["created_at"]
    assert row["runs"] == 8 and pd.isna(row["scale"]) and row["days"] == 5
    assert json.loads(row["scenarios"]) == ["belarus-2020"]
    assert json.loads(row["definition"])["scenario_hashes"] == ["f" * 64]
    assert json.loads(row["code_version"])["package"] == "0.1.0"
    with pytest.raises(StoreError, match="ensemble_id"):
        store.register_ensemble({"runs": 1})


def test_ingest_is_idempotent(store):
    for k in range(3):
        write_run(store, k)
    assert store.ingest() == 3
    assert store.ingest() == 0
    assert ResultsStore(store.directory).ingest() == 0
    runs = store.runs()
    assert list(runs["run_id"]) == [f"{EID}-{k:06d}" for k in range(3)]
    assert list(runs["seed"]) == [1000, 1001, 1002]
    assert runs["started_at"].iloc[0] == pd.Timestamp("2024-05-01 12:00:00")
    assert json.loads(runs["parameters"].iloc[2]) == {"media.call_share": pytest.approx(0.2)}
    assert (runs["status"] == "ok").all() and runs["error"].isna().all()


def test_partial_ingest_then_resume_loses_and_duplicates_nothing(store):
    write_run(store, 0)
    write_run(store, 1)
    assert store.ingest(EID) == 2
    assert store.recorded_run_ids(EID) == {f"{EID}-000000", f"{EID}-000001"}
    # An interrupted worker: a temporary record and a shard without its record.
    folder = store.shard_dir(EID)
    (folder / f".{EID}-000002.json.tmp").write_text("{", encoding="utf-8")
    write_run(store, 2)
    (folder / f"{EID}-000002.json").unlink()
    assert store.ingest() == 0
    assert store.series().run_id.nunique() == 2
    # Resumed: the rest arrive, with another ensemble alongside.
    for k in (2, 3):
        write_run(store, k)
    write_run(store, 0, ensemble_id=OTHER)
    assert store.ingest(EID) == 2
    assert store.recorded_run_ids(OTHER) == set()
    assert store.ingest() == 1
    runs = store.runs()
    assert len(runs) == 5 and runs["run_id"].is_unique
    assert list(store.runs(EID)["k"]) == [0, 1, 2, 3]
    assert store.series(ensemble_ids=EID).run_id.nunique() == 4


def test_failed_run_keeps_its_traceback_and_is_replaced_when_rerun(store):
    write_run(store, 0)
    write_run(store, 1, status="failed")
    assert store.ingest() == 2
    runs = store.runs().set_index("k")
    assert runs.loc[1, "status"] == "failed"
    assert "Traceback (most recent call last)" in runs.loc[1, "error"]
    assert "ValueError: selectorate_size must be > 0" in runs.loc[1, "error"]
    assert store.recorded_run_ids(EID, status="failed") == {f"{EID}-000001"}
    assert store.recorded_run_ids(EID, status="ok") == {f"{EID}-000000"}
    assert list(store.outcomes()["k"]) == [0]
    assert (store.runs()["status"] == "failed").sum() == 1
    # Run again successfully: the record changes and replaces the row.
    write_run(store, 1, outcome="falls", fall_date="2020-08-03", channel="mobilisation")
    assert store.ingest() == 1
    runs = store.runs().set_index("k")
    assert len(runs) == 2 and runs.loc[1, "status"] == "ok" and pd.isna(runs.loc[1, "error"])
    outcomes = store.outcomes().set_index("k")
    assert outcomes.loc[1, "fall_date"] == pd.Timestamp("2020-08-03")
    assert outcomes.loc[1, "channel"] == "mobilisation"
    assert store.ingest() == 0
    with pytest.raises(StoreError, match="status"):
        store.recorded_run_ids(EID, status="done")


def test_bad_records_are_taken_out_and_reported_with_their_file(store):
    folder = store.shard_dir(EID)
    write_run(store, 1)
    bad = [
        ("{not json", "not a readable run record"),
        (
            json.dumps({"run_id": f"{EID}-000009", "ensemble_id": EID, "k": 9, "status": "ok"}),
            "run_id",
        ),
        (json.dumps({"run_id": f"{EID}-000000"}), "without ensemble_id, k, status"),
    ]
    for n, (text, reason) in enumerate(bad):
        (folder / f"{EID}-000000.json").write_text(text, encoding="utf-8")
        store.ingest()
        damage = store.damaged[-1]
        assert len(store.damaged) == n + 1
        assert damage.run_id == f"{EID}-000000" and reason in damage.reason
        assert damage.path == folder / f"{EID}-000000.json"
        assert f"{EID}-000000.json" in damage.message()
        assert not (folder / f"{EID}-000000.json").exists()
        kept = store.directory / "damaged" / EID
        assert damage.moved_to == kept and len(list(kept.iterdir())) == n + 1
        assert list(store.runs()["k"]) == [1]  # the good run is still read


def test_series_by_run_id_ensemble_and_columns(store):
    for k in range(3):
        series = {"participants": np.arange(5) + 10.0 * k, "legitimacy": np.full(5, 0.5 + k)}
        write_run(store, k, series=series)
    write_run(store, 0, ensemble_id=OTHER, days=3)
    store.ingest()
    one = store.series(run_ids=[f"{EID}-000002"], columns=["participants"])
    assert list(one.columns) == ["run_id", "date", "participants"]
    assert list(one["participants"]) == [20.0, 21.0, 22.0, 23.0, 24.0]
    assert list(one["date"]) == list(pd.date_range("2020-08-01", periods=5))
    assert str(one["date"].dtype).startswith("datetime64")
    two = store.series(run_ids=[f"{EID}-000001", f"{OTHER}-000000"], ensemble_ids=[EID])
    assert set(two.run_id) == {f"{EID}-000001"} and len(two) == 5
    assert list(two.columns) == ["run_id", "date", "participants", "legitimacy"]
    everything = store.series()
    assert len(everything) == 3 * 5 + 3 and everything["legitimacy"].isna().sum() == 3
    assert store.series(ensemble_ids=OTHER).shape == (3, 3)
    arrow = store.series_arrow(run_ids=[f"{EID}-000000"], columns=["legitimacy"])
    assert arrow.schema.field("date").type == pa.date32()
    assert arrow.column("legitimacy").to_pylist() == [0.5] * 5
    assert store.series(run_ids=["nope-000001"]).empty
    with pytest.raises(StoreError, match="no series column nonsense"):
        store.series(columns=["nonsense"])
    with store.connect() as con:
        view = con.execute(
            "SELECT sum(participants) FROM series WHERE run_id = ?", [f"{EID}-000001"]
        ).fetchone()[0]
    assert view == pytest.approx(sum(range(5)) + 50.0)


def test_runs_and_outcomes_never_read_the_series(store):
    for k in range(2):
        write_run(
            store,
            k,
            outcome="falls",
            fall_date="2020-08-02",
            channel="elite_split",
            transition="democracy" if k else "autocracy",
        )
    store.ingest()
    for shard in store.shard_dir(EID).glob("*.parquet"):
        shard.write_bytes(b"not parquet")
    assert len(store.runs()) == 2
    outcomes = store.outcomes(EID)
    assert list(outcomes["channel"]) == ["elite_split", "elite_split"]
    assert list(outcomes["transition"]) == ["autocracy", "democracy"]
    assert list(outcomes.columns) == [
        "run_id",
        "ensemble_id",
        "scenario",
        "k",
        "outcome",
        "fall_date",
        "channel",
        "readiness",
        "transition",
    ]
    with pytest.raises(StoreError, match="cannot read the series"):
        store.series()


def test_waits_for_another_process_then_reports_the_lock(store):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time\n"
            "con = duckdb.connect(sys.argv[1])\n"
            "print('held', flush=True)\n"
            "time.sleep(float(sys.argv[2]))\n"
            "con.close()\n",
            str(store.database),
            "2.0",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        impatient = ResultsStore.__new__(ResultsStore)
        impatient.__dict__.update(store.__dict__, lock_timeout=0.2)
        with pytest.raises(StoreError, match="another process"):
            impatient.runs()
        started = time.monotonic()
        assert store.runs().empty  # waits until the holder closes
        assert time.monotonic() - started < 30
    finally:
        holder.kill()
        holder.wait()


def test_one_real_run_round_trips(store):
    from uprising.models.belarus import BelarusModel
    from uprising.scenarios import load_scenario, scenario_hash

    scenario = load_scenario("belarus-2020")
    result = BelarusModel(scenario, seed=11, scale=0.002, days=20).run()
    run_id = f"{EID}-000000"
    columns = {
        name: pa.array(values, pa.date32()) if name == "date" else values
        for name, values in result.series.items()
    }
    table = pa.table({"run_id": pa.array([run_id] * len(result.series["date"])), **columns})
    folder = store.shard_dir(EID)
    pq.write_table(table, folder / f"{run_id}.parquet")
    outcome = result.outcome.as_dict()
    record = {
        "run_id": run_id,
        "ensemble_id": EID,
        "k": 0,
        "scenario": scenario.name,
        "scenario_hash": scenario_hash(scenario),
        "seed": 11,
        "scale": 0.002,
        "days": 20,
        "design_point": 0,
        "parameters": {},
        "code_version": {"package": "test"},
        "status": "ok",
        "error": None,
        "started_at": "2024-05-01T12:00:00Z",
        "seconds": 0.5,
        "outcome": outcome["outcome"],
        "fall_date": outcome["fall_date"],
        "channel": outcome["channel"],
        "readiness": outcome["readiness"],
        "series_rows": table.num_rows,
    }
    (folder / f"{run_id}.json").write_text(json.dumps(record), encoding="utf-8")
    assert store.ingest() == 1
    assert store.outcomes().iloc[0]["outcome"] == outcome["outcome"]
    back = store.series(run_ids=[run_id], columns=["participants", "political_prisoners"])
    assert len(back) == 20
    np.testing.assert_array_equal(back["participants"], result.series["participants"])
    np.testing.assert_array_equal(
        back["date"].to_numpy().astype("datetime64[D]"), result.series["date"]
    )


def test_store_paths(store):
    assert store.shard_path(f"{EID}-000003") == store.directory / "shards" / EID / (
        f"{EID}-000003.parquet"
    )
    assert store.record_path(f"{EID}-000003").suffix == ".json"
    assert not (store.directory / "shards" / EID).exists()
    assert store.shard_dir(EID).is_dir()
    for bad in ("../x", "", "a/b"):
        with pytest.raises(StoreError):
            store.shard_dir(bad)
    with pytest.raises(StoreError):
        store.shard_path("nodash")
    assert os.path.isabs(store.directory)
