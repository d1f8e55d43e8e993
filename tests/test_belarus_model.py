"""The Belarus model (uprising.models.belarus): every mechanism switch, outcomes, conformance.

Each mechanism of ``[mechanisms]`` is checked by what it claims, not by tuned numbers:
a run with the switch on against the same run (same seed, same overrides) with it off,
or an invariant that holds for any parameter values. The scenario values are being tuned,
so the runs here pin, with `BOOST`, the few rates that decide whether a mechanism leaves
any trace at all in a small run (scale 0.002, ~19,000 citizens, ~90 cops): identification,
retroactive and criminal shares, emigration and sabotage rates, opinion leaders. The
checks are then either exact (a switch off leaves a quantity at exactly 0 or 1; an
identity of the bookkeeping) or compare on and off with margins of many standard
deviations (e.g. ~90 leaders arrested at 0.2 a day against none).

Set UPRISING_TEST_SEED to rerun the whole file with another root seed (default 1); the
file is meant to pass for every seed.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from dataclasses import dataclass

import numba
import numpy as np
import pytest

from uprising.engine import kernels as K
from uprising.engine.simulation import set_threads
from uprising.models.belarus import CHANNELS, BelarusModel, Outcome
from uprising.models.belarus import kernels as BK
from uprising.outputs import region_column
from uprising.population.belarus import load_regions
from uprising.scenarios import apply_overrides, load_scenario

SEED = int(os.environ.get("UPRISING_TEST_SEED", "1"))
SCALE = 0.002
# belarus-2020 from 2020-08-01: the election (day 8), the Sunday marches to 2020-11-30
# and the start of the police_surge ramp (day 122)
DAYS = 130
BELARUS = (
    "belarus-2020",
    "belarus-2022",
    "russia-defeat",
    "russia-stalemate",
    "sanctions-tightened",
    "troops-deployed",
    "opposition-ready",
)
CENSUS_2019 = 9_413_446

# Rates pinned so that every individual mechanism fires visibly in a run of ~19,000
# citizens over 130 days, whatever the tuned values (all within the schema's ranges).
BOOST = (
    "population.leader_share=0.005",  # ~90 opinion leaders instead of ~9
    "repression.identification_probability=0.2",
    "repression.retroactive_rate=0.01",
    "repression.leader_targeting=20",  # leaders: 0.2 a day
    "repression.criminal_share=0.2",
    "repression.retroactive_criminal_share=0.5",
    "repression.admin_term_min_days=3",
    "repression.admin_term_max_days=15",
    "repression.criminal_term_min_days=365",  # > DAYS + admin_term_max_days
    "repression.criminal_term_max_days=1825",
    "legitimacy.loss_per_detention_share=50",
    "emigration.rate=0.01",
    "emigration.grievance_min=0.1",
    "sabotage.probability=0.01",
    "sabotage.grievance_min=0.3",
    "sabotage.risk_max=0.2",
    "sabotage.catch_probability=0.3",
)
OFF = "mechanisms.{}=false".format

# The loyalty cascades, triggered by the rigged election: legitimacy lost raises every
# officer's and elite member's cost by 1 + 10 x 0.35 = 4.5, which pushes more than half
# of them (median base cost 0.25 or 0.3 of the punishment 1) past their threshold,
# while at rest (L = initial) fewer than 0.3 % are out. The mobilisation channel is made
# unreachable (1000 participants per loyal officer > citizens / cops on the lattice).
CASCADE = (
    "security.cost_per_legitimacy_loss=10",
    "security.punishment_base=1",
    "security.officer_cost_sigma=0.5",
    "regime.elite_cost_sigma=0.4",
    "regime.elite_punishment=1",
    "fall.mobilisation_ratio=1000",
    "fall.defection_fall_share=0.5",
    "fall.elite_fall_share=0.5",
)
OFFICERS_CASCADE = (*CASCADE, "security.officer_cost_median=0.25", "regime.elite_cost_median=0.01")
ELITE_CASCADE = (*CASCADE, "security.officer_cost_median=0.01", "regime.elite_cost_median=0.3")
# No channel can fire: base costs 1 % of the punishment (a defection needs a cost factor
# of ~50 or more) and the mobilisation ratio at its maximum.
UNREACHABLE = (
    "security.officer_cost_median=0.01",
    "regime.elite_cost_median=0.01",
    "fall.mobilisation_ratio=1000",
)


# -- runs, shared between tests ------------------------------------------------------------


@dataclass
class Run:
    """A finished run plus what the series does not show, recorded after every day."""

    model: BelarusModel
    series: dict[str, np.ndarray]
    outcome: Outcome
    free_leaders: np.ndarray  # _free_leader_share() when the day's conditions were set
    media_actives: np.ndarray  # engine modifiers in force on each day
    media_weight: np.ndarray
    hardship_scale: np.ndarray
    criminal_share: np.ndarray
    tallies: np.ndarray  # (days, N_TALLIES): the daily pass's tallies
    cops_by_region: np.ndarray  # (days, regions): cops on the lattice, counted there
    counted_cops: np.ndarray  # (days, regions): model.counts[:, COP] at the end of the day
    citizens_on_lattice: np.ndarray  # quiet + active cells
    n_jailed: np.ndarray
    n_emigrated: np.ndarray
    ever_jailed: np.ndarray  # per identity: jailed at the end of some day
    citizen: np.ndarray  # per identity: a citizen on day 0

    def agents(self, column: str) -> np.ndarray:
        """A count column back in agents (the series holds national equivalents)."""
        values = self.series[column] * self.model.scale
        whole = np.rint(values)
        np.testing.assert_allclose(values, whole, atol=1e-6, err_msg=column)
        return whole.astype(np.int64)


def simulate(
    name: str = "belarus-2020",
    overrides: tuple[str, ...] = (),
    seed: int = SEED,
    scale: float = SCALE,
    days: int = DAYS,
) -> Run:
    scenario = apply_overrides(load_scenario(name), list(overrides))
    model = BelarusModel(scenario, seed=seed, scale=scale, days=days)
    sim = model.sim
    citizen = np.zeros(model.leader.size, dtype=bool)
    citizen[sim.ident[(sim.cells & K.KIND) == K.QUIET]] = True
    assert model.n_citizens_start == int(citizen.sum()) == sim.n_citizens
    ever_jailed = np.zeros(model.leader.size, dtype=bool)
    rec: dict[str, list] = {}

    def keep(name: str, value) -> None:
        rec.setdefault(name, []).append(value)

    for _ in range(days):
        keep("free_leaders", model._free_leader_share())
        model.step()
        m = sim.modifiers
        keep("media_actives", m.media_actives)
        keep("media_weight", m.media_weight)
        keep("hardship_scale", m.hardship_scale)
        keep("criminal_share", m.criminal_share)
        keep("tallies", model.tallies.copy())
        kinds = sim.cells & K.KIND
        keep(
            "cops_by_region",
            np.bincount(model.region[kinds == K.COP], minlength=len(model.regions)),
        )
        keep("counted_cops", model.counts[:, K.COP].copy())
        keep("citizens_on_lattice", int(np.count_nonzero((kinds == K.QUIET) | (kinds == K.ACTIVE))))
        keep("n_jailed", sim.n_jailed)
        keep("n_emigrated", int(model.emigrated.sum()))
        ever_jailed[sim.jail.ident[: sim.n_jailed]] = True
    result = model.result()
    return Run(
        model=model,
        series=result.series,
        outcome=result.outcome,
        ever_jailed=ever_jailed,
        citizen=citizen,
        **{name: np.asarray(values) for name, values in rec.items()},
    )


@functools.cache
def run(
    name: str = "belarus-2020",
    overrides: tuple[str, ...] = (),
    seed: int = SEED,
    scale: float = SCALE,
    days: int = DAYS,
) -> Run:
    """`simulate`, computed once per argument set for the whole module."""
    return simulate(name, overrides, seed, scale, days)


def boosted(*more: str) -> Run:
    """belarus-2020 with `BOOST` and the given overrides (every other mechanism on)."""
    return run("belarus-2020", (*BOOST, *more))


def first_mobilisation_day(r: Run) -> int | None:
    """The first day the window's mean participants per loyal officer reach the ratio."""
    fall = r.model.scenario.fall
    active = r.agents("participants")
    cops = r.agents("cops")
    for day in range(fall.mobilisation_window_days - 1, len(active)):
        mean = active[day - fall.mobilisation_window_days + 1 : day + 1].mean()
        q = mean / cops[day] if cops[day] > 0 else (np.inf if mean > 0 else 0.0)
        if q >= fall.mobilisation_ratio:
            return day
    return None


