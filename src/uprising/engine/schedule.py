"""The activation schedule: which agents act in what order within a tick.

Epstein (2002): "An agent or cop is selected at random (asynchronous activation)".
Every agent on the lattice acts once per tick. `Activation.RANDOM` draws a uniformly
random order over all of them (the paper's schedule, one block the size of the
lattice). `Activation.BLOCKED` cuts the torus into rectangular blocks and activates
them one after another in random order, each block's agents in random order; an agent
that moves into a later block has already acted and is not activated again.

When every block is at least twice the interaction reach wide (an agent moves up to
its vision, a cop then arrests up to its vision away, and the arrest updates the
counts seen by citizens up to their vision around the arrestee) and the number of blocks per
side is even, blocks with the same (column parity, row parity) cannot touch the same
cells. The tick is then four phases in random order, each phase's blocks run in
parallel; the result equals running them one by one in any order, so it is the same
whatever the number of threads. Otherwise each block is its own phase.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from uprising.engine.config import Activation, EngineConfig
from uprising.engine.neighbourhood import lane_bits, packed_spill, row_half_widths


@dataclass(frozen=True)
class Blocks:
    """A partition of the lattice into blocks grouped into phases.

    Attributes:
        x_edges: block column boundaries, ``nbx + 1`` cells.
        y_edges: block row boundaries, ``nby + 1`` cells.
        phase_ptr: CSR pointers into ``phase_blocks``, one phase after another.
        phase_blocks: block ids (``by * nbx + bx``) of every phase.
        parallel: whether the blocks of one phase may run concurrently.
    """

    x_edges: np.ndarray
    y_edges: np.ndarray
    phase_ptr: np.ndarray
    phase_blocks: np.ndarray
    parallel: bool

    @property
    def n_blocks(self) -> int:
        """Number of blocks."""
        return (len(self.x_edges) - 1) * (len(self.y_edges) - 1)

    @property
    def n_phases(self) -> int:
        """Number of phases per tick."""
        return len(self.phase_ptr) - 1


def interaction_reach(config: EngineConfig) -> int:
    """Cells an activation can read or write away from the agent's starting cell."""
    citizen = math.floor(config.citizen_vision + 1e-9)
    cop = math.floor(config.cop_vision + 1e-9)
    bits = lane_bits(row_half_widths(config.neighbourhood, config.citizen_vision))
    return max(citizen, cop) + cop + citizen + packed_spill(citizen, bits)


def _blocks_per_side(cells: int, block_size: int) -> int:
    n = max(1, cells // block_size)
    if n > 1 and n % 2 == 1:
        n -= 1  # parity colouring needs an even count across the seam of the torus
    return n


def _edges(cells: int, n: int) -> np.ndarray:
    return np.array([(i * cells) // n for i in range(n + 1)], dtype=np.int64)


def make_blocks(config: EngineConfig) -> Blocks:
    """Partition the lattice for the configured activation schedule."""
    if config.activation == Activation.RANDOM:
        nbx = nby = 1
    else:
        nbx = _blocks_per_side(config.width, config.block_size)
        nby = _blocks_per_side(config.height, config.block_size)
    x_edges = _edges(config.width, nbx)
    y_edges = _edges(config.height, nby)
    smallest = min(np.diff(x_edges).min(), np.diff(y_edges).min())
    reach = interaction_reach(config)
    by_parity = nbx % 2 == 0 and nby % 2 == 0 and smallest >= 2 * reach
    ids = np.arange(nbx * nby, dtype=np.int64)
    # with one block per phase there is nothing to share out: run the phases serially
    parallel = by_parity and nbx * nby > 4
    if by_parity:
        colour = (ids % nbx) % 2 + 2 * ((ids // nbx) % 2)
        groups = [ids[colour == k] for k in range(4)]
    else:
        groups = [ids[i : i + 1] for i in range(nbx * nby)]
    phase_ptr = np.zeros(len(groups) + 1, dtype=np.int64)
    phase_ptr[1:] = np.cumsum([len(g) for g in groups])
    return Blocks(x_edges, y_edges, phase_ptr, np.concatenate(groups), parallel)
