"""The fall margins and the regime's policy choice (docs/MODEL.md, regime policy).

`fall_margins`: the distance to the three fall conditions of ``[fall]``.
`policy_options`, `predict_margins`, `choose_policy`: a myopic heuristic of ours (one day
ahead, macro equations only) that picks the repression level and the troops flag
maximising the smallest of the three margins.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from uprising.models.regime.params import RegimeParams
from uprising.models.regime.state import (
    RegimeDrivers,
    RegimeState,
    loyalty_of,
)

REPRESSION_LEVELS: tuple[float, ...] = (0.5, 1.0, 1.5, 2.0)
"""Repression multipliers the regime chooses among (docs/MODEL.md: regime policy)."""

# Two policy margins closer than this count as a tie (float noise, not a preference).
_TIE_TOL = 1e-12


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
    Epstein's active-to-cop ratio and Lemos's "massive fear loss" (Lemos, Lopes & Coelho
    2016), the other two the pillars of support of Chenoweth, Hocking & Marks (2022).
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
    legitimacy feedback (2016) and Dragu & Lupu's endgame (2018).

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
    loy = loyalty_of(
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
        readiness=drivers.readiness,
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


__all__ = [
    "REPRESSION_LEVELS",
    "FallMargins",
    "PolicyChoice",
    "PolicyOption",
    "choose_policy",
    "fall_margins",
    "policy_options",
    "predict_margins",
]
