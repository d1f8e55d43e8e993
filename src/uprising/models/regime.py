"""Regime layer of the Belarus model: economy, revenue, selectorate, loyalty cascades, policy.

A macro layer of scalars, stepped once per day (one tick = one day) next to the lattice
engine. It holds no lattice: the coupled daily step (``models/belarus.py``) passes the
day's lattice aggregates in as `RegimeDrivers` and reads back a `RegimeDay`.

Contents (docs/MODEL.md, 'The Belarus layer', regime layer; every function cites its own source):

1. Economy: output, inflation and a hardship index driven by Russian support rho and
   Western sanctions sigma (`growth_rate`, `inflation_rate`, `step_index`,
   `hardship_index`). The functional forms are ours; the anchors are Belstat 2019 and
   Lagi, Bertrand & Bar-Yam (2011) (MODEL_BRIEF.md section 4).
2. State revenue (`revenue`): taxes on output plus Russian subsidies and loans, minus
   sanctions, plus a Russian reward for troops abroad.
3. Selectorate (`selectorate_slack`, `coalition_offer`): MODEL_BRIEF.md section 3.1, the
   brief's own closed form (not a formula from Bueno de Mesquita et al. 2003).
4. Security-force loyalty (`draw_base_costs`, `officer_cost_factor`, `thresholds`,
   `sorted_thresholds`, `cascade`): Dragu & Lupu (2018) as operationalised in
   MODEL_BRIEF.md section 3.2(a), solved as a Granovetter (1978) cascade (brief 2.1) that
   never goes back (a resigned officer does not return).
5. Elite loyalty (`elite_cost_factor`): the same construction for the winning coalition.
6. Global game of regime change (`global_game_cutoff`): MODEL_BRIEF.md section 3.2(b).
7. Policy choice (`policy_options`, `predict_margins`, `choose_policy`): a myopic
   heuristic (one day ahead, macro equations only) that picks the repression level and
   the troops flag maximising the smallest of the three fall margins (`fall_margins`).

Daily use: ``state = initial_state(params, n_officers, seed)`` once, then per day
``day = advance_day(state, params, drivers)`` and, when the policy is optimised,
``option = choose_policy(state, params, drivers).option`` for the next day.

Units: rates are per day unless said; growth and inflation are in percent per year;
money in USD bn per year; shares in [0, 1]. Every parameter of `RegimeParams` that the
left open is an uncalibrated assumption and says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from statistics import NormalDist

import numpy as np

__all__ = [
    "CHENOWETH_SHARE",
    "DAYS_PER_YEAR",
    "REPRESSION_LEVELS",
    "FallMargins",
    "PolicyChoice",
    "PolicyOption",
    "RegimeDay",
    "RegimeDrivers",
    "RegimeParams",
    "RegimeState",
    "advance_day",
    "cascade",
    "choose_policy",
    "coalition_offer",
    "crowd_index",
    "draw_base_costs",
    "elite_cost_factor",
    "fall_margins",
    "global_game_cutoff",
    "growth_rate",
    "hardship_index",
    "inflation_rate",
    "initial_state",
    "officer_cost_factor",
    "policy_options",
    "predict_margins",
    "revenue",
    "selectorate_slack",
    "sorted_thresholds",
    "step_index",
    "thresholds",
]

DAYS_PER_YEAR = 365
"""Days per year used to turn annual rates into daily factors (docs/MODEL.md: economy)."""

CHENOWETH_SHARE = 0.035
"""Chenoweth's 3.5 % participation share (MODEL_BRIEF.md section 3.3): crowd index 1."""

REPRESSION_LEVELS: tuple[float, ...] = (0.5, 1.0, 1.5, 2.0)
"""Repression multipliers the regime chooses among (docs/MODEL.md: regime policy)."""

# Iterations of the plain cascade map before `cascade` switches to its vectorised scan.
_CASCADE_JUMPS = 64
# Two policy margins closer than this count as a tie (float noise, not a preference).
_TIE_TOL = 1e-12


