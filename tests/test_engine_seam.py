"""The engine's public seam for models built on it (uprising.engine.simulation).

Adding, removing and moving cops, the street step and the arrests of the day, the
identities issued, the jail store and the lattice views; and the parameter vectors'
layouts, each generated from one list of names.
"""

from __future__ import annotations

import numpy as np
import pytest

from uprising.engine import kernels as K
from uprising.engine.config import EngineConfig, JailedOnGrid
from uprising.engine.simulation import Simulation

KEY = np.uint64(2024)


def _sim(seed: int = 3, **overrides) -> Simulation:
    config = EngineConfig(width=48, height=48, jailed_on_grid=JailedOnGrid.REMOVED, **overrides)
    return Simulation(config, seed)


def _halves(sim: Simulation) -> np.ndarray:
    """Zone labels: 0 for the left half of the lattice, 1 for the right half."""
    x = np.arange(sim.config.n_cells) % sim.config.width
    return (x >= sim.config.width // 2).astype(np.uint8)


def _cops(sim: Simulation) -> np.ndarray:
    return np.flatnonzero(sim.kind == K.COP)


def test_added_cops_stand_on_empty_cells_of_their_zone_with_new_identities():
    sim = _sim()
    zones = _halves(sim)
    before, first = set(_cops(sim).tolist()), sim.n_identities
    empty_before = sim.kind == K.EMPTY
    placed = sim.add_cops(25, (KEY, 1, 4), zones=zones, zone=1)
    new = sorted(set(_cops(sim).tolist()) - before)
    assert placed == len(new) == 25
    assert np.all(empty_before[new]) and np.all(zones[new] == 1)
    assert sorted(sim.ident[new].tolist()) == list(range(first, first + 25))
    assert sim.n_identities == first + 25
    assert sim.fields_consistent()


def test_add_cops_anywhere_and_remove_cops_keep_the_fields_exact():
    sim = _sim()
    n = len(_cops(sim))
    assert sim.add_cops(10, (KEY, 2, 2)) == 10
    assert len(_cops(sim)) == n + 10
    assert sim.remove_cops(15, (KEY, 3, 1)) == 15
    assert len(_cops(sim)) == n - 5
    assert sim.remove_cops(10**6, (KEY, 4, 1)) == n - 5  # no more than there are
    assert len(_cops(sim)) == 0
    assert sim.fields_consistent()


def test_moved_cops_leave_one_zone_for_empty_cells_of_the_other():
    sim = _sim()
    zones = _halves(sim)
    left = int(np.count_nonzero(zones[_cops(sim)] == 0))
    total, first = len(_cops(sim)), sim.n_identities
    moved = sim.move_cops(zones, 0, 1, 7, (KEY, 5, 3))
    assert moved == 7
    assert np.count_nonzero(zones[_cops(sim)] == 0) == left - 7
    assert len(_cops(sim)) == total
    assert sim.n_identities == first + 7
    assert sim.fields_consistent()


def test_cop_changes_are_a_function_of_the_stream_named():
    cells = []
    for stream in ((KEY, 1, 2), (KEY, 1, 2), (KEY, 2, 2)):
        sim = _sim()
        sim.add_cops(20, stream)
        cells.append(_cops(sim).tolist())
    assert cells[0] == cells[1]
    assert cells[0] != cells[2]


def test_street_step_is_the_tick_without_its_timeline_and_record():
    stepped, bare = _sim(seed=9, legitimacy=0.6), _sim(seed=9, legitimacy=0.6)
    series = stepped.run(30)
    arrests = []
    for _ in range(30):
        arrests.append(bare.street_step(0.6, bare.config.max_jail_term))
        assert bare.last_arrests == arrests[-1]
    assert bare.tick == stepped.tick == 30
    assert arrests == series.arrests.tolist() and sum(arrests) > 0
    np.testing.assert_array_equal(bare.kind, stepped.kind)
    assert bare.jail.n == stepped.jail.n == series.jailed[-1] > 0


def test_the_jail_store_holds_the_jailed_citizens():
    sim = _sim(seed=9, legitimacy=0.6)
    sim.run(30)
    jail = sim.jail
    held = jail.ident[: jail.n]
    assert jail.n == sim.n_jailed > 0
    assert len(set(held.tolist())) == jail.n
    assert not np.isin(held, sim.ident[sim.kind != K.EMPTY]).any()  # none on the lattice
    assert np.all(jail.time[: jail.n] > 0)
    citizens = sim.citizens()
    assert np.count_nonzero(citizens["state"] == 2) == jail.n


def test_the_lattice_views_are_the_run_s_own_arrays():
    sim = _sim()
    lat = sim.lattice
    assert lat.kind is sim.cells and lat.ident is sim.ident
    assert (lat.width, lat.height) == (48, 48)
    sim.add_cops(5, (KEY, 1, 2))
    assert np.array_equal(lat.kind, sim.cells)


def test_parameter_layouts_number_their_names_in_order():
    for layout in (K.IPARAM, K.FPARAM):
        assert tuple(layout) == tuple(range(len(layout)))
    assert K.N_IPARAMS == len(K.IPARAM)
    assert K.FPARAM.p_table == len(K.FPARAM) - 1  # the table comes last
    assert K.N_FPARAMS == K.FPARAM.p_table + K.P_TABLE_SIZE
    vector = np.zeros(K.N_IPARAMS, dtype=np.int64)
    K.write_params(vector, K.IPARAM, width=7, release_home=1)
    assert vector[K.IPARAM.width] == 7 and vector[K.IPARAM.release_home] == 1
    assert vector.sum() == 8
    with pytest.raises(AttributeError):
        K.write_params(vector, K.IPARAM, widht=7)