def check_books(r: Run) -> None:
    """Invariants of any run, whatever its parameters and switches."""
    m, s = r.model, r.series
    days = len(s["date"])
    # citizens are on the lattice, in jail or abroad: none appears or vanishes
    total = r.citizens_on_lattice + r.n_jailed + r.n_emigrated
    np.testing.assert_array_equal(total, np.full(days, m.n_citizens_start))
    np.testing.assert_array_equal(r.agents("jailed"), r.n_jailed)
    np.testing.assert_array_equal(r.agents("emigrants"), r.n_emigrated)
    assert np.all(np.diff(r.n_emigrated) >= 0)
    if m.scenario.mechanisms.criminal_pipeline:
        # counted in persons: recognised <= held <= charged, charges only accumulate
        recognised, held = s["political_prisoners"], s["criminal_defendants"]
        charged = s["criminal_cases"]
        for column in (recognised, held, charged):
            np.testing.assert_array_equal(column, np.rint(column))
        assert np.all((0 <= recognised) & (recognised <= held) & (held <= charged))
        assert np.all(np.diff(charged) >= 0)
    else:
        # political prisoners are jailed citizens on a criminal term
        prisoners = r.agents("political_prisoners")
        assert np.all(prisoners <= r.agents("jailed"))
        assert prisoners[-1] == int(m.sim.jail.tier[: m.sim.n_jailed].sum())
    # detentions: street arrests + retroactive and targeted arrests + saboteurs caught
    np.testing.assert_array_equal(
        r.agents("detentions"),
        r.agents("street_detentions")
        + r.agents("retroactive_arrests")
        + r.tallies[:, BK.T_SABOTEURS_CAUGHT],
    )
    np.testing.assert_array_equal(r.agents("retroactive_arrests"), r.tallies[:, BK.T_RETRO_ARRESTS])
    np.testing.assert_array_equal(r.agents("sabotage_events"), r.tallies[:, BK.T_SABOTAGE])
    # the census per region is the lattice's
    np.testing.assert_array_equal(r.counted_cops, r.cops_by_region)
    np.testing.assert_array_equal(r.agents("cops"), r.cops_by_region.sum(axis=1))
    assert m.sim.fields_consistent()
    # shares and indices stay in their ranges
    floor = m.scenario.legitimacy.floor
    assert np.all((s["legitimacy"] >= floor) & (s["legitimacy"] <= 1))
    for column in ("security_loyalty", "elite_loyalty", "media_reach", "opposition_readiness"):
        assert np.all((s[column] >= 0) & (s[column] <= 1)), column
    assert np.all(s["hardship"] >= 0)
    assert np.all(np.diff(s["defections"]) >= 0)