# ------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class RegimeParams:
    """Parameters of the regime layer; field names are the scenario's parameter names.

    A Belarus run builds it from its scenario (`uprising.models.belarus.regime_params`:
    sections ``[economy]``, ``[regime]``, the loyalty parameters of ``[security]``,
    ``[fall]``, and two of ``[legitimacy]``), so every value in a run is the scenario's.
    The defaults below are the regime layer's own, used by its tests; seven differ from
    belarus-2020's hand-set values (growth_per_sanctions, hardship_per_output_loss,
    cost_per_shortfall, officer_cost_median, cost_per_legitimacy_loss, cost_per_crowd,
    legitimacy_per_detention_share): `uprising show belarus-2020` lists those.
    "Assumption" marks an uncalibrated value.

    Attributes:
        gdp_usd_bn: Nominal GDP at Y = 1, USD bn per year. 63.0; plausible 55-75.
            DERIVED: state debt 22.8 USD bn = 36.2 % of GDP (calibration CSV row 97).
        gdp_growth_base: Real growth at rho = 1, sigma = 0, percent per year. 1.2;
            plausible -1 to 3. Belstat 2019 (calibration CSV row 82).
        growth_per_russian_support: Growth per unit of rho above 1, percent per year.
            4.0; plausible 0-10. Assumption.
        growth_per_sanctions: Growth lost per unit of sigma, percent per year. 3.0;
            plausible 0-8. Assumption.
        inflation_base: Inflation at rho >= 1, sigma = 0, percent per year. 4.7;
            plausible 4-10. Belstat CPI Dec/Dec 2019 (calibration CSV row 85).
        inflation_per_russian_loss: Inflation per unit of max(0, 1 - rho), percent per
            year. 10.0; plausible 0-30. Assumption.
        inflation_per_sanctions: Inflation per unit of sigma, percent per year. 3.0;
            plausible 0-10. Assumption.
        hardship_per_output_loss: Hardship index per unit of output lost (1 - Y),
            dimensionless. 2.0; plausible 0-5. Assumption (form ours; Lagi et al. 2011
            anchor, MODEL_BRIEF.md section 4).
        hardship_per_inflation: Hardship index per unit of excess inflation (as a
            fraction per year), dimensionless. 1.0; plausible 0-3. Assumption.
        revenue_share_of_gdp: Share of GDP the regime controls as revenue. 0.3;
            plausible 0.25-0.4. Assumption.
        russian_energy_subsidy_usd_bn: Implicit Russian energy subsidy at rho = 1, USD
            bn per year. 4.0; plausible 2-6. Agibalov: ~2 oil + ~2 gas (calibration CSV
            row 105).
        russian_loans_usd_bn: Russian loans at rho = 1, USD bn per year. 1.5; plausible
            0.5-3.5. Sochi loan, Sep 2020 (calibration CSV row 94).
        sanctions_cost_usd_bn: Revenue lost per unit of sigma, USD bn per year. 2.0;
            plausible 0.5-5. Assumption (exports to the EU 9.5 USD bn in 2021,
            calibration CSV row 93).
        russian_reward_usd_bn: Russian payment while troops are abroad, USD bn per year.
            1.0; plausible 0-3. Assumption.
        winning_coalition_ratio: Loyalty norm w = W/S, in [0, 1]. 0.1; plausible
            0.01-0.3. Assumption (selectorate, MODEL_BRIEF.md section 3.1).
        winning_coalition_size: W, persons. 1000; plausible 200-10000. Assumption.
        discount: Coalition members' daily-equivalent discount factor delta, in [0, 1).
            0.9; plausible 0.8-0.99. Assumption.
        elite_size: Members E of the modelled elite (abstract), persons. 200; plausible
            50-2000. Assumption.
        elite_cost_median: Median base cost c_e of an elite member's loyalty, in units
            of ``elite_punishment``. 0.3; plausible 0.1-0.6. Assumption, uncalibrated.
        elite_cost_sigma: Log-sd of elite base costs. 0.4; plausible 0.1-1.0.
            Assumption, uncalibrated.
        elite_punishment: Punishment p_e of an elite defector (constant), cost units.
            1.0 (the unit). Assumption.
        cost_per_shortfall: Elite cost multiplier per unit of pay shortfall
            max(0, 1 - pay_index). 3.0; plausible 0-10. Assumption, uncalibrated.
        cost_per_recognition: Elite cost multiplier per unit of Western recognition of
            the opposition omega. 0.5; plausible 0-2. Assumption, uncalibrated.
        deterrence_elasticity: d log(participants) / d(repression) in the regime's
            forecast. 1.0; plausible 0-3. Assumption.
        may_deploy_troops: Whether the policy choice may send troops abroad. False.
        officer_cost_median: Median base cost c_j of repressing for an officer, in units
            of ``punishment_base``. 0.3; plausible 0.1-0.6. Assumption, uncalibrated
            (target: about 1-2 % of officers resign in 2020, 700 of 46,128, calibration
            CSV rows 71, 81).
        officer_cost_sigma: Log-sd of officer base costs. 0.5; plausible 0.2-1.5.
            Assumption, uncalibrated.
        punishment_base: Punishment (or forgone pay) p of a defecting officer at
            pay_index 1, cost units. 1.0 (the unit). Assumption.
        cost_per_legitimacy_loss: Cost multiplier per unit of legitimacy lost below
            ``legitimacy_start`` (officers and elite). 2.0; plausible 0-5. Assumption,
            uncalibrated.
        cost_per_crowd: Officer cost multiplier per crowd index unit (national
            participation / 3.5 %). 0.5; plausible 0-2. Assumption, uncalibrated.
        cost_if_troops_abroad: Officer cost multiplier while troops are abroad. 0.3;
            plausible 0-1. Assumption, uncalibrated (Chatham House June 2022: 5 % want
            the army to take part, MODEL_BRIEF.md section 3.2a).
        cost_cut_per_sabotage: Fraction of officer cost removed at the sabotage cap
            (radical-flank rally effect, Moro 2016, brief 2.6). 0.2; plausible 0-0.5.
            Assumption, uncalibrated.
        legitimacy_start: Legitimacy L from which losses are measured (scenario
            ``[legitimacy] initial``). 0.8; plausible 0.6-0.9. Assumption.
        legitimacy_per_detention_share: Legitimacy lost per unit of daily detentions /
            population in the regime's forecast (scenario ``[legitimacy]
            loss_per_detention_share``). 50.0; plausible 0-300. Assumption.
        mobilisation_ratio: Fall when the 7-day mean of participants per loyal officer
            reaches this. 5.0; plausible 3-20. Assumption.
        mobilisation_window_days: Window of that mean, days (used by the lead). 7.
        defection_fall_share: Fall when this share of officers has defected. 0.5;
            plausible 0.2-0.8. Assumption.
        elite_fall_share: Fall when this share of the elite has defected. 0.5;
            plausible 0.2-0.8. Assumption.
    """

    # [economy]
    gdp_usd_bn: float = 63.0
    gdp_growth_base: float = 1.2
    growth_per_russian_support: float = 4.0
    growth_per_sanctions: float = 3.0
    inflation_base: float = 4.7
    inflation_per_russian_loss: float = 10.0
    inflation_per_sanctions: float = 3.0
    hardship_per_output_loss: float = 2.0
    hardship_per_inflation: float = 1.0
    # [regime]
    revenue_share_of_gdp: float = 0.3
    russian_energy_subsidy_usd_bn: float = 4.0
    russian_loans_usd_bn: float = 1.5
    sanctions_cost_usd_bn: float = 2.0
    russian_reward_usd_bn: float = 1.0
    winning_coalition_ratio: float = 0.1
    winning_coalition_size: float = 1000.0
    discount: float = 0.9
    elite_size: int = 200
    elite_cost_median: float = 0.3
    elite_cost_sigma: float = 0.4
    elite_punishment: float = 1.0
    cost_per_shortfall: float = 3.0
    cost_per_recognition: float = 0.5
    deterrence_elasticity: float = 1.0
    may_deploy_troops: bool = False
    # [security], loyalty part
    officer_cost_median: float = 0.3
    officer_cost_sigma: float = 0.5
    punishment_base: float = 1.0
    cost_per_legitimacy_loss: float = 2.0
    cost_per_crowd: float = 0.5
    cost_if_troops_abroad: float = 0.3
    cost_cut_per_sabotage: float = 0.2
    # [legitimacy], the two the regime layer reads
    legitimacy_start: float = 0.8
    legitimacy_per_detention_share: float = 50.0
    # [fall]
    mobilisation_ratio: float = 5.0
    mobilisation_window_days: int = 7
    defection_fall_share: float = 0.5
    elite_fall_share: float = 0.5

    def __post_init__(self) -> None:
        """Reject values outside the domain of the equations (ValueError naming the field).

        Plausible ranges are the scenario schema's business; this only guards the maths.
        """
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool):
                continue
            if not math.isfinite(value):
                raise ValueError(f"RegimeParams.{f.name} must be finite, got {value!r}")
        positive = (
            "gdp_usd_bn",
            "winning_coalition_size",
            "elite_size",
            "elite_cost_median",
            "elite_punishment",
            "officer_cost_median",
            "punishment_base",
            "mobilisation_ratio",
            "mobilisation_window_days",
        )
        non_negative = (
            "revenue_share_of_gdp",
            "russian_energy_subsidy_usd_bn",
            "russian_loans_usd_bn",
            "sanctions_cost_usd_bn",
            "russian_reward_usd_bn",
            "elite_cost_sigma",
            "officer_cost_sigma",
            "cost_per_shortfall",
            "cost_per_recognition",
            "cost_per_legitimacy_loss",
            "cost_per_crowd",
            "cost_if_troops_abroad",
            "deterrence_elasticity",
            "legitimacy_per_detention_share",
        )
        for name in positive:
            if not getattr(self, name) > 0:
                raise ValueError(f"RegimeParams.{name} must be > 0, got {getattr(self, name)!r}")
        for name in non_negative:
            if not getattr(self, name) >= 0:
                raise ValueError(f"RegimeParams.{name} must be >= 0, got {getattr(self, name)!r}")
        unit_closed = ("winning_coalition_ratio", "cost_cut_per_sabotage", "legitimacy_start")
        for name in unit_closed:
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(
                    f"RegimeParams.{name} must be in [0, 1], got {getattr(self, name)!r}"
                )
        for name in ("defection_fall_share", "elite_fall_share"):
            if not 0 < getattr(self, name) <= 1:
                raise ValueError(
                    f"RegimeParams.{name} must be in (0, 1], got {getattr(self, name)!r}"
                )
        if not 0 <= self.discount < 1:
            raise ValueError(f"RegimeParams.discount must be in [0, 1), got {self.discount!r}")


