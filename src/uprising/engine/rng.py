"""Counter-based random streams for the compiled kernels.

One owner of randomness per run: the run's seed goes through
`numpy.random.SeedSequence`, which spawns one child per phase of the step
(population, schedule, activation, jail, timeline). Each child gives a 64-bit key.
Inside a phase, every unit of work (a tick, a spatial block) derives its own stream
from (key, tick, block) with the SplitMix64 mixing function (Steele, Lea & Flood,
"Fast splittable pseudorandom number generators", OOPSLA 2014), so that results do
not depend on how the work is spread over threads.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_ONE = np.uint64(1)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53

PHASES = ("population", "schedule", "activation", "jail", "timeline")


def phase_keys(seed: int) -> dict[str, np.uint64]:
    """Return one 64-bit key per phase of the step, spawned from ``seed``.

    Args:
        seed: the run's seed, a non-negative integer.

    Returns:
        A dict from phase name (`PHASES`) to a ``numpy.uint64`` key.
    """
    if not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed = {seed!r}: must be a non-negative integer")
    children = np.random.SeedSequence(int(seed)).spawn(len(PHASES))
    return {
        name: np.uint64(child.generate_state(1, dtype=np.uint64)[0])
        for name, child in zip(PHASES, children, strict=True)
    }


@njit(inline="always", cache=True)
def mix64(z):
    """SplitMix64 finaliser: a bijective avalanche of a 64-bit word."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(inline="always", cache=True)
def new_stream(key, a, b):
    """Return the state (a 1-element uint64 array) of the stream for work unit (a, b)."""
    state = np.empty(1, dtype=np.uint64)
    s = mix64(key + _GAMMA * (np.uint64(a) + _ONE))
    state[0] = mix64(s + _GAMMA * (np.uint64(b) + _ONE))
    return state


@njit(inline="always", cache=True)
def next_u64(state):
    """Advance the stream and return 64 random bits."""
    state[0] += _GAMMA
    return mix64(state[0])


@njit(inline="always", cache=True)
def uniform(state):
    """Return a float64 uniform on [0, 1) with 53 random bits."""
    return np.float64(next_u64(state) >> _S11) * _TO_UNIT


@njit(inline="always", cache=True)
def below(state, n):
    """Return an integer uniform on {0, ..., n-1}; n >= 1 (bias below n / 2**53)."""
    return np.int64(uniform(state) * n)
