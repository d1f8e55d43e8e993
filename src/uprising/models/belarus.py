"""The Belarus model: the Epstein core on a lattice laid out like the country, coupled
to a regime layer, advanced in daily steps.

    model = BelarusModel(load_scenario("belarus-2020"), seed=1, scale=0.01)
    result = model.run()          # BelarusResult: daily series and the outcome

One day reads like the model (docs/MODEL.md, "The Belarus layer"; each rule's source is
in the docstring of the phase that applies it):

1. `update_legitimacy`: dated shocks (a rigged election, complicity in a war) and the
   feedback from visible repression;
2. `run_regime_day`: economy, revenue, the selectorate's slack, and the loyalty
   cascades of the security forces and of the elite (`uprising.models.regime`);
   defected officers leave the street;
3. `set_street_conditions`: what citizens know and face today (hardship, the media's
   national picture, calls to protest, the expected cost of arrest, repression);
4. `street_day`: the Epstein step: every agent moves and acts once, cops detain;
5. `individual_mechanisms`: identification, retroactive and targeted arrests,
   emigration and sabotage (one compiled pass), and the census per region;
6. `deploy_forces`: police surges and redeployment toward the biggest crowds;
7. `observe` and `check_fall`: the day's row; whether the regime fell, and how;
8. `choose_policy`: the regime's repression and troops for tomorrow.
"""  # noqa: D205

from __future__ import annotations

import datetime as dt
import math
from collections import deque
from collections.abc import Callable
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
from uprising.models import belarus_kernels as BK
from uprising.models import regime as R
from uprising.models.drivers import Drivers, build_drivers
from uprising.outputs import region_column
from uprising.population.belarus import Layout, build_layout
from uprising.scenarios.belarus import drivers as driver_table

CHANNELS = ("mobilisation", "security_defection", "elite_split")


@dataclass(frozen=True)
class Outcome:
    """How a run ended.

    Attributes:
        status: ``"holds"`` (to the horizon) or ``"falls"``.
        date: the day the regime fell (None when it holds).
        channel: one of `CHANNELS` (None when it holds).
        readiness: the opposition's readiness on that day (or on the last day).
        day: index of that day (0-based), or the number of days run.
        successor: what follows the fall, ``"democracy"`` or ``"autocracy"``
            (`uprising.models.regime.successor`; None when it holds).
    """

    status: str
    date: dt.date | None
    channel: str | None
    readiness: float
    day: int
    successor: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The outcome as JSON-ready values."""
        return {
            "outcome": self.status,
            "fall_date": self.date.isoformat() if self.date else None,
            "channel": self.channel,
            "readiness": round(self.readiness, 4),
            "days": self.day,
            "successor": self.successor,
        }


@dataclass(frozen=True)
class BelarusResult:
    """Daily series (name -> array, one entry per day run) and the outcome."""

    series: dict[str, np.ndarray]
    outcome: Outcome
    regions: tuple[str, ...]


def arrest_cost(expected_term_days: float, steepness: float) -> float:
    """Expected cost of an arrest, 2 e^{kJ} / (1 + e^{kJ}) - 1, in [0, 1).

    Chenoweth, Hocking & Marks (2022), rule 2 (MODEL_BRIEF.md 2.9), without its income
    term: J is the expected term in days, k the steepness (their k2 = 0.075).
    """
    x = steepness * expected_term_days
    return 1.0 - 2.0 / (1.0 + math.exp(x)) if x < 700 else 1.0


def regime_params(scenario: Any) -> R.RegimeParams:
    """The regime layer's parameters from a Belarus scenario (`R.RegimeParams.from_scenario`)."""
    return R.RegimeParams.from_scenario(scenario)


