"""One run of the Epstein core: state, the daily step as named phases, the record.

    sim = Simulation(config, seed=7)
    series = sim.run(3000)

The step reads like the model (Epstein 2002, Model I):

1. `apply_timeline`: exogenous schedules of legitimacy, cops and maximum jail term;
2. `activate`: every agent on the lattice, once, in the schedule's random order,
   moves (rule M) and acts (citizens rule A, cops rule C);
3. `serve_jail_terms`: arrestees go to jail, terms count down, the released return;
4. `observe`: one row of the series.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

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
from uprising.engine.timeline import value_at

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
        self._iparams[K.I_WIDTH] = config.width
        self._iparams[K.I_HEIGHT] = config.height
        self._iparams[K.I_RATIO_RULE] = int(config.ratio_rule)
        self._iparams[K.I_SELF_COUNT] = int(config.self_count)
        self._iparams[K.I_ORDER] = int(config.order)
        self._iparams[K.I_JAILED_MODE] = int(config.jailed_on_grid)
        self._iparams[K.I_JAIL_TERM] = int(config.jail_term)
        self._iparams[K.I_CITIZENS_MOVE] = int(config.citizens_move)
        self._iparams[K.I_COPS_MOVE] = int(
            config.citizens_move or config.cops_move_when_citizens_frozen
        )
        self._iparams[K.I_COP_TO_ARRESTEE] = int(config.cop_moves_to_arrestee)
        self._iparams[K.I_RELEASE_HOME] = int(config.release_home)
        self._fparams = np.zeros(K.N_FPARAMS, dtype=np.float64)
        self._fparams[K.F_THRESHOLD] = config.threshold
        self._fparams[K.F_ARREST_CONSTANT] = config.arrest_constant
        for q in range(K.P_TABLE_SIZE):  # P for integer ratios, by the engine's own rule
            self._fparams[K.F_P_TABLE + q] = arrest_probability(
                q, 1, config.arrest_constant, int(RatioRule.FLOOR)
            )
        self._cit_hw = row_half_widths(config.neighbourhood, config.citizen_vision)
        self._cit_dx, self._cit_dy = offsets(config.neighbourhood, config.citizen_vision)
        self._cop_hw = row_half_widths(config.neighbourhood, config.cop_vision)
        self._iparams[K.I_SAME_VISION] = int(np.array_equal(self._cit_hw, self._cop_hw))
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
        counts = K.count_kinds(self.cells)
        self.n_citizens = int(counts[K.QUIET])
        # citizens held off the lattice (JailedOnGrid.REMOVED and TRANSPARENT)
        cap = self.n_citizens
        self.jail_hardship = np.zeros(cap, dtype=np.float32)
        self.jail_risk = np.zeros(cap, dtype=np.float32)
        self.jail_ident = np.zeros(cap, dtype=np.int32)
        self.jail_time = np.zeros(cap, dtype=np.int32)
        self.jail_home = np.zeros(cap, dtype=np.int64)
        self.jail_tier = np.zeros(cap, dtype=np.uint8)  # 1: a criminal term (TWO_TIER)
        self.n_jailed = 0
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
        self.activate(legitimacy, max_jail_term)
        self.serve_jail_terms()
        self.observe(legitimacy)
        self.tick += 1

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
                K.remove_cops(
                    self.cells, self.ident, self._cops_words, cfg.width, cfg.height, self._cit_hw,
                    self._masks, now - target, key, self.tick,
                )  # fmt: skip
            elif target > now:
                previous = ((self.tick - 1) & 1) * K.ACTED
                added = K.add_cops(
                    self.cells, self.ident, self._cops_words, cfg.width, cfg.height,
                    self._cit_hw, self._masks, target - now, self._next_ident, previous, key,
                    self.tick,
                )  # fmt: skip
                self._next_ident += int(added)
        return legitimacy, max_jail_term

    def activate(self, legitimacy: float, max_jail_term: float) -> None:
        """Every agent on the lattice moves and acts once, in the schedule's order."""
        blocks = self._blocks
        self._fparams[K.F_LEGITIMACY] = legitimacy
        self._fparams[K.F_MAX_JAIL_TERM] = (
            max_jail_term if math.isfinite(max_jail_term) else np.finfo(np.float64).max
        )
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
        self._fparams[K.F_HARDSHIP_SCALE] = m.hardship_scale
        self._fparams[K.F_OPPONENT_LEGITIMACY] = m.opponent_legitimacy
        self._fparams[K.F_PENALTY_WEIGHT] = m.penalty_weight
        self._fparams[K.F_ARREST_RATE] = m.arrest_rate
        self._fparams[K.F_CRIMINAL_SHARE] = m.criminal_share
        self._fparams[K.F_PEER_COUNT] = m.peer_count
        self._fparams[K.F_MEDIA_WEIGHT] = m.media_weight
        self._fparams[K.F_NATIONAL_RATIO] = m.national_ratio
        self._iparams[K.I_MEDIA_ACTIVES] = m.media_actives
        self._iparams[K.I_ADMIN_MIN], self._iparams[K.I_ADMIN_MAX] = m.admin_term
        self._iparams[K.I_CRIMINAL_MIN], self._iparams[K.I_CRIMINAL_MAX] = m.criminal_term

    def serve_jail_terms(self) -> None:
        """Jail this tick's arrestees, count terms down, release those who are done."""
        self.n_jailed = int(
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
                self.jail_hardship,
                self.jail_risk,
                self.jail_ident,
                self.jail_time,
                self.jail_home,
                self.jail_tier,
                self.n_jailed,
                self._keys["jail"],
                self.tick,
                self._cit_dx,
                self._cit_dy,
            )
        )

    def observe(self, legitimacy: float) -> None:
        """Append this tick's row to the series."""
        count = K.count_kinds_parallel if self._blocks.parallel else K.count_kinds
        counts = count(self.cells)
        row = self._history
        row["tick"].append(self.tick + 1)
        row["active"].append(int(counts[K.ACTIVE]))
        row["quiet"].append(int(counts[K.QUIET]))
        row["jailed"].append(int(counts[K.JAILED]) + self.n_jailed)
        row["cops"].append(int(counts[K.COP]))
        row["arrests"].append(int(self._arrests.sum()))
        row["switches"].append(int(self._switches.sum()))
        row["legitimacy"].append(float(legitimacy))

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

    def citizens(self) -> dict[str, np.ndarray]:
        """Every citizen, sorted by identity: ``ident``, ``hardship``, ``risk_aversion``,
        ``state`` (0 quiet, 1 active, 2 jailed) and ``cell`` (-1 when off the lattice).
        """  # noqa: D205
        kind = self.kind
        on = np.flatnonzero((kind == K.QUIET) | (kind == K.ACTIVE) | (kind == K.JAILED))
        state_of = np.array([0, 0, 1, 0, 2], dtype=np.int8)
        m = self.n_jailed
        table = {
            "ident": np.concatenate([self.ident[on], self.jail_ident[:m]]),
            "hardship": np.concatenate([self.hardship[on], self.jail_hardship[:m]]),
            "risk_aversion": np.concatenate([self.risk_aversion[on], self.jail_risk[:m]]),
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
            self.jail_left, self._cops_field, self._actives_field, self.jail_hardship,
            self.jail_risk, self.jail_ident, self.jail_time, self.jail_home, self.jail_tier,
            *getattr(self, "_buf", ()),
        ]  # fmt: skip
        return int(sum(a.nbytes for a in arrays))


def set_threads(n: int) -> None:
    """Use ``n`` threads for the parallel kernels (results do not depend on it)."""
    numba.set_num_threads(n)


__all__ = ["SERIES_COLUMNS", "Series", "Simulation", "set_threads"]
