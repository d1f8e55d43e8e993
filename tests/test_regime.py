"""Regime layer (docs/MODEL.md, regime layer): economy, revenue, selectorate, loyalty, policy.

Reference tests SEL1-SEL4 (selectorate) and DL1 (Dragu & Lupu 2018), all EXACT (GG1,
the global game, is in tests/test_global_game.py). The rest check the equations and the
policy heuristic on hand-built states (no statistics: every random draw has a fixed
seed and wide margins).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from uprising.models.regime import (
    CHENOWETH_SHARE,
    REPRESSION_LEVELS,
    FallMargins,
    PolicyOption,
    RegimeDrivers,
    RegimeParams,
    RegimeState,
    advance_day,
    cascade,
    choose_policy,
    coalition_offer,
    crowd_index,
    draw_base_costs,
    elite_cost_factor,
    fall_margins,
    growth_rate,
    hardship_index,
    inflation_rate,
    initial_state,
    officer_cost_factor,
    policy_options,
    predict_margins,
    revenue,
    selectorate_slack,
    sorted_thresholds,
    step_index,
    thresholds,
)
from uprising.theory.thresholds import cascade_equilibrium

P = RegimeParams(russian_backstop=0.0)
"""The defaults without Russia's backstop: the cascade tests below count thresholds by hand;
the backstop's own tests are in tests/test_regime_causal.py."""
MVD_OFFICERS = 46_128  # BYPOL-leaked MVD certified employees (calibration CSV row 71)


def _equilibrium(costs: np.ndarray, punishment: float, start: int = 0) -> int:
    """Cascade equilibrium (count) for explicit costs, thresholds sorted by np.sort."""
    return cascade(np.sort(thresholds(costs, punishment)), start)


def _naive_cascade(sorted_thetas: np.ndarray, start: int) -> int:
    n = sorted_thetas.size
    k = start
    while True:
        f = int(np.sum(sorted_thetas <= k / n))
        if f <= k:
            return k
        k = f


def _state(
    params: RegimeParams,
    officer_costs: list[float] | np.ndarray,
    elite_costs: list[float] | np.ndarray,
    *,
    officers_out: int = 0,
    elites_out: int = 0,
) -> RegimeState:
    """A hand-built state whose pay index is 1 at rho = 1, sigma = 0, no troops."""
    slack0 = selectorate_slack(
        revenue(params, 1.0, 1.0, 0.0, False), params.winning_coalition_ratio, params.discount
    )
    return RegimeState(
        officer_costs=np.sort(np.asarray(officer_costs, dtype=float)),
        elite_costs=np.sort(np.asarray(elite_costs, dtype=float)),
        slack_start=slack0,
        officers_defected=officers_out,
        elites_defected=elites_out,
    )


# ------------------------------------------------------------------- parameters


def test_params_defaults_and_validation():
    assert P.gdp_usd_bn == 63.0 and P.gdp_growth_base == 1.2 and P.inflation_base == 4.7
    assert P.officer_cost_median == 0.3 and P.officer_cost_sigma == 0.5
    assert P.elite_cost_median == 0.3 and P.elite_cost_sigma == 0.4
    assert P.cost_per_shortfall == 3.0 and P.cost_per_recognition == 0.5
    assert P.legitimacy_start == 0.8 and P.legitimacy_per_detention_share == 50.0
    with pytest.raises(ValueError, match="discount"):
        RegimeParams(discount=1.0)
    with pytest.raises(ValueError, match="officer_cost_median"):
        RegimeParams(officer_cost_median=0.0)
    with pytest.raises(ValueError, match="defection_fall_share"):
        RegimeParams(defection_fall_share=0.0)
    with pytest.raises(ValueError, match="gdp_usd_bn"):
        RegimeParams(gdp_usd_bn=math.nan)
    with pytest.raises(dataclasses.FrozenInstanceError):
        P.discount = 0.5  # type: ignore[misc]


# ---------------------------------------------------------------------- economy


def test_growth_and_inflation_formulas():
    assert growth_rate(P, 1.0, 0.0) == P.gdp_growth_base
    assert growth_rate(P, 0.5, 1.0) == pytest.approx(1.2 - 4.0 * 0.5 - 3.0)
    assert inflation_rate(P, 1.0, 0.0) == P.inflation_base
    assert inflation_rate(P, 1.5, 0.0) == P.inflation_base  # only a loss of support counts
    assert inflation_rate(P, 0.5, 2.0) == pytest.approx(4.7 + 10.0 * 0.5 + 3.0 * 2.0)


