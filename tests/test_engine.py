"""Tests of the engine's state, step and bookkeeping (E2, E3 of docs/VALIDATION.md)."""

import dataclasses
import itertools

import numpy as np
import pytest

from uprising.engine import kernels as K
from uprising.engine.config import (
    Activation,
    EngineConfig,
    JailedOnGrid,
    JailTerm,
    Neighbourhood,
    Order,
    PopulationInit,
    RatioRule,
    SelfCount,
    TimelineEvent,
    TimelineVariable,
)
from uprising.engine.schedule import make_blocks
from uprising.engine.simulation import Simulation, set_threads

RUN2 = EngineConfig()  # Epstein Run 2 with the recommended switches


def run(config, seed=0, steps=100):
    sim = Simulation(config, seed)
    return sim, sim.run(steps)


def test_population_exact_counts():
    sim = Simulation(RUN2, seed=3)
    counts = np.bincount(sim.kind, minlength=5)
    assert counts[K.QUIET] == 1120 and counts[K.COP] == 64 and counts[K.ACTIVE] == 0
    citizens = sim.citizens()
    assert len(citizens["ident"]) == 1120
    assert 0.0 <= citizens["hardship"].min() and citizens["hardship"].max() < 1.0
    # H and R ~ U(0, 1): 1120 draws, mean within 5 standard errors (sd 0.2887 / sqrt(1120))
    for name in ("hardship", "risk_aversion"):
        assert abs(citizens[name].mean() - 0.5) < 5 * 0.2887 / np.sqrt(1120)


def test_population_bernoulli_per_cell_counts_are_binomial():
    config = dataclasses.replace(
        RUN2, width=200, height=200, population_init=PopulationInit.BERNOULLI_PER_CELL
    )
    counts = np.bincount(Simulation(config, seed=1).kind, minlength=5)
    n = 40_000
    for kind, p in ((K.QUIET, 0.7), (K.COP, 0.04)):
        # binomial count within 5 standard deviations: fails for < 1e-6 of seeds
        assert abs(counts[kind] - n * p) < 5 * np.sqrt(n * p * (1 - p))


def test_e2_no_one_is_ever_active_when_legitimacy_is_at_least_one_minus_threshold():
    for cops in (0.0, 0.04):
        for activation in Activation:
            config = dataclasses.replace(
                RUN2, legitimacy=0.9, cop_density=cops, activation=activation, block_size=10
            )
            _, series = run(config, steps=200)
            assert series.active.max() == 0
            assert series.arrests.sum() == 0


@pytest.mark.parametrize("legitimacy", [0.7, 0.8, 0.82, 0.89])
def test_e3_without_cops_the_active_set_is_exactly_the_latent_rebels(legitimacy):
    config = dataclasses.replace(RUN2, cop_density=0.0, legitimacy=legitimacy)
    sim, series = run(config, steps=5)
    citizens = sim.citizens()
    grievance = citizens["hardship"].astype(np.float64) * (1.0 - legitimacy)
    expected = grievance > 0.1
    assert np.array_equal(citizens["state"] == 1, expected)
    assert np.all(series.active == expected.sum())
    # in expectation the share is 1 - T / (1 - L); 1120 draws, 5 standard errors
    share = 1 - 0.1 / (1 - legitimacy)
    assert abs(expected.mean() - share) < 5 * np.sqrt(share * (1 - share) / 1120)


SWITCHES = list(
    itertools.product(
        [RatioRule.FLOOR, RatioRule.ROUND_HALF_EVEN, RatioRule.LITERAL],
        [
            Neighbourhood.EUCLID,
            Neighbourhood.MANHATTAN,
            Neighbourhood.CHEBYSHEV,
            Neighbourhood.CROSS,
        ],
        [Order.MOVE_THEN_ACT, Order.ACT_THEN_MOVE],
        [JailedOnGrid.REMOVED, JailedOnGrid.OCCUPIES, JailedOnGrid.TRANSPARENT],
    )
)


@pytest.mark.parametrize(("ratio", "shape", "order", "jailed"), SWITCHES)
def test_every_switch_combination_keeps_the_books(ratio, shape, order, jailed):
    config = dataclasses.replace(
        RUN2,
        ratio_rule=ratio,
        neighbourhood=shape,
        order=order,
        jailed_on_grid=jailed,
        self_count=SelfCount.TWICE_IF_ACTIVE if order == Order.ACT_THEN_MOVE else SelfCount.ONCE,
        cop_moves_to_arrestee=jailed != JailedOnGrid.OCCUPIES,
        legitimacy=0.75,
    )
    sim, series = run(config, seed=11, steps=60)
    # citizens are conserved, cops are constant, the fields equal a fresh count
    assert np.all(series.active + series.quiet + series.jailed == sim.n_citizens)
    assert np.all(series.cops == 64)
    assert series.arrests.sum() > 0
    assert sim.fields_consistent()
    # every agent on the lattice acted during the last tick (or was released at its end)
    on_lattice = (sim.kind == K.QUIET) | (sim.kind == K.ACTIVE) | (sim.kind == K.COP)
    assert np.all(sim.acted_parity[on_lattice] == (sim.tick - 1) & 1)


