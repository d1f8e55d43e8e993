"""What follows a fall: the channel's name and a democratic or autocratic successor.

`fall_channel` names how the regime fell from the fall margins (`policy.fall_margins`)
and the state of the security forces; `democracy_probability` and `successor` decide
what follows (docs/MODEL.md, 'Fall', 'What follows a fall').
"""

from __future__ import annotations

import math

import numpy as np

from uprising.models.regime.params import RegimeParams

READINESS_MIDPOINT = 0.5
"""Readiness at which a fall is followed by democracy at the base rate: the middle of
readiness's 0-1 scale stands for the average opposition of the GWF sample (assumption)."""


def democracy_probability(params: RegimeParams, readiness: float) -> float:
    """P(the successor is a democracy) given the opposition's readiness at the fall.

    logit P = logit(democracy_base_rate) + transition_per_readiness
              * (readiness - 0.5).
    Of the personalist regimes that fell in 1946-2010, 36 % were followed by democracy
    (Geddes, Wright & Frantz 2014, GWF v1.2; shared/data/base_rates.csv); an organised
    opposition with a plan makes a democratic outcome likelier (Chenoweth & Stephan
    2011, ch. 8: successful civil-resistance campaigns far more often end in democracy
    five years on). The logistic form and its slope are assumptions.

    Args:
        params: Regime parameters.
        readiness: The opposition's readiness in [0, 1] on the day of the fall.

    Returns:
        The probability in (0, 1).
    """
    base = params.democracy_base_rate
    logit = math.log(base / (1.0 - base)) + params.transition_per_readiness * (
        readiness - READINESS_MIDPOINT
    )
    return 1.0 / (1.0 + math.exp(-logit))


def successor(params: RegimeParams, readiness: float, seed: np.random.SeedSequence | int) -> str:
    """Draw what follows a fall: ``"democracy"`` or ``"autocracy"``.

    One uniform draw from a Generator on ``seed`` only, compared with
    `democracy_probability`, so a recorded seed gives the same successor.

    Args:
        params: Regime parameters.
        readiness: The opposition's readiness on the day of the fall.
        seed: SeedSequence or int.

    Returns:
        ``"democracy"`` or ``"autocracy"``.
    """
    draw = np.random.default_rng(seed).random()
    return "democracy" if draw < democracy_probability(params, readiness) else "autocracy"


def fall_channel(
    defection_margin: float, elite_margin: float, mobilisation_margin: float
) -> str | None:
    """Name the channel of a fall from today's margins (first one reached wins), or None.

    ``security_defection``: the officers' cascade passed its fall share;
    ``elite_split``: the elite's cascade passed its share while the security forces
    still held: insiders remove the ruler with the forces intact, the model's coup (the
    commonest end of personalist regimes, 42 % of their failures in 1946-2010 were
    military coups, GWF v1.2, shared/data/base_rates.csv);
    ``mobilisation``: the street outnumbers the loyal forces (the fall ratio).
    The order (forces, then elite, then street) is ours.

    Args:
        defection_margin: 1 - d / defection_fall_share.
        elite_margin: 1 - e / elite_fall_share.
        mobilisation_margin: 1 - q / mobilisation_ratio (pass 1 while the window is not
            yet full).

    Returns:
        The channel, or None while every margin is positive.
    """
    if defection_margin <= 0:
        return "security_defection"
    if elite_margin <= 0:
        return "elite_split"
    if mobilisation_margin <= 0:
        return "mobilisation"
    return None


__all__ = ["READINESS_MIDPOINT", "democracy_probability", "fall_channel", "successor"]
