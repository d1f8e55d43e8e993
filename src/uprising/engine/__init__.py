"""The engine: struct-of-arrays state and the compiled kernels of the Epstein core.

- `config`: `EngineConfig`, the frozen numbers and switches a run consumes.
- `rules`: the behavioural rules as pure functions (arrest probability, rule A).
- `neighbourhood`: vision shapes on the torus.
- `rng`: one SeedSequence per run, a counter-based stream per unit of work.
- `schedule`: the activation schedule (random order, or random blocks in parallel).
- `timeline`: dated jumps and ramps of exogenous variables.
- `kernels`: the compiled step (the only hot code) and the layouts of its parameter
  vectors (`IPARAM`, `FPARAM`).
- `simulation`: `Simulation`, the step as named phases, and the public methods a model
  built on the engine uses (street step, cops, jail store, identities, lattice views).
- `state`: the data of a run: its `Series`, `InitialState`, the `Lattice` views, the
  `JailStore`.
- `checkpoint`: the whole state of a run saved at a tick and restored to continue it
  bit for bit (`save_checkpoint`, `load_checkpoint`), and `state_fingerprint`, every
  attribute of a run's state as digests.
- `numba_cache`: Numba's cache in a directory keyed by the compiled code's sources
  (set up here, before any kernel is defined).
"""

import os as _os

# OpenMP's worker threads spin while they wait; on a busy machine (CI, several runs at
# once) a parallel phase then takes ten times longer. Passive waiting keeps OpenMP's
# speed on an idle machine without the collapse under load. Users' settings win.
_os.environ.setdefault("OMP_WAIT_POLICY", "passive")

from uprising.engine import numba_cache as _numba_cache

_numba_cache.configure()