def test_cops_with_their_own_vision_count_actives_themselves():
    config = dataclasses.replace(RUN2, citizen_vision=5, cop_vision=2.5, legitimacy=0.7)
    sim, series = run(config, seed=2, steps=80)
    assert series.arrests.sum() > 0
    assert np.all(series.active + series.quiet + series.jailed == sim.n_citizens)
    assert sim.fields_consistent()


def test_frozen_citizens_do_not_move_and_frozen_cops_follow_the_switch():
    # L = 0.9: nobody is ever active (E2), so nobody is arrested and relocated.
    frozen = dataclasses.replace(
        RUN2, legitimacy=0.9, citizens_move=False, cops_move_when_citizens_frozen=False
    )
    sim = Simulation(frozen, seed=4)
    kind_before, ident_before = sim.kind.copy(), sim.ident.copy()
    sim.run(30)
    assert np.array_equal(sim.kind, kind_before) and np.array_equal(sim.ident, ident_before)
    cops_moving = dataclasses.replace(frozen, cops_move_when_citizens_frozen=True)
    sim = Simulation(cops_moving, seed=4)
    citizens_before = sim.kind == K.QUIET
    cops_before = {int(sim.ident[c]): c for c in np.flatnonzero(sim.kind == K.COP)}
    sim.run(5)
    assert np.array_equal(sim.kind == K.QUIET, citizens_before)
    moved = sum(cops_before[int(sim.ident[c])] != c for c in np.flatnonzero(sim.kind == K.COP))
    assert moved > 32


@pytest.mark.parametrize("jailed", list(JailedOnGrid))
def test_jail_term_of_one_tick_sits_out_exactly_the_next_tick(jailed):
    # U{1..1}: arrested during tick t, out for tick t+1, back for t+2, so the stock in
    # jail at the end of a tick is exactly that tick's arrests.
    config = dataclasses.replace(RUN2, max_jail_term=1, jailed_on_grid=jailed, legitimacy=0.7)
    _, series = run(config, seed=5, steps=200)
    assert series.arrests.sum() > 100
    assert np.array_equal(series.jailed, series.arrests)


def test_jail_term_zero_releases_at_the_end_of_the_arrest_tick():
    config = dataclasses.replace(
        RUN2, max_jail_term=0, jail_term=JailTerm.UNIFORM_0_TO_J, legitimacy=0.7
    )
    _, series = run(config, seed=5, steps=100)
    assert series.arrests.sum() > 100
    assert series.jailed.max() == 0


def test_infinite_terms_accumulate_every_arrest():
    config = dataclasses.replace(
        RUN2, max_jail_term=float("inf"), jail_term=JailTerm.INFINITE, legitimacy=0.7
    )
    _, series = run(config, seed=6, steps=150)
    assert np.array_equal(series.jailed, np.cumsum(series.arrests))


def test_jail_terms_are_bounded_by_the_arrests_of_the_last_j_ticks():
    config = dataclasses.replace(RUN2, max_jail_term=3, legitimacy=0.7)
    _, series = run(config, seed=7, steps=300)
    window = np.convolve(series.arrests, np.ones(3, dtype=np.int64))[: len(series)]
    assert np.all(series.jailed >= series.arrests)
    assert np.all(series.jailed <= window)


def test_timeline_ramps_and_jumps():
    salami = dataclasses.replace(
        RUN2,
        legitimacy=0.9,
        timeline=(TimelineEvent(TimelineVariable.LEGITIMACY, 77, 0.2, end_tick=147),),
    )
    _, series = run(salami, steps=200)
    ticks = np.arange(1, 201)  # series rows are ticks 1..200, as are timeline ticks
    expected = np.clip(0.9 - 0.01 * np.maximum(ticks - 77, 0), 0.2, 0.9)
    np.testing.assert_allclose(series.legitimacy, expected, atol=1e-12)
    jump = dataclasses.replace(
        RUN2, legitimacy=0.9, timeline=(TimelineEvent(TimelineVariable.LEGITIMACY, 77, 0.7),)
    )
    _, series = run(jump, steps=100)
    assert np.all(series.legitimacy[series.tick < 77] == 0.9)
    assert np.all(series.legitimacy[series.tick >= 77] == 0.7)