def test_step_index_compounds_to_the_annual_rate():
    y = 1.0
    for _ in range(365):
        y = step_index(y, 1.2)
    assert y == pytest.approx(1.012, rel=1e-12)
    with pytest.raises(ValueError):
        step_index(1.0, -100.0)


def _run(params: RegimeParams, days: int, **drivers: float) -> list:
    state = initial_state(params, 100, 1)
    return [
        advance_day(state, params, RegimeDrivers(legitimacy=params.legitimacy_start, **drivers))
        for _ in range(days)
    ]


def test_no_shock_grows_at_the_base_rate():
    days = _run(P, 366, russian_support=1.0, sanctions=0.0)
    assert days[0].output == 1.0 and days[0].price_level == 1.0
    assert days[0].growth == P.gdp_growth_base
    assert days[365].output == pytest.approx(1.0 + P.gdp_growth_base / 100, rel=1e-12)
    assert days[365].price_level == pytest.approx(1.0 + P.inflation_base / 100, rel=1e-12)
    assert days[0].hardship == 1.0


def test_sanctions_lower_output_and_raise_hardship():
    calm = _run(P, 366)
    sanctioned = _run(P, 366, sanctions=1.0)
    # the unabsorbed part (1 - 1/365)^t weighs on growth: about 63 % of 3 points a year
    assert sanctioned[0].growth == pytest.approx(P.gdp_growth_base - P.growth_per_sanctions)
    assert sanctioned[365].growth == pytest.approx(
        P.gdp_growth_base - P.growth_per_sanctions * (1 - 1 / 365) ** 365, rel=1e-12
    )
    assert sanctioned[365].output < calm[365].output
    assert sanctioned[365].hardship > calm[365].hardship
    assert sanctioned[365].revenue < calm[365].revenue
    assert sanctioned[365].pay_index < calm[365].pay_index < 1.1


def test_hardship_counts_losses_against_expectations_only():
    assert hardship_index(P, 1.0, P.inflation_base) == 1.0
    assert hardship_index(P, 0.9, P.inflation_base) == pytest.approx(1.2)
    assert hardship_index(P, 1.0, P.inflation_base + 10.0) == pytest.approx(1.1)
    h = [hardship_index(P, y, P.inflation_base) for y in (1.0, 0.95, 0.9, 0.5)]
    assert np.all(np.diff(h) > 0)
    # gains against expectations do not lower it below 1 (losses only)
    assert hardship_index(P, 2.0, 0.0) == 1.0
    # the same output and inflation are no hardship once expected
    assert hardship_index(P, 0.9, 20.0, expected_output=0.9, expected_inflation=20.0) == 1.0
    assert hardship_index(P, 0.9, 20.0, expected_output=1.0, expected_inflation=20.0) == (
        pytest.approx(1.2)
    )


def test_revenue_formula_and_floor():
    assert revenue(P, 1.0, 1.0, 0.0, False) == pytest.approx(0.3 * 63 + 4.0 + 1.5)
    assert revenue(P, 1.0, 1.0, 1.0, True) == pytest.approx(0.3 * 63 + 5.5 - 2.0 + 1.0)
    assert revenue(P, 0.9, 0.0, 0.0, False) == pytest.approx(0.3 * 63 * 0.9)
    assert revenue(P, 0.0, 0.0, 5.0, False) == 0.0


# ------------------------------------------------------------ selectorate, SEL1-4


@pytest.mark.parametrize("delta", [0.5, 0.9, 0.99])
def test_sel1_slack_vanishes_as_w_over_s_tends_to_one(delta):
    assert selectorate_slack(10.0, 1.0, delta) == 0.0
    assert selectorate_slack(10.0, 1.0 - 1e-9, delta) == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("delta", [0.0, 0.5, 0.9])
def test_sel2_slack_is_delta_r_as_w_over_s_tends_to_zero(delta):
    assert selectorate_slack(10.0, 0.0, delta) == delta * 10.0
    assert selectorate_slack(10.0, 1e-12, delta) == pytest.approx(delta * 10.0, abs=1e-6)


