"""The data of a run of the engine: its series, its initial lattice, the views and
the jail store that a model's compiled passes share with it.

- `Series` (columns `SERIES_COLUMNS`): the record of a run, one element per tick;
- `InitialState`: a prepared lattice to start from (`uprising.population`);
- `Lattice`: views of the lattice and its maintained fields;
- `JailStore`: the citizens held off the lattice;
- `Stream`: a random stream named by its (key, a, b) (`rng.new_stream`).
"""  # noqa: D205

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, Protocol

import numpy as np

SERIES_COLUMNS = ("tick", "active", "quiet", "jailed", "cops", "arrests", "switches", "legitimacy")


@dataclass(frozen=True)
class Series:
    """The record of a run, one element per completed tick.

    Attributes:
        tick: the tick just completed, 1-based.
        active: active citizens on the lattice at the end of the tick.
        quiet: quiet citizens on the lattice (not jailed) at the end of the tick.
        jailed: citizens in jail at the end of the tick (after releases).
        cops: cops on the lattice.
        arrests: arrests made during the tick.
        switches: decisions during the tick that changed a citizen's public state.
        legitimacy: legitimacy L in force during the tick.
    """

    tick: np.ndarray
    active: np.ndarray
    quiet: np.ndarray
    jailed: np.ndarray
    cops: np.ndarray
    arrests: np.ndarray
    switches: np.ndarray
    legitimacy: np.ndarray

    def columns(self) -> dict[str, np.ndarray]:
        """The series as a dict of equal-length arrays, in `SERIES_COLUMNS` order."""
        return {name: getattr(self, name) for name in SERIES_COLUMNS}

    def __len__(self) -> int:
        return len(self.tick)


class InitialState(Protocol):
    """A prepared lattice (see `uprising.population`): one entry per cell."""

    kind: np.ndarray  # uint8: kernels.EMPTY, QUIET or COP
    hardship: np.ndarray  # float32; negative for a convinced opponent (Modifiers)
    risk_aversion: np.ndarray  # float32


class Lattice(NamedTuple):
    """Views of a run's lattice for a model's compiled passes (arrays shared, not copied).

    Attributes:
        kind: per cell, its kind (kernels.KIND bits) and acted parity (kernels.ACTED).
        hardship: per cell, the hardship H of its citizen (negative: a convinced opponent).
        risk_aversion: per cell, the risk aversion R of its citizen.
        ident: per cell, the identity of its occupant (-1 when empty).
        width: lattice width, cells.
        height: lattice height, cells.
        vision: half widths of the rows of a citizen's vision (`neighbourhood`).
        masks: the packed fields' update masks (`neighbourhood.swar_masks`).
        cops_words: the field of cops seen, as packed 64-bit words (`kernels.disc_add`).
        actives_words: the field of active citizens seen, as packed 64-bit words.
    """

    kind: np.ndarray
    hardship: np.ndarray
    risk_aversion: np.ndarray
    ident: np.ndarray
    width: int
    height: int
    vision: np.ndarray
    masks: np.ndarray
    cops_words: np.ndarray
    actives_words: np.ndarray


@dataclass(eq=False)
class JailStore:
    """The citizens held off the lattice (JailedOnGrid.REMOVED and TRANSPARENT).

    Entries ``0 .. n - 1`` of each array are held; a compiled pass that jails a citizen
    appends at ``n`` and returns the new count, which its caller stores in ``n``.

    Attributes:
        hardship: the citizen's hardship H.
        risk_aversion: the citizen's risk aversion R.
        ident: the citizen's identity.
        time: jail time left, ticks (kernels.INFINITE_TERM: never released).
        home: the cell the citizen was arrested on.
        tier: 1 for a criminal term (JailTerm.TWO_TIER), else 0.
        n: the number of citizens held.
    """

    hardship: np.ndarray
    risk_aversion: np.ndarray
    ident: np.ndarray
    time: np.ndarray
    home: np.ndarray
    tier: np.ndarray
    n: int = 0

    @classmethod
    def empty(cls, capacity: int) -> JailStore:
        """A store with room for ``capacity`` citizens, none held."""
        return cls(
            np.zeros(capacity, dtype=np.float32),
            np.zeros(capacity, dtype=np.float32),
            np.zeros(capacity, dtype=np.int32),
            np.zeros(capacity, dtype=np.int32),
            np.zeros(capacity, dtype=np.int64),
            np.zeros(capacity, dtype=np.uint8),
        )

    def arrays(self) -> tuple[np.ndarray, ...]:
        """The store's arrays in the kernels' argument order (hardship .. tier)."""
        return (self.hardship, self.risk_aversion, self.ident, self.time, self.home, self.tier)


Stream = tuple[int, int, int]
"""A counter-based random stream named by the caller: (key, a, b) of `rng.new_stream`."""


__all__ = ["SERIES_COLUMNS", "InitialState", "JailStore", "Lattice", "Series", "Stream"]
