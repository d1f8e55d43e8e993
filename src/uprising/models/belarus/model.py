"""`BelarusModel`: the state of a Belarus run and its day, as the named phases of
docs/MODEL.md (B1.3); the phases themselves live in `regime_phases`, `street` and
`observation`.
"""  # noqa: D205

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

import numpy as np

from uprising.engine import kernels as K
from uprising.models import regime as R
from uprising.models.belarus import kernels as BK
from uprising.models.belarus.initial import build_engine, identity_flags, regime_params
from uprising.models.belarus.observation import Observation
from uprising.models.belarus.outcome import BelarusResult, Outcome
from uprising.models.belarus.regime_phases import RegimePhases
from uprising.models.belarus.repression import ProsecutionPhase
from uprising.models.belarus.street import StreetPhases
from uprising.models.drivers import Drivers, build_drivers
from uprising.scenarios.belarus import drivers as driver_table


class BelarusModel(RegimePhases, StreetPhases, ProsecutionPhase, Observation):
    """One run of the Belarus model.

    Args:
        scenario: a validated `BelarusScenario`.
        seed: root seed (default: the scenario's ``run.seed``).
        scale: agents per person (default: the scenario's ``run.scale``); 1.0 is one
            agent per person.
        days: length of the run (default: the scenario's ``run.days``).
    """

    def __init__(
        self,
        scenario: Any,
        *,
        seed: int | None = None,
        scale: float | None = None,
        days: int | None = None,
    ) -> None:
        self.scenario = s = scenario
        self.seed = s.run.seed if seed is None else int(seed)
        self.scale = s.run.scale if scale is None else float(scale)
        self.days = s.run.days if days is None else int(days)
        # one owner of randomness: a child of the root seed per component
        root = np.random.SeedSequence(self.seed)
        population_seed, regime_seed, engine_seed, pass_seed, deploy_seed, self._successor_seed = (
            root.spawn(6)
        )
        self.layout, self.config, self.sim = build_engine(
            s, self.scale, population_seed, engine_seed
        )
        lay, sim, rep = self.layout, self.sim, s.repression
        # the criminal pipeline's own stream: the child spawned after the others
        self._pipeline = self.make_pipeline(root.spawn(1)[0])
        self._criminal_expected = 0.0
        self._keys = {
            "pass": np.uint64(pass_seed.generate_state(1, dtype=np.uint64)[0]),
            "deploy": np.uint64(deploy_seed.generate_state(1, dtype=np.uint64)[0]),
            "remove": np.uint64(deploy_seed.generate_state(2, dtype=np.uint64)[1]),
        }
        self._removals = 0

        # per identity: opinion leader, identified by the state, emigrated
        self.leader, self.identified, self.emigrated = identity_flags(lay, sim)
        self.n_leaders = int(self.leader.sum())
        self.region = lay.region.astype(np.uint8)
        self.regions = tuple(r.name for r in lay.regions)
        self.n_citizens_start = int(sim.n_citizens)
        self.counts = np.zeros((len(self.regions), 5), dtype=np.int64)
        self.tallies = np.zeros(BK.N_TALLIES, dtype=np.int64)
        self._recount_cops()
        self.cops_start = self._cops_now()

        # exogenous paths, with the levels in force before the first event
        initial_levels = driver_table.baseline(s)
        self.drivers: Drivers = build_drivers(s.run.start, self.days, initial_levels, s.events)

        # the regime layer
        self.params = regime_params(s)
        d0 = self.drivers.on(0)
        self.repression = d0["repression"] if rep.policy != "optimise" else rep.repression_level
        self.regime = R.initial_state(
            self.params,
            self.cops_start,
            regime_seed,
            russian_support=d0["russian_support"],
            sanctions=d0["sanctions"],
            western_recognition=d0["western_recognition"],
            repression=self.repression,
            readiness=d0["opposition_readiness"],
        )
        # officers already out at rest (the regime layer's day-0 equilibrium) are not on
        # the street either
        if self.regime.officers_defected_start > 0 and s.mechanisms.security_loyalty:
            self._remove_cops(self.regime.officers_defected_start)
        self.cops_start = self._cops_now()
        self.legitimacy = s.legitimacy.initial
        self.legitimacy_anchor = s.legitimacy.initial
        self.day = 0
        self.outcome: Outcome | None = None
        self._participants_window: deque[float] = deque(maxlen=s.fall.mobilisation_window_days)
        self._sabotage_window: deque[int] = deque(maxlen=30)
        self._yesterday = {"active": 0, "detentions": 0}
        self._last_call_share = 0.0
        self._troops = False
        self._defections_total = 0
        self._emigrants_total = 0
        self._leaders_emigrated = 0
        self._diaspora_aid = 0.0
        self._rows: dict[str, list[Any]] = {}
        self._today: dict[str, Any] = {}

    # -- the day ---------------------------------------------------------------------

    def step(self) -> None:
        """Advance the run by one day."""
        drv = self.drivers.on(self.day)
        self.update_legitimacy(drv)
        regime_day = self.run_regime_day(drv)
        self.set_street_conditions(drv, regime_day)
        self.street_day()
        self.individual_mechanisms()
        self.prosecute()
        self.deploy_forces(drv, regime_day)
        self.observe(drv, regime_day)
        self.check_fall()
        self.choose_policy(drv)
        self.day += 1

    # -- running -----------------------------------------------------------------------

    def run(
        self, days: int | None = None, progress: Callable[[int], None] | None = None
    ) -> BelarusResult:
        """Run ``days`` more days (default: to the scenario's horizon); return the result.

        The run goes on after the regime falls (the outcome records the first fall), so
        that every run has the same length.
        """
        todo = self.days - self.day if days is None else min(days, self.days - self.day)
        for done in range(1, todo + 1):
            self.step()
            if progress is not None:
                progress(done)
        return self.result()

    @property
    def n_agents(self) -> int:
        """Agents on the lattice now (citizens and cops), those who step each day."""
        counts = K.count_kinds(self.sim.lattice.kind)
        return int(counts[K.QUIET] + counts[K.ACTIVE] + counts[K.COP])

    def state_bytes(self) -> int:
        """Bytes held by the run's arrays (engine state, region map, identity flags)."""
        extra = (self.region, self.leader, self.identified, self.emigrated)
        return self.sim.state_bytes() + sum(a.nbytes for a in extra)

    # -- helpers -------------------------------------------------------------------------

    def _cops_now(self) -> int:
        """Cops on the street now (the census per region)."""
        return int(self.counts[:, K.COP].sum())

    def _remove_cops(self, n: int) -> None:
        """Take ``n`` random cops off the street (a fresh random stream for each call)."""
        self._removals += 1
        self.sim.remove_cops(n, (self._keys["remove"], self._removals, 1))
        self._recount_cops()

    def _recount_cops(self) -> None:
        """Recount the cops of every region from the lattice."""
        kinds = self.sim.lattice.kind & K.KIND
        self.counts[:, K.COP] = np.bincount(
            self.region[kinds == K.COP], minlength=len(self.regions)
        )


__all__ = ["BelarusModel"]