# ---------------------------------------------------------------------------- economy


def growth_rate(params: RegimeParams, russian_support: float, sanctions: float) -> float:
    """Real output growth g(t) in percent per year (docs/MODEL.md: economy; functional form ours).

    g = gdp_growth_base + growth_per_russian_support * (rho - 1)
        - growth_per_sanctions * sigma.
    Anchor: Belstat 2019 growth 1.2 % at rho = 1, sigma = 0 (calibration CSV row 82);
    the slopes are assumptions.

    Args:
        params: Regime parameters.
        russian_support: rho, Russian support index (1 = the 2020 level).
        sanctions: sigma, sanctions index (0 none, 1 = the 2021 sectoral level).

    Returns:
        Growth in percent per year.
    """
    return (
        params.gdp_growth_base
        + params.growth_per_russian_support * (russian_support - 1.0)
        - params.growth_per_sanctions * sanctions
    )


def inflation_rate(params: RegimeParams, russian_support: float, sanctions: float) -> float:
    """Inflation pi(t) in percent per year (docs/MODEL.md: economy; functional form ours).

    pi = inflation_base + inflation_per_russian_loss * max(0, 1 - rho)
         + inflation_per_sanctions * sigma.
    Anchor: Belstat CPI Dec/Dec 2019, 4.7 % (calibration CSV row 85); slopes assumed.

    Args:
        params: Regime parameters.
        russian_support: rho (1 = the 2020 level).
        sanctions: sigma (0 none).

    Returns:
        Inflation in percent per year.
    """
    return (
        params.inflation_base
        + params.inflation_per_russian_loss * max(0.0, 1.0 - russian_support)
        + params.inflation_per_sanctions * sanctions
    )


def step_index(level: float, rate_percent_per_year: float) -> float:
    """Advance an index one day at an annual percentage rate (docs/MODEL.md: economy).

    X(t + 1) = X(t) * (1 + rate / 100) ** (1 / 365); used for output Y (Y(0) = 1) and the
    price level. 365 steps at a constant rate multiply the index by 1 + rate / 100.

    Args:
        level: X(t).
        rate_percent_per_year: The annual rate in percent (must exceed -100).

    Returns:
        X(t + 1).
    """
    if not rate_percent_per_year > -100.0:
        raise ValueError(f"an annual rate must exceed -100 %, got {rate_percent_per_year!r}")
    return level * (1.0 + rate_percent_per_year / 100.0) ** (1.0 / DAYS_PER_YEAR)


def hardship_index(params: RegimeParams, output: float, inflation: float) -> float:
    """Hardship index h(t), 1 at the 2019 baseline (docs/MODEL.md: economy; the form is ours).

    h = max(0, 1 + hardship_per_output_loss * (1 - Y)
                 + hardship_per_inflation * (pi - inflation_base) / 100).
    Anchor: Lagi, Bertrand & Bar-Yam (2011), hardship rises with a price or real-income
    index (MODEL_BRIEF.md section 4); the linear form and its slopes are assumptions.

    Args:
        params: Regime parameters.
        output: Y(t), output relative to the start (1 at t = 0).
        inflation: pi(t) in percent per year.

    Returns:
        h(t) >= 0 (dimensionless).
    """
    return max(
        0.0,
        1.0
        + params.hardship_per_output_loss * (1.0 - output)
        + params.hardship_per_inflation * (inflation - params.inflation_base) / 100.0,
    )


