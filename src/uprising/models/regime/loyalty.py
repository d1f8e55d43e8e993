"""Loyalty of the regime's pillars: the selectorate's slack and the two defection cascades.

- Selectorate (`selectorate_slack`, `coalition_offer`): the slack K and the offer to the
  winning coalition, a closed form after Bueno de Mesquita et al. (2003) (docs/MODEL.md,
  selectorate; the form is ours, not a formula of the book).
- Security-force loyalty (`draw_base_costs`, `crowd_index`, `officer_cost_factor`,
  `thresholds`, `sorted_thresholds`, `cascade`): Dragu & Lupu (2018)'s coordination game
  of officers, solved as a Granovetter (1978) cascade that never goes back (a resigned
  officer does not return).
- Elite loyalty (`elite_cost_factor`): the same construction for the winning coalition.
- Russia's backstop (`expected_backstop`): the share of the threat officers and elite
  expect Moscow to remove, which raises both cascades' thresholds.
"""

from __future__ import annotations

import math

import numpy as np

from uprising.models.regime.params import RegimeParams

CHENOWETH_SHARE = 0.035
"""Chenoweth's 3.5 % participation share (Chenoweth & Stephan 2011): crowd index 1."""

# Iterations of the plain cascade map before `cascade` switches to its vectorised scan.
_CASCADE_JUMPS = 64

# ------------------------------------------------------------------------ selectorate


def _check_selectorate(ratio: float, discount: float) -> None:
    if not 0.0 <= ratio <= 1.0:
        raise ValueError(f"winning_coalition_ratio must be in [0, 1], got {ratio!r}")
    if not 0.0 <= discount < 1.0:
        raise ValueError(f"discount must be in [0, 1), got {discount!r}")


def selectorate_slack(revenue_usd_bn: float, ratio: float, discount: float) -> float:
    """Leader's slack K = R * delta * (1 - w) / (1 - delta * w) (docs/MODEL.md B3.3.3).

    The project's own closed form of selectorate theory (Bueno de Mesquita, Smith,
    Siverson & Morrow 2003, The Logic of Political Survival; the formula is not theirs):
    private goods only, infinite horizon, a challenger who promises all of R: K = R - W g*,
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

    The closed form of `selectorate_slack` (docs/MODEL.md B3.3.3): a member stays iff
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
    Dragu & Lupu (2018) coordination game as operationalised in docs/MODEL.md B3.3.4.
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

    Chenoweth & Stephan's 3.5 % "rule" (Chenoweth & Stephan 2011, Why Civil Resistance
    Works; the figure is Chenoweth's, a tendency not a law) as the unit: 1 when
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
    readiness: float = 0.0,
) -> float:
    """Common multiplier of all officers' base costs today: c_j(t) = c_j * factor (B.4).

    factor = (1 + cost_per_legitimacy_loss * max(0, legitimacy_start - L))
             * (1 + cost_per_crowd * crowd) * (1 + cost_if_troops_abroad * troops)
             * (1 - cost_cut_per_sabotage * min(1, sabotage_recent))
             * (1 + cost_per_readiness * readiness),
    crowd = participants_share / 0.035. Operationalisation of Dragu & Lupu (2018) in
    docs/MODEL.md B3.3.4: a larger, more legitimate-looking opposition and an unpopular
    war raise the cost of repressing; sabotage (radical flank, Moro 2016) lowers it; a
    ready opposition (organisation, a transition plan) makes defecting to it less costly
    and staying loyal more (Chenoweth & Stephan 2011, ch. 2). The multiplicative form and
    every coefficient are assumptions.

    Args:
        params: Regime parameters.
        legitimacy: L(t), the regime's legitimacy.
        participants_share: National share of citizens active today.
        troops_abroad: Whether troops are abroad.
        sabotage_recent: Sabotage events in the last 30 days per 1e6 people (capped at 1
            here).
        readiness: The opposition's readiness in [0, 1].

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
        * (1.0 + params.cost_per_readiness * readiness)
    )