# -- two-tier repression -------------------------------------------------------------------


def test_two_tier_repression_on_makes_political_prisoners_among_the_jailed():
    # the lattice's own criminal jail is what the series shows with the pipeline off
    r = boosted(OFF("sabotage"), OFF("criminal_pipeline"))
    check_books(r)
    prisoners, jailed = r.agents("political_prisoners"), r.agents("jailed")
    assert prisoners.max() > 0
    assert np.all(prisoners <= jailed)
    # the criminal tier is the long one: with terms of >= 365 days, no criminal inmate can
    # be within admin_term_max_days + 1 of release after 130 days (terms count the day)
    sim, rep = r.model.sim, r.model.scenario.repression
    held = slice(0, sim.n_jailed)
    tier, left = sim.jail.tier[held], sim.jail.time[held]
    assert np.all(left[tier == 0] <= rep.admin_term_max_days + 1)
    assert np.all(left[tier == 1] > rep.admin_term_max_days + 1)
    assert np.all(r.criminal_share > 0)


def test_two_tier_repression_off_draws_no_criminal_term():
    # sabotage is off: a caught saboteur gets a criminal term whatever the switch says
    r = boosted(OFF("sabotage"), OFF("two_tier_repression"))
    check_books(r)
    assert r.agents("jailed").max() > 0  # people are jailed ...
    assert np.all(r.series["political_prisoners"] == 0)  # ... all on administrative terms
    sim, rep = r.model.sim, r.model.scenario.repression
    assert not sim.jail.tier[: sim.n_jailed].any()
    assert np.all(sim.jail.time[: sim.n_jailed] <= rep.admin_term_max_days + 1)
    assert np.all(r.criminal_share == 0)


# -- retroactive and targeted repression ---------------------------------------------------


