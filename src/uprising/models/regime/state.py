"""The regime layer's day: its drivers, its state, one day's record, and the daily step.

``state = initial_state(params, n_officers, seed)`` once, then per day
``day = advance_day(state, params, drivers)``: economy, revenue, slack, and both loyalty
cascades started from yesterday's counts (`loyalty_of`, which the policy forecast reuses).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from uprising.models.regime.economy import (
    absorb_sanctions,
    expect_inflation,
    expect_output,
    growth_rate,
    hardship_index,
    inflation_rate,
    revenue,
    step_index,
)
from uprising.models.regime.loyalty import (
    cascade,
    coalition_offer,
    draw_base_costs,
    elite_cost_factor,
    expected_backstop,
    officer_cost_factor,
    selectorate_slack,
    sorted_thresholds,
)
from uprising.models.regime.params import RegimeParams

# ------------------------------------------------------------------- state and drivers


@dataclass(frozen=True)
class RegimeDrivers:
    """One day's inputs to the regime layer, from the scenario and the lattice.

    Attributes:
        legitimacy: L(t), the regime's legitimacy today.
        russian_support: rho, Russian support index (1 = 2020 level).
        sanctions: sigma, sanctions index (0 none, 1 = 2021 sectoral level).
        russian_growth: Russia's real growth, percent per year (None: its baseline).
        russian_inflation: Russia's CPI inflation, percent per year (None: its baseline).
        western_recognition: omega in [0, 1], recognition of the opposition.
        readiness: The opposition's readiness in [0, 1] today.
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
    russian_growth: float | None = None
    russian_inflation: float | None = None
    western_recognition: float = 0.0
    readiness: float = 0.0
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
        expected_output: Y_e, the output citizens expect for the next day (1 at t = 0).
        expected_inflation: pi_e, the inflation they expect, percent per year (None
            until the first day is stepped: then the day's inflation without sanctions).
        sanctions_absorbed: The part of the sanctions index that trade reorientation has
            absorbed (0 at t = 0: sanctions in force on day 0 count as new).
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
    expected_output: float = 1.0
    expected_inflation: float | None = None
    sanctions_absorbed: float = 0.0
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
        hardship: h(t), the hardship index (1 when the economy does as expected).
        expected_output: Y_e(t), the output citizens expect.
        expected_inflation: pi_e(t), the inflation they expect, percent per year.
        backstop: B(t), the Russian backstop officers and elite expect.
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
    expected_output: float
    expected_inflation: float
    backstop: float
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
class Loyalty:
    """Intermediate results of one evaluation of the loyalty block (day or forecast)."""

    revenue: float
    slack: float
    pay_index: float
    backstop: float
    officer_factor: float
    punishment: float
    officers_defected: int
    elite_factor: float
    elites_defected: int


def loyalty_of(
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
    readiness: float = 0.0,
) -> Loyalty:
    """Revenue -> slack -> pay -> both cascades from the state's counts (no mutation).

    Both cascades' thresholds carry the Russian backstop B = `expected_backstop`, and
    both cost factors the opposition's readiness.
    """
    rev = revenue(params, output, russian_support, sanctions, troops_abroad)
    slack = selectorate_slack(rev, params.winning_coalition_ratio, params.discount)
    pay = slack / state.slack_start
    backstop = expected_backstop(params, russian_support)
    off_factor = officer_cost_factor(
        params, legitimacy, participants_share, troops_abroad, sabotage_recent, readiness
    )
    punishment = params.punishment_base * pay
    officers = cascade(
        sorted_thresholds(state.officer_costs, off_factor, punishment, backstop),
        state.officers_defected,
    )
    el_factor = elite_cost_factor(params, legitimacy, pay, western_recognition, readiness)
    elites = cascade(
        sorted_thresholds(state.elite_costs, el_factor, params.elite_punishment, backstop),
        state.elites_defected,
    )
    return Loyalty(rev, slack, pay, backstop, off_factor, punishment, officers, el_factor, elites)


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
    readiness: float = 0.0,
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
        readiness: The opposition's readiness on day 0 (used when settling).
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
        rest = loyalty_of(
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
            readiness=readiness,
        )
        state.officers_defected = state.officers_defected_start = rest.officers_defected
        state.elites_defected = state.elites_defected_start = rest.elites_defected
    return state


def advance_day(state: RegimeState, params: RegimeParams, drivers: RegimeDrivers) -> RegimeDay:
    """Step the regime layer one day with the day's drivers; mutates ``state``.

    Order: growth g(t) and inflation pi(t) from Russia's growth, inflation and support
    and the unabsorbed sanctions sigma - a (B.1); hardship h(t) from Y(t) and pi(t)
    against their expected values Y_e(t), pi_e(t); revenue R(t) (B.2) and slack K(t),
    offer g*(t), pay_index K(t)/K(0) (B.3); the officers' cascade with p(t) =
    punishment_base * pay_index (B.4) and the elite cascade (B.5), both with the Russian
    backstop and started from yesterday's counts; then Y, the price level, the
    expectations and the absorbed sanctions advance to t + 1 and the troops flag and
    repression are recorded.

    Args:
        state: The regime state (updated in place).
        params: Regime parameters.
        drivers: Today's drivers.

    Returns:
        The day's `RegimeDay`.
    """
    rho, sigma = drivers.russian_support, drivers.sanctions
    fresh = sigma - state.sanctions_absorbed
    growth = growth_rate(params, rho, fresh, drivers.russian_growth)
    inflation = inflation_rate(params, rho, fresh, drivers.russian_inflation)
    if state.expected_inflation is None:
        state.expected_inflation = inflation_rate(params, rho, 0.0, drivers.russian_inflation)
    output, prices = state.output, state.price_level
    expected_y, expected_pi = state.expected_output, state.expected_inflation
    hardship = hardship_index(params, output, inflation, expected_y, expected_pi)
    loy = loyalty_of(
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
        readiness=drivers.readiness,
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
        expected_output=expected_y,
        expected_inflation=expected_pi,
        backstop=loy.backstop,
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
    state.expected_output = expect_output(params, expected_y, output)
    state.expected_inflation = expect_inflation(params, expected_pi, inflation)
    state.sanctions_absorbed = absorb_sanctions(params, state.sanctions_absorbed, sigma)
    state.troops_abroad = drivers.troops_abroad
    state.repression = drivers.repression
    state.day += 1
    return day


__all__ = [
    "Loyalty",
    "RegimeDay",
    "RegimeDrivers",
    "RegimeState",
    "advance_day",
    "initial_state",
    "loyalty_of",
]
