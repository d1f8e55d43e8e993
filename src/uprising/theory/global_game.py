"""The global game of regime change: the unique monotone equilibrium's cutoffs.

Theory that no model runs, kept as a tested anchor (docs/MODEL.md, regime layer): the
Belarus regime layer solves its loyalty games as threshold cascades instead.
"""

from __future__ import annotations

from statistics import NormalDist


def global_game_cutoff(cost: float, sigma: float) -> tuple[float, float]:
    """Cutoffs of the global game of regime change.

    Morris & Shin (1998), American Economic Review 88(3); the static benchmark of
    Angeletos, Hellwig & Pavan (2007), Econometrica 75(3) [M: citations not checked
    against the papers; the maths is checked by test GG1]: attackers pay ``cost`` and
    win 1 if the regime falls (attacking mass >= strength theta); private signals
    x = theta + sigma * eps with an improper uniform prior. The unique monotone
    equilibrium: theta* = 1 - c and x* = theta* + sigma * Phi^-1(theta*). Test GG1:
    c = 0.2, sigma = 0.1 gives (0.8, 0.8842).

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


__all__ = ["global_game_cutoff"]