def test_retroactive_repression_arrests_identified_participants_later():
    r = boosted()
    check_books(r)
    assert r.tallies[:, BK.T_IDENTIFIED].sum() > 0
    assert r.agents("retroactive_arrests").sum() > 0
    # arrests of people identified earlier (or the same day): none before the first
    # identification, except of opinion leaders (known to the state without it)
    first_identified = np.flatnonzero(r.tallies[:, BK.T_IDENTIFIED])[0]
    retro_not_leaders = r.tallies[:, BK.T_RETRO_ARRESTS] - r.tallies[:, BK.T_LEADER_ARRESTS]
    assert not retro_not_leaders[:first_identified].any()
    assert retro_not_leaders.sum() > 0


def test_retroactive_repression_needs_identification():
    r = boosted(OFF("targeted_repression"), "repression.identification_probability=0")
    check_books(r)
    assert r.agents("street_detentions").sum() > 0
    assert np.all(r.series["retroactive_arrests"] == 0)


def test_retroactive_and_targeted_repression_off_arrest_no_one_later():
    r = boosted(OFF("retroactive_repression"), OFF("targeted_repression"))
    check_books(r)
    assert r.tallies[:, BK.T_IDENTIFIED].sum() > 0  # people are still identified
    assert np.all(r.series["retroactive_arrests"] == 0)
    assert not r.tallies[:, BK.T_LEADER_ARRESTS].any()


def _jailed_share(r: Run, leaders: bool) -> float:
    group = r.citizen & ((r.model.leader == 1) == leaders)
    return float(r.ever_jailed[group].mean())


def test_targeted_repression_singles_out_opinion_leaders():
    on = boosted(OFF("retroactive_repression"))
    off = boosted(OFF("retroactive_repression"), OFF("targeted_repression"))
    check_books(on)
    n_leaders = on.model.n_leaders
    assert n_leaders >= 40  # leader_share 0.005 of ~18,800 citizens: ~94 (sd ~10)
    # with retroactive repression off, the only later arrests are of opinion leaders
    np.testing.assert_array_equal(
        on.tallies[:, BK.T_RETRO_ARRESTS], on.tallies[:, BK.T_LEADER_ARRESTS]
    )
    assert on.tallies[:, BK.T_LEADER_ARRESTS].sum() > 0
    assert not off.tallies[:, BK.T_LEADER_ARRESTS].any()
    # at 0.2 arrests a day nearly every leader is jailed at some point (P(a leader
    # escapes 100 days) ~ 1e-10); others only in street arrests, a few per cent
    leaders_on, others_on = _jailed_share(on, True), _jailed_share(on, False)
    leaders_off = _jailed_share(off, True)
    assert leaders_on >= 0.8
    assert leaders_on >= 3 * others_on
    assert leaders_on >= leaders_off + 0.3
    # the media lose reach with their leaders: the share free and at home falls
    assert on.free_leaders.min() < 0.8
    assert on.free_leaders.min() < off.free_leaders.min()


# -- legitimacy ----------------------------------------------------------------------------


def _shock_path(r: Run) -> np.ndarray:
    """Initial legitimacy plus the dated shocks so far (clipped like the model)."""
    lg = r.model.scenario.legitimacy
    path = lg.initial + np.cumsum(r.model.drivers.paths["legitimacy_shock"])
    return np.clip(path, lg.floor, 1.0)


def test_legitimacy_feedback_off_moves_legitimacy_only_on_shock_dates():
    r = boosted(OFF("legitimacy_feedback"))
    check_books(r)
    shocks = r.model.drivers.paths["legitimacy_shock"]
    assert shocks.any()  # the rigged election
    assert r.agents("detentions").sum() > 0  # repression, which has no effect here
    np.testing.assert_allclose(r.series["legitimacy"], _shock_path(r), rtol=0, atol=1e-12)
    moved = np.flatnonzero(np.diff(r.series["legitimacy"]) != 0) + 1
    assert set(moved) <= set(np.flatnonzero(shocks))


def test_legitimacy_feedback_on_lowers_legitimacy_after_detentions():
    r = boosted()
    # the same feedback without the loss from repression: shocks and recovery only, a
    # path that does not depend on what happens in the street
    calm = boosted("legitimacy.loss_per_detention_share=0")
    legitimacy, reference = r.series["legitimacy"], calm.series["legitimacy"]
    assert r.agents("detentions").sum() > 0
    # the loss only ever lowers L, and tomorrow's L rises with today's: never above
    assert np.all(legitimacy <= reference + 1e-12)
    below = np.flatnonzero(legitimacy < reference - 1e-12)
    assert below.size > 0
    # the loss follows yesterday's detentions: none before the first day with any
    first_detention = np.flatnonzero(r.agents("detentions"))[0]
    assert below[0] == first_detention + 1
    assert (reference - legitimacy).max() > 1e-3