@pytest.mark.parametrize("delta", [0.1, 0.5, 0.9, 0.99])
def test_sel3_slack_decreases_in_w_over_s(delta):
    w = np.linspace(1e-6, 1 - 1e-6, 2001)
    k = np.array([selectorate_slack(7.0, x, delta) for x in w])
    assert np.all(np.diff(k) < 0)
    # dK/dw = R delta (delta - 1) / (1 - delta w)^2 < 0, checked by central differences
    h = 1e-6
    for x in (0.01, 0.3, 0.7, 0.99):
        num = (selectorate_slack(7.0, x + h, delta) - selectorate_slack(7.0, x - h, delta)) / (
            2 * h
        )
        assert num == pytest.approx(7.0 * delta * (delta - 1) / (1 - delta * x) ** 2, rel=1e-6)
        assert num < 0


@pytest.mark.parametrize("w", [0.0, 0.1, 0.5, 0.9])
def test_sel4_halving_revenue_halves_slack(w):
    r = 24.4
    assert selectorate_slack(r / 2, w, 0.9) == selectorate_slack(r, w, 0.9) / 2


def test_offer_and_slack_exhaust_revenue():
    r, size, w, delta = 24.4, 1000.0, 0.1, 0.9
    g = coalition_offer(r, size, w, delta)
    assert g == pytest.approx((1 - delta) * r / (size * (1 - delta * w)))
    assert size * g + selectorate_slack(r, w, delta) == pytest.approx(r, rel=1e-12)
    # the member's stay condition holds with equality at g*
    assert g / (1 - delta) == pytest.approx(r / size + delta * w * g / (1 - delta), rel=1e-12)
    with pytest.raises(ValueError):
        selectorate_slack(1.0, 1.5, 0.9)
    with pytest.raises(ValueError):
        coalition_offer(1.0, 0.0, 0.1, 0.9)


# --------------------------------------------------------------- loyalty cascade


N = 100


def test_dl1_one_zero_stalls_at_one_officer():
    # DL1 (docs/MODEL.md B3.3.4): c_j = p j / N for j = 0..N (N + 1 officers) gives thresholds
    # {1, 1 - 1/N, ..., 1/N, 0}: one zero; after it the share is 1/(N+1) < 1/N, the next
    # threshold, so defection stays at one officer (Granovetter's G2 logic).
    for p in (1.0, 0.8, 2.5):
        costs = p * np.arange(N + 1) / N
        theta = np.sort(thresholds(costs, p))
        assert np.sum(theta == 0.0) == 1
        assert _equilibrium(costs, p) == 1


def test_dl1_scaling_by_one_plus_one_over_n_stops_halfway():
    # A tempting guess is that scaling every c_j by 1 + 1/N makes the thresholds the
    # uniform ladder and defection cascades to N. The algebra does not hold: the k-th lowest scaled
    # threshold is 1 - (1 + 1/N)(N - k)/N, which is <= k/(N + 1) (the share after k
    # defections) iff k (2N + 1) <= N (N + 1). The cascade stops at the first k that
    # fails, k* = floor(N (N + 1) / (2N + 1)) + 1 = 51 of 101 for N = 100.
    p = 1.0
    costs = p * np.arange(N + 1) / N * (1 + 1 / N)
    expected = N * (N + 1) // (2 * N + 1) + 1
    assert expected == 51
    assert _equilibrium(costs, p) == expected
    assert _equilibrium(costs, p) == _naive_cascade(np.sort(thresholds(costs, p)), 0)


def test_dl1_scaling_that_makes_the_ladder_cascades_to_n():
    # Scaling by s >= 2N/(N + 1) (here s = 2) makes every k-th lowest threshold
    # 1 - s (N - k)/N <= k/(N + 1), so all but the officer with c = 0 (threshold 1,
    # who would need the others plus himself) defect: the cascade to N.
    # Equivalently, lowering p by that factor (a critical p*).
    costs = np.arange(N + 1) / N
    assert _equilibrium(costs * 2.0, 1.0) == N
    assert _equilibrium(costs, 0.5) == N
    # the critical scaling lies between 1 + 1/N and 2N/(N+1): just below it, short of N
    assert _equilibrium(costs * (2 * N / (N + 1) - 1e-6), 1.0) < N


def test_dl1_full_defection_iff_f_above_diagonal():
    # Full defection iff #{theta <= k/N} > k for every k < N; the uniform ladder
    # theta = k/N (c_j = p (1 - j/N)) is G1 and cascades to N; moving one threshold up
    # from 1/N to 2/N is G2 and stops at 1.
    ladder = np.arange(N) / N
    counts = np.searchsorted(ladder, np.arange(N) / N, side="right")
    assert np.all(counts > np.arange(N))
    assert cascade(ladder, 0) == N
    g2 = np.sort(np.r_[0.0, 2 / N, ladder[2:]])
    assert cascade(g2, 0) == 1
    # the same ladder through costs, c = p (1 - theta), with N = 64 so that every
    # k/N and 1 - k/N is exact in binary floating point (the ladder sits on its ties)
    ladder64 = np.arange(64) / 64
    assert _equilibrium(1.0 - ladder64, 1.0) == 64
    assert _equilibrium(2.0 * (1.0 - ladder64), 2.0) == 64


