"""Reference results of Epstein (2002) Model I, as seed-robust statistical tests.

Epstein (2002), PNAS 99 suppl. 3, Figs 3-11, as listed in docs/VALIDATION.md: E7-E10,
E12, E13. Each test runs under both activation schedules:
the paper's uniformly random order ("random") and the blocked schedule with 10-cell
blocks ("blocked": 16 blocks of 10 x 10 in random order on the 40 x 40 torus; the
default 64-cell blocks would make the whole lattice one block, i.e. the random order).

Tolerances were set from the spread measured over seeds 0-39 (0-199 for E10) (the
figures are quoted in each test) so that a test fails for a fraction of seed sets far
below one in a thousand. The seeds start at ``UPRISING_TEST_SEED`` (default 0); run
``UPRISING_TEST_SEED=1000 pytest tests/test_epstein_reference.py`` to check another set.
"""

import os

import numpy as np
import pytest
from scipy import stats as scipy_stats

from uprising.analysis.outbursts import outburst_stats
from uprising.engine.simulation import Simulation
from uprising.scenarios import apply_overrides, load_scenario, to_engine_config

# Every test here runs the Epstein model over many seeds for thousands of ticks.
pytestmark = pytest.mark.slow

BASE_SEED = int(os.environ.get("UPRISING_TEST_SEED", "0"))
SCHEDULES = {
    "random": ["schedule.activation=random"],
    "blocked": ["schedule.activation=blocked", "schedule.block_size=10"],
}


def config(name, schedule, *overrides):
    scenario = apply_overrides(load_scenario(name), [*SCHEDULES[schedule], *overrides])
    return to_engine_config(scenario)


def seeds(n):
    return range(BASE_SEED, BASE_SEED + n)


@pytest.fixture(scope="module", params=list(SCHEDULES))
def schedule(request):
    return request.param


@pytest.fixture(scope="module")
def run2_floor(schedule):
    """Run 2 with the floor rule: 10 seeds x 3000 ticks (E8, E9)."""
    cfg = config("epstein-run2", schedule)
    return [Simulation(cfg, seed).run(3000).active for seed in seeds(10)]


def test_e7_literal_ratio_gives_no_outburst(schedule):
    # Measured: peak actives at most 31 (random) and 37 (blocked) over seeds 0-39, 3000
    # ticks each; 90 % of runs peak below 29.
    cfg = config("epstein-run2", schedule, "rules.ratio_rule=literal")
    peaks = [int(Simulation(cfg, seed).run(3000).active.max()) for seed in seeds(10)]
    assert max(peaks) < 50, peaks


def test_e8_floor_ratio_gives_punctuated_equilibrium(run2_floor):
    # Measured per run (seeds 0-39, both schedules): 98-125 outbursts above 50 actives,
    # peaks 274-413, at least 96 quiet spells of 10+ ticks, median actives <= 2.
    for active in run2_floor:
        stats = outburst_stats(active, threshold=50)
        assert stats.count >= 20
        assert active.max() >= 150  # outbursts peak at hundreds of actives
        assert sum(w >= 10 for w in stats.waiting_times) >= 10  # separated by quiet periods
        assert np.median(active) < 50  # quiet most of the time


def test_e9_activation_per_outburst_and_waiting_times(run2_floor):
    # Paper: activation per outburst 708 +- 230; waits 60 +- 55, an exponential tail.
    # Measured here (seeds 0-39): per-run mean activation 507-883, mean wait 19-26 ticks.
    # "Of the order of" is asserted as within a factor 2 for activation (pooled over 10
    # runs, ~1100 outbursts, standard error ~2 %) and within a factor 10 for the waits;
    # waits must be right-skewed with positive excess kurtosis (pooled).
    stats = [outburst_stats(active, threshold=50) for active in run2_floor]
    activation = np.concatenate([s.activations for s in stats])
    waits = np.concatenate([np.asarray(s.waiting_times, dtype=float) for s in stats])
    assert 708 / 2 <= activation.mean() <= 708 * 2
    assert 60 / 10 <= waits.mean() <= 60 * 10
    assert scipy_stats.skew(waits) > 0.5  # moment skewness g1
    assert scipy_stats.kurtosis(waits, fisher=True) > 0  # moment excess kurtosis g2