def revenue(
    params: RegimeParams,
    output: float,
    russian_support: float,
    sanctions: float,
    troops_abroad: bool,
) -> float:
    """Regime revenue R(t) in USD bn per year (docs/MODEL.md: revenue).

    R = revenue_share_of_gdp * gdp_usd_bn * Y + rho * (russian_energy_subsidy_usd_bn
        + russian_loans_usd_bn) - sanctions_cost_usd_bn * sigma
        + troops_abroad * russian_reward_usd_bn, floored at 0.
    Sources: subsidy ~4 USD bn/yr (Agibalov, calibration CSV row 105), Sochi loan 1.5 USD
    bn (row 94); GDP DERIVED from row 97; the other coefficients are assumptions.

    Args:
        params: Regime parameters.
        output: Y(t).
        russian_support: rho.
        sanctions: sigma.
        troops_abroad: Whether troops are abroad (earns the Russian reward).

    Returns:
        R(t) >= 0.
    """
    value = (
        params.revenue_share_of_gdp * params.gdp_usd_bn * output
        + russian_support * (params.russian_energy_subsidy_usd_bn + params.russian_loans_usd_bn)
        - params.sanctions_cost_usd_bn * sanctions
        + (params.russian_reward_usd_bn if troops_abroad else 0.0)
    )
    return max(0.0, value)


# ------------------------------------------------------------------------ selectorate


def _check_selectorate(ratio: float, discount: float) -> None:
    if not 0.0 <= ratio <= 1.0:
        raise ValueError(f"winning_coalition_ratio must be in [0, 1], got {ratio!r}")
    if not 0.0 <= discount < 1.0:
        raise ValueError(f"discount must be in [0, 1), got {discount!r}")


def selectorate_slack(revenue_usd_bn: float, ratio: float, discount: float) -> float:
    """Leader's slack K = R * delta * (1 - w) / (1 - delta * w) (MODEL_BRIEF.md 3.1).

    The brief's own closed form (private goods only, infinite horizon, a challenger who
    promises all of R; not a formula from Bueno de Mesquita et al. 2003): K = R - W g*,
    the revenue left after paying the winning coalition its minimal offer g*. K = 0 at
    w = 1 (SEL1), K = delta * R at w = 0 (SEL2), dK/dw = R delta (delta - 1) /
    (1 - delta w)^2 < 0 (SEL3), K is linear in R (SEL4).

    Args:
        revenue_usd_bn: R, USD bn per year (any money unit; K has the same unit).
        ratio: w = W/S, the loyalty norm, in [0, 1].
        discount: delta, in [0, 1).

    Returns:
        K in the unit of R.
    """
    _check_selectorate(ratio, discount)
    return revenue_usd_bn * discount * (1.0 - ratio) / (1.0 - discount * ratio)


def coalition_offer(revenue_usd_bn: float, size: float, ratio: float, discount: float) -> float:
    """Minimal private-goods offer per member g* = (1 - delta) R / (W (1 - delta w)).

    MODEL_BRIEF.md section 3.1 (the brief's closed form): a member stays iff
    g / (1 - delta) >= R / W + delta w g / (1 - delta); g* makes this an equality, and
    W g* + K = R.

    Args:
        revenue_usd_bn: R, USD bn per year.
        size: W, winning-coalition size in persons (> 0).
        ratio: w = W/S in [0, 1].
        discount: delta in [0, 1).

    Returns:
        g* in the unit of R per member.
    """
    _check_selectorate(ratio, discount)
    if not size > 0:
        raise ValueError(f"winning_coalition_size must be > 0, got {size!r}")
    return (1.0 - discount) * revenue_usd_bn / (size * (1.0 - discount * ratio))


# ------------------------------------------------------------------ loyalty cascades


def draw_base_costs(
    median: float, sigma: float, n: int, seed: np.random.SeedSequence | int
) -> np.ndarray:
    """Draw n base costs c ~ lognormal(log(median), sigma), sorted ascending.

    The officers' (or elite members') moral or reputational cost of repressing, in the
    Dragu & Lupu (2018) coordination game as operationalised in MODEL_BRIEF.md 3.2(a).
    The lognormal family and its parameters are assumptions. Drawn once per run from a
    Generator built on ``seed`` only (no global RNG).

    Args:
        median: exp of the log-mean (> 0).
        sigma: Log-sd (>= 0; 0 gives n equal costs).
        n: Number of agents (>= 0).
        seed: A SeedSequence or an int for one.

    Returns:
        float64 array of n costs, ascending (`sorted_thresholds` relies on the order).
    """
    if not median > 0 or not sigma >= 0 or n < 0:
        raise ValueError(f"need median > 0, sigma >= 0, n >= 0; got {median!r}, {sigma!r}, {n!r}")
    rng = np.random.default_rng(seed)
    return np.sort(rng.lognormal(mean=math.log(median), sigma=sigma, size=n))


def crowd_index(participants_share: float) -> float:
    """Crowd index = national participation share / 0.035 (docs/MODEL.md: security loyalty).

    Chenoweth & Stephan's 3.5 % "rule" (MODEL_BRIEF.md section 3.3) as the unit: 1 when
    3.5 % of the population is active.

    Args:
        participants_share: Share of the population active today, in [0, 1].

    Returns:
        The crowd index (>= 0).
    """
    return max(0.0, participants_share) / CHENOWETH_SHARE


def officer_cost_factor(
    params: RegimeParams,
    legitimacy: float,
    participants_share: float,
    troops_abroad: bool,
    sabotage_recent: float,
) -> float:
    """Common multiplier of all officers' base costs today: c_j(t) = c_j * factor (B.4).

    factor = (1 + cost_per_legitimacy_loss * max(0, legitimacy_start - L))
             * (1 + cost_per_crowd * crowd) * (1 + cost_if_troops_abroad * troops)
             * (1 - cost_cut_per_sabotage * min(1, sabotage_recent)),
    crowd = participants_share / 0.035. Operationalisation of Dragu & Lupu (2018) in
    MODEL_BRIEF.md 3.2(a): a larger, more legitimate-looking opposition and an unpopular
    war raise the cost of repressing; sabotage (radical flank, Moro 2016) lowers it. The
    multiplicative form and every coefficient are assumptions.

    Args:
        params: Regime parameters.
        legitimacy: L(t), the regime's legitimacy.
        participants_share: National share of citizens active today.
        troops_abroad: Whether troops are abroad.
        sabotage_recent: Sabotage events in the last 30 days per 1e6 people (capped at 1
            here).

    Returns:
        The cost factor (>= 0).
    """
    loss = max(0.0, params.legitimacy_start - legitimacy)
    sabotage = min(1.0, max(0.0, sabotage_recent))
    return (
        (1.0 + params.cost_per_legitimacy_loss * loss)
        * (1.0 + params.cost_per_crowd * crowd_index(participants_share))
        * (1.0 + (params.cost_if_troops_abroad if troops_abroad else 0.0))
        * (1.0 - params.cost_cut_per_sabotage * sabotage)
    )


