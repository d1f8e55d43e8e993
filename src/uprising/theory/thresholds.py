"""Threshold cascades: Granovetter's riot model and Kuran's revolutionary thresholds.

Theory that no model runs: the exact threshold dynamics the papers describe, kept as
tested anchors (docs/MODEL.md, 3.3.8) for the simulator's cascades (the regime layer's
officers and elite cascade through `uprising.models.regime.loyalty.cascade`, whose tests
compare it with `cascade_equilibrium`).

Sources:
    Granovetter, M. (1978). Threshold models of collective behavior. *American Journal
    of Sociology* 83(6): 1420-1443. Person i has a threshold theta_i, "the proportion
    of the group he would have to see join before he would do so"; with
    F(x) = #{i : theta_i <= x}, the synchronous process is "described by the difference
    equation r(t + 1) = F[r(t)]", and with no removal of participants "an equilibrium
    will always be reached": the point where F first crosses the 45-degree line from
    above. Quotes via ndouglas/SugarScape, docs/superpowers/specs/2026-09-27-thresholds-design.md
    [S].

    Kuran, T. (1991). Now out of never: The element of surprise in the East European
    revolution of 1989. *World Politics* 44(1): 7-48. Person i has a revolutionary
    threshold tau_i in percent: she opposes the regime publicly iff the perceived public
    opposition S satisfies S >= tau_i; equilibria are the fixed points
    S* = 100 * #{i : tau_i <= S*} / n, reached from the status quo by iteration
    (graded [M], the standard form of the model, not checked against the text: the rule
    is Granovetter's map with thresholds in percent).

Units. `cascade_equilibrium` and `crowd_equilibria` count persons: r(t) is the number
of people acting and theta_i is a number of people (real-valued thresholds are allowed:
person i acts when r >= theta_i; a threshold of 0 or below means acting
unconditionally, as Granovetter suggests for thresholds below zero; ``inf`` means
never). `public_opposition_equilibrium` works in percent of the population (Kuran).
`continuous_cascade_equilibrium` iterates a continuous F given as a callable
(Granovetter's Figure 2: F(r) = N * Phi((r - 25) / sigma)).

All dynamics are synchronous (everyone reacts to r(t) at once), as in both papers.
Nothing here draws random numbers except `sample_uniform_crowds`, which takes a
``random_state`` and turns it into its own generator.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

import numpy as np

__all__ = [
    "CascadeResult",
    "cascade_equilibrium",
    "continuous_cascade_equilibrium",
    "critical_sigma",
    "crowd_equilibria",
    "normal_quantile_crowd",
    "normal_threshold_cdf",
    "public_opposition_equilibrium",
    "sample_uniform_crowds",
]

Rounding = Literal["exact", "floor", "nearest"]
CrowdKind = Literal["continuous", "exact", "floor", "nearest"]

_ROUNDINGS: tuple[str, ...] = ("exact", "floor", "nearest")
# Rows of crowds solved at once by `crowd_equilibria`: bounds the count table's memory
# (rows x (n_people + 2) int32) at a few MB whatever the number of crowds.
_CHUNK_ROWS = 8192
# Defaults of the continuous iteration (see `continuous_cascade_equilibrium`).
_CDF_TOL = 1e-10
_CDF_MAX_STEPS = 10_000_000


@dataclass(frozen=True)
class CascadeResult:
    """Outcome of a synchronous threshold cascade.

    Attributes:
        equilibrium: The fixed point reached, r* = F(r*), in the units of the call
            (persons for `cascade_equilibrium`, percent for
            `public_opposition_equilibrium`, the CDF's units for
            `continuous_cascade_equilibrium`).
        path: The trajectory r(0), r(1), ..., r(T); its last element is
            ``equilibrium`` (when converged).
        converged: False only when `continuous_cascade_equilibrium` hit ``max_steps``
            before the step size fell below ``tol``; then ``equilibrium`` is the last
            iterate, not a fixed point. Discrete cascades always converge (at most
            n + 1 steps, since the path is monotone on a finite set).
    """

    equilibrium: float
    path: tuple[float, ...]
    converged: bool = True

    @property
    def steps(self) -> int:
        """Number of synchronous updates taken, T = len(path) - 1."""
        return len(self.path) - 1


def _as_thresholds(thresholds: np.ndarray | list[float], ndim: int) -> np.ndarray:
    """Validate thresholds: numeric, ``ndim``-dimensional, no NaN (``inf`` is allowed)."""
    arr = np.asarray(thresholds)
    if arr.ndim != ndim:
        raise ValueError(f"thresholds must be {ndim}-dimensional, got shape {arr.shape}")
    if not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(f"thresholds must be numeric, got dtype {arr.dtype}")
    if arr.size == 0 or arr.shape[-1] == 0:
        raise ValueError("thresholds must describe at least one person")
    if np.issubdtype(arr.dtype, np.floating) and np.isnan(arr).any():
        raise ValueError("thresholds contain NaN")
    return arr


def cascade_equilibrium(thresholds: np.ndarray | list[float], initial: int = 0) -> CascadeResult:
    """Run Granovetter's cascade on a finite crowd and return its equilibrium and path.

    Granovetter's (1978) synchronous riot dynamics on a finite crowd, thresholds in
    persons: r(t + 1) = F[r(t)] with F(x) = #{i : theta_i <= x}, iterated from
    r(0) = ``initial`` until r(t + 1) = r(t). From r(0) = 0 the path is nondecreasing
    and stops where F first crosses the 45-degree line from above. Granovetter's
    uniform crowd (0, 1, ..., 99) gives 100 rioters; moving the person with threshold
    1 to threshold 2 gives 1 rioter (docs/VALIDATION.md, G1, G2).

    Args:
        thresholds: One threshold per person, in persons (the number of others he must
            see acting). Real values are allowed (person i acts when r >= theta_i);
            values <= 0 act unconditionally; ``inf`` never acts. NaN is an error.
        initial: r(0), the number acting before the first update (default 0: nobody;
            the instigators with threshold <= 0 then start the cascade). Must be an
            integer in [0, n].

    Returns:
        A `CascadeResult` whose ``equilibrium`` and ``path`` are integer counts.

    Raises:
        ValueError: empty or NaN thresholds, or ``initial`` outside [0, n].
    """
    theta = np.sort(_as_thresholds(thresholds, 1))
    n = theta.size
    if int(initial) != initial or not 0 <= initial <= n:
        raise ValueError(f"initial must be an integer in [0, {n}], got {initial!r}")
    # The path is monotone on {0..n}, so it settles within n + 1 updates.
    return _settle(theta, int(initial), level_of_count=int)


def public_opposition_equilibrium(
    revolutionary_thresholds: np.ndarray | list[float], initial: float = 0.0
) -> CascadeResult:
    """Run Kuran's revolutionary-threshold cascade; public opposition in percent.

    Kuran's (1991) revolutionary-threshold model: person i supports the opposition
    publicly iff the perceived public opposition S (percent of the population) satisfies
    S >= tau_i. Iterates S(t + 1) = 100 * #{i : tau_i <= S(t)} / n from the status quo
    S(0) = ``initial`` to the fixed point S* = 100 * #{i : tau_i <= S*} / n. This is
    Granovetter's map with thresholds in percent (Kuran 1991, [M]).

    Kuran's (1991) ten-person illustration, numbers recalled, not checked against
    pp. 17-20 of the paper (test K1, graded [M]):
    thresholds A = (0, 20, 20, 30, 40, 50, 60, 70, 80, 100) settle at 10 %; lowering
    the second person's threshold to 10 gives A' = (0, 10, 20, ..., 80, 100) and 90 %.
    The arithmetic is checked; the numbers are not confirmed as Kuran's, because the
    primary text (pp. ~17-20) could not be read here (stored copies give only the
    article's opening section).

    Args:
        revolutionary_thresholds: One threshold per person, in percent (normally in
            [0, 100]; above 100 never joins, at or below 0 always joins). NaN is an
            error.
        initial: S(0), the public opposition perceived before the first update, in
            percent (default 0.0, the status quo with nobody in open opposition).

    Returns:
        A `CascadeResult` whose ``equilibrium`` and ``path`` are in percent; after the
        first update every value is a multiple of 100 / n.

    Raises:
        ValueError: empty or NaN thresholds, or a non-finite or negative ``initial``.
    """
    tau = np.sort(_as_thresholds(revolutionary_thresholds, 1).astype(np.float64))
    n = tau.size
    if not math.isfinite(initial) or initial < 0:
        raise ValueError(f"initial must be a finite percentage >= 0, got {initial!r}")
    # Every iterate after the first is 100 * k / n computed the same way, so a repeated
    # count gives a bit-identical value and the fixed-point test is exact.
    return _settle(tau, float(initial), level_of_count=lambda k: 100.0 * k / n)


def _settle(
    sorted_thresholds: np.ndarray, start: float, level_of_count: Callable[[int], float]
) -> CascadeResult:
    """Iterate level(t + 1) = level_of_count(#{thresholds <= level(t)}) to its fixed point.

    The map is monotone on a finite set of levels, so it settles within n + 1 updates.
    """
    level = start
    path = [level]
    for _ in range(sorted_thresholds.size + 2):
        nxt = level_of_count(int(np.searchsorted(sorted_thresholds, level, side="right")))
        if nxt == level:
            return CascadeResult(equilibrium=level, path=tuple(path))
        path.append(nxt)
        level = nxt
    raise AssertionError("unreachable: a monotone cascade on a finite crowd settles")


def continuous_cascade_equilibrium(
    cdf: Callable[[float], float],
    initial: float = 0.0,
    *,
    tol: float = _CDF_TOL,
    max_steps: int = _CDF_MAX_STEPS,
) -> CascadeResult:
    """Iterate r(t + 1) = F[r(t)] for a continuous threshold CDF F to its fixed point.

    Granovetter's (1978) difference equation r(t + 1) = F[r(t)] for a continuous,
    nondecreasing F given as a callable (his Figure 2 uses
    F(r) = 100 * Phi((r - 25) / sigma); see `normal_threshold_cdf`). The path is
    monotone, so it converges to the first fixed point in its direction.

    Args:
        cdf: F, the number (or share) of people whose threshold is <= r, in the same
            units as r. Must be nondecreasing.
        initial: r(0) (default 0.0).
        tol: Stop when |r(t + 1) - r(t)| <= tol (default 1e-10); the last iterate is the
            equilibrium. Near a tangency of F with the diagonal the steps are tiny but
            positive for a long stretch (a "bottleneck"): a step below ``tol`` there is
            read as a fixed point, which shifts a critical sigma found with
            `critical_sigma` by about 1e-8 at the default.
        max_steps: Give up after this many updates (default 10**7) and return
            ``converged=False``.

    Returns:
        A `CascadeResult` with float ``equilibrium`` and the full ``path`` (long near a
        tangency: one entry per update).

    Raises:
        ValueError: if ``cdf`` returns a non-finite value or ``tol`` is not positive.
    """
    path: list[float] = []
    equilibrium, converged = _iterate_cdf(cdf, float(initial), tol, max_steps, path)
    return CascadeResult(equilibrium=equilibrium, path=tuple(path), converged=converged)


def _iterate_cdf(
    cdf: Callable[[float], float],
    r: float,
    tol: float,
    max_steps: int,
    path: list[float] | None,
) -> tuple[float, bool]:
    """Iterate r <- cdf(r) until a step is <= tol; return (last iterate, converged).

    Appends every iterate to ``path`` unless it is None (the bisection in
    `critical_sigma` skips the path: near sigma_c it runs to ~10**5-10**6 steps).
    """
    if not tol > 0:
        raise ValueError(f"tol must be positive, got {tol!r}")
    if path is not None:
        path.append(r)
    for _ in range(max_steps):
        nxt = float(cdf(r))
        if not math.isfinite(nxt):
            raise ValueError(f"cdf({r!r}) returned {nxt!r}")
        if path is not None:
            path.append(nxt)
        if abs(nxt - r) <= tol:
            return nxt, True
        r = nxt
    return r, False


def normal_threshold_cdf(
    sigma: float, mean: float = 25.0, n_people: float = 100.0
) -> Callable[[float], float]:
    """Return F(r) = n_people * Phi((r - mean) / sigma), Granovetter's Figure 2 crowd.

    Granovetter's (1978) Figure 2 population: thresholds normally distributed with
    ``mean`` and standard deviation ``sigma`` in a crowd of ``n_people``, so that
    F(r) = n_people * Phi((r - mean) / sigma). Thresholds below zero count as zero and
    above n_people as never (Granovetter); for r in [0, n_people] the plain normal CDF
    already gives that dynamics from r(0) = 0.

    Args:
        sigma: Standard deviation of thresholds, in persons (> 0).
        mean: Mean threshold, in persons (default 25, Granovetter's).
        n_people: Crowd size N (default 100, Granovetter's).

    Returns:
        F as a plain Python callable of one float (uses ``math.erfc``: fast in a scalar
        loop, no SciPy needed).
    """
    if not sigma > 0:
        raise ValueError(f"sigma must be positive, got {sigma!r}")
    scale = 1.0 / (sigma * math.sqrt(2.0))
    half_n = 0.5 * n_people

    def cdf(r: float) -> float:
        return half_n * math.erfc((mean - r) * scale)

    return cdf


def normal_quantile_crowd(
    sigma: float, mean: float = 25.0, n_people: int = 100, rounding: Rounding = "exact"
) -> np.ndarray:
    """Return a crowd whose thresholds are the normal's (i + 1/2)/N quantiles.

    A discrete crowd for Granovetter's (1978) Figure 2: person i (i = 0..N-1) gets the
    (i + 1/2)/N quantile of Normal(mean, sigma) as threshold, in persons. Granovetter
    does not say how his 100 people's thresholds were made whole; the tipping sigma
    depends on it (docs/VALIDATION.md G4, [V]): 12.55 as is, 11.89 floored, 12.22 rounded
    to the nearest person (his "approximately 12.2").

    Args:
        sigma: Standard deviation of thresholds, in persons (> 0).
        mean: Mean threshold, in persons (default 25).
        n_people: Crowd size N (default 100).
        rounding: ``"exact"`` keeps the real quantiles (person i acts when r >= theta_i,
            i.e. at ceil(theta_i) others); ``"floor"`` rounds down to whole persons;
            ``"nearest"`` rounds to the nearest whole person, halves up
            (floor(theta + 1/2); a tie only occurs at isolated sigmas).

    Returns:
        Sorted float64 array of N thresholds (integer-valued unless ``"exact"``).
    """
    if not sigma > 0:
        raise ValueError(f"sigma must be positive, got {sigma!r}")
    if rounding not in _ROUNDINGS:
        raise ValueError(f"rounding must be one of {_ROUNDINGS}, got {rounding!r}")
    dist = NormalDist(mean, sigma)
    theta = np.array([dist.inv_cdf((i + 0.5) / n_people) for i in range(n_people)])
    if rounding == "floor":
        theta = np.floor(theta)
    elif rounding == "nearest":
        theta = np.floor(theta + 0.5)
    return theta


def critical_sigma(
    mean: float = 25.0,
    n_people: int = 100,
    *,
    crowd: CrowdKind = "continuous",
    lower: float = 1.0,
    upper: float = 50.0,
    xtol: float = 1e-9,
) -> float:
    """Find by bisection the threshold spread sigma_c at which a normal crowd tips.

    The tipping point of Granovetter's (1978) Figure 2 found by bisection: the smallest
    spread sigma of normally distributed thresholds at which the cascade from r(0) = 0
    runs past half the crowd. "Up until a critical point, sigma_c, the equilibrium
    number of rioters increases gradually to about six. Then after this point,
    approximately 12.2, the value of r_inf jumps to nearly 100." With mean 25 and
    N = 100: 12.2221 for the continuous F, and 12.55 / 11.89 / 12.22 for the quantile
    crowd made whole exactly / floored / to the nearest person (docs/VALIDATION.md G3, G4).

    Below sigma_c a fixed point below the mean stops the cascade; F(r) for r < mean
    grows with sigma, so once that low fixed point has vanished it stays gone, and the
    cascade then ends above N/2 (at least half the thresholds lie below the mean).
    The predicate "equilibrium > N/2" is therefore monotone in sigma on the bracket.

    Args:
        mean: Mean threshold, in persons (default 25).
        n_people: Crowd size N (default 100).
        crowd: ``"continuous"`` iterates F = N * Phi((r - mean) / sigma) with
            `continuous_cascade_equilibrium`; ``"exact"``, ``"floor"`` or ``"nearest"``
            use the discrete `normal_quantile_crowd` with that rounding.
        lower: Bracket start; the crowd must not tip there (default 1.0).
        upper: Bracket end; the crowd must tip there (default 50.0).
        xtol: Stop when the bracket is narrower than this (default 1e-9). For the
            continuous crowd the answer is only good to about 1e-8 (see ``tol`` of
            `continuous_cascade_equilibrium`).

    Returns:
        The midpoint of the final bracket. For a discrete crowd this is where one
        threshold crosses a whole number, to within ``xtol``.

    Raises:
        ValueError: if the crowd already tips at ``lower`` or does not tip at ``upper``.
        RuntimeError: if a continuous cascade does not settle within 10**7 steps.
    """
    if crowd not in ("continuous", *_ROUNDINGS):
        raise ValueError(f"crowd must be 'continuous' or one of {_ROUNDINGS}, got {crowd!r}")
    half = n_people / 2.0

    def tipped(sigma: float) -> bool:
        if crowd == "continuous":
            cdf = normal_threshold_cdf(sigma, mean, n_people)
            r_inf, converged = _iterate_cdf(cdf, 0.0, _CDF_TOL, _CDF_MAX_STEPS, None)
            if not converged:
                raise RuntimeError(f"cascade at sigma={sigma!r} did not converge")
            return r_inf > half
        theta = normal_quantile_crowd(sigma, mean, n_people, rounding=crowd)
        return cascade_equilibrium(theta).equilibrium > half

    if tipped(lower):
        raise ValueError(f"the crowd already tips at lower={lower!r}; lower the bracket")
    if not tipped(upper):
        raise ValueError(f"the crowd does not tip at upper={upper!r}; raise the bracket")
    lo, hi = float(lower), float(upper)
    while hi - lo > xtol:
        mid = 0.5 * (lo + hi)
        if tipped(mid):
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)


def sample_uniform_crowds(
    n_crowds: int,
    n_people: int = 100,
    *,
    n_levels: int = 100,
    random_state: int | np.random.SeedSequence | np.random.Generator | None = None,
) -> np.ndarray:
    """Draw crowds whose thresholds are uniform on {0, ..., n_levels - 1} (vectorised).

    Granovetter's (1978) crowds drawn from a uniform city: each of ``n_people`` gets a
    threshold drawn independently and uniformly from {0, 1, ..., n_levels - 1} (in
    persons, or equivalently percent for a crowd of 100). He computes that a crowd of
    100 has no instigator (no zero) with probability (1 - 1/100)^100 = .37, and one
    instigator but nobody at 1 with probability .14: "in over half the cases
    (.37 + .14 = .51) the equilibrium result is either no rioters or one rioter"
    (docs/VALIDATION.md G5). Solve the crowds with `crowd_equilibria`.

    Args:
        n_crowds: Number of independent crowds (rows).
        n_people: Crowd size (columns; default 100).
        n_levels: Thresholds take values 0..n_levels - 1 (default 100).
        random_state: Seed, ``SeedSequence`` or ``Generator``, passed to
            ``numpy.random.default_rng`` (default None: fresh OS entropy, not
            reproducible).

    Returns:
        int32 array of shape (n_crowds, n_people).
    """
    if n_crowds < 0 or n_people < 1 or n_levels < 1:
        raise ValueError("need n_crowds >= 0, n_people >= 1 and n_levels >= 1")
    rng = np.random.default_rng(random_state)
    return rng.integers(0, n_levels, size=(n_crowds, n_people), dtype=np.int32)


def crowd_equilibria(thresholds: np.ndarray, initial: int = 0) -> np.ndarray:
    """Solve many crowds at once: the cascade equilibrium of each row of thresholds.

    `cascade_equilibrium` for many crowds at once: each row of ``thresholds`` is one
    crowd (thresholds in persons, same rules), all iterated synchronously from
    r(0) = ``initial``. Vectorised: per row, a table F[k] = #{theta <= k} for
    k = 0..n is built (person i acts at k >= ceil(theta_i) others), then r <- F[r] is
    applied to all rows until none changes (at most n + 1 rounds).

    Args:
        thresholds: Array of shape (n_crowds, n_people); NaN is an error.
        initial: r(0) for every crowd, an integer in [0, n_people] (default 0).

    Returns:
        int64 array of shape (n_crowds,): the equilibrium number acting per crowd.
    """
    theta = _as_thresholds(thresholds, 2)
    n_crowds, n = theta.shape
    if int(initial) != initial or not 0 <= initial <= n:
        raise ValueError(f"initial must be an integer in [0, {n}], got {initial!r}")
    out = np.empty(n_crowds, dtype=np.int64)
    width = n + 2  # bins 0..n, plus n + 1 for "never within this crowd"
    for start in range(0, n_crowds, _CHUNK_ROWS):
        block = theta[start : start + _CHUNK_ROWS]
        rows = block.shape[0]
        if np.issubdtype(block.dtype, np.integer):
            need = np.clip(block, 0, n + 1).astype(np.int64)
        else:
            need = np.clip(np.ceil(block), 0, n + 1).astype(np.int64)
        flat = (need + (np.arange(rows, dtype=np.int64) * width)[:, None]).ravel()
        hist = np.bincount(flat, minlength=rows * width).reshape(rows, width)
        table = np.cumsum(hist, axis=1, dtype=np.int32)[:, : n + 1]
        r = np.full(rows, int(initial), dtype=np.int64)
        idx = np.arange(rows)
        for _ in range(n + 2):
            nxt = table[idx, r].astype(np.int64)
            if np.array_equal(nxt, r):
                break
            r = nxt
        out[start : start + rows] = r
    return out