def elite_cost_factor(
    params: RegimeParams,
    legitimacy: float,
    pay_index: float,
    western_recognition: float,
    readiness: float = 0.0,
) -> float:
    """Common multiplier of all elite members' base costs today (docs/MODEL.md: elite loyalty).

    factor = (1 + cost_per_shortfall * max(0, 1 - pay_index))
             * (1 + cost_per_recognition * omega)
             * (1 + cost_per_legitimacy_loss * max(0, legitimacy_start - L))
             * (1 + cost_per_readiness * readiness).
    The selectorate logic (Bueno de Mesquita et al. 2003: coalition members defect when
    the leader cannot pay them) put into the Dragu & Lupu (2018) threshold form; the form and
    coefficients are assumptions; the readiness term as for officers (Chenoweth & Stephan
    2011, ch. 2).

    Args:
        params: Regime parameters.
        legitimacy: L(t).
        pay_index: K(t) / K(0).
        western_recognition: omega in [0, 1], Western recognition of the opposition.
        readiness: The opposition's readiness in [0, 1].

    Returns:
        The cost factor (>= 0).
    """
    shortfall = max(0.0, 1.0 - pay_index)
    loss = max(0.0, params.legitimacy_start - legitimacy)
    return (
        (1.0 + params.cost_per_shortfall * shortfall)
        * (1.0 + params.cost_per_recognition * western_recognition)
        * (1.0 + params.cost_per_legitimacy_loss * loss)
        * (1.0 + params.cost_per_readiness * readiness)
    )


def expected_backstop(params: RegimeParams, russian_support: float) -> float:
    """The backstop B that officers and elite expect from Russia (docs/MODEL.md: security loyalty).

    B = russian_backstop * min(1, rho). Russia's decision rule: Moscow stands behind
    the regime with its police reserve and crisis loans (27 Aug 2020: Putin's reserve of
    police for Belarus; 14 Sep 2020: the Sochi loan, calibration CSV) to the extent that
    it still backs it at all, measured by the support index rho; a Russia that cuts its
    support (``russia-defeat``) withdraws the backstop with it. The proportional form is
    an assumption.

    Args:
        params: Regime parameters.
        russian_support: rho.

    Returns:
        B in [0, russian_backstop].
    """
    return params.russian_backstop * min(1.0, max(0.0, russian_support))


def thresholds(costs: np.ndarray, punishment: float, backstop: float = 0.0) -> np.ndarray:
    """Defection thresholds theta_j = min(1, max(0, 1 - c_j / p) / (1 - B)) (Dragu & Lupu 2018).

    Dragu & Lupu (2018), operationalised in docs/MODEL.md B3.3.4: disobedience is punished
    with p (1 - d), so j defects once the defected share d reaches 1 - c_j / p; theta is
    the Granovetter (1978) threshold in shares. With an outside backstop B (Russia's
    police reserve, `expected_backstop`) the regime keeps punishing as if only (1 - B) d
    had defected: punishment p (1 - (1 - B) d), so the threshold becomes
    (1 - c_j / p) / (1 - B), capped at 1. A punishment p <= 0 (no pay left to lose)
    makes every threshold 0.

    Args:
        costs: Today's costs c_j(t) (any order, >= 0).
        punishment: p(t).
        backstop: B in [0, 1).

    Returns:
        float64 array of thresholds in [0, 1], in the order of ``costs``.
    """
    costs = np.asarray(costs, dtype=np.float64)
    if not punishment > 0:
        return np.zeros_like(costs)
    theta = np.maximum(0.0, 1.0 - costs / punishment)
    if backstop > 0.0:
        theta = np.minimum(1.0, theta / (1.0 - backstop))
    return theta


def sorted_thresholds(
    sorted_base_costs: np.ndarray, factor: float, punishment: float, backstop: float = 0.0
) -> np.ndarray:
    """Today's thresholds in ascending order, from base costs sorted ascending (B.4).

    theta_j = min(1, max(0, 1 - c_j * factor / p) / (1 - B)) (`thresholds`). Every step
    of that map is a correctly rounded monotone operation, so ascending costs give
    descending thresholds and reversing them sorts them: O(n) per day instead of a sort.

    Args:
        sorted_base_costs: Base costs c_j, ascending (as `draw_base_costs` returns them).
        factor: Today's common cost factor (>= 0).
        punishment: p(t).
        backstop: B in [0, 1) (`expected_backstop`).

    Returns:
        Ascending float64 thresholds (a reversed view).
    """
    return thresholds(sorted_base_costs * factor, punishment, backstop)[::-1]


def cascade(sorted_thetas: np.ndarray, start: int) -> int:
    """Monotone Granovetter cascade in counts, started from the defectors so far (B.4).

    Granovetter (1978), AJS 83(6), with no return: with n agents and k of them
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


__all__ = [
    "CHENOWETH_SHARE",
    "cascade",
    "coalition_offer",
    "crowd_index",
    "draw_base_costs",
    "elite_cost_factor",
    "expected_backstop",
    "officer_cost_factor",
    "selectorate_slack",
    "sorted_thresholds",
    "thresholds",
]