def test_e10_one_jump_explodes_where_salami_tactics_do_not(schedule):
    # Runs 3 and 4, 200 paired seeds, 300 ticks: L falls 0.01 a tick from tick 77 to 0.2
    # (salami) or jumps to 0.7 at tick 77 (jump). Measured over seeds 0-199: the jump has
    # the larger peak in 155 (random) and 154 (blocked) of 200 pairs; the salami stays at
    # or below 50 actives in 145 (random) and 131 (blocked). "Most" is asserted as more
    # than half, at least 4.5 binomial standard deviations (~6.5) below those counts.
    # The jump itself explodes (> 50 actives) in only 43-56 % of seeds; E11 (jailed at the
    # end, jump > salami: 25-35 % of seeds here) is reported in docs, not asserted.
    salami_cfg = config("epstein-run3", schedule)
    jump_cfg = config("epstein-run4", schedule)
    jump_larger = salami_quiet = 0
    for seed in seeds(200):
        salami = Simulation(salami_cfg, seed).run(300).active.max()
        jump = Simulation(jump_cfg, seed).run(300).active.max()
        jump_larger += jump > salami
        salami_quiet += salami <= 50
    assert jump_larger > 100
    assert salami_quiet > 100


def test_e12_cop_reductions_tip_society_into_rebellion(schedule):
    # Run 5: cops 0.074 -> 0 over ticks 50..550. Measured over seeds 0-39: 40 (random) and
    # 39 (blocked) runs tip (actives > 50) while more than half of the 118 cops are still
    # there (76-118 cops at the tip); one blocked run jailed its rebels one by one and
    # never tipped. Asserted: at least 15 of 20 seeds tip with most cops in place.
    cfg = config("epstein-run5", schedule)
    tipped_with_most_cops = 0
    for seed in seeds(20):
        series = Simulation(cfg, seed).run(550)
        tipped = np.flatnonzero(series.active > 50)
        tipped_with_most_cops += len(tipped) > 0 and series.cops[tipped[0]] > 59
    assert tipped_with_most_cops >= 15
    literal = config("epstein-run5", schedule, "rules.ratio_rule=literal")
    for seed in seeds(5):  # measured peaks <= 41 over 40 runs: the literal rule never tips
        assert Simulation(literal, seed).run(550).active.max() <= 50


def test_e13_run1_simmers_with_deceptive_switching(schedule):
    # Run 1: vision 1.7, L = 0.89, J = 15, citizens immobile, cops moving. Latent rebels
    # are those with H > 0.1 / 0.11 (~9.1 %, ~102). Measured (seeds 0-39): mean actives
    # after tick 100 is 72-92 % of the run's latent rebels, never below 60 actives, and
    # 0.6-2.5 citizens switch state each tick.
    cfg = config("epstein-run1", schedule)
    shares, switches = [], []
    for seed in seeds(10):
        sim = Simulation(cfg, seed)
        series = sim.run(500)
        citizens = sim.citizens()
        latent = int((citizens["hardship"].astype(np.float64) * (1 - 0.89) > 0.1).sum())
        settled = series.active[100:]
        assert settled.min() > 0  # no calm periods
        shares.append(settled.mean() / latent)
        switches.append(series.switches[100:].mean())
    assert 0.4 <= np.mean(shares) <= 1.0
    assert np.mean(switches) > 0.2  # public behaviour changes while grievance stays fixed


def test_blocked_parallel_schedule_matches_random_order_at_scale():
    # Run 2 on a 256 x 256 torus: the default 64-cell blocks make 16 blocks run as four
    # parallel phases (the national configuration in miniature). Measured over seeds 0-5,
    # ticks 100-600: mean actives 1001 (sd 19 between runs) under the random order and
    # 1000 (sd 15) blocked; mean jailed 10537 (sd 101) and 10560 (sd 130). With 4 runs
    # each, 10 % of actives and 5 % of jailed are over 5 standard errors of the difference.
    def means(schedule_overrides):
        scenario = apply_overrides(
            load_scenario("epstein-run2"),
            ["grid.width=256", "grid.height=256", *schedule_overrides],
        )
        cfg = to_engine_config(scenario)
        rows = [Simulation(cfg, seed).run(400) for seed in seeds(4)]
        return (
            np.mean([r.active[100:].mean() for r in rows]),
            np.mean([r.jailed[100:].mean() for r in rows]),
            np.mean([r.arrests[100:].mean() for r in rows]),
        )

    random_order = means(["schedule.activation=random"])
    blocked = means(["schedule.activation=blocked", "schedule.block_size=64"])
    assert abs(blocked[0] - random_order[0]) < 0.10 * random_order[0]
    assert abs(blocked[1] - random_order[1]) < 0.05 * random_order[1]
    assert abs(blocked[2] - random_order[2]) < 0.05 * random_order[2]