def test_cascade_matches_engine_and_naive_iteration():
    rng = np.random.default_rng(12)
    for _ in range(200):
        n = int(rng.integers(1, 300))
        theta = np.sort(rng.uniform(0.0, 0.3, n) * rng.uniform(0.2, 3.0))
        ours = cascade(theta, 0)
        assert ours == cascade_equilibrium(theta * n).equilibrium
        start = int(rng.integers(0, n + 1))
        assert cascade(theta, start) == _naive_cascade(theta, start)
    # a ladder longer than the plain-map steps goes through the vectorised scan
    big = np.arange(5000) / 5000
    assert cascade(big, 0) == 5000
    assert cascade(np.r_[0.0, big[2:] + 1e-9, 1.0], 0) == 1


def test_cascade_is_monotone_and_never_decreases():
    theta = np.sort(np.random.default_rng(4).uniform(0, 1, 500))
    out = cascade(theta, 0)
    assert out == _naive_cascade(theta, 0)
    # raising every threshold (calmer day) never brings anyone back
    assert cascade(np.minimum(1.0, theta + 0.5), out) == out
    assert cascade(np.ones(500), 123) == 123
    # lowering thresholds (harsher day) never lowers the count
    prev = 0
    for shift in np.linspace(0, 1, 21):
        now = cascade(np.maximum(0.0, theta - shift), prev)
        assert now >= prev
        prev = now
    assert prev == 500
    assert cascade(np.array([]), 0) == 0
    with pytest.raises(ValueError):
        cascade(theta, 501)


def test_thresholds_and_sorted_thresholds():
    costs = np.array([0.0, 0.25, 0.5, 1.0, 2.0])
    assert thresholds(costs, 1.0).tolist() == [1.0, 0.75, 0.5, 0.0, 0.0]
    assert thresholds(costs, 0.0).tolist() == [0.0] * 5  # no pay left: everyone out
    base = draw_base_costs(0.3, 0.5, 1000, 5)
    assert np.all(np.diff(base) >= 0)
    for factor, p in ((1.0, 1.0), (1.7, 0.9), (0.3, 2.0)):
        fast = sorted_thresholds(base, factor, p)
        assert np.array_equal(fast, np.sort(thresholds(base * factor, p)))


def test_draw_base_costs_is_deterministic_and_lognormal():
    a = draw_base_costs(0.3, 0.5, 10_000, np.random.SeedSequence(9))
    b = draw_base_costs(0.3, 0.5, 10_000, np.random.SeedSequence(9))
    assert np.array_equal(a, b)
    assert np.median(a) == pytest.approx(0.3, rel=0.05)  # 10k draws: sd of median ~ 1.3 %
    assert np.all(draw_base_costs(0.3, 0.0, 5, 1) == pytest.approx(0.3))


def test_officer_cost_factor_formula():
    assert officer_cost_factor(P, P.legitimacy_start, 0.0, False, 0.0) == 1.0
    assert crowd_index(CHENOWETH_SHARE) == 1.0
    f = officer_cost_factor(P, 0.45, 0.035, True, 3.0)
    assert f == pytest.approx((1 + 2.0 * 0.35) * (1 + 0.5) * (1 + 0.3) * (1 - 0.2))
    assert officer_cost_factor(P, 0.95, 0.0, False, 0.5) == pytest.approx(0.9)


def test_elite_cost_factor_formula():
    assert elite_cost_factor(P, P.legitimacy_start, 1.2, 0.0) == 1.0
    f = elite_cost_factor(P, 0.6, 0.9, 0.3)
    assert f == pytest.approx((1 + 3.0 * 0.1) * (1 + 0.5 * 0.3) * (1 + 2.0 * 0.2))


# ------------------------------------------------------------- state and day