def test_timeline_walks_the_cops_down_and_up():
    down = dataclasses.replace(
        RUN2,
        cop_density=0.074,
        timeline=(TimelineEvent(TimelineVariable.COP_DENSITY, 50, 0.0, end_tick=550),),
    )
    sim, series = run(down, steps=600)
    density = np.clip(0.074 * (1 - (series.tick - 50) / 500), 0, 0.074)
    assert np.array_equal(series.cops, np.round(density * 1600).astype(np.int64))
    assert sim.fields_consistent()
    up = dataclasses.replace(RUN2, timeline=(TimelineEvent(TimelineVariable.COP_DENSITY, 10, 0.1),))
    sim, series = run(up, steps=20)
    assert series.cops[series.tick == 9] == 64 and series.cops[series.tick == 10] == 160
    assert len(set(sim.ident[sim.kind != K.EMPTY].tolist())) == np.count_nonzero(sim.kind)
    assert sim.fields_consistent()


def test_same_seed_same_bits_and_other_seed_other_run():
    a_sim, a = run(RUN2, seed=42, steps=300)
    b_sim, b = run(RUN2, seed=42, steps=300)
    for name, column in a.columns().items():
        assert np.array_equal(column, b.columns()[name]), name
    assert np.array_equal(a_sim.kind, b_sim.kind)
    assert np.array_equal(a_sim.hardship, b_sim.hardship)
    _, c = run(RUN2, seed=43, steps=300)
    assert not np.array_equal(a.active, c.active)


def test_parallel_phases_give_the_same_bits_with_one_or_two_threads():
    config = dataclasses.replace(
        RUN2, width=240, height=240, activation=Activation.BLOCKED, block_size=60
    )
    blocks = make_blocks(config)
    assert blocks.parallel and len(blocks.phase_blocks) // blocks.n_phases == 4
    results = []
    try:
        for threads in (1, 2):
            set_threads(threads)
            sim, series = run(config, seed=9, steps=40)
            results.append((series, sim.kind.copy(), sim.ident.copy()))
    finally:
        set_threads(2)
    (s1, k1, i1), (s2, k2, i2) = results
    for name, column in s1.columns().items():
        assert np.array_equal(column, s2.columns()[name]), name
    assert np.array_equal(k1, k2) and np.array_equal(i1, i2)
    assert s1.arrests.sum() > 0


def test_blocks_cover_the_lattice_and_parallel_phases_never_touch():
    config = dataclasses.replace(RUN2, width=3626, height=3626, activation=Activation.BLOCKED)
    blocks = make_blocks(config)
    assert blocks.parallel
    assert sorted(blocks.phase_blocks.tolist()) == list(range(blocks.n_blocks))
    assert blocks.x_edges[0] == 0 and blocks.x_edges[-1] == 3626
    reach = 7 + 7 + 7 + 9  # move, arrest, field update, packed-word spill
    assert np.diff(blocks.x_edges).min() >= 2 * reach
    nbx = len(blocks.x_edges) - 1
    assert nbx % 2 == 0
    small = dataclasses.replace(RUN2, activation=Activation.BLOCKED)  # 40 x 40: one block
    assert make_blocks(small).n_blocks == 1


def test_packed_writes_stay_within_the_reach_used_for_parallel_phases():
    from uprising.engine.neighbourhood import lane_bits, packed_spill, row_half_widths, swar_masks

    for shape in Neighbourhood:
        for radius in (1, 1.7, 2, 3, 7, 10, 20):
            widths = row_half_widths(shape, radius)
            bits = lane_bits(widths)
            masks = swar_masks(widths)
            lanes, words = 1 << int(masks[0]), int(masks[1])
            assert lanes == 64 // bits
            r = (len(widths) - 1) // 2
            for lane in range(lanes):
                # cells covered by the words written: from lane cells left of the window
                right = lanes * words - lane - (2 * r + 1)
                assert max(lane, right) <= packed_spill(r, bits)


def test_state_stays_small_per_agent():
    sim = Simulation(dataclasses.replace(RUN2, width=400, height=400), seed=0)
    sim.run(2)
    n_agents = sim.n_agents
    assert n_agents == sim.n_citizens + int(sim.series().cops[-1])
    assert sim.state_bytes() / n_agents < 160


def test_config_rejects_out_of_range_values():
    with pytest.raises(ValueError, match="legitimacy"):
        EngineConfig(legitimacy=1.5)
    with pytest.raises(ValueError, match="citizen_density"):
        EngineConfig(citizen_density=0.99, cop_density=0.04)
    with pytest.raises(ValueError, match="seed"):
        Simulation(RUN2, seed=-1)
