"""The behavioural rules of Epstein's Model I as pure functions (Epstein 2002, PNAS 99 suppl. 3).

These are compiled with Numba; the kernels call the arrest-probability functions, so the
exact tests (E1, E4, E5) exercise the very code the engine runs. Rule A's inequality
(`is_active`) is written out again in `kernels._decide`, where a call measured slower.
"""

from __future__ import annotations

import math

from numba import njit

from uprising.engine.config import RatioRule

LITERAL = int(RatioRule.LITERAL)
FLOOR = int(RatioRule.FLOOR)
ROUND_HALF_EVEN = int(RatioRule.ROUND_HALF_EVEN)


@njit(cache=True)
def cop_to_active_ratio(cops: int, actives: int, ratio_rule: int) -> float:
    """The ratio (C/A) as it enters the arrest probability.

    Args:
        cops: C, cops in vision.
        actives: A, 1 + actives in vision (A >= 1).
        ratio_rule: `RatioRule` code: LITERAL gives C/A (Epstein 2002); FLOOR gives
            floor(C/A) (NetLogo Rebellion, Wilensky 2004); ROUND_HALF_EVEN gives
            Python's round(C/A), ties to even (Mesa >= 3.0).
    """
    if ratio_rule == LITERAL:
        return cops / actives
    if 2 * cops < actives:  # below one half: 0 under both rounding rules, no division
        return 0.0
    q = cops // actives
    if ratio_rule == FLOOR:
        return float(q)
    # exact integer banker's rounding of cops / actives
    twice_rem = 2 * (cops - q * actives)
    if twice_rem > actives or (twice_rem == actives and q % 2 == 1):
        q += 1
    return float(q)


@njit(cache=True)
def arrest_probability(cops: int, actives: int, k: float, ratio_rule: int) -> float:
    """Estimated arrest probability P = 1 - exp(-k (C/A)) (Epstein 2002, rule A).

    Args:
        cops: C, cops in vision.
        actives: A, 1 + actives in vision.
        k: the arrest constant (2.3 in every implementation; ln 10 in the paper's text).
        ratio_rule: see `cop_to_active_ratio`.
    """
    ratio = cop_to_active_ratio(cops, actives, ratio_rule)
    if ratio == 0.0:  # the common case under the floor and round rules: skip exp
        return 0.0
    return 1.0 - math.exp(-k * ratio)


@njit(cache=True)
def is_active(
    hardship: float,
    legitimacy: float,
    risk_aversion: float,
    probability: float,
    threshold: float,
) -> bool:
    """Agent rule A: active iff G - N > T, with G = H (1 - L) and N = R P (strict)."""
    grievance = hardship * (1.0 - legitimacy)
    return grievance - risk_aversion * probability > threshold
