"""The criminal pipeline (models/belarus/repression.py): accounting, recognition, pardons,
and stocks resolved in persons at any scale."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from uprising.models.belarus import BelarusModel
from uprising.models.belarus.repression import CriminalPipeline, PipelineParams
from uprising.scenarios import load_scenario
from uprising.scenarios.overrides import apply_overrides

BASE = PipelineParams(
    term_min_days=365,
    term_max_days=1825,
    investigation_days=90.0,
    recognition_share=0.35,
    recognition_lag_days=30.0,
    pardon_rate=0.0,
)


def _pipeline(params: PipelineParams, days: int, seed: int) -> CriminalPipeline:
    return CriminalPipeline(params, days, np.random.SeedSequence(seed))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_stocks_are_consistent_every_day(seed):
    pipeline = _pipeline(BASE, 600, seed)
    total = 0
    for day in range(600):
        total += pipeline.charge(day, 3.0 if day < 200 else 0.0)
        pipeline.advance(day)
        assert 0 <= pipeline.recognised <= pipeline.held <= pipeline.cases_total == total
        if day <= 365:  # no release before the shortest sentence has run
            assert pipeline.held == total
    assert pipeline.held < total  # ... and releases after it


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_recognition_share_and_lag(seed):
    """With no release in the horizon, recognised / held is the share times the chance
    that a person's lag has passed: 0.35 x (1 - sum_a (1 - 1/30)^a / 400) = 0.3238 after
    400 days of charges. 40,000 persons: the binomial sd of the ratio is 0.0024; the
    tolerance 0.012 is five sd, so any seed passes."""
    params = PipelineParams(5000, 5000, 90.0, 0.35, 30.0, 0.0)
    pipeline = _pipeline(params, 400, seed)
    for day in range(400):
        pipeline.charge(day, 100.0)
        pipeline.advance(day)
    ages = np.arange(400)  # the day-0 cohort has had 399 days, the last none
    expected = 0.35 * np.mean(1.0 - (1.0 - 1.0 / 30.0) ** ages)
    assert pipeline.held == pipeline.cases_total
    assert pipeline.recognised / pipeline.held == pytest.approx(expected, abs=0.012)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pardons_bound_the_stock(seed):
    """With sentences beyond the horizon, held people leave only by pardon: the stock
    settles at mu (1 - p) / p = 9,900 for mu = 100 a day and p = 0.01. After 1,500 days
    the transient (1 - p)^1500 is gone; the stock's Poisson sd is about 100, so 3 %
    (3 sd) holds for any seed."""
    params = PipelineParams(10_000, 10_000, 90.0, 0.5, 30.0, 0.01)
    pipeline = _pipeline(params, 1500, seed)
    for day in range(1500):
        pipeline.charge(day, 100.0)
        pipeline.advance(day)
    assert pipeline.held == pytest.approx(100 * 0.99 / 0.01, rel=0.03)
    without = _pipeline(dataclasses.replace(params, pardon_rate=0.0), 1500, seed)
    for day in range(1500):
        without.charge(day, 100.0)
        without.advance(day)
    assert without.held == without.cases_total > 10 * pipeline.held


def _run(scale: float, days: int, seed: int, *overrides: str):
    scenario = apply_overrides(load_scenario("belarus-2020"), list(overrides))
    return BelarusModel(scenario, seed=seed, scale=scale, days=days).run().series


@pytest.mark.parametrize("seed", [1, 2])
def test_prisoners_move_in_persons_not_in_agent_weights(seed):
    """At scale 0.01 one agent is 100 people: with the pipeline off the prisoner stock is
    a multiple of 100; with it on, it is counted in persons (some values are not)."""
    days = 90
    on = _run(0.01, days, seed)
    off = _run(0.01, days, seed, "mechanisms.criminal_pipeline=false")
    assert np.all(np.mod(np.round(off["political_prisoners"]), 100) == 0)
    assert np.any(np.mod(on["political_prisoners"], 100) != 0)
    assert np.any(np.mod(on["criminal_cases"], 100) != 0)
    assert np.all(np.diff(on["criminal_cases"]) >= 0)
    # the lattice is untouched by the pipeline: the street is the same run
    assert np.array_equal(on["participants"], off["participants"])
    assert np.array_equal(on["detentions"], off["detentions"])


@pytest.mark.parametrize("seed", [0, 1])
def test_investigation_delays_release(seed):
    """100 charged a day for 100 days, sentences exactly 365 days: one charged on day d is
    held on day 600 if the pre-trial detention G exceeds 235 - d, P = (1 - 1/m)^(235 - d):
    about 0.003 on average for a mean m = 30 days, 0.46 for m = 240. 10,000 persons: the
    binomial sd of the shares is under 0.005, so the bounds 0.05 and 0.35 hold for any
    seed."""
    held = {}
    for mean in (30.0, 240.0):
        params = PipelineParams(365, 365, mean, 0.35, 30.0, 0.0)
        pipeline = _pipeline(params, 600, seed)
        for day in range(600):
            pipeline.charge(day, 100.0 if day < 100 else 0.0)
            pipeline.advance(day)
        held[mean] = pipeline.held / pipeline.cases_total
    assert held[30.0] < 0.05
    assert held[240.0] > 0.35
