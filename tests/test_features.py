"""Outcomes as features: one row per run, inputs joined with outcomes and summaries."""

from __future__ import annotations

import numpy as np
import pytest

from sensitivity_stores import designed_store
from uprising.analysis import FailedRunsError
from uprising.analysis.features import (
    feature_table,
    headline_outcome,
    latest_ensemble,
    outcome_column,
)
from uprising.errors import UprisingError
from uprising.store import ResultsStore

VARY = [("population.threshold", 0.4, 0.7), ("fall.mobilisation_ratio", 2.0, 8.0)]


def fall_model(points: np.ndarray) -> np.ndarray:
    """Falls on day 100 * ratio when the threshold is below 0.55, else holds."""
    return np.where(points[:, 0] < 0.55, 100.0 * points[:, 1], np.nan)


@pytest.fixture
def store(tmp_path):
    return ResultsStore(tmp_path / "store")


def test_table_joins_inputs_with_outcomes_and_summaries(store):
    points = designed_store(store, "lhs", VARY, 40, fall_model)
    table = feature_table(store, "5e5e5e5e5e5e")
    assert table.attrs["inputs"] == [name for name, _, _ in VARY]
    assert table.attrs["design"] == "lhs"
    assert list(table["k"]) == list(range(40))
    np.testing.assert_allclose(table["population.threshold"], points[:, 0])
    falls = points[:, 0] < 0.55
    assert list(table["outcome"]) == ["falls" if f else "holds" for f in falls]
    expected_day = np.floor(100.0 * points[:, 1])
    np.testing.assert_array_equal(table["fall_day"][falls], expected_day[falls])
    assert table["fall_day"][~falls].isna().all()
    # Runs that hold count the days simulated (4 * 366) in days_to_fall.
    np.testing.assert_array_equal(table["days_to_fall"][~falls], 4 * 366)
    # Horizons: 1..4 years are covered by 1464 days from 2022-10-01; 5 years are not.
    assert sorted(table.attrs["horizons"]) == [1, 2, 3, 4]
    assert "falls_within_5y" not in table.columns
    within_1y = falls & (expected_day <= 364)  # 2022-10-01 + 364 days = 2023-09-30
    np.testing.assert_array_equal(table["falls_within_1y"], within_1y)
    # Series summaries come from the shards: the peak is the constant participants.
    np.testing.assert_allclose(table["peak_participants"][falls], 100.0 * points[falls, 1])
    np.testing.assert_array_equal(table["final_political_prisoners"], 4 * 366 - 1)
    np.testing.assert_array_equal(table["political_prisoners_at_1y"], 364)
    assert headline_outcome(table) == "falls_within_3y"


def test_outcome_names_and_phrases(store):
    designed_store(store, "lhs", VARY, 10, fall_model)
    table = feature_table(store, "5e5e5e5e5e5e")
    assert outcome_column(table, "falls within 3 years") == "falls_within_3y"
    assert outcome_column(table, "P(fall within 1 year)") == "falls_within_1y"
    assert outcome_column(table, "peak participants") == "peak_participants"
    with pytest.raises(UprisingError, match="beyond the runs"):
        outcome_column(table, "falls within 5 years")
    with pytest.raises(UprisingError, match=r"choose one of: .*days_to_fall"):
        outcome_column(table, "happiness")


def test_failed_runs_are_refused_unless_allowed(store):
    designed_store(store, "lhs", VARY, 10, fall_model, fails=(3, 7))
    with pytest.raises(FailedRunsError, match="2 of 10 runs"):
        feature_table(store, "5e5e5e5e5e5e")
    table = feature_table(store, "5e5e5e5e5e5e", allow_failed=True)
    assert len(table) == 8
    assert table.attrs["failed"] == 2
    assert 3 not in set(table["k"])


def test_latest_ensemble_skips_designs_without_inputs(store):
    with pytest.raises(UprisingError, match="no ensemble"):
        latest_ensemble(store)
    designed_store(store, "lhs", VARY, 6, fall_model)
    assert latest_ensemble(store) == "5e5e5e5e5e5e"


def test_runs_of_different_lengths_take_the_longest(store):
    import pyarrow.parquet as pq

    designed_store(store, "lhs", VARY, 6, fall_model)
    path = store.shard_path("5e5e5e5e5e5e-000000")
    pq.write_table(pq.read_table(path).slice(0, 400), path)
    table = feature_table(store, "5e5e5e5e5e5e")
    assert sorted(table.attrs["horizons"]) == [1, 2, 3, 4]
    assert table.loc[0, "final_political_prisoners"] == 399
    assert table.loc[1, "final_political_prisoners"] == 4 * 366 - 1
