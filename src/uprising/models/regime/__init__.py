"""Regime layer of the Belarus model: economy, revenue, selectorate, loyalty cascades, policy.

A macro layer of scalars, stepped once per day (one tick = one day) next to the lattice
engine. It holds no lattice: the coupled daily step (`uprising.models.belarus`) passes
the day's lattice aggregates in as `RegimeDrivers` and reads back a `RegimeDay`
(docs/MODEL.md, 'The Belarus layer', regime layer; every function cites its own source).

- `params`: `RegimeParams`, each field read from one scenario parameter
  (`SCENARIO_PATHS`, `RegimeParams.from_scenario`).
- `economy`: the macro block (`growth_rate`, `inflation_rate`, `absorb_sanctions`,
  `step_index`), citizens' expectations (`expect_output`, `expect_inflation`), hardship
  against them (`hardship_index`) and state revenue (`revenue`).
- `loyalty`: the selectorate's slack (`selectorate_slack`, `coalition_offer`) and the
  officers' and the elite's defection cascades (`draw_base_costs`, `crowd_index`,
  `officer_cost_factor`, `elite_cost_factor`, `expected_backstop`, `thresholds`,
  `sorted_thresholds`, `cascade`).
- `state`: `RegimeDrivers`, `RegimeState`, `RegimeDay`, `initial_state` and the daily
  step `advance_day`.
- `transition`: what follows a fall (`fall_channel`, `democracy_probability`,
  `successor`, `READINESS_MIDPOINT`).
- `replay`: the macro block fed the observed drivers of 2019-2021 (`replay_economy`,
  `OBSERVED_DRIVERS`).
- `policy`: the fall margins (`FallMargins`, `fall_margins`) and the regime's choice
  (`PolicyOption`, `PolicyChoice`, `policy_options`, `predict_margins`, `choose_policy`).

Daily use: ``state = initial_state(params, n_officers, seed)`` once, then per day
``day = advance_day(state, params, drivers)`` and, when the policy is optimised,
``option = choose_policy(state, params, drivers).option`` for the next day.

Units: rates are per day unless said; growth and inflation are in percent per year;
money in USD bn per year; shares in [0, 1].
"""

from uprising.models.regime.economy import (
    DAYS_PER_YEAR,
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
    CHENOWETH_SHARE,
    cascade,
    coalition_offer,
    crowd_index,
    draw_base_costs,
    elite_cost_factor,
    expected_backstop,
    officer_cost_factor,
    selectorate_slack,
    sorted_thresholds,
    thresholds,
)
from uprising.models.regime.params import SCENARIO_PATHS, RegimeParams
from uprising.models.regime.policy import (
    REPRESSION_LEVELS,
    FallMargins,
    PolicyChoice,
    PolicyOption,
    choose_policy,
    fall_margins,
    policy_options,
    predict_margins,
)
from uprising.models.regime.replay import OBSERVED_DRIVERS, replay_economy
from uprising.models.regime.state import (
    Loyalty,
    RegimeDay,
    RegimeDrivers,
    RegimeState,
    advance_day,
    initial_state,
    loyalty_of,
)
from uprising.models.regime.transition import (
    READINESS_MIDPOINT,
    democracy_probability,
    fall_channel,
    successor,
)

__all__ = [
    "CHENOWETH_SHARE",
    "DAYS_PER_YEAR",
    "OBSERVED_DRIVERS",
    "READINESS_MIDPOINT",
    "REPRESSION_LEVELS",
    "SCENARIO_PATHS",
    "FallMargins",
    "Loyalty",
    "PolicyChoice",
    "PolicyOption",
    "RegimeDay",
    "RegimeDrivers",
    "RegimeParams",
    "RegimeState",
    "absorb_sanctions",
    "advance_day",
    "cascade",
    "choose_policy",
    "coalition_offer",
    "crowd_index",
    "democracy_probability",
    "draw_base_costs",
    "elite_cost_factor",
    "expect_inflation",
    "expect_output",
    "expected_backstop",
    "fall_channel",
    "fall_margins",
    "growth_rate",
    "hardship_index",
    "inflation_rate",
    "initial_state",
    "loyalty_of",
    "officer_cost_factor",
    "policy_options",
    "predict_margins",
    "replay_economy",
    "revenue",
    "selectorate_slack",
    "sorted_thresholds",
    "step_index",
    "successor",
    "thresholds",
]