# -- economy -------------------------------------------------------------------------------


def test_economy_on_sanctions_raise_the_hardship_the_engine_applies():
    r = run("belarus-2022", days=300)  # shared with the conformance test
    assert r.series["sanctions"].min() > 0
    np.testing.assert_array_equal(r.hardship_scale, r.series["hardship"])
    assert r.series["hardship"][-1] > 1.0


def test_economy_off_leaves_hardship_scale_at_one():
    r = run("belarus-2022", (OFF("economy"),), days=60)
    check_books(r)
    assert r.series["sanctions"].min() > 0  # sanctions in force, but no economy
    assert np.all(r.hardship_scale == 1.0)


# -- media and the national picture --------------------------------------------------------


def test_media_reach_falls_with_leaders_and_internet_shutdown():
    r = boosted()
    check_books(r)
    media = r.model.scenario.media
    shutdown = r.model.drivers.paths["internet_shutdown"]
    expected = media.reach * (1 - shutdown) * r.free_leaders**media.leader_weight
    np.testing.assert_allclose(r.series["media_reach"], expected, rtol=1e-12, atol=1e-15)
    assert np.all(r.media_actives[r.series["media_reach"] == 0] == 0)


def test_internet_shutdown_halves_reach_on_its_dates_in_belarus_2020():
    # targeted repression off: leaders stay mostly free, so reach is never 0; a wide
    # reach and salience, so that the media's national crowd is at least one citizen
    r = boosted(
        OFF("retroactive_repression"),
        OFF("targeted_repression"),
        "media.reach=0.4",
        "media.salience=20",
    )
    scenario = r.model.scenario
    (event,) = [e for e in scenario.events if e.variable == "internet_shutdown"]
    assert event.value == 0.5
    media = scenario.media
    dates = r.series["date"].astype(dt.date)
    factor = r.series["media_reach"] / (media.reach * r.free_leaders**media.leader_weight)
    shut = (dates >= event.date) & (dates <= event.until)
    assert shut.sum() == (event.until - event.date).days + 1
    np.testing.assert_allclose(factor[shut], 1 - event.value, rtol=1e-12)
    np.testing.assert_allclose(factor[~shut], 1.0, rtol=1e-12)
    day_after = scenario.day_of(event.until) + 1
    assert dates[day_after] == event.until + dt.timedelta(days=1)
    assert r.series["media_reach"][day_after] > r.series["media_reach"][day_after - 1]
    assert r.media_actives.max() > 0  # citizens reached are told of the national crowd


def test_media_off_reaches_no_one():
    r = boosted(OFF("media"))
    check_books(r)
    assert r.agents("participants").max() > 0
    assert np.all(r.series["media_reach"] == 0)
    assert np.all(r.media_actives == 0)


def test_national_picture_sets_the_weight_of_the_national_ratio():
    on, off = boosted(), boosted(OFF("national_picture"))
    check_books(off)
    assert np.all(on.media_weight == on.model.scenario.media.national_weight)
    assert np.all(off.media_weight == 0.0)


# -- emigration ----------------------------------------------------------------------------


def test_emigration_on_accumulates_emigrants_after_protests():
    r = boosted()
    check_books(r)  # conservation: lattice + jail + abroad = citizens on day 0
    emigrants = r.series["emigrants"]
    assert np.all(np.diff(emigrants) >= 0)
    assert emigrants[-1] > 0
    first_active = np.flatnonzero(r.agents("participants"))[0]
    assert r.tallies[first_active:, BK.T_EMIGRANTS].sum() > 0
    # the diaspora's aid adds to the opposition's readiness
    readiness = r.model.drivers.paths["opposition_readiness"]
    assert np.all(r.series["opposition_readiness"] >= readiness - 1e-12)
    assert r.series["diaspora_aid_usd_bn"][-1] > 0


def test_emigration_off_no_one_leaves():
    r = boosted(OFF("emigration"))
    check_books(r)
    assert np.all(r.series["emigrants"] == 0)
    assert r.model.emigrated.sum() == 0
    np.testing.assert_array_equal(
        r.series["opposition_readiness"], r.model.drivers.paths["opposition_readiness"]
    )


