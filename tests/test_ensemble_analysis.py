"""Ensemble analyses on fabricated stores: exact intervals, counts and quantiles."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from uprising.analysis import (
    FailedRunsError,
    channel_split,
    fall_probability,
    fan_chart,
    horizon_table,
    quantile_column,
    wilson_interval,
)
from uprising.errors import UprisingError
from uprising.store import ResultsStore

EID = "0123456789ab"
OTHER = "ba9876543210"
START = np.datetime64("2020-08-01", "D")
Z = 1.959963984540054  # standard normal quantile of 0.975


def write_run(
    store: ResultsStore,
    k: int,
    *,
    ensemble_id: str = EID,
    scenario: str = "belarus-2020",
    fall_day: int | None = None,
    channel: str | None = None,
    failed: bool = False,
    days: int = 10,
    values: np.ndarray | None = None,
) -> None:
    """A worker's output: a shard (unless failed) and then the record."""
    run_id = f"{ensemble_id}-{k:06d}"
    folder = store.shard_dir(ensemble_id)
    if not failed:
        participants = values if values is not None else np.arange(days) + float(k)
        pq.write_table(
            pa.table(
                {
                    "run_id": pa.array([run_id] * days),
                    "date": pa.array(START + np.arange(days), pa.date32()),
                    "participants": participants,
                    "legitimacy": np.full(days, 0.5),
                }
            ),
            folder / f"{run_id}.parquet",
        )
    falls = fall_day is not None
    record = {
        "run_id": run_id,
        "ensemble_id": ensemble_id,
        "k": k,
        "scenario": scenario,
        "status": "failed" if failed else "ok",
        "error": "Traceback (most recent call last):\n  ...\nRuntimeError: boom\n"
        if failed
        else None,
        "outcome": None if failed else ("falls" if falls else "holds"),
        "fall_date": str(START + fall_day) if falls else None,
        "channel": channel if falls else None,
        "readiness": None if failed else 0.3,
        "series_rows": 0 if failed else days,
    }
    (folder / f"{run_id}.json").write_text(json.dumps(record), encoding="utf-8")


@pytest.fixture
def store(tmp_path):
    return ResultsStore(tmp_path / "store")


@pytest.fixture
def ten_runs(store):
    """Ten runs over 10 days: falls on days 2, 2, 5, 7 and 9; five hold."""
    falls = {0: (2, "mobilisation"), 1: (2, "security_defection"), 2: (5, "mobilisation")}
    falls |= {3: (7, "elite_split"), 4: (9, "mobilisation")}
    for k in range(10):
        day, channel = falls.get(k, (None, None))
        write_run(store, k, fall_day=day, channel=channel)
    store.ingest()
    return store


def test_wilson_interval_exact_values():
    low, high = wilson_interval(0, 10)
    assert low == 0.0
    assert high == pytest.approx(Z**2 / (10 + Z**2), abs=1e-12)
    assert high == pytest.approx(0.2775328, abs=1e-7)
    low, high = wilson_interval(5, 10)
    half = Z / (1 + Z**2 / 10) * np.sqrt(0.25 / 10 + Z**2 / 400)
    assert low == pytest.approx(0.5 - half, abs=1e-12)
    assert high == pytest.approx(0.5 + half, abs=1e-12)
    assert (float(low), float(high)) == pytest.approx((0.2365931, 0.7634069), abs=1e-7)
    low, high = wilson_interval(10, 10)
    assert high == 1.0 and low == pytest.approx(1 - Z**2 / (10 + Z**2), abs=1e-12)
    low, high = wilson_interval(np.array([0, 5, 10]), 10, level=0.9)
    assert low[0] == 0.0 and high[2] == 1.0 and low[1] < 0.5 < high[1]
    with pytest.raises(ValueError):
        wilson_interval(11, 10)
    with pytest.raises(ValueError):
        wilson_interval(1, 10, level=1.0)


def test_fall_probability_every_day(ten_runs):
    curve = fall_probability(ten_runs, EID, "belarus-2020")
    assert list(curve.columns) == ["date", "fallen", "n", "p", "low", "high"]
    assert list(curve["date"]) == list(pd.date_range("2020-08-01", periods=10))
    assert list(curve["fallen"]) == [0, 0, 2, 2, 2, 3, 3, 4, 4, 5]
    assert (curve["n"] == 10).all()
    np.testing.assert_allclose(curve["p"], curve["fallen"] / 10)
    low, high = wilson_interval(curve["fallen"].to_numpy(), 10)
    np.testing.assert_array_equal(curve["low"], low)
    np.testing.assert_array_equal(curve["high"], high)
    last = curve.iloc[-1]
    assert (last["low"], last["high"]) == pytest.approx((0.2365931, 0.7634069), abs=1e-7)
    assert curve.attrs["failed"] == 0 and curve.attrs["scenario"] == "belarus-2020"