def test_defaults_give_a_small_rest_equilibrium_not_a_cascade():
    state = initial_state(P, MVD_OFFICERS, 0)
    # lognormal(log 0.3, 0.5): P(c >= 1) = 0.8 %, the fixed point a little above it
    assert 0.003 < state.defection_share < 0.02
    assert state.officers_defected == state.officers_defected_start > 0
    assert state.elite_share < 0.02
    day = advance_day(state, P, RegimeDrivers(legitimacy=P.legitimacy_start))
    assert day.new_defections == 0 and day.new_elite_defections == 0
    assert day.pay_index == pytest.approx(1.0) and day.officer_punishment == pytest.approx(1.0)
    assert not fall_margins(P, 0.0, 1.0, day.defection_share, day.elite_share).fallen


def test_initial_state_is_deterministic_per_seed():
    a = initial_state(P, 2000, 7)
    b = initial_state(P, 2000, np.random.SeedSequence(7))
    c = initial_state(P, 2000, 8)
    assert np.array_equal(a.officer_costs, b.officer_costs)
    assert np.array_equal(a.elite_costs, b.elite_costs)
    assert not np.array_equal(a.officer_costs, c.officer_costs)
    assert initial_state(P, 2000, 7, settle=False).officers_defected == 0
    with pytest.raises(ValueError):
        initial_state(RegimeParams(revenue_share_of_gdp=0.0), 10, 0, russian_support=0.0)


def test_advance_day_counts_new_defections_and_never_goes_back():
    state = initial_state(P, 5000, 3)
    start = state.officers_defected
    shock = RegimeDrivers(legitimacy=0.6, participants_share=0.01)
    day1 = advance_day(state, P, shock)
    assert day1.day == 0
    assert day1.new_defections == day1.officers_defected - start > 0
    assert day1.officer_cost_factor == pytest.approx((1 + 2 * 0.2) * (1 + 0.5 * 0.01 / 0.035))
    calm = advance_day(state, P, RegimeDrivers(legitimacy=P.legitimacy_start))
    assert calm.new_defections == 0
    assert calm.officers_defected == day1.officers_defected
    assert state.day == 2 and state.officers_defected == day1.officers_defected
    assert day1.defection_share == day1.officers_defected / 5000


def test_advance_day_records_policy_and_pay():
    state = initial_state(P, 100, 3)
    day = advance_day(
        state,
        P,
        RegimeDrivers(legitimacy=0.8, sanctions=1.0, repression=1.5, troops_abroad=True),
    )
    assert state.repression == 1.5 and state.troops_abroad
    r = 0.3 * 63 + 5.5 - 2.0 + 1.0
    assert day.revenue == pytest.approx(r)
    assert day.pay_index == pytest.approx(r / 24.4)
    assert day.coalition_offer == pytest.approx(0.1 * r / (1000 * (1 - 0.09)))


# -------------------------------------------------------------------- policy


def test_fall_margins():
    m = fall_margins(P, 400.0, 100.0, 0.1, 0.25)
    assert m == FallMargins(mobilisation=1 - 4 / 5, defection=1 - 0.2, elite=0.5)
    assert m.minimum == pytest.approx(0.2)
    assert fall_margins(P, 1.0, 0.0, 0.0, 0.0).mobilisation == -math.inf
    assert fall_margins(P, 0.0, 0.0, 0.0, 0.0).mobilisation == 1.0
    assert fall_margins(P, 0.0, 1.0, 0.5, 0.0).fallen


def test_policy_options():
    assert policy_options(P) == tuple(PolicyOption(r, False) for r in REPRESSION_LEVELS)
    allowed = dataclasses.replace(P, may_deploy_troops=True)
    assert len(policy_options(allowed)) == 8
    assert {o.troops_abroad for o in policy_options(allowed, troops_forced=True)} == {True}


def test_huge_crowd_with_loyal_forces_raises_repression():
    params = P
    state = _state(params, [0.1] * 100, [0.1] * 200)
    drivers = RegimeDrivers(legitimacy=0.8, participants=1000.0, loyal_forces=100.0)
    choice = choose_policy(state, params, drivers)
    assert choice.option == PolicyOption(2.0, False)
    # q = 10 e^{-1} at repression 2 (from 1): m_mob = 1 - 3.68 / 5
    assert choice.margins.mobilisation == pytest.approx(1 - 10 * math.exp(-1) / 5)
    # nothing changed in the state
    assert state.officers_defected == 0 and state.repression == 1.0


def _near_cascade_state(params: RegimeParams) -> RegimeState:
    # 10 of 100 officers already out (cost = p); the other 90 have threshold 0.11 at rest,
    # so a cost factor >= 0.9 / 0.89 (legitimacy 0.0056 below the start) tips them all.
    return _state(params, [1.0] * 10 + [0.89] * 90, [0.1] * 200, officers_out=10)


