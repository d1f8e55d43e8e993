"""The initial state of a Belarus run: the lattice laid out like the country, the
engine on it, the per-identity flags, and the regime layer's parameters.
"""  # noqa: D205

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from uprising.engine import kernels as K
from uprising.engine.config import (
    Activation,
    EngineConfig,
    JailedOnGrid,
    JailTerm,
    Neighbourhood,
    Order,
    RatioRule,
    SelfCount,
)
from uprising.engine.simulation import Simulation
from uprising.models import regime as R
from uprising.population.belarus import Layout, build_layout


def build_engine(
    scenario: Any, scale: float, population_seed: Any, engine_seed: Any
) -> tuple[Layout, EngineConfig, Simulation]:
    """The country's lattice and the engine that runs on it.

    Args:
        scenario: a validated `BelarusScenario`.
        scale: agents per person.
        population_seed: the `SeedSequence` child that lays the population out.
        engine_seed: the `SeedSequence` child of the engine's run.

    Returns:
        The layout (regions, dispositions, opinion leaders), the engine configuration
        and the engine's run, with the repression's two tiers of terms set.
    """
    s = scenario
    pop = s.population
    lay = build_layout(
        scale,
        urban_density=pop.urban_density,
        rural_density=pop.rural_density,
        police_per_100k=s.security.police_per_100k,
        opponent_share=pop.opponent_share,
        loyalist_share=pop.loyalist_share,
        leader_share=pop.leader_share,
        seed=population_seed,
    )
    # A convinced opponent's hardship is stored negated (the engine then applies the
    # opponents' own legitimacy); a convinced loyalist grants the regime full
    # legitimacy, i.e. has no grievance: H = 0.
    hardship = lay.hardship.copy()
    hardship[lay.disposition == 1] *= -1.0
    hardship[lay.disposition == 2] = 0.0
    initial = _Initial(lay.kind, hardship, lay.risk_aversion)
    config = EngineConfig(
        width=lay.width,
        height=lay.height,
        citizen_vision=pop.citizen_vision,
        cop_vision=s.security.vision,
        legitimacy=s.legitimacy.initial,
        threshold=pop.threshold,
        arrest_constant=s.security.arrest_constant,
        max_jail_term=math.inf,
        ratio_rule=RatioRule.LITERAL,
        self_count=SelfCount.ONCE,
        neighbourhood=Neighbourhood.EUCLID,
        order=Order.MOVE_THEN_ACT,
        jailed_on_grid=JailedOnGrid.REMOVED,
        jail_term=JailTerm.TWO_TIER,
        activation=Activation.BLOCKED,
        release_home=True,
    )
    sim = Simulation(config, int(engine_seed.generate_state(1)[0]), initial=initial)
    rep = s.repression
    sim.modifiers.admin_term = (rep.admin_term_min_days, rep.admin_term_max_days)
    sim.modifiers.criminal_term = (rep.criminal_term_min_days, rep.criminal_term_max_days)
    return lay, config, sim


def identity_flags(layout: Layout, sim: Simulation) -> tuple[np.ndarray, ...]:
    """Per identity (uint8): ``leader`` (an opinion leader, from the layout), and
    ``identified`` (by the state) and ``emigrated``, both all 0, in that order."""  # noqa: D205, D209
    n_ident = sim.n_identities + 1
    leader = np.zeros(n_ident, dtype=np.uint8)
    occupied = layout.kind != K.EMPTY
    leader[sim.lattice.ident[occupied]] = layout.leader[occupied]
    return leader, np.zeros(n_ident, dtype=np.uint8), np.zeros(n_ident, dtype=np.uint8)


def regime_params(scenario: Any) -> R.RegimeParams:
    """The regime layer's parameters from a Belarus scenario (`R.RegimeParams.from_scenario`)."""
    return R.RegimeParams.from_scenario(scenario)


@dataclass(frozen=True)
class _Initial:
    kind: np.ndarray
    hardship: np.ndarray
    risk_aversion: np.ndarray


__all__ = ["build_engine", "identity_flags", "regime_params"]
