"""Scenario discovery: a known box recovered, the Workbench's biofuels box, the store path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sensitivity_stores import designed_store
from uprising.analysis import FailedRunsError
from uprising.analysis.discovery import discover, find_box
from uprising.errors import UprisingError
from uprising.store import ResultsStore


def known_box(seed: int, n: int = 2000) -> tuple[pd.DataFrame, np.ndarray]:
    """Five uniform inputs; the cases are exactly the box x0 < 0.4 and x1 > 0.6."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.random((n, 5)), columns=[f"x{i}" for i in range(5)])
    return x, ((x["x0"] < 0.4) & (x["x1"] > 0.6)).to_numpy()


@pytest.mark.parametrize("seed", range(5))
def test_prim_recovers_a_known_box(seed):
    x, y = known_box(seed)
    found = find_box(x, y, resamples=6, seed=seed)
    assert list(found.limits.index) == ["x0", "x1"]
    # Peeling removes 5 % of the box's runs a step, so a bound can stop one step inside
    # the true one: 0.05 is about two steps at these sizes.
    assert found.limits.loc["x0", "high"] == pytest.approx(0.4, abs=0.05)
    assert found.limits.loc["x1", "low"] == pytest.approx(0.6, abs=0.05)
    assert found.density == 1.0 and found.coverage >= 0.8
    assert found.limits.loc["x0", "qp_high"] < 1e-6 and found.limits.loc["x1", "qp_low"] < 1e-6
    stable = found.stability
    assert stable.loc[["x0", "x1"], "reproduce_density"].min() >= 0.8
    assert stable.loc[["x2", "x3", "x4"], "reproduce_density"].max() <= 0.5
    best = found.cart.iloc[0]
    assert best["density"] == 1.0 and best["coverage"] >= 0.8
    assert "x0" in best["rule"] and "x1" in best["rule"]
    assert found.sentence.startswith("P(y) is 1.00 when x0 < 0.")
    assert "and x1 > 0." in found.sentence and "over all runs it is" in found.sentence


def test_same_seed_same_answer():
    x, y = known_box(11, 800)
    one = find_box(x, y, resamples=4, seed=3)
    two = find_box(x, y, resamples=4, seed=3)
    pd.testing.assert_frame_equal(one.stability, two.stability)
    pd.testing.assert_frame_equal(one.cart, two.cart)
    assert one.sentence == two.sentence


def _biofuels() -> tuple[pd.DataFrame, np.ndarray]:
    import ema_workbench

    path = Path(ema_workbench.__file__).parent / "examples" / "data" / "bryant et al 2010 data.csv"
    if not path.is_file():
        pytest.skip("the EMA Workbench's example data is not installed")
    data = pd.read_csv(path, index_col=False)
    # As the Workbench's example sd_prim_bryant_and_lempert.py: nine inputs, and the
    # cases of interest in the last column.
    return data.iloc[:, 2:11], data.iloc[:, 15].to_numpy()


def test_biofuels_first_box_as_the_workbench_finds_it():
    # Bryant & Lempert (2010), the biofuels study: the Workbench's example runs PRIM with
    # threshold 0.8 and peel_alpha 0.1 and inspects box 21. Its statistics, from
    # ema_workbench 2.5.2: coverage 67/89, density 67/87, four restricted inputs.
    x, y = _biofuels()
    assert len(y) == 882 and y.sum() == 89
    found = find_box(x, y.astype(bool), threshold=0.8, peel_alpha=0.1, resamples=0)
    box21 = found.trajectory.loc[21]
    assert (box21["k"], box21["n"], box21["res_dim"]) == (67, 87, 4)
    assert box21["coverage"] == pytest.approx(67 / 89)
    assert box21["density"] == pytest.approx(67 / 87)
    # The reported box (densest with coverage >= 0.7) restricts the same four inputs:
    # low total biomass, high demand elasticity and backstop price, and cellulosic cost.
    assert found.chosen == 22
    assert set(found.limits.index) == {
        "Cellulosic cost",
        "Total biomass",
        "Demand elasticity",
        "Biomass backstop price",
    }
    assert found.limits.loc["Total biomass", "high"] == pytest.approx(755.8, abs=0.01)
    assert found.limits.loc["Demand elasticity", "qp_low"] < 1e-10
    assert "Restrictions with a quasi-p-value of 0.05 or more: Cellulosic cost" in found.sentence


VARY = [("population.threshold", 0.4, 0.7), ("fall.mobilisation_ratio", 2.0, 8.0)]


def model(points: np.ndarray) -> np.ndarray:
    """Falls on day 200 when the threshold is below 0.5, else holds."""
    return np.where(points[:, 0] < 0.5, 200.0, np.nan)


def test_discover_from_a_store(tmp_path):
    store = ResultsStore(tmp_path / "store")
    designed_store(store, "lhs", VARY, 300, model, fails=(5,))
    with pytest.raises(FailedRunsError):
        discover(store)
    found = discover(store, allow_failed=True, resamples=3)
    assert found.attrs["failed"] == 1 and found.n_runs == 299
    assert list(found.limits.index) == ["population.threshold"]
    assert found.limits.loc["population.threshold", "high"] == pytest.approx(0.5, abs=0.03)
    assert found.sentence.startswith("P(fall within 3 years) is 1.00 when population.threshold <")
    # Through one channel only: runs k % 3 == 0 fell by elite split in this store.
    split = discover(
        store, outcome="falls within 1 year", channel="elite_split", allow_failed=True, resamples=0
    )
    assert split.label == "P(fall within 1 year through elite split)"
    assert split.cases < found.cases
    with pytest.raises(UprisingError, match="yes/no outcome"):
        discover(store, outcome="peak participants", allow_failed=True)
    with pytest.raises(UprisingError, match="--channel coup"):
        discover(store, channel="coup", allow_failed=True)


def test_too_few_runs_for_a_split_give_one_cart_leaf():
    x = pd.DataFrame({"a": [0.1, 0.2, 0.3, 0.9], "b": [0.5, 0.4, 0.3, 0.2]})
    found = find_box(x, np.array([True, False, False, False]), mass_min=0.75, resamples=0)
    assert list(found.cart["rule"]) == ["all runs"]
    assert found.cart.loc[0, "density"] == 0.25