def elite_cost_factor(
    params: RegimeParams, legitimacy: float, pay_index: float, western_recognition: float
) -> float:
    """Common multiplier of all elite members' base costs today (docs/MODEL.md: elite loyalty).

    factor = (1 + cost_per_shortfall * max(0, 1 - pay_index))
             * (1 + cost_per_recognition * omega)
             * (1 + cost_per_legitimacy_loss * max(0, legitimacy_start - L)).
    The selectorate logic (MODEL_BRIEF.md 3.1: "when K cannot cover W g*, coalition
    members defect") put into the Dragu & Lupu threshold form of 3.2(a); the form and
    coefficients are assumptions.

    Args:
        params: Regime parameters.
        legitimacy: L(t).
        pay_index: K(t) / K(0).
        western_recognition: omega in [0, 1], Western recognition of the opposition.

    Returns:
        The cost factor (>= 0).
    """
    shortfall = max(0.0, 1.0 - pay_index)
    loss = max(0.0, params.legitimacy_start - legitimacy)
    return (
        (1.0 + params.cost_per_shortfall * shortfall)
        * (1.0 + params.cost_per_recognition * western_recognition)
        * (1.0 + params.cost_per_legitimacy_loss * loss)
    )


def thresholds(costs: np.ndarray, punishment: float) -> np.ndarray:
    """Defection thresholds theta_j = max(0, 1 - c_j / p) (MODEL_BRIEF.md 3.2a).

    Dragu & Lupu (2018), operationalised in the brief: disobedience is punished with
    p (1 - d), so j defects once the defected share d reaches 1 - c_j / p; theta is the
    Granovetter threshold (brief 2.1) in shares. A punishment p <= 0 (no pay left to
    lose) makes every threshold 0.

    Args:
        costs: Today's costs c_j(t) (any order, >= 0).
        punishment: p(t).

    Returns:
        float64 array of thresholds in [0, 1], in the order of ``costs``.
    """
    costs = np.asarray(costs, dtype=np.float64)
    if not punishment > 0:
        return np.zeros_like(costs)
    return np.maximum(0.0, 1.0 - costs / punishment)


def sorted_thresholds(
    sorted_base_costs: np.ndarray, factor: float, punishment: float
) -> np.ndarray:
    """Today's thresholds in ascending order, from base costs sorted ascending (B.4).

    theta_j = max(0, 1 - c_j * factor / p). Every step of that map is a correctly rounded
    monotone operation, so ascending costs give descending thresholds and reversing them
    sorts them: O(n) per day instead of a sort.

    Args:
        sorted_base_costs: Base costs c_j, ascending (as `draw_base_costs` returns them).
        factor: Today's common cost factor (>= 0).
        punishment: p(t).

    Returns:
        Ascending float64 thresholds (a reversed view).
    """
    return thresholds(sorted_base_costs * factor, punishment)[::-1]


def cascade(sorted_thetas: np.ndarray, start: int) -> int:
    """Monotone Granovetter cascade in counts, started from the defectors so far (B.4).

    Granovetter (1978) (MODEL_BRIEF.md 2.1) with no return: with n agents and k of them
    out (share d = k / n), F(k) = #{j : theta_j <= k / n}; iterate k <- max(k, F(k)) to
    the fixed point. The result is the smallest k' >= start with F(k') <= k' (F is
    nondecreasing, so the iterates cannot jump past it), and it is never below ``start``:
    a resigned officer does not come back. Runs the plain map for a few steps, then, if
    still moving, finds that k' with one vectorised ``np.searchsorted`` over all remaining
    counts (same answer, bounded cost for long ladders).

    Args:
        sorted_thetas: Thresholds in shares, ascending (see `sorted_thresholds`).
        start: Agents already out, an integer in [0, n].

    Returns:
        The equilibrium number of agents out (>= start).
    """
    thetas = np.asarray(sorted_thetas)
    n = thetas.size
    if int(start) != start or not 0 <= start <= n:
        raise ValueError(f"start must be an integer in [0, {n}], got {start!r}")
    k = int(start)
    if n == 0:
        return 0
    for _ in range(_CASCADE_JUMPS):
        f = int(np.searchsorted(thetas, k / n, side="right"))
        if f <= k:
            return k
        k = f
    ks = np.arange(k, n + 1)
    counts = np.searchsorted(thetas, ks / n, side="right")
    return int(ks[np.argmax(counts <= ks)])  # k = n always qualifies


# ------------------------------------------------------------------------ global game


def global_game_cutoff(cost: float, sigma: float) -> tuple[float, float]:
    """Cutoffs of the global game of regime change (MODEL_BRIEF.md 3.2b).

    Morris & Shin (1998); Angeletos, Hellwig & Pavan (2007) [M for the citations, the
    maths verified in the brief]: attackers pay ``cost`` and win 1 if the regime falls
    (attacking mass >= strength theta); private signals x = theta + sigma * eps with an
    improper uniform prior. The unique monotone equilibrium: theta* = 1 - c and
    x* = theta* + sigma * Phi^-1(theta*). Test GG1: c = 0.2, sigma = 0.1 gives
    (0.8, 0.8842).

    Args:
        cost: c in (0, 1).
        sigma: Signal noise (> 0).

    Returns:
        (theta_star, x_star).
    """
    if not 0.0 < cost < 1.0:
        raise ValueError(f"cost must be in (0, 1), got {cost!r}")
    if not sigma > 0:
        raise ValueError(f"sigma must be > 0, got {sigma!r}")
    theta_star = 1.0 - cost
    return theta_star, theta_star + sigma * NormalDist().inv_cdf(theta_star)


# ------------------------------------------------------------------- state and drivers


