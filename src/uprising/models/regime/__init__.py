"""Regime layer of the Belarus model: economy, revenue, selectorate, loyalty cascades, policy.

A macro layer of scalars, stepped once per day (one tick = one day) next to the lattice
engine. It holds no lattice: the coupled daily step (`uprising.models.belarus`) passes
the day's lattice aggregates in as `RegimeDrivers` and reads back a `RegimeDay`
(docs/MODEL.md, 'The Belarus layer', regime layer; every function cites its own source).

- `params`: `RegimeParams`, each field read from one scenario parameter
  (`SCENARIO_PATHS`, `RegimeParams.from_scenario`).
- `economy`: output, inflation, hardship (`growth_rate`, `inflation_rate`, `step_index`,
  `hardship_index`) and state revenue (`revenue`).
- `loyalty`: the selectorate's slack (`selectorate_slack`, `coalition_offer`) and the
  officers' and the elite's defection cascades (`draw_base_costs`, `crowd_index`,
  `officer_cost_factor`, `elite_cost_factor`, `thresholds`, `sorted_thresholds`,
  `cascade`).
- `state`: `RegimeDrivers`, `RegimeState`, `RegimeDay`, `initial_state` and the daily
  step `advance_day`.
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
from uprising.models.regime.state import (
    Loyalty,
    RegimeDay,
    RegimeDrivers,
    RegimeState,
    advance_day,
    initial_state,
    loyalty_of,
)

__all__ = [
    "CHENOWETH_SHARE",
    "DAYS_PER_YEAR",
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
    "advance_day",
    "cascade",
    "choose_policy",
    "coalition_offer",
    "crowd_index",
    "draw_base_costs",
    "elite_cost_factor",
    "fall_margins",
    "growth_rate",
    "hardship_index",
    "inflation_rate",
    "initial_state",
    "loyalty_of",
    "officer_cost_factor",
    "policy_options",
    "predict_margins",
    "revenue",
    "selectorate_slack",
    "sorted_thresholds",
    "step_index",
    "thresholds",
]