# -- sabotage ------------------------------------------------------------------------------


def test_sabotage_on_and_off():
    on, off = boosted(), boosted(OFF("sabotage"))
    check_books(off)
    assert on.agents("sabotage_events").sum() > 0
    assert on.tallies[:, BK.T_SABOTEURS_CAUGHT].sum() > 0
    assert np.all(off.series["sabotage_events"] == 0)
    assert not off.tallies[:, BK.T_SABOTEURS_CAUGHT].any()


# -- loyalty of the security forces and the elite ------------------------------------------


def _surge_target(r: Run) -> np.ndarray:
    return np.rint(r.model.drivers.paths["police_surge"] * r.model.cops_start).astype(np.int64)


def test_security_loyalty_on_officers_defect_and_the_regime_falls():
    r = run("belarus-2020", (*OFFICERS_CASCADE, OFF("elite_loyalty")))
    check_books(r)
    out = r.outcome
    assert (out.status, out.channel) == ("falls", "security_defection")
    share = r.model.scenario.fall.defection_fall_share
    assert r.series["security_loyalty"][out.day] <= 1 - share + 1e-12
    assert r.series["defections"][out.day] > 0  # officers left during the run ...
    assert np.all(r.agents("cops")[out.day :] < _surge_target(r)[out.day :])  # ... the street


def test_security_loyalty_off_no_officer_defects():
    r = run("belarus-2020", (*OFFICERS_CASCADE, OFF("elite_loyalty"), OFF("security_loyalty")))
    check_books(r)
    # the regime layer's cascade runs (officers would defect) ...
    assert r.model.regime.officers_defected > r.model.regime.officers_defected_start
    # ... but no officer leaves: loyalty stays full, every cop stays on the street
    assert np.all(r.series["security_loyalty"] == 1.0)
    assert np.all(r.series["defections"] == 0)
    np.testing.assert_array_equal(r.agents("cops"), _surge_target(r))
    assert r.outcome.channel != "security_defection"


def test_security_loyalty_off_keeps_the_officers_out_at_rest_on_the_street():
    # base costs at the punishment: most officers are out at rest, before day 0
    overrides = ("security.officer_cost_median=1.0", OFF("security_loyalty"), OFF("elite_loyalty"))
    r = simulate("belarus-2020", overrides, days=20)
    on_the_lattice = int(np.count_nonzero(r.model.layout.kind == K.COP))
    assert r.model.regime.officers_defected_start > on_the_lattice // 2
    assert np.all(r.series["security_loyalty"] == 1.0)
    surge = r.model.drivers.paths["police_surge"]
    np.testing.assert_array_equal(r.agents("cops"), np.rint(surge * on_the_lattice))


def test_elite_loyalty_on_the_elite_splits_and_the_regime_falls():
    r = run("belarus-2020", (*ELITE_CASCADE, OFF("security_loyalty")))
    check_books(r)
    out = r.outcome
    assert (out.status, out.channel) == ("falls", "elite_split")
    assert r.series["elite_loyalty"][out.day] <= 1 - r.model.scenario.fall.elite_fall_share + 1e-12
    assert r.series["elite_loyalty"][0] > 0.9  # the split came during the run


def test_elite_loyalty_off_never_splits():
    r = run("belarus-2020", (*ELITE_CASCADE, OFF("security_loyalty"), OFF("elite_loyalty")))
    check_books(r)
    assert r.model.regime.elites_defected > r.model.regime.elites_defected_start
    assert np.all(r.series["elite_loyalty"] == 1.0)
    assert r.outcome.channel != "elite_split"


# -- redeployment --------------------------------------------------------------------------


def _steady_days(r: Run) -> np.ndarray:
    """Days whose police surge equals the day before's (no cops added or removed)."""
    surge = r.model.drivers.paths["police_surge"]
    days = np.flatnonzero(surge[1:] == surge[:-1]) + 1
    assert days.size > 60
    return days