def test_fall_probability_on_given_dates_and_default_scenario(ten_runs):
    curve = fall_probability(ten_runs, EID, None, dates=["2020-08-03", "2020-07-01"], level=0.9)
    assert list(curve["fallen"]) == [2, 0]
    assert curve["date"].iloc[1] == pd.Timestamp("2020-07-01")
    assert curve["low"].iloc[1] == 0.0
    assert curve["high"].iloc[1] == pytest.approx(wilson_interval(0, 10, 0.9)[1])


def test_channel_split_counts_every_channel_and_holds(ten_runs):
    split = channel_split(ten_runs, EID, "belarus-2020")
    assert list(split["channel"]) == [
        "mobilisation",
        "security_defection",
        "elite_split",
        "holds",
    ]
    assert list(split["count"]) == [3, 1, 1, 5]
    np.testing.assert_allclose(split["share"], [0.3, 0.1, 0.1, 0.5])
    early = channel_split(ten_runs, EID, "belarus-2020", at="2020-08-06")
    assert list(early["count"]) == [2, 1, 0, 7]


def test_fan_chart_quantiles_exact(store):
    rng = np.random.default_rng(3)
    table = rng.normal(size=(7, 12)) * 100
    for k in range(7):
        write_run(store, k, values=table[k], days=12)
    store.ingest()
    fan = fan_chart(store, EID, "belarus-2020", "participants")
    names = ["q5", "q25", "q50", "q75", "q95"]
    assert list(fan.columns) == ["date", *names, "n"]
    assert list(fan["date"]) == list(pd.date_range("2020-08-01", periods=12))
    expected = np.quantile(table, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0).T
    np.testing.assert_allclose(fan[names].to_numpy(), expected, rtol=0, atol=1e-9)
    assert (fan["n"] == 7).all()
    # Hand-checked: runs 0..3 with constant values 0, 1, 2, 3 -> quantiles by interpolation.
    odd = fan_chart(store, EID, None, "legitimacy", quantiles=(0.025, 1.0))
    assert list(odd.columns) == ["date", "q2.5", "q100", "n"]
    assert (odd["q2.5"] == 0.5).all()


def test_fan_chart_hand_computed(store):
    for k in range(4):
        write_run(store, k, values=np.full(3, float(k)), days=3)
    store.ingest()
    fan = fan_chart(store, EID, None, "participants", quantiles=(0.0, 0.1, 0.5, 0.9, 1.0))
    # Sorted values 0, 1, 2, 3; position q * 3.
    assert fan.iloc[0][["q0", "q10", "q50", "q90", "q100"]].tolist() == pytest.approx(
        [0.0, 0.3, 1.5, 2.7, 3.0]
    )
    assert quantile_column(0.05) == "q5" and quantile_column(0.95) == "q95"
    with pytest.raises(UprisingError, match="no series column 'nonsense'"):
        fan_chart(store, EID, None, "nonsense")
    with pytest.raises(UprisingError, match="quantiles"):
        fan_chart(store, EID, None, "participants", quantiles=(0.5, 1.5))