@dataclass(frozen=True)
class RegimeDrivers:
    """One day's inputs to the regime layer, from the scenario and the lattice.

    Attributes:
        legitimacy: L(t), the regime's legitimacy today.
        russian_support: rho, Russian support index (1 = 2020 level).
        sanctions: sigma, sanctions index (0 none, 1 = 2021 sectoral level).
        western_recognition: omega in [0, 1], recognition of the opposition.
        participants_share: National share of citizens active today (crowd index).
        participants: Participants for the mobilisation margin: the mean number active
            over the last ``mobilisation_window_days``, in lattice persons.
        loyal_forces: Loyal officers on duty, in lattice persons.
        sabotage_recent: Sabotage events in the last 30 days per 1e6 people.
        detention_share: Today's detentions / population.
        repression: Repression multiplier in force today.
        troops_abroad: Whether troops are abroad today.
    """

    legitimacy: float
    russian_support: float = 1.0
    sanctions: float = 0.0
    western_recognition: float = 0.0
    participants_share: float = 0.0
    participants: float = 0.0
    loyal_forces: float = 0.0
    sabotage_recent: float = 0.0
    detention_share: float = 0.0
    repression: float = 1.0
    troops_abroad: bool = False


@dataclass
class RegimeState:
    """Mutable state of the regime layer, advanced once a day by `advance_day`.

    Attributes:
        officer_costs: Officers' base costs c_j, ascending (drawn once).
        elite_costs: Elite members' base costs c_e, ascending (drawn once).
        slack_start: K(0), the selectorate slack on day 0 (USD bn per year, > 0).
        output: Y(t) for the next day to be stepped (Y(0) = 1).
        price_level: Price level for the next day (1 at t = 0).
        pay_index: K / K(0) of the last day stepped (1 before the first day).
        officers_defected: Officers out so far (never decreases).
        elites_defected: Elite members out so far (never decreases).
        troops_abroad: Troops flag of the last day stepped.
        repression: Repression multiplier of the last day stepped.
        day: Days stepped so far.
        officers_defected_start: Officers already out at day 0 (the rest equilibrium).
        elites_defected_start: Elite members already out at day 0.
    """

    officer_costs: np.ndarray
    elite_costs: np.ndarray
    slack_start: float
    output: float = 1.0
    price_level: float = 1.0
    pay_index: float = 1.0
    officers_defected: int = 0
    elites_defected: int = 0
    troops_abroad: bool = False
    repression: float = 1.0
    day: int = 0
    officers_defected_start: int = 0
    elites_defected_start: int = 0

    @property
    def n_officers(self) -> int:
        """Number M of officers in the loyalty game."""
        return int(self.officer_costs.size)

    @property
    def n_elite(self) -> int:
        """Number E of elite members in the loyalty game."""
        return int(self.elite_costs.size)

    @property
    def defection_share(self) -> float:
        """Share d of officers out (0 when there are none)."""
        return self.officers_defected / self.n_officers if self.n_officers else 0.0

    @property
    def elite_share(self) -> float:
        """Share e of the elite out (0 when there is none)."""
        return self.elites_defected / self.n_elite if self.n_elite else 0.0


@dataclass(frozen=True)
class RegimeDay:
    """What `advance_day` reports for one day (values of that day, t).

    Attributes:
        day: Index t of the day (0 for the first).
        output: Y(t).
        growth: g(t), percent per year.
        inflation: pi(t), percent per year.
        price_level: Price level on day t.
        hardship: h(t), the hardship index (1 at the baseline).
        revenue: R(t), USD bn per year.
        slack: K(t), USD bn per year.
        coalition_offer: g*(t), USD bn per year per coalition member.
        pay_index: K(t) / K(0).
        officer_cost_factor: Common multiplier of officers' costs.
        officer_punishment: p(t) = punishment_base * pay_index.
        officers_defected: Officers out after today's cascade.
        new_defections: Officers who defected today (count).
        defection_share: Share of officers out.
        elite_cost_factor: Common multiplier of elite costs.
        elites_defected: Elite members out after today's cascade.
        new_elite_defections: Elite members who defected today.
        elite_share: Share of the elite out.
        repression: Repression multiplier in force.
        troops_abroad: Troops flag in force.
    """

    day: int
    output: float
    growth: float
    inflation: float
    price_level: float
    hardship: float
    revenue: float
    slack: float
    coalition_offer: float
    pay_index: float
    officer_cost_factor: float
    officer_punishment: float
    officers_defected: int
    new_defections: int
    defection_share: float
    elite_cost_factor: float
    elites_defected: int
    new_elite_defections: int
    elite_share: float
    repression: float
    troops_abroad: bool


@dataclass(frozen=True)
class _Loyalty:
    """Intermediate results of one evaluation of the loyalty block (day or forecast)."""

    revenue: float
    slack: float
    pay_index: float
    officer_factor: float
    punishment: float
    officers_defected: int
    elite_factor: float
    elites_defected: int


def _loyalty(
    state: RegimeState,
    params: RegimeParams,
    *,
    output: float,
    russian_support: float,
    sanctions: float,
    troops_abroad: bool,
    legitimacy: float,
    participants_share: float,
    sabotage_recent: float,
    western_recognition: float,
) -> _Loyalty:
    """Revenue -> slack -> pay -> both cascades from the state's counts (no mutation)."""
    rev = revenue(params, output, russian_support, sanctions, troops_abroad)
    slack = selectorate_slack(rev, params.winning_coalition_ratio, params.discount)
    pay = slack / state.slack_start
    off_factor = officer_cost_factor(
        params, legitimacy, participants_share, troops_abroad, sabotage_recent
    )
    punishment = params.punishment_base * pay
    officers = cascade(
        sorted_thresholds(state.officer_costs, off_factor, punishment), state.officers_defected
    )
    el_factor = elite_cost_factor(params, legitimacy, pay, western_recognition)
    elites = cascade(
        sorted_thresholds(state.elite_costs, el_factor, params.elite_punishment),
        state.elites_defected,
    )
    return _Loyalty(rev, slack, pay, off_factor, punishment, officers, el_factor, elites)