def _redeployments(monkeypatch, overrides: tuple[str, ...]) -> tuple[Run, list[dict]]:
    """Run belarus-2020 and record every call of the redeployment kernel.

    Cops walk across region borders every day (Epstein's rule M knows no regions), so
    regional counts drift with or without redeployment; the kernel's calls are what
    tell the regime's moves apart.
    """
    calls: list[dict] = []
    original = K.move_cops
    model_of: dict[str, BelarusModel] = {}

    def recording(kind, ident, region, *args):
        # move_cops(kind, ident, zones, cops_words, width, height, cit_hw, masks,
        #           source, target, n_move, first_ident, stamp, key, a, b)
        source, target, n_move = args[5], args[6], args[7]
        model = model_of["model"]
        counts = model.counts.copy()
        before = np.bincount(region[(kind & K.KIND) == K.COP], minlength=len(model.regions))
        moved = original(kind, ident, region, *args)
        after = np.bincount(region[(kind & K.KIND) == K.COP], minlength=len(model.regions))
        calls.append(
            {"source": source, "target": target, "n": n_move, "moved": moved,
             "counts": counts, "before": before, "after": after}
        )  # fmt: skip
        return moved

    monkeypatch.setattr(K, "move_cops", recording)
    # redeploy_share 0.1 (the top of its plausible range): ~25 cops per region move 2 or 3
    scenario_overrides = (*UNREACHABLE, "security.redeploy_share=0.1", *overrides)
    real_init = BelarusModel.__init__

    def init(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        model_of["model"] = self

    monkeypatch.setattr(BelarusModel, "__init__", init)
    return simulate("belarus-2020", scenario_overrides), calls


def test_redeployment_moves_cops_toward_the_crowds(monkeypatch):
    r, calls = _redeployments(monkeypatch, ())
    check_books(r)
    assert np.all(r.series["defections"] == 0)  # no officer can defect in these runs
    moves = [c for c in calls if c["moved"] > 0]
    assert len(moves) >= 10
    for c in moves:
        active = c["counts"][:, K.ACTIVE].astype(float)
        pressure = active / np.maximum(c["counts"][:, K.COP], 1.0)
        # from the region with the fewest participants per cop to the one with the most
        assert pressure[c["target"]] == pressure.max() > pressure.min() == pressure[c["source"]]
        assert 0 < c["moved"] <= c["n"]
        change = c["after"] - c["before"]
        assert change[c["target"]] == c["moved"] == -change[c["source"]]
        assert np.count_nonzero(change) == 2  # the number of cops is unchanged
    # surges aside, redeployment keeps the number of cops on the street
    days = _steady_days(r)
    cops = r.agents("cops")
    np.testing.assert_array_equal(cops[days], cops[days - 1])


def test_redeployment_off_moves_no_one(monkeypatch):
    r, calls = _redeployments(monkeypatch, (OFF("redeployment"),))
    check_books(r)
    assert r.agents("participants").max() > 0  # crowds that would draw the police
    assert calls == []
    days = _steady_days(r)
    cops = r.agents("cops")
    np.testing.assert_array_equal(cops[days], cops[days - 1])


# -- outcome -------------------------------------------------------------------------------


def test_mobilisation_channel_fires_when_the_crowd_outnumbers_the_police():
    overrides = ("fall.mobilisation_ratio=1e-6", OFF("security_loyalty"), OFF("elite_loyalty"))
    r = run("belarus-2020", overrides)
    out, start = r.outcome, r.model.scenario.run.start
    assert out.status == "falls" and out.channel == "mobilisation" and out.channel in CHANNELS
    assert 0 <= out.day < DAYS
    assert out.date == start + dt.timedelta(days=out.day)
    assert r.model.scenario.fall.mobilisation_window_days - 1 <= out.day
    assert 0.0 <= out.readiness <= 1.0
    assert out.readiness == r.series["opposition_readiness"][out.day]
    assert out.day == first_mobilisation_day(r)
    assert out.as_dict()["fall_date"] == out.date.isoformat()


def test_unreachable_thresholds_hold_to_the_horizon():
    r = run("belarus-2020", UNREACHABLE)
    out = r.outcome
    assert (out.status, out.date, out.channel, out.day) == ("holds", None, None, DAYS)
    assert 0.0 <= out.readiness <= 1.0
    assert out.readiness == r.series["opposition_readiness"][-1]
    assert first_mobilisation_day(r) is None


# -- conformance of every built-in Belarus scenario ----------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", BELARUS)
def test_builtin_scenario_runs_300_days_with_the_documented_series(name):
    days = 300
    r = run(name, days=days)
    s, m = r.series, r.model
    assert len(m.regions) == 7
    regional = [region_column(region) for region in m.regions]
    required = [
        "date",
        "participants",
        *regional,
        "detentions",
        "political_prisoners",
        "emigrants",
        "legitimacy",
        "hardship",
        "regime_revenue",
        "security_loyalty",
        "defections",
        "sabotage_events",
    ]
    assert set(required) <= set(s)
    for column, values in s.items():
        assert len(values) == days, column
        if column != "date":
            assert np.all(np.isfinite(values.astype(float))), column
    np.testing.assert_allclose(
        s["participants"], np.sum([s[c] for c in regional], axis=0), rtol=1e-12, atol=1e-6
    )
    start = np.datetime64(m.scenario.run.start, "D")
    np.testing.assert_array_equal(s["date"], start + np.arange(days))
    assert r.outcome.status in ("holds", "falls")
    check_books(r)


# -- determinism ---------------------------------------------------------------------------


def _same(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def test_same_seed_same_series_other_seed_other_series():
    first = boosted()
    again = simulate("belarus-2020", BOOST)
    assert _same(first.series, again.series)
    assert first.outcome == again.outcome
    other = simulate("belarus-2020", BOOST, seed=SEED + 1)
    assert not _same(first.series, other.series)


def test_series_do_not_depend_on_the_number_of_threads():
    # legitimacy 0.3 from day 0: protests at once, so that the blocks have work to do
    scenario = apply_overrides(load_scenario("belarus-2022"), ["legitimacy.initial=0.3"])
    before = numba.get_num_threads()
    series = []
    try:
        for threads in (1, 2):
            set_threads(threads)
            model = BelarusModel(scenario, seed=SEED, scale=0.01, days=30)
            assert model.sim.parallel  # ~494 x 332 cells: the blocked schedule
            series.append(model.run().series)
    finally:
        set_threads(before)
    assert series[0]["participants"].max() > 0
    assert _same(*series)


# -- scale ---------------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [0.002, 0.004])
def test_counts_are_national_equivalents_at_any_scale(scale):
    r = run("belarus-2022", UNREACHABLE, days=10, scale=scale)  # no officer leaves
    m = r.model
    # ~19,000 or ~38,000 citizens stand for the 9.41 million of the 2019 census, region by
    # region (rounding: half an agent per region, < 0.03 %)
    assert abs(m.n_citizens_start / scale / CENSUS_2019 - 1) < 0.01
    regions = {region.name: region.population for region in load_regions()}
    assert abs(sum(regions.values()) / CENSUS_2019 - 1) < 1e-4  # rounded to hundreds
    kind = m.layout.kind
    citizens = np.bincount(m.region[kind == K.QUIET], minlength=len(m.regions))
    for i, name in enumerate(m.regions):
        assert abs(citizens[i] / scale / regions[name] - 1) < 0.01, name
    # police_per_100k of them are cops (~90 at 0.002: rounding per region, < 4 %)
    police = m.scenario.security.police_per_100k / 1e5 * CENSUS_2019
    assert abs(np.count_nonzero(kind == K.COP) / scale / police - 1) < 0.05
    # the series count agents / scale: whole agents, never more than the population
    for column in ("participants", "detentions", "jailed", "emigrants", "cops"):
        r.agents(column)
    assert r.series["participants"].max() <= m.n_citizens_start / scale
    assert r.series["cops"][0] == pytest.approx(m.cops_start / scale)


# -- runs shorter than the scenario ------------------------------------------------------


def test_a_run_shorter_than_the_scenario_ignores_later_events():
    # belarus-2020's police_surge ramp starts on 2020-12-01, day 122: after this run
    model = BelarusModel(load_scenario("belarus-2020"), seed=SEED, scale=SCALE, days=60)
    series = model.run().series
    assert len(series["date"]) == 60
    np.testing.assert_array_equal(
        model.drivers.paths["police_surge"],
        run("belarus-2020", days=300).model.drivers.paths["police_surge"][:60],  # conformance run
    )


def test_a_police_surge_on_the_first_day_is_on_the_street_and_in_the_series_from_day_0():
    # belarus-2022's events all fall on its first day: make one of them a surge of 2
    # (and no officer can defect, which would take cops off the street)
    overrides = ("events.1.variable=police_surge", "events.1.value=2.0", *UNREACHABLE)
    r = simulate("belarus-2022", overrides, days=5)
    check_books(r)  # the series' cops are the lattice's, day 0 included
    np.testing.assert_array_equal(r.agents("cops"), _surge_target(r))
    assert r.agents("cops")[0] == 2 * r.model.cops_start
