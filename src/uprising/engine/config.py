"""Engine configuration: the frozen, validated numbers a simulation runs on.

`EngineConfig` is what the compiled engine consumes. It is a plain frozen dataclass
so that the engine does not depend on the scenario layer; scenarios (TOML files with
a pydantic schema, `uprising.scenarios`) are translated into it.

Every field names its unit and the rule of Epstein (2002) Model I (or of the rule
variants of NetLogo and Mesa, docs/MODEL.md section 7) it serves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import IntEnum


class RatioRule(IntEnum):
    """How the cop-to-active ratio C/A enters the arrest probability (Epstein; Wilensky)."""

    LITERAL = 0  # Epstein (2002): P = 1 - exp(-k C/A)
    FLOOR = 1  # NetLogo Rebellion: P = 1 - exp(-k floor(C/A))
    ROUND_HALF_EVEN = 2  # Mesa >= 3.0: Python round(), banker's rounding


class SelfCount(IntEnum):
    """How an active citizen counts itself in A (Epstein 2002; NetLogo counts it twice)."""

    ONCE = 0  # paper: A = 1 + actives in vision
    TWICE_IF_ACTIVE = (
        1  # NetLogo: own patch is in the neighbourhood, so an active self counts again
    )


class Neighbourhood(IntEnum):
    """Shape of the vision (and movement) neighbourhood (Epstein 2002, Table 2; docs/MODEL.md)."""

    EUCLID = 0  # dx^2 + dy^2 <= v^2 (NetLogo in-radius)
    MANHATTAN = 1  # |dx| + |dy| <= v (Mesa 3 von Neumann)
    CHEBYSHEV = 2  # max(|dx|, |dy|) <= v (Moore)
    CROSS = 3  # north, south, east and west only, up to v cells


class Order(IntEnum):
    """Order of moving and acting within one activation (Epstein 2002; Mesa 3.3.1)."""

    MOVE_THEN_ACT = 0  # paper, NetLogo
    ACT_THEN_MOVE = 1  # Mesa 3


class JailedOnGrid(IntEnum):
    """What happens to the cell of an arrested citizen (Epstein 2002; NetLogo; Mesa)."""

    REMOVED = 0  # paper: leaves the lattice; released onto a random empty cell
    OCCUPIES = 1  # Mesa: stays on its cell and blocks it
    TRANSPARENT = 2  # NetLogo: cell counts as empty while jailed


class JailTerm(IntEnum):
    """Distribution of the jail term j, given the maximum term J_max (docs/MODEL.md section 7).

    A term of j ticks means: arrested during tick t, the citizen sits out ticks
    t+1 .. t+j and is back on the street for tick t+j+1 (j = 0: arrested, made quiet,
    and acting again next tick). This is Mesa's timing of `randint(0, J)` exactly.
    """

    UNIFORM_0_TO_J = 0  # Mesa: randint(0, J), inclusive
    UNIFORM_0_TO_J_MINUS_1 = 1  # NetLogo's draw, `random J` (see the timing note above)
    UNIFORM_1_TO_J = 2  # recommended default: with J_max >= 1 an arrest jails for >= 1 tick
    INFINITE = 3  # never released (Runs 3-5, J = infinity)
    TWO_TIER = 4  # administrative (days) or criminal (years) term: see `Modifiers`


class PopulationInit(IntEnum):
    """How the initial population is placed (NetLogo: exact counts; Mesa: per cell)."""

    EXACT_COUNTS = 0  # NetLogo: round(density * cells) of each kind, on distinct random cells
    BERNOULLI_PER_CELL = 1  # Mesa: each cell independently cop (p_cop) or citizen (p_cit)


class Activation(IntEnum):
    """The activation schedule of one tick (docs/MODEL.md, 'Scheduling')."""

    RANDOM = 0  # paper: every agent once per tick, in a uniformly random order
    BLOCKED = 1  # random order within spatial blocks, blocks in random order (parallel)


class TimelineVariable(IntEnum):
    """Variables that may follow a dated schedule (Epstein 2002, Table 2, Runs 3-5)."""

    LEGITIMACY = 0
    COP_DENSITY = 1
    MAX_JAIL_TERM = 2


@dataclass(frozen=True)
class TimelineEvent:
    """A jump or a linear ramp of one variable.

    A jump (``end_tick is None``) sets ``variable`` to ``value`` at the start of tick
    ``start_tick``. A ramp moves it linearly from its value at ``start_tick`` to ``value``
    at ``end_tick`` (inclusive). Ticks count from 1 (the first tick of a run is tick 1,
    the first row of its series); tick t's values are in force for every activation of
    tick t.
    """

    variable: TimelineVariable
    start_tick: int
    value: float
    end_tick: int | None = None


@dataclass
class Modifiers:
    """Day-to-day inputs that models built on the core set before each tick.

    The defaults leave Epstein's Model I exactly as it is (bit for bit). Units in the
    comments; the Belarus model (`uprising.models.belarus`) documents the rules that set
    them.
    """

    hardship_scale: float = 1.0  # multiplies every citizen's grievance (economy)
    opponent_legitimacy: float = 0.0  # L as seen by convinced opponents (negative hardship)
    media_actives: int = 0  # actives every citizen is told of, added to those it sees
    peer_count: float = 0.0  # others seen for full peer pressure on G; 0: no peer pressure
    peer_floor: float = 0.0  # least peer-pressure factor on G, [0, 1] (a call heard)
    media_weight: float = 0.0  # weight of the national cop-to-active ratio in P, [0, 1]
    national_ratio: float = 0.0  # the national cop-to-active ratio the media shows
    penalty_weight: float = 1.0  # multiplies the net risk R P (expected cost of arrest)
    arrest_rate: float = 1.0  # probability that a cop with an active in sight arrests
    criminal_share: float = 0.0  # JailTerm.TWO_TIER: probability that an arrest is criminal
    admin_term: tuple[int, int] = (3, 15)  # ticks, inclusive range (TWO_TIER, administrative)
    criminal_term: tuple[int, int] = (365, 1825)  # ticks, inclusive range (TWO_TIER, criminal)


@dataclass(frozen=True)
class EngineConfig:
    """All numbers one run of the Epstein core needs. Units in the comments."""

    width: int = 40  # cells
    height: int = 40  # cells
    citizen_density: float = 0.7  # citizens per cell
    cop_density: float = 0.04  # cops per cell
    citizen_vision: float = 7.0  # cells (radius)
    cop_vision: float = 7.0  # cells (radius)
    legitimacy: float = 0.82  # dimensionless, [0, 1]
    threshold: float = 0.1  # dimensionless, T
    arrest_constant: float = 2.3  # k, dimensionless
    max_jail_term: float = 30.0  # ticks; math.inf allowed with JailTerm.INFINITE
    citizens_move: bool = True
    cops_move_when_citizens_frozen: bool = True
    cop_moves_to_arrestee: bool = False
    ratio_rule: RatioRule = RatioRule.FLOOR
    self_count: SelfCount = SelfCount.ONCE
    neighbourhood: Neighbourhood = Neighbourhood.EUCLID
    order: Order = Order.MOVE_THEN_ACT
    jailed_on_grid: JailedOnGrid = JailedOnGrid.REMOVED
    jail_term: JailTerm = JailTerm.UNIFORM_1_TO_J
    population_init: PopulationInit = PopulationInit.EXACT_COUNTS
    activation: Activation = Activation.BLOCKED
    block_size: int = 64  # cells, side of a scheduling block (Activation.BLOCKED)
    release_home: bool = False  # REMOVED: a released citizen returns to its cell or near it
    timeline: tuple[TimelineEvent, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        """Check ranges; raise ValueError naming the field."""
        _check(self.width >= 3, "width", self.width, "an integer >= 3")
        _check(self.height >= 3, "height", self.height, "an integer >= 3")
        _check(0 <= self.citizen_density <= 1, "citizen_density", self.citizen_density, "[0, 1]")
        _check(0 <= self.cop_density <= 1, "cop_density", self.cop_density, "[0, 1]")
        _check(
            self.citizen_density + self.cop_density <= 1,
            "citizen_density + cop_density",
            self.citizen_density + self.cop_density,
            "at most 1",
        )
        _check(self.citizen_vision >= 1, "citizen_vision", self.citizen_vision, ">= 1 cell")
        _check(self.cop_vision >= 1, "cop_vision", self.cop_vision, ">= 1 cell")
        for name in ("citizen_vision", "cop_vision"):
            _check(getattr(self, name) <= 100, name, getattr(self, name), "<= 100 cells")
            v = getattr(self, name)
            _check(
                2 * math.floor(v) + 1 <= min(self.width, self.height),
                name,
                v,
                "a radius whose diameter fits the grid",
            )
        _check(0 <= self.legitimacy <= 1, "legitimacy", self.legitimacy, "[0, 1]")
        _check(0 <= self.threshold <= 1, "threshold", self.threshold, "[0, 1]")
        _check(self.arrest_constant >= 0, "arrest_constant", self.arrest_constant, ">= 0")
        _check(self.max_jail_term >= 0, "max_jail_term", self.max_jail_term, ">= 0 ticks")
        _check(self.block_size >= 1, "block_size", self.block_size, ">= 1 cell")
        n_agents = round(self.citizen_density * self.n_cells) + round(
            self.cop_density * self.n_cells
        )
        _check(
            n_agents <= self.n_cells,
            "citizen_density + cop_density",
            self.citizen_density + self.cop_density,
            f"at most {self.n_cells} agents on {self.n_cells} cells after rounding",
        )
        for event in self.timeline:
            _check(event.start_tick >= 1, "timeline tick", event.start_tick, ">= 1")
            if event.end_tick is not None:
                _check(
                    event.end_tick > event.start_tick,
                    "timeline end tick",
                    event.end_tick,
                    f"after its start tick {event.start_tick}",
                )
        if not math.isfinite(self.max_jail_term):
            _check(
                self.jail_term in (JailTerm.INFINITE, JailTerm.TWO_TIER),
                "max_jail_term",
                self.max_jail_term,
                "finite unless jail_term is INFINITE or TWO_TIER",
            )

    @property
    def n_cells(self) -> int:
        """Number of lattice cells."""
        return self.width * self.height


def _check(ok: bool, name: str, value: object, allowed: str) -> None:
    if not ok:
        raise ValueError(f"{name} = {value!r} is out of range; allowed: {allowed}")