class BelarusModel:
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
        pop = s.population
        self.layout: Layout = build_layout(
            self.scale,
            urban_density=pop.urban_density,
            rural_density=pop.rural_density,
            police_per_100k=s.security.police_per_100k,
            opponent_share=pop.opponent_share,
            loyalist_share=pop.loyalist_share,
            leader_share=pop.leader_share,
            seed=population_seed,
        )
        lay = self.layout
        # A convinced opponent's hardship is stored negated (the engine then applies the
        # opponents' own legitimacy); a convinced loyalist grants the regime full
        # legitimacy, i.e. has no grievance: H = 0.
        hardship = lay.hardship.copy()
        hardship[lay.disposition == 1] *= -1.0
        hardship[lay.disposition == 2] = 0.0
        initial = _Initial(lay.kind, hardship, lay.risk_aversion)
        self.config = EngineConfig(
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
        self.sim = Simulation(self.config, int(engine_seed.generate_state(1)[0]), initial=initial)
        sim = self.sim
        rep = s.repression
        sim.modifiers.admin_term = (rep.admin_term_min_days, rep.admin_term_max_days)
        sim.modifiers.criminal_term = (rep.criminal_term_min_days, rep.criminal_term_max_days)
        self._keys = {
            "pass": np.uint64(pass_seed.generate_state(1, dtype=np.uint64)[0]),
            "deploy": np.uint64(deploy_seed.generate_state(1, dtype=np.uint64)[0]),
            "remove": np.uint64(deploy_seed.generate_state(2, dtype=np.uint64)[1]),
        }
        self._removals = 0

        # per identity: opinion leader, identified by the state, emigrated
        n_ident = int(sim._next_ident) + 1
        self.leader = np.zeros(n_ident, dtype=np.uint8)
        occupied = lay.kind != K.EMPTY
        self.leader[sim.ident[occupied]] = lay.leader[occupied]
        self.identified = np.zeros(n_ident, dtype=np.uint8)
        self.emigrated = np.zeros(n_ident, dtype=np.uint8)
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
        self.deploy_forces(drv, regime_day)
        self.observe(drv, regime_day)
        self.check_fall()
        self.choose_policy(drv)
        self.day += 1

    def update_legitimacy(self, drv: dict[str, float]) -> None:
        """Legitimacy: dated shocks, recovery toward its level, loss from repression.

        L(t+1) = L(t) + mu (L* - L(t)) - lambda v(t) L(t), with v the share of the
        population detained yesterday: the "exponentially decaying system support" form
        of Lemos, Lopes & Coelho (2016) as written in MODEL_BRIEF.md 2.5, with repression
        (not activity) as the feedback (the backfire of the August 2020 violence). A
        shock moves L, and shock_persistence of it the level L* that L recovers to
        (0: Lemos et al.'s recovery to the initial level; 1: Epstein's permanent jump).
        """
        lg = self.scenario.legitimacy
        if drv["legitimacy_shock"]:
            self.legitimacy += drv["legitimacy_shock"]
            self.legitimacy_anchor += lg.shock_persistence * drv["legitimacy_shock"]
        if not self.scenario.mechanisms.legitimacy_feedback:
            self.legitimacy = min(1.0, max(lg.floor, self.legitimacy))
            return
        v = self._yesterday["detentions"] / max(1, self.n_citizens_start)
        self.legitimacy += lg.recovery_rate * (self.legitimacy_anchor - self.legitimacy)
        self.legitimacy -= lg.loss_per_detention_share * v * self.legitimacy
        self.legitimacy = min(1.0, max(lg.floor, self.legitimacy))
        self.legitimacy_anchor = min(1.0, max(lg.floor, self.legitimacy_anchor))

    def run_regime_day(self, drv: dict[str, float]) -> R.RegimeDay:
        """The regime layer's day (economy, revenue, loyalty); defectors leave the street.

        See `uprising.models.regime.advance_day` for the equations and their sources.
        """
        forced = drv["troops_abroad"] > 0
        if self.scenario.repression.policy != "optimise":
            self._troops = forced  # fixed policy: troops abroad exactly when an event says
        else:
            self._troops = forced or self._troops
        day = R.advance_day(self.regime, self.params, self._regime_drivers(drv))
        if day.new_defections > 0 and self.scenario.mechanisms.security_loyalty:
            self._remove_cops(day.new_defections)
            self._defections_total += day.new_defections
        return day

    def set_street_conditions(self, drv: dict[str, float], regime_day: R.RegimeDay) -> None:
        """Set what citizens know and face today (the engine's `Modifiers`).

        - grievance scaled by the economy's hardship index (regime.hardship_index);
        - convinced opponents see legitimacy times `opponent_legitimacy_weight`;
        - the media (the exiled opposition's channels) have an effective reach
          reach x (1 - shutdown) x (opinion leaders free and at home)^leader_weight;
          every citizen is told of reach x media.salience x (national % in the street)
          protesters (Lemos et al.'s "news impact", Makowsky & Rubin's network range:
          MODEL_BRIEF.md 2.4-2.5); on a called day the expected crowd is the largest of
          yesterday's, strength x call_boost x the last called day's, and the call's own
          announcement strength x call_share x (0.5 + readiness);
        - every citizen weighs the national cop-to-active ratio (of the expected crowd)
          by media.national_weight in its arrest probability, the local ratio by the rest
          (state and opposition media alike: the weight does not depend on reach);
        - peer pressure (Chenoweth, Hocking & Marks 2022, rule 5);
        - the expected cost of arrest from the expected term (ibid., rule 2);
        - the day's arrest rate and criminal share, scaled by the repression level.
        """
        s = self.scenario
        on = s.mechanisms
        m = self.sim.modifiers
        m.hardship_scale = regime_day.hardship if on.economy else 1.0
        m.opponent_legitimacy = s.population.opponent_legitimacy_weight * self.legitimacy
        free_leaders = self._free_leader_share()
        reach = s.media.reach * (1.0 - drv["internet_shutdown"]) if on.media else 0.0
        reach *= free_leaders**s.media.leader_weight
        citizens = max(1, self.n_citizens_start)
        share = self._yesterday["active"] / citizens
        readiness = self._readiness(drv)
        if drv["protest_call"] > 0 and on.media:
            strength = drv["protest_call"]
            share = max(
                share,
                strength * s.media.call_boost * self._last_call_share,
                strength * s.media.call_share * (0.5 + readiness),
            )
        m.media_actives = round(reach * s.media.salience * 100.0 * share)
        m.media_weight = s.media.national_weight if on.national_picture else 0.0
        m.national_ratio = self._cops_now() / max(1.0, share * citizens)
        m.peer_count = s.population.peer_pressure_count
        rep = s.repression
        criminal = min(1.0, rep.criminal_share * self.repression) if on.two_tier_repression else 0.0
        admin_mean = 0.5 * (rep.admin_term_min_days + rep.admin_term_max_days)
        criminal_mean = 0.5 * (rep.criminal_term_min_days + rep.criminal_term_max_days)
        expected = (1 - criminal) * admin_mean + criminal * criminal_mean
        m.penalty_weight = arrest_cost(expected, rep.penalty_steepness)
        m.arrest_rate = min(1.0, s.security.arrest_rate * self.repression)
        m.criminal_share = criminal
        self._today = {"reach": reach, "readiness": readiness, "call": drv["protest_call"]}

    def street_day(self) -> None:
        """The Epstein step (Epstein 2002, Model I, with the modifiers above)."""
        sim = self.sim
        sim.activate(self.legitimacy, math.inf)
        sim.serve_jail_terms()
        sim.tick += 1
        self._today["street_arrests"] = int(sim._arrests.sum())

    def individual_mechanisms(self) -> None:
        """Identification, retroactive and targeted arrests, emigration, sabotage, census.

        One compiled pass (`belarus_kernels.daily_pass`); rules:
        - an active citizen is identified (photographed, filmed, reported) with
          probability identification_probability a day, x leader_targeting for an
          opinion leader;
        - an identified citizen, and every opinion leader (known to the state), is
          arrested later with probability retroactive_rate x repression a day
          (x leader_targeting for a leader): retroactive and targeted repression;
          a share retroactive_criminal_share of these are criminal cases;
        - else, when aggrieved (G > emigration.grievance_min), leaves the country with
          probability emigration.rate a day (emigration of the exposed and aggrieved);
        - a radical citizen (G >= sabotage.grievance_min, R <= sabotage.risk_max)
          commits sabotage with probability sabotage.probability a day and is caught
          (a criminal case) with probability sabotage.catch_probability: Moro (2016)'s
          small armed organisation, MODEL_BRIEF.md 2.6.
        """
        s = self.scenario
        on = s.mechanisms
        sim = self.sim
        m = sim.modifiers
        rep = s.repression
        pf = np.zeros(BK.N_PASS_PARAMS)
        pf[BK.P_LEGITIMACY] = self.legitimacy
        pf[BK.P_OPPONENT_LEGITIMACY] = m.opponent_legitimacy
        pf[BK.P_HARDSHIP_SCALE] = m.hardship_scale
        pf[BK.P_IDENTIFY] = rep.identification_probability
        pf[BK.P_RETRO] = rep.retroactive_rate if on.retroactive_repression else 0.0
        targeting = rep.leader_targeting if on.targeted_repression else 1.0
        pf[BK.P_LEADER_RATE] = rep.retroactive_rate * targeting if on.targeted_repression else 0.0
        pf[BK.P_RETRO_CRIMINAL] = rep.retroactive_criminal_share if on.two_tier_repression else 0.0
        pf[BK.P_TARGETING] = targeting
        pf[BK.P_EMIGRATE] = s.emigration.rate if on.emigration else 0.0
        pf[BK.P_EMIGRATE_GRIEVANCE] = s.emigration.grievance_min
        pf[BK.P_SABOTAGE] = s.sabotage.probability if on.sabotage else 0.0
        pf[BK.P_SABOTAGE_GRIEVANCE] = s.sabotage.grievance_min
        pf[BK.P_SABOTAGE_RISK] = s.sabotage.risk_max
        pf[BK.P_SABOTAGE_CATCH] = s.sabotage.catch_probability
        sim.n_jailed = int(
            BK.daily_pass(
                sim.cells, sim.hardship, sim.risk_aversion, sim.ident, self.region,
                sim._actives_words, sim._masks, self.config.width, self.config.height,
                sim._cit_hw, self.identified, self.leader, self.emigrated, self.repression,
                sim.jail_hardship, sim.jail_risk, sim.jail_ident, sim.jail_time,
                sim.jail_home, sim.jail_tier, sim.n_jailed,
                pf, sim._iparams, self._keys["pass"], self.day, self.counts, self.tallies,
            )
        )  # fmt: skip
        t = self.tallies
        self._emigrants_total += int(t[BK.T_EMIGRANTS])
        self._leaders_emigrated += int(t[BK.T_LEADER_EMIGRANTS])
        self._sabotage_window.append(int(t[BK.T_SABOTAGE]))

    def deploy_forces(self, drv: dict[str, float], regime_day: R.RegimeDay) -> None:
        """Police surges (dated events) and redeployment toward the biggest crowds.

        Surge: the cops on the street follow police_surge x (officers who have not
        defected). Redeployment (the regime's decision where to send its forces):
        each day, redeploy_share of the cops of the region with the fewest participants
        per cop move to the region with the most, while any region has participants.
        """
        sim = self.sim
        resigned = self.regime.officers_defected - self.regime.officers_defected_start
        if not self.scenario.mechanisms.security_loyalty:
            resigned = 0
        target = round(drv["police_surge"] * (self.cops_start - resigned))
        now = self._cops_now()
        if target < now:
            self._remove_cops(now - target)
        elif target > now:
            placed = BK.add_cops_in(
                sim.cells, sim.ident, self.region, sim._cops_words, self.config.width,
                self.config.height, sim._cit_hw, sim._masks, -1, target - now,
                sim._next_ident, self._stamp(), self._keys["deploy"], 2 * self.day,
            )  # fmt: skip
            sim._next_ident += int(placed)
            self._recount_cops()
        active = self.counts[:, K.ACTIVE].astype(float)
        cops = self.counts[:, K.COP].astype(float)
        share = self.scenario.security.redeploy_share
        if not self.scenario.mechanisms.redeployment:
            share = 0.0
        if active.sum() > 0 and share > 0 and cops.sum() > 0:
            pressure = active / np.maximum(cops, 1.0)
            to, frm = int(np.argmax(pressure)), int(np.argmin(pressure))
            n = round(share * cops[frm])
            if to != frm and n > 0:
                moved = BK.redeploy_cops(
                    sim.cells, sim.ident, self.region, sim._cops_words, self.config.width,
                    self.config.height, sim._cit_hw, sim._masks, frm, to, n,
                    sim._next_ident, self._stamp(), self._keys["deploy"], 2 * self.day + 1,
                )  # fmt: skip
                sim._next_ident += int(moved)
                self.counts[frm, K.COP] -= moved
                self.counts[to, K.COP] += moved

    def observe(self, drv: dict[str, float], regime_day: R.RegimeDay) -> None:
        """Append the day's row (counts as national equivalents: divided by the scale)."""
        sim = self.sim
        t = self.tallies
        nat = 1.0 / self.scale
        active = int(self.counts[:, K.ACTIVE].sum())
        detentions = self._today["street_arrests"] + int(t[BK.T_RETRO_ARRESTS])
        detentions += int(t[BK.T_SABOTEURS_CAUGHT])
        prisoners = int(BK.count_criminal(sim.jail_tier, sim.n_jailed))
        aid = self._emigrants_total * nat * self.scenario.emigration.aid_per_emigrant_usd
        self._diaspora_aid = aid / 1e9  # USD bn per year
        row = {
            "date": self.drivers.date(self.day),
            "day": self.day,
            "participants": active * nat,
            **{
                region_column(name): self.counts[i, K.ACTIVE] * nat
                for i, name in enumerate(self.regions)
            },
            "detentions": detentions * nat,
            "street_detentions": self._today["street_arrests"] * nat,
            "retroactive_arrests": int(t[BK.T_RETRO_ARRESTS]) * nat,
            "political_prisoners": prisoners * nat,
            "jailed": sim.n_jailed * nat,
            "emigrants": self._emigrants_total * nat,
            "legitimacy": self.legitimacy,
            "hardship": self.sim.modifiers.hardship_scale,
            "output": regime_day.output,
            "inflation": regime_day.inflation,
            "regime_revenue": regime_day.revenue,
            "security_loyalty": 1.0 - self._defection_share(regime_day),
            "defections": self._defections_total * nat,
            "elite_loyalty": 1.0 - self._elite_share(regime_day),
            "sabotage_events": int(t[BK.T_SABOTAGE]) * nat,
            "cops": self._cops_now() * nat,
            "repression": self.repression,
            "troops_abroad": int(self._troops),
            "media_reach": self._today["reach"],
            "protest_call": float(self._today["call"]),
            "opposition_readiness": self._today["readiness"],
            "diaspora_aid_usd_bn": self._diaspora_aid,
            "russian_support": drv["russian_support"],
            "sanctions": drv["sanctions"],
        }
        for name, value in row.items():
            self._rows.setdefault(name, []).append(value)
        self._participants_window.append(float(active))
        share = active / max(1, self.n_citizens_start)
        if self._today["call"]:
            self._last_call_share = share
        self._yesterday = {"active": active, "detentions": detentions}

    def check_fall(self) -> None:
        """Whether the regime fell today, through which channel, and what follows.

        security_defection: the share of officers who defected reaches
        defection_fall_share; elite_split: the elite's reaches elite_fall_share while the
        forces hold (the model's coup); mobilisation: the mean participants over the
        window reach mobilisation_ratio x the loyal officers (thresholds: [fall],
        `uprising.models.regime.fall_margins`, `fall_channel`). The successor,
        democracy or a new autocracy, is drawn once from readiness
        (`uprising.models.regime.successor`).
        """
        if self.outcome is not None:
            return
        window = self._participants_window
        on = self.scenario.mechanisms
        margins = R.fall_margins(
            self.params,
            participants=sum(window) / len(window),
            loyal_forces=self._cops_now(),
            defection_share=self.regime.defection_share if on.security_loyalty else 0.0,
            elite_share=self.regime.elite_share if on.elite_loyalty else 0.0,
        )
        full = len(window) == window.maxlen
        channel = R.fall_channel(
            margins.defection, margins.elite, margins.mobilisation if full else 1.0
        )
        if channel is not None:
            readiness = self._today["readiness"]
            self.outcome = Outcome(
                "falls",
                self.drivers.date(self.day),
                channel,
                readiness,
                self.day,
                R.successor(self.params, readiness, self._successor_seed),
            )

    def choose_policy(self, drv: dict[str, float]) -> None:
        """The regime's repression level and troops for tomorrow.

        ``repression.policy = "fixed"``: the scenario's path of the repression level
        (repression_level, then `repression` events).
        ``"optimise"``: the option with the widest forecast margin to the three fall
        conditions (`uprising.models.regime.choose_policy`, a myopic heuristic).
        """
        if self.scenario.repression.policy != "optimise":
            if self.day + 1 < self.days:
                self.repression = float(self.drivers.paths["repression"][self.day + 1])
            return
        forced = drv["troops_abroad"] > 0
        options = R.policy_options(self.params, troops_forced=True if forced else None)
        choice = R.choose_policy(self.regime, self.params, self._regime_drivers(drv), options)
        self.repression = choice.option.repression
        self._troops = choice.option.troops_abroad

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

    def result(self) -> BelarusResult:
        """The series so far and the outcome (``holds`` unless it fell)."""
        series = {
            name: np.asarray(values)
            if name != "date"
            else np.asarray(values, dtype="datetime64[D]")
            for name, values in self._rows.items()
        }
        outcome = self.outcome or Outcome(
            "holds", None, None, float(self._today.get("readiness", 0.0)), self.day
        )
        return BelarusResult(series=series, outcome=outcome, regions=self.regions)

    @property
    def n_agents(self) -> int:
        """Agents on the lattice now (citizens and cops), those who step each day."""
        counts = K.count_kinds(self.sim.cells)
        return int(counts[K.QUIET] + counts[K.ACTIVE] + counts[K.COP])

    def state_bytes(self) -> int:
        """Bytes held by the run's arrays (engine state, region map, identity flags)."""
        extra = (self.region, self.leader, self.identified, self.emigrated)
        return self.sim.state_bytes() + sum(a.nbytes for a in extra)

    # -- helpers -------------------------------------------------------------------------

    def _cops_now(self) -> int:
        return int(self.counts[:, K.COP].sum())

    def _stamp(self) -> int:
        return ((self.sim.tick - 1) & 1) * K.ACTED

    def _remove_cops(self, n: int) -> None:
        sim = self.sim
        self._removals += 1  # a fresh random stream for every removal
        K.remove_cops(
            sim.cells, sim.ident, sim._cops_words, self.config.width, self.config.height,
            sim._cit_hw, sim._masks, n, self._keys["remove"], self._removals,
        )  # fmt: skip
        self._recount_cops()

    def _recount_cops(self) -> None:
        kinds = self.sim.cells & K.KIND
        self.counts[:, K.COP] = np.bincount(
            self.region[kinds == K.COP], minlength=len(self.regions)
        )

    def _defection_share(self, day: R.RegimeDay) -> float:
        return day.defection_share if self.scenario.mechanisms.security_loyalty else 0.0

    def _elite_share(self, day: R.RegimeDay) -> float:
        return day.elite_share if self.scenario.mechanisms.elite_loyalty else 0.0

    def _sabotage_recent(self) -> float:
        per_million = sum(self._sabotage_window) / self.scale / 9.4
        return min(1.0, per_million)

    def _regime_drivers(self, drv: dict[str, float]) -> R.RegimeDrivers:
        """The regime layer's inputs now: today's paths and the street as last observed."""
        window = self._participants_window
        citizens = max(1, self.n_citizens_start)
        return R.RegimeDrivers(
            legitimacy=self.legitimacy,
            russian_support=drv["russian_support"],
            sanctions=drv["sanctions"],
            russian_growth=drv["russian_growth"],
            russian_inflation=drv["russian_inflation"],
            western_recognition=drv["western_recognition"],
            readiness=self._readiness(drv),
            participants_share=self._yesterday["active"] / citizens,
            participants=(sum(window) / len(window)) if window else 0.0,
            loyal_forces=self._cops_now(),
            sabotage_recent=self._sabotage_recent(),
            detention_share=self._yesterday["detentions"] / citizens,
            repression=self.repression,
            troops_abroad=self._troops,
        )

    def _free_leader_share(self) -> float:
        if self.n_leaders == 0:
            return 1.0
        jailed = int(BK.count_jailed_leaders(self.sim.jail_ident, self.sim.n_jailed, self.leader))
        gone = self._leaders_emigrated
        return max(0.0, 1.0 - (jailed + gone) / self.n_leaders)

    def _readiness(self, drv: dict[str, float]) -> float:
        if not self.scenario.mechanisms.emigration:
            return drv["opposition_readiness"]
        per_100m = self.scenario.emigration.readiness_per_aid
        return min(1.0, drv["opposition_readiness"] + per_100m * self._diaspora_aid * 10.0)


@dataclass(frozen=True)
class _Initial:
    kind: np.ndarray
    hardship: np.ndarray
    risk_aversion: np.ndarray


__all__ = ["CHANNELS", "BelarusModel", "BelarusResult", "Outcome", "arrest_cost"]
