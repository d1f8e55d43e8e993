"""One run of the Epstein core: state, the daily step as named phases, the record.

    sim = Simulation(config, seed=7)
    series = sim.run(3000)

The step reads like the model (Epstein 2002, Model I):

1. `apply_timeline`: exogenous schedules of legitimacy, cops and maximum jail term;
2. `street_step`, the street's tick (a model's street day):
   - `activate`: every agent on the lattice, once, in the schedule's random order,
     moves (rule M) and acts (citizens rule A, cops rule C);
   - `serve_jail_terms`: arrestees go to jail, terms count down, the released return;
3. `observe`: one row of the series.

A model built on the engine (`uprising.models.belarus`) uses public methods and views
only: `street_step`, `last_arrests`; `add_cops`, `remove_cops`, `move_cops`, each on a
stream the caller names; the jail store `jail`; `n_identities`; the `lattice` view and
`int_params` that its own compiled passes read.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numba
import numpy as np

from uprising.engine import kernels as K
from uprising.engine.config import (
    EngineConfig,
    JailedOnGrid,
    Modifiers,
    PopulationInit,
    RatioRule,
    TimelineVariable,
)
from uprising.engine.neighbourhood import lane_bits, offsets, row_half_widths, swar_masks
from uprising.engine.rng import phase_keys
from uprising.engine.rules import arrest_probability
from uprising.engine.schedule import make_blocks
from uprising.engine.state import SERIES_COLUMNS, InitialState, JailStore, Lattice, Series, Stream
from uprising.engine.timeline import value_at


class Simulation:
    """A run of Epstein's Model I on a torus.

    Args:
        config: the engine configuration (validated when it was built).
        seed: non-negative integer; the run is a pure function of (config, seed),
            whatever the number of threads.
        initial: a prepared lattice of ``config.n_cells`` cells instead of the uniform
            random placement of the densities in ``config`` (which are then unused).

    Attributes:
        modifiers: the day's `Modifiers`; their defaults leave Model I as it is.
        jail: the `JailStore` of citizens held off the lattice.
    """

    def __init__(
        self, config: EngineConfig, seed: int = 0, initial: InitialState | None = None
    ) -> None:
        self.config = config
        self.seed = seed
        self.tick = 0
        self.modifiers = Modifiers()
        self._keys = phase_keys(seed)
        self._blocks = make_blocks(config)
        self._iparams = np.zeros(K.N_IPARAMS, dtype=np.int64)
        K.write_params(
            self._iparams,
            K.IPARAM,
            width=config.width,
            height=config.height,
            ratio_rule=int(config.ratio_rule),
            self_count=int(config.self_count),
            order=int(config.order),
            jailed_mode=int(config.jailed_on_grid),
            jail_term=int(config.jail_term),
            citizens_move=int(config.citizens_move),
            cops_move=int(config.citizens_move or config.cops_move_when_citizens_frozen),
            cop_to_arrestee=int(config.cop_moves_to_arrestee),
            release_home=int(config.release_home),
        )
        k = config.arrest_constant
        self._fparams = np.zeros(K.N_FPARAMS, dtype=np.float64)
        K.write_params(self._fparams, K.FPARAM, threshold=config.threshold, arrest_constant=k)
        for q in range(K.P_TABLE_SIZE):  # P for integer ratios, by the engine's own rule
            self._fparams[K.FPARAM.p_table + q] = arrest_probability(q, 1, k, int(RatioRule.FLOOR))
        self._cit_hw = row_half_widths(config.neighbourhood, config.citizen_vision)
        self._cit_dx, self._cit_dy = offsets(config.neighbourhood, config.citizen_vision)
        self._cop_hw = row_half_widths(config.neighbourhood, config.cop_vision)
        self._iparams[K.IPARAM.same_vision] = int(np.array_equal(self._cit_hw, self._cop_hw))
        self._cop_dx, self._cop_dy = offsets(config.neighbourhood, config.cop_vision)
        self._cit_delta = self._cit_dy * config.width + self._cit_dx
        self._cop_delta = self._cop_dy * config.width + self._cop_dx

        n = config.n_cells
        # one byte per cell: its kind (kernels.KIND bits) and the parity of the last tick
        # its agent acted in (kernels.ACTED bit), which keeps an agent from acting twice
        self.cells = np.zeros(n, dtype=np.uint8)
        self.hardship = np.zeros(n, dtype=np.float32)
        self.risk_aversion = np.zeros(n, dtype=np.float32)
        self.ident = np.zeros(n, dtype=np.int32)
        # jail time left of a jailed citizen who occupies its cell (JailedOnGrid.OCCUPIES)
        self.jail_left = np.zeros(n, dtype=np.int32)
        if initial is None:
            n_placed = K.populate(
                self.cells,
                self.hardship,
                self.risk_aversion,
                self.ident,
                round(config.cop_density * n),
                round(config.citizen_density * n),
                config.citizen_density,
                config.cop_density,
                config.population_init == PopulationInit.EXACT_COUNTS,
                self._keys["population"],
            )
        else:
            n_placed = self._place(initial)
        self._next_ident = int(n_placed)
        self._no_zones = np.zeros(0, dtype=np.uint8)  # add_cops without zone labels
        # cops and active citizens within a citizen's vision of every cell (centre included)
        # (8- or 16-bit counts, padded so that they can be updated several at a time as
        # 64-bit words)
        self._masks = swar_masks(self._cit_hw)
        dtype = np.uint8 if lane_bits(self._cit_hw) == 8 else np.uint16
        lanes = 64 // lane_bits(self._cit_hw)
        padded = lanes * (n // lanes + int(self._masks[1]) + 1)
        self._cops_field = np.zeros(padded, dtype=dtype)
        self._actives_field = np.zeros(padded, dtype=dtype)
        self._cops_words = self._cops_field.view(np.uint64)
        self._actives_words = self._actives_field.view(np.uint64)
        self.cops_seen = self._cops_field[:n]
        self.actives_seen = self._actives_field[:n]
        K.build_fields(
            self.cells, config.width, config.height, self._cit_hw, self.cops_seen, self.actives_seen
        )
        self._lattice = Lattice(
            self.cells, self.hardship, self.risk_aversion, self.ident, config.width,
            config.height, self._cit_hw, self._masks, self._cops_words, self._actives_words,
        )  # fmt: skip
        counts = K.count_kinds(self.cells)
        self.n_citizens = int(counts[K.QUIET])
        self.jail = JailStore.empty(self.n_citizens)
        nb = self._blocks.n_blocks
        self._arrests = np.zeros(nb, dtype=np.int64)
        self._switches = np.zeros(nb, dtype=np.int64)
        self._buf_count = np.zeros(nb, dtype=np.int64)
        self._history: dict[str, list] = {name: [] for name in SERIES_COLUMNS}

    def _place(self, initial: InitialState) -> int:
        """Copy a prepared lattice; returns the number of agents placed."""
        n = self.config.n_cells
        for name in ("kind", "hardship", "risk_aversion"):
            if getattr(initial, name).shape != (n,):
                raise ValueError(f"initial.{name} must have one entry per cell ({n})")
        kind = np.asarray(initial.kind, dtype=np.uint8)
        if not np.isin(kind, (K.EMPTY, K.QUIET, K.COP)).all():
            raise ValueError("initial.kind must hold only EMPTY, QUIET and COP cells")
        occupied = kind != K.EMPTY
        self.cells[:] = kind | np.where(occupied, K.ACTED, 0).astype(np.uint8)
        self.hardship[:] = initial.hardship
        self.risk_aversion[:] = initial.risk_aversion
        self.ident[:] = -1
        self.ident[occupied] = np.arange(int(occupied.sum()), dtype=np.int32)
        return int(occupied.sum())

    # -- the step -------------------------------------------------------------------

    def step(self) -> None:
        """Advance the run by one tick."""
        legitimacy, max_jail_term = self.apply_timeline()
        self.street_step(legitimacy, max_jail_term)
        self.observe(legitimacy)

    def street_step(self, legitimacy: float, max_jail_term: float = math.inf) -> int:
        """The street's tick: every agent moves and acts once, then the jail's day.

        Args:
            legitimacy: legitimacy L in force during the tick.
            max_jail_term: the maximum jail term J, ticks (``math.inf``: no maximum).

        Returns:
            The arrests made during the tick (also `last_arrests` until the next tick).
        """
        self.activate(legitimacy, max_jail_term)
        self.serve_jail_terms()
        self.tick += 1
        return self.last_arrests

    def apply_timeline(self) -> tuple[float, float]:
        """Set this tick's legitimacy, cop count and maximum jail term."""
        cfg = self.config
        tick = self.tick + 1  # the tick about to run, counted from 1
        legitimacy = value_at(cfg, TimelineVariable.LEGITIMACY, tick)
        max_jail_term = value_at(cfg, TimelineVariable.MAX_JAIL_TERM, tick)
        if any(e.variable == TimelineVariable.COP_DENSITY for e in cfg.timeline):
            target = round(value_at(cfg, TimelineVariable.COP_DENSITY, tick) * cfg.n_cells)
            now = int(K.count_kinds(self.cells)[K.COP])
            key = self._keys["timeline"]
            if target < now:
                self.remove_cops(now - target, (key, self.tick, 1))
            elif target > now:
                self.add_cops(target - now, (key, self.tick, 2))
        return legitimacy, max_jail_term

    def activate(self, legitimacy: float, max_jail_term: float) -> None:
        """Every agent on the lattice moves and acts once, in the schedule's order."""
        blocks = self._blocks
        finite = max_jail_term if math.isfinite(max_jail_term) else np.finfo(np.float64).max
        K.write_params(self._fparams, K.FPARAM, legitimacy=legitimacy, max_jail_term=finite)
        self._apply_modifiers()
        uses_jail_store = self.config.jailed_on_grid != JailedOnGrid.OCCUPIES
        if uses_jail_store:
            count_cops = K.cops_per_block_parallel if blocks.parallel else K.cops_per_block_serial
            capacity = count_cops(self.cells, self.config.width, blocks.x_edges, blocks.y_edges)
            self._buf_offset = np.zeros(blocks.n_blocks, dtype=np.int64)
            self._buf_offset[1:] = np.cumsum(capacity)[:-1]
            size = int(capacity.sum())
        else:
            self._buf_offset = np.zeros(blocks.n_blocks, dtype=np.int64)
            size = 0
        self._buf = (
            np.empty(size, dtype=np.float32),
            np.empty(size, dtype=np.float32),
            np.empty(size, dtype=np.int32),
            np.empty(size, dtype=np.int32),
            np.empty(size, dtype=np.int64),
        )
        order = K.shuffled_phases(blocks.n_phases, self._keys["schedule"], self.tick)
        kernel = K.activate_tick_parallel if blocks.parallel else K.activate_tick_serial
        kernel(
            order, blocks.phase_ptr, blocks.phase_blocks,
            self.cells, self.hardship, self.risk_aversion, self.ident,
            self.jail_left, self._cops_words, self._actives_words, self._masks,
            blocks.x_edges, blocks.y_edges, self.tick, self._acted_bit(),
            self._keys["activation"], self._iparams, self._fparams,
            self._cit_hw, self._cit_dx, self._cit_dy, self._cit_delta,
            self._cop_hw, self._cop_dx, self._cop_dy, self._cop_delta,
            self._buf_offset, self._buf_count, *self._buf,
            self._arrests, self._switches,
        )  # fmt: skip

    def _apply_modifiers(self) -> None:
        """Write the day's `Modifiers` into the kernels' parameter vectors."""
        m = self.modifiers
        K.write_params(
            self._fparams,
            K.FPARAM,
            hardship_scale=m.hardship_scale,
            opponent_legitimacy=m.opponent_legitimacy,
            penalty_weight=m.penalty_weight,
            arrest_rate=m.arrest_rate,
            criminal_share=m.criminal_share,
            peer_count=m.peer_count,
            peer_floor=m.peer_floor,
            media_weight=m.media_weight,
            national_ratio=m.national_ratio,
        )
        ip = self._iparams
        (admin_lo, admin_hi), (crime_lo, crime_hi) = m.admin_term, m.criminal_term
        K.write_params(ip, K.IPARAM, media_actives=m.media_actives)
        K.write_params(ip, K.IPARAM, admin_min=admin_lo, admin_max=admin_hi)
        K.write_params(ip, K.IPARAM, criminal_min=crime_lo, criminal_max=crime_hi)

    def serve_jail_terms(self) -> None:
        """Jail this tick's arrestees, count terms down, release those who are done."""
        jail = self.jail
        jail.n = int(
            K.serve_jail_terms(
                self.cells,
                self.hardship,
                self.risk_aversion,
                self.ident,
                self.jail_left,
                self._iparams,
                self._acted_bit(),
                self._buf_offset,
                self._buf_count,
                *self._buf,
                *jail.arrays(),
                jail.n,
                self._keys["jail"],
                self.tick,
                self._cit_dx,
                self._cit_dy,
            )
        )

    def observe(self, legitimacy: float) -> None:
        """Append the row of the tick just completed to the series."""
        count = K.count_kinds_parallel if self._blocks.parallel else K.count_kinds
        counts = count(self.cells)
        row = self._history
        row["tick"].append(self.tick)
        row["active"].append(int(counts[K.ACTIVE]))
        row["quiet"].append(int(counts[K.QUIET]))
        row["jailed"].append(int(counts[K.JAILED]) + self.jail.n)
        row["cops"].append(int(counts[K.COP]))
        row["arrests"].append(self.last_arrests)
        row["switches"].append(int(self._switches.sum()))
        row["legitimacy"].append(float(legitimacy))

    # -- what a model changes between ticks ----------------------------------------------

    def remove_cops(self, n: int, stream: Stream) -> int:
        """Take up to ``n`` uniformly chosen cops off the lattice; returns how many left.

        Args:
            n: cops to remove.
            stream: the (key, a, b) stream the choice draws from.
        """
        key, a, b = stream
        cfg = self.config
        return int(
            K.remove_cops(
                self.cells, self.ident, self._cops_words, cfg.width, cfg.height, self._cit_hw,
                self._masks, n, key, a, b,
            )
        )  # fmt: skip

    def add_cops(
        self, n: int, stream: Stream, zones: np.ndarray | None = None, zone: int = -1
    ) -> int:
        """Put up to ``n`` new cops on random empty cells; returns how many were placed.

        A new cop gets a new identity and acts in the next tick.

        Args:
            n: cops to add.
            stream: the (key, a, b) stream the cells are drawn from.
            zones: a label per cell (e.g. a region code); None: no labels.
            zone: place the cops only on cells labelled ``zone`` (-1: anywhere).
        """
        key, a, b = stream
        cfg = self.config
        labels = self._no_zones if zones is None else zones
        placed = int(
            K.add_cops(
                self.cells, self.ident, self._cops_words, cfg.width, cfg.height, self._cit_hw,
                self._masks, labels, zone, n, self._next_ident, self._next_stamp(), key, a, b,
            )
        )  # fmt: skip
        self._next_ident += placed
        return placed

    def move_cops(self, zones: np.ndarray, source: int, target: int, n: int, stream: Stream) -> int:
        """Move up to ``n`` random cops of zone ``source`` to random empty cells of zone
        ``target``; returns how many moved.

        A moved cop gets a new identity (a cop's identity labels a cell's occupant, not
        a person) and acts in the next tick.

        Args:
            zones: a label per cell (e.g. a region code).
            source: the zone the cops leave.
            target: the zone they go to.
            n: cops to move.
            stream: the (key, a, b) stream the cops and cells are drawn from.
        """  # noqa: D205
        key, a, b = stream
        cfg = self.config
        moved = int(
            K.move_cops(
                self.cells, self.ident, zones, self._cops_words, cfg.width, cfg.height,
                self._cit_hw, self._masks, source, target, n, self._next_ident,
                self._next_stamp(), key, a, b,
            )
        )  # fmt: skip
        self._next_ident += moved
        return moved

    # -- running and reading ------------------------------------------------------------

    def run(self, steps: int, progress: Callable[[int], None] | None = None) -> Series:
        """Advance ``steps`` ticks and return the whole series so far.

        Args:
            steps: number of ticks to run, >= 0.
            progress: called with the number of ticks done in this call, after each tick.
        """
        if steps < 0:
            raise ValueError(f"steps = {steps}: must be >= 0")
        for done in range(1, steps + 1):
            self.step()
            if progress is not None:
                progress(done)
        return self.series()

    def series(self) -> Series:
        """The record of every tick completed so far."""
        cols = {
            name: np.asarray(values, dtype=np.float64 if name == "legitimacy" else np.int64)
            for name, values in self._history.items()
        }
        return Series(**cols)

    @property
    def last_arrests(self) -> int:
        """Arrests made during the last completed tick (0 before the first)."""
        return int(self._arrests.sum())

    @property
    def n_identities(self) -> int:
        """Identities issued so far (citizens and cops, those gone included)."""
        return self._next_ident

    @property
    def n_jailed(self) -> int:
        """Citizens held off the lattice (`jail.n`)."""
        return self.jail.n

    @property
    def lattice(self) -> Lattice:
        """Views of the lattice and its maintained fields, for a model's compiled passes."""
        return self._lattice

    @property
    def int_params(self) -> np.ndarray:
        """The kernels' integer parameter vector (`kernels.IPARAM`), to read only: a
        model's pass that draws jail terms as the engine does reads its term ranges."""  # noqa: D205, D209
        return self._iparams

    @property
    def parallel(self) -> bool:
        """Whether the tick runs its blocks in parallel phases (`schedule.make_blocks`)."""
        return self._blocks.parallel

    @property
    def n_agents(self) -> int:
        """Citizens (free or jailed) and cops now in the run."""
        return self.n_citizens + int(K.count_kinds(self.cells)[K.COP])

    @property
    def kind(self) -> np.ndarray:
        """The kind of every cell (kernels.EMPTY, QUIET, ACTIVE, COP or JAILED), a copy."""
        return self.cells & K.KIND

    @property
    def acted_parity(self) -> np.ndarray:
        """For every cell, the parity of the last tick its agent acted in (0 or 1)."""
        return (self.cells >> 7).astype(np.uint8)

    def _acted_bit(self) -> int:
        """The ACTED bit value of the tick now running (tick parity)."""
        return (self.tick & 1) * K.ACTED

    def _next_stamp(self) -> int:
        """The ACTED bit of an agent placed between ticks: the parity opposite to that of
        the next tick, so that it acts in it."""  # noqa: D205, D209
        return ((self.tick - 1) & 1) * K.ACTED

    def citizens(self) -> dict[str, np.ndarray]:
        """Every citizen, sorted by identity: ``ident``, ``hardship``, ``risk_aversion``,
        ``state`` (0 quiet, 1 active, 2 jailed) and ``cell`` (-1 when off the lattice).
        """  # noqa: D205
        kind = self.kind
        on = np.flatnonzero((kind == K.QUIET) | (kind == K.ACTIVE) | (kind == K.JAILED))
        state_of = np.array([0, 0, 1, 0, 2], dtype=np.int8)
        jail = self.jail
        m = jail.n
        table = {
            "ident": np.concatenate([self.ident[on], jail.ident[:m]]),
            "hardship": np.concatenate([self.hardship[on], jail.hardship[:m]]),
            "risk_aversion": np.concatenate([self.risk_aversion[on], jail.risk_aversion[:m]]),
            "state": np.concatenate([state_of[kind[on]], np.full(m, 2, dtype=np.int8)]),
            "cell": np.concatenate([on, np.full(m, -1, dtype=np.int64)]),
        }
        order = np.argsort(table["ident"], kind="stable")
        return {name: values[order] for name, values in table.items()}

    def fields_consistent(self) -> bool:
        """Whether the maintained fields of cops and actives seen equal a fresh count."""
        cops = np.zeros_like(self.cops_seen)
        actives = np.zeros_like(self.actives_seen)
        cfg = self.config
        K.build_fields(self.cells, cfg.width, cfg.height, self._cit_hw, cops, actives)
        same_cops = np.array_equal(cops, self.cops_seen)
        return bool(same_cops and np.array_equal(actives, self.actives_seen))

    def state_bytes(self) -> int:
        """Bytes held by the run's state arrays (lattice, jail and scratch)."""
        arrays = [
            self.cells, self.hardship, self.risk_aversion, self.ident,
            self.jail_left, self._cops_field, self._actives_field, *self.jail.arrays(),
            *getattr(self, "_buf", ()),
        ]  # fmt: skip
        return int(sum(a.nbytes for a in arrays))


def set_threads(n: int) -> None:
    """Use ``n`` threads for the parallel kernels (results do not depend on it)."""
    numba.set_num_threads(n)


__all__ = ["Simulation", "set_threads"]