def initial_state(
    params: RegimeParams,
    n_officers: int,
    seed: np.random.SeedSequence | int,
    *,
    russian_support: float = 1.0,
    sanctions: float = 0.0,
    western_recognition: float = 0.0,
    troops_abroad: bool = False,
    repression: float = 1.0,
    settle: bool = True,
) -> RegimeState:
    """Draw the loyalty costs and set day 0 (docs/MODEL.md: selectorate, elite loyalty).

    K(0) is the selectorate slack at Y = 1 under the day-0 drivers, so pay_index starts
    at 1. Officers' and elite base costs come from two children of ``seed`` (numpy
    SeedSequence spawning), so the same seed gives the same state. With ``settle`` the
    cascades are first run to their rest equilibrium (L = legitimacy_start, no crowd, no
    sabotage, pay_index 1): the agents with theta = 0 there (cost >= punishment) and
    those they pull along count as out before day 0 (``*_defected_start``) rather than
    as defections on day 0.

    Args:
        params: Regime parameters (``elite_size`` gives E).
        n_officers: M, the officers in the loyalty game (normally the lattice's cops).
        seed: SeedSequence or int.
        russian_support: rho on day 0.
        sanctions: sigma on day 0.
        western_recognition: omega on day 0 (used when settling).
        troops_abroad: Troops flag on day 0.
        repression: Repression multiplier on day 0.
        settle: Run the rest cascades first (default True).

    Returns:
        A fresh `RegimeState`.

    Raises:
        ValueError: if n_officers < 0 or K(0) is not positive (no revenue at day 0).
    """
    if n_officers < 0:
        raise ValueError(f"n_officers must be >= 0, got {n_officers!r}")
    if not repression > 0:
        raise ValueError(f"repression must be > 0, got {repression!r}")
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    officer_seed, elite_seed = ss.spawn(2)
    rev0 = revenue(params, 1.0, russian_support, sanctions, troops_abroad)
    slack0 = selectorate_slack(rev0, params.winning_coalition_ratio, params.discount)
    if not slack0 > 0:
        raise ValueError(f"the regime's slack K(0) must be > 0, got {slack0!r} (revenue {rev0!r})")
    state = RegimeState(
        officer_costs=draw_base_costs(
            params.officer_cost_median, params.officer_cost_sigma, n_officers, officer_seed
        ),
        elite_costs=draw_base_costs(
            params.elite_cost_median, params.elite_cost_sigma, params.elite_size, elite_seed
        ),
        slack_start=slack0,
        troops_abroad=troops_abroad,
        repression=repression,
    )
    if settle:
        rest = _loyalty(
            state,
            params,
            output=1.0,
            russian_support=russian_support,
            sanctions=sanctions,
            troops_abroad=troops_abroad,
            legitimacy=params.legitimacy_start,
            participants_share=0.0,
            sabotage_recent=0.0,
            western_recognition=western_recognition,
        )
        state.officers_defected = state.officers_defected_start = rest.officers_defected
        state.elites_defected = state.elites_defected_start = rest.elites_defected
    return state


def advance_day(state: RegimeState, params: RegimeParams, drivers: RegimeDrivers) -> RegimeDay:
    """Step the regime layer one day with the day's drivers; mutates ``state``.

    Order: growth g(t) and inflation pi(t) from rho, sigma (B.1); hardship h(t) from Y(t)
    and pi(t); revenue R(t) (B.2) and slack K(t), offer g*(t), pay_index K(t)/K(0)
    (B.3); the officers' cascade with p(t) = punishment_base * pay_index (B.4) and the
    elite cascade (B.5), both started from yesterday's counts; then Y and the price
    level advance to t + 1 and the troops flag and repression are recorded.

    Args:
        state: The regime state (updated in place).
        params: Regime parameters.
        drivers: Today's drivers.

    Returns:
        The day's `RegimeDay`.
    """
    rho, sigma = drivers.russian_support, drivers.sanctions
    growth = growth_rate(params, rho, sigma)
    inflation = inflation_rate(params, rho, sigma)
    output, prices = state.output, state.price_level
    hardship = hardship_index(params, output, inflation)
    loy = _loyalty(
        state,
        params,
        output=output,
        russian_support=rho,
        sanctions=sigma,
        troops_abroad=drivers.troops_abroad,
        legitimacy=drivers.legitimacy,
        participants_share=drivers.participants_share,
        sabotage_recent=drivers.sabotage_recent,
        western_recognition=drivers.western_recognition,
    )
    new_officers = loy.officers_defected - state.officers_defected
    new_elites = loy.elites_defected - state.elites_defected
    day = RegimeDay(
        day=state.day,
        output=output,
        growth=growth,
        inflation=inflation,
        price_level=prices,
        hardship=hardship,
        revenue=loy.revenue,
        slack=loy.slack,
        coalition_offer=coalition_offer(
            loy.revenue,
            params.winning_coalition_size,
            params.winning_coalition_ratio,
            params.discount,
        ),
        pay_index=loy.pay_index,
        officer_cost_factor=loy.officer_factor,
        officer_punishment=loy.punishment,
        officers_defected=loy.officers_defected,
        new_defections=new_officers,
        defection_share=loy.officers_defected / state.n_officers if state.n_officers else 0.0,
        elite_cost_factor=loy.elite_factor,
        elites_defected=loy.elites_defected,
        new_elite_defections=new_elites,
        elite_share=loy.elites_defected / state.n_elite if state.n_elite else 0.0,
        repression=drivers.repression,
        troops_abroad=drivers.troops_abroad,
    )
    state.officers_defected = loy.officers_defected
    state.elites_defected = loy.elites_defected
    state.pay_index = loy.pay_index
    state.output = step_index(output, growth)
    state.price_level = step_index(prices, inflation)
    state.troops_abroad = drivers.troops_abroad
    state.repression = drivers.repression
    state.day += 1
    return day


# --------------------------------------------------------------------- fall and policy


@dataclass(frozen=True)
class FallMargins:
    """The three fall margins; the regime falls when one is <= 0.

    Attributes:
        mobilisation: 1 - q / mobilisation_ratio, q = participants per loyal officer.
        defection: 1 - d / defection_fall_share.
        elite: 1 - e / elite_fall_share.
    """

    mobilisation: float
    defection: float
    elite: float

    @property
    def minimum(self) -> float:
        """The smallest margin, the regime's survival score."""
        return min(self.mobilisation, self.defection, self.elite)

    @property
    def fallen(self) -> bool:
        """True when a margin is <= 0 (a threshold reached)."""
        return self.minimum <= 0.0


