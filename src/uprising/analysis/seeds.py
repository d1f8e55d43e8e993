"""The seed rule of ensembles: which seed run k of an ensemble with root seed s has.

    run_seed(s, k) == run_seeds(s, total)[k]
    check_seeds(s, ks, seeds)          # how many recorded seeds break the rule

Run k's seed is the first 64-bit word of child k of ``numpy.random.SeedSequence(s)``,
shifted right by one bit (a non-negative int64): `SEED_RULE`. The child is
``SeedSequence(s, spawn_key=(k,))``, the same as ``SeedSequence(s).spawn(total)[k]``
for any total > k, so a run's seed does not depend on the size of its ensemble.
`uprising.experiment.plan_ensemble` gives the seeds by this rule and the report checks
the recorded seeds against it.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

__all__ = ["SEED_RULE", "check_seeds", "run_seed", "run_seeds"]

SEED_RULE = (
    "int(numpy.random.SeedSequence(s).spawn(total)[k].generate_state(1, "
    "dtype=numpy.uint64)[0] >> 1)"
)
"""The rule as Python: the seed of run k of an ensemble with root seed s."""


def run_seed(root: int, k: int) -> int:
    """The seed of run ``k`` of an ensemble with root seed ``root`` (`SEED_RULE`)."""
    child = np.random.SeedSequence(int(root), spawn_key=(int(k),))
    return int(child.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


def run_seeds(root: int, total: int) -> list[int]:
    """The seeds of runs 0 .. total - 1 of an ensemble with root seed ``root``."""
    return [run_seed(root, k) for k in range(total)]


def check_seeds(root: int, ks: Iterable[int], seeds: Iterable[int | None]) -> int:
    """How many of the recorded ``seeds`` of runs ``ks`` differ from the rule (None counts)."""
    return sum(
        1
        for k, seed in zip(ks, seeds, strict=True)
        if seed is None or int(seed) != run_seed(root, int(k))
    )