def test_horizon_table_rows_and_unobserved_horizons(store):
    # 800 days from 2020-08-01: the 1- and 2-year horizons are observed, 3 is not.
    days = 800
    write_run(store, 0, fall_day=100, channel="elite_split", days=days)
    write_run(store, 1, fall_day=200, channel="mobilisation", days=days)
    write_run(store, 2, fall_day=500, channel="mobilisation", days=days)
    write_run(store, 3, days=days)
    write_run(store, 0, ensemble_id=OTHER, scenario="belarus-2022", days=days)
    write_run(store, 1, ensemble_id=OTHER, scenario="russia-defeat", fall_day=364, days=days)
    write_run(store, 2, ensemble_id=OTHER, scenario="russia-defeat", fall_day=365, days=days)
    store.register_ensemble({"ensemble_id": OTHER, "code_version": {}, "created_at": "2024-01-01"})
    store.register_ensemble({"ensemble_id": EID, "code_version": {}, "created_at": "2024-02-01"})
    store.ingest()
    table = horizon_table(store, years=(1, 2, 3))
    assert list(table.columns) == [
        "ensemble_id",
        "scenario",
        "years",
        "date",
        "observed",
        "n",
        "failed",
        "fallen",
        "p",
        "low",
        "high",
        "main_channel",
    ]
    keys = list(zip(table["ensemble_id"], table["scenario"], table["years"], strict=True))
    assert keys == [
        (OTHER, "belarus-2022", 1),
        (OTHER, "belarus-2022", 2),
        (OTHER, "belarus-2022", 3),
        (OTHER, "russia-defeat", 1),
        (OTHER, "russia-defeat", 2),
        (OTHER, "russia-defeat", 3),
        (EID, "belarus-2020", 1),
        (EID, "belarus-2020", 2),
        (EID, "belarus-2020", 3),
    ]
    mine = table[table["ensemble_id"] == EID].set_index("years")
    assert mine.loc[1, "date"] == pd.Timestamp("2021-07-31")
    assert list(mine["observed"]) == [True, True, False]
    assert mine.loc[1, "fallen"] == 2 and mine.loc[2, "fallen"] == 3
    assert pd.isna(mine.loc[3, "fallen"]) and np.isnan(mine.loc[3, "p"])
    assert mine.loc[1, "p"] == 0.5 and mine.loc[2, "p"] == 0.75
    assert (mine.loc[1, "low"], mine.loc[1, "high"]) == pytest.approx(
        tuple(float(x) for x in wilson_interval(2, 4))
    )
    # A tie (one elite split, one mobilisation) goes to the order of CHANNELS.
    assert mine.loc[1, "main_channel"] == "mobilisation"
    assert mine.loc[2, "main_channel"] == "mobilisation"
    assert mine.loc[3, "main_channel"] is None
    # Day 364 is the last day of the first year, day 365 the first of the second.
    russia = table[table["scenario"] == "russia-defeat"].set_index("years")
    assert russia.loc[1, "fallen"] == 1 and russia.loc[2, "fallen"] == 2
    assert russia.loc[1, "main_channel"] == "unknown"  # a fall recorded without a channel
    only = horizon_table(store, EID, years=(1,))
    assert list(only["ensemble_id"]) == [EID] and only["n"].iloc[0] == 4


def test_every_analysis_refuses_failed_runs(ten_runs):
    write_run(ten_runs, 10, failed=True)
    write_run(ten_runs, 11, failed=True)
    ten_runs.ingest()
    calls = [
        lambda **kw: fall_probability(ten_runs, EID, "belarus-2020", **kw),
        lambda **kw: channel_split(ten_runs, EID, "belarus-2020", **kw),
        lambda **kw: horizon_table(ten_runs, EID, years=(1,), **kw),
        lambda **kw: fan_chart(ten_runs, EID, "belarus-2020", "participants", **kw),
    ]
    for call in calls:
        with pytest.raises(FailedRunsError) as caught:
            call()
        message = str(caught.value)
        assert message.startswith(f"2 of 12 runs of ensemble {EID} (belarus-2020) failed")
        assert "first error: RuntimeError: boom" in message
        assert "allow_failed=True" in message and "the 10 ok runs only" in message
        assert caught.value.failed == 2 and caught.value.total == 12
        result = call(allow_failed=True)
        assert result.attrs.get("failed", 2) == 2
    assert fall_probability(ten_runs, EID, None, allow_failed=True)["n"].iloc[0] == 10
    assert (horizon_table(ten_runs, EID, years=(1,), allow_failed=True)["failed"] == 2).all()

    # A failure in another scenario of an ensemble does not block this one.
    write_run(ten_runs, 0, ensemble_id=OTHER)
    write_run(ten_runs, 1, ensemble_id=OTHER, scenario="belarus-2022", failed=True)
    ten_runs.ingest()
    assert fall_probability(ten_runs, OTHER, "belarus-2020")["n"].iloc[0] == 1
    with pytest.raises(FailedRunsError, match=rf"1 of 1 runs of ensemble {OTHER} \(belarus-2022\)"):
        fall_probability(ten_runs, OTHER, "belarus-2022")


def test_clear_errors_without_runs(store):
    with pytest.raises(UprisingError, match="no runs of ensemble"):
        fall_probability(store, EID, "belarus-2020")
    with pytest.raises(UprisingError, match="no runs recorded"):
        horizon_table(store)
    write_run(store, 0, failed=True)
    write_run(store, 1, scenario="belarus-2022")
    store.ingest()
    with pytest.raises(UprisingError, match="no successful runs") as caught:
        channel_split(store, EID, "belarus-2020", allow_failed=True)
    assert not isinstance(caught.value, FailedRunsError)
    with pytest.raises(UprisingError, match="no runs of scenario 'russia'"):
        fan_chart(store, EID, "russia", "participants")
    with pytest.raises(UprisingError, match="several scenarios"):
        fall_probability(store, EID, None)