def fall_margins(
    params: RegimeParams,
    participants: float,
    loyal_forces: float,
    defection_share: float,
    elite_share: float,
) -> FallMargins:
    """Compute the margins to the three fall conditions of ``[fall]``.

    m_mob = 1 - (participants / loyal_forces) / mobilisation_ratio,
    m_def = 1 - d / defection_fall_share, m_elite = 1 - e / elite_fall_share.
    Thresholds are assumptions (``[fall]``); the mobilisation margin follows
    Epstein's active-to-cop ratio and Lemos's "massive fear loss" (MODEL_BRIEF.md 2.5),
    the other two the pillars of support of Chenoweth, Hocking & Marks (2022, brief 2.9).
    With no loyal forces, any participants give m_mob = -inf (none give 1).

    Args:
        params: Regime parameters.
        participants: Participants (the window mean), lattice persons.
        loyal_forces: Loyal officers, lattice persons.
        defection_share: d, share of officers out.
        elite_share: e, share of the elite out.

    Returns:
        The `FallMargins`.
    """
    if loyal_forces > 0:
        q = participants / loyal_forces
    else:
        q = math.inf if participants > 0 else 0.0
    return FallMargins(
        mobilisation=1.0 - q / params.mobilisation_ratio,
        defection=1.0 - defection_share / params.defection_fall_share,
        elite=1.0 - elite_share / params.elite_fall_share,
    )


@dataclass(frozen=True, order=True)
class PolicyOption:
    """One policy the regime may choose; orders by (repression, troops).

    Attributes:
        repression: Repression multiplier (one of `REPRESSION_LEVELS`).
        troops_abroad: Whether troops are sent abroad.
    """

    repression: float
    troops_abroad: bool = False


@dataclass(frozen=True)
class PolicyChoice:
    """Result of `choose_policy`: the option and every option's forecast margins.

    Attributes:
        option: The chosen option.
        margins: The chosen option's forecast margins.
        forecasts: (option, margins) for every option considered, in the order given.
    """

    option: PolicyOption
    margins: FallMargins
    forecasts: tuple[tuple[PolicyOption, FallMargins], ...] = field(default=())


def policy_options(
    params: RegimeParams, *, troops_forced: bool | None = None
) -> tuple[PolicyOption, ...]:
    """List the regime's options: repression in {0.5, 1, 1.5, 2} x troops.

    Troops abroad is an option only when ``may_deploy_troops``; an event that forces the
    flag (``troops_forced``) fixes it for every option.

    Args:
        params: Regime parameters.
        troops_forced: None, or the flag imposed by a scenario event.

    Returns:
        The options, sorted by (repression, troops).
    """
    if troops_forced is not None:
        flags: tuple[bool, ...] = (bool(troops_forced),)
    elif params.may_deploy_troops:
        flags = (False, True)
    else:
        flags = (False,)
    return tuple(PolicyOption(r, t) for r in REPRESSION_LEVELS for t in flags)


def predict_margins(
    state: RegimeState, params: RegimeParams, drivers: RegimeDrivers, option: PolicyOption
) -> FallMargins:
    """Forecast tomorrow's fall margins under an option with macro equations only (B.7).

    With r = option.repression and r0 = state.repression (today's):
    participants_pred = participants * exp(-deterrence_elasticity * (r - r0)) (and the
    national share likewise); q_pred = participants_pred / loyal_forces; detentions
    scale with repression, detention_pred = detention_share * r / r0, and
    L_pred = max(0, L - legitimacy_per_detention_share * detention_pred); revenue uses
    Y = state.output (tomorrow's output once today is stepped) and the option's troops
    flag; both cascades start from the state's counts with L_pred, the predicted crowd
    and the option's troops flag. The state is not changed. A myopic heuristic of ours
    (one day ahead, no lattice), standing in for "regime decisions chosen to maximise its
    survival"; the logic that repression deters but costs legitimacy is Lemos et al.'s
    legitimacy feedback (MODEL_BRIEF.md 2.5) and Dragu & Lupu's endgame (3.2a).

    Args:
        state: The regime state (after today's `advance_day`).
        params: Regime parameters.
        drivers: Today's drivers.
        option: The option to evaluate.

    Returns:
        The forecast `FallMargins`.
    """
    now = state.repression
    deter = math.exp(-params.deterrence_elasticity * (option.repression - now))
    participants = drivers.participants * deter
    share = drivers.participants_share * deter
    detentions = drivers.detention_share * option.repression / now
    legitimacy = max(0.0, drivers.legitimacy - params.legitimacy_per_detention_share * detentions)
    loy = _loyalty(
        state,
        params,
        output=state.output,
        russian_support=drivers.russian_support,
        sanctions=drivers.sanctions,
        troops_abroad=option.troops_abroad,
        legitimacy=legitimacy,
        participants_share=share,
        sabotage_recent=drivers.sabotage_recent,
        western_recognition=drivers.western_recognition,
    )
    d = loy.officers_defected / state.n_officers if state.n_officers else 0.0
    e = loy.elites_defected / state.n_elite if state.n_elite else 0.0
    return fall_margins(params, participants, drivers.loyal_forces, d, e)


def choose_policy(
    state: RegimeState,
    params: RegimeParams,
    drivers: RegimeDrivers,
    options: Sequence[PolicyOption] | None = None,
    *,
    predict: Callable[
        [RegimeState, RegimeParams, RegimeDrivers, PolicyOption], FallMargins
    ] = predict_margins,
) -> PolicyChoice:
    """Choose the option with the largest smallest forecast margin (docs/MODEL.md: regime policy).

    A myopic survival heuristic of ours (one day ahead, macro equations only, see
    `predict_margins`): score = min(m_mob, m_def, m_elite); the best score wins; ties
    (within 1e-12) go to the lower repression, then to no troops.

    Args:
        state: The regime state (after today's `advance_day`; not changed).
        params: Regime parameters.
        drivers: Today's drivers.
        options: Options to consider (default `policy_options(params)`).
        predict: The forecaster (default `predict_margins`).

    Returns:
        The `PolicyChoice`.
    """
    opts = tuple(options) if options is not None else policy_options(params)
    if not opts:
        raise ValueError("choose_policy needs at least one option")
    forecasts = tuple((o, predict(state, params, drivers, o)) for o in opts)
    best: tuple[PolicyOption, FallMargins] | None = None
    for option, margins in sorted(forecasts, key=lambda pair: pair[0]):
        if best is None or margins.minimum > best[1].minimum + _TIE_TOL:
            best = (option, margins)
    assert best is not None
    return PolicyChoice(option=best[0], margins=best[1], forecasts=forecasts)