def test_officers_near_their_cascade_point_deter_harsher_repression():
    params = P
    state = _near_cascade_state(params)
    drivers = RegimeDrivers(
        legitimacy=0.8, participants=400.0, loyal_forces=100.0, detention_share=1e-4
    )
    choice = choose_policy(state, params, drivers)
    margins = dict(choice.forecasts)
    # L_pred = 0.8 - 50 * 1e-4 * r: r = 1.5 and 2 tip the officers, r <= 1 does not
    assert margins[PolicyOption(1.5, False)].defection == pytest.approx(1 - 1.0 / 0.5)
    assert margins[PolicyOption(2.0, False)].defection == pytest.approx(-1.0)
    assert margins[PolicyOption(1.0, False)].defection == pytest.approx(1 - 0.1 / 0.5)
    assert choice.option == PolicyOption(1.0, False)
    # control: without detentions repression costs no legitimacy and 2.0 is chosen
    calm = dataclasses.replace(drivers, detention_share=0.0)
    assert choose_policy(state, params, calm).option == PolicyOption(2.0, False)


def test_troops_chosen_when_revenue_gain_outweighs_loyalty_cost():
    # Sanctions cut revenue today: pay 22.4 / 24.4 -> elite cost x 1.25 tips the elite
    # (20 of 200 out, the rest at threshold 0.2 at rest). A large Russian reward restores
    # pay; the officers (cost 0.1) shrug off the troops' loyalty cost.
    params = dataclasses.replace(
        P, may_deploy_troops=True, russian_reward_usd_bn=5.0, cost_if_troops_abroad=0.1
    )
    state = _state(params, [0.1] * 100, [1.0] * 20 + [0.8] * 180, elites_out=20)
    drivers = RegimeDrivers(legitimacy=0.8, sanctions=1.0, loyal_forces=100.0)
    choice = choose_policy(state, params, drivers)
    margins = dict(choice.forecasts)
    assert margins[PolicyOption(0.5, False)].elite == pytest.approx(-1.0)
    assert margins[PolicyOption(0.5, True)].elite == pytest.approx(1 - 0.1 / 0.5)
    assert choice.option == PolicyOption(0.5, True)  # repression ties go to the lowest


def test_troops_not_chosen_when_loyalty_cost_outweighs_revenue_gain():
    # No pay shortfall: the reward only raises pay by 1/24.4, while the officers' cost
    # rises by 30 %: thresholds 1 - 0.75 * 1.3 / (25.4/24.4) < 0.1 tip them all.
    params = dataclasses.replace(P, may_deploy_troops=True)
    state = _state(params, [1.0] * 10 + [0.75] * 90, [0.1] * 200, officers_out=10)
    drivers = RegimeDrivers(legitimacy=0.8, loyal_forces=100.0)
    choice = choose_policy(state, params, drivers)
    margins = dict(choice.forecasts)
    assert margins[PolicyOption(0.5, True)].defection == pytest.approx(-1.0)
    assert margins[PolicyOption(0.5, False)].defection == pytest.approx(0.8)
    assert choice.option == PolicyOption(0.5, False)
    # not allowed at all: the options never include troops
    assert not choose_policy(state, P, drivers).option.troops_abroad


def test_ties_go_to_lower_repression_and_no_troops():
    params = dataclasses.replace(P, may_deploy_troops=True, cost_if_troops_abroad=0.0)
    state = _state(params, [0.1] * 10, [0.1] * 10)
    drivers = RegimeDrivers(legitimacy=0.8, loyal_forces=10.0)
    choice = choose_policy(state, params, drivers)
    assert {m.minimum for _, m in choice.forecasts} == {1.0}
    assert choice.option == PolicyOption(0.5, False)
    # a custom forecaster is honoured
    custom = choose_policy(
        state,
        params,
        drivers,
        predict=lambda s, p, d, o: FallMargins(9.0, 9.0, o.repression if o.troops_abroad else 0),
    )
    assert custom.option == PolicyOption(2.0, True)


def test_predict_margins_does_not_touch_the_state():
    state = initial_state(P, 1000, 2)
    before = (state.officers_defected, state.elites_defected, state.output, state.day)
    drivers = RegimeDrivers(legitimacy=0.3, participants_share=0.05, participants=50.0)
    predict_margins(state, P, drivers, PolicyOption(2.0, False))
    assert (state.officers_defected, state.elites_defected, state.output, state.day) == before
