"""The street's side of a Belarus day: what citizens face, the Epstein step, the
individual mechanisms and the deployment of the police (phases 3 to 6 of
`BelarusModel.step`).
"""  # noqa: D205

from __future__ import annotations

import math

import numpy as np

from uprising.engine import kernels as K
from uprising.models import regime as R
from uprising.models.belarus import kernels as BK


def arrest_cost(expected_term_days: float, steepness: float) -> float:
    """Expected cost of an arrest, 2 e^{kJ} / (1 + e^{kJ}) - 1, in [0, 1).

    Chenoweth, Hocking & Marks (2022, PLoS ONE 17(7)), arrest cost, without its income
    term: J is the expected term in days, k the steepness (their k2 = 0.075).
    """
    x = steepness * expected_term_days
    return 1.0 - 2.0 / (1.0 + math.exp(x)) if x < 700 else 1.0


class StreetPhases:
    """The phases of `BelarusModel` on the lattice (its state lives on the model)."""

    def set_street_conditions(self, drv: dict[str, float], regime_day: R.RegimeDay) -> None:
        """Set what citizens know and face today (the engine's `Modifiers`).

        - grievance scaled by the economy's hardship index (regime.hardship_index);
        - convinced opponents see legitimacy times `opponent_legitimacy_weight`;
        - the media (the exiled opposition's channels) have an effective reach
          reach x (1 - shutdown) x (opinion leaders free and at home)^leader_weight;
          every citizen is told of reach x media.salience x (national % in the street)
          protesters (Lemos et al.'s "news impact", Makowsky & Rubin's network range);
          on a called day the expected crowd is the largest of yesterday's,
          strength x call_boost x the last called day's, and the call's own
          announcement strength x call_share x (0.5 + readiness);
        - every citizen weighs the national cop-to-active ratio (of the expected crowd)
          by media.national_weight in its arrest probability, the local ratio by the rest
          (state and opposition media alike: the weight does not depend on reach);
        - peer pressure (Chenoweth, Hocking & Marks 2022, PLoS ONE 17(7)), on a called
          day never below strength x media.call_assurance: the call is a focal point
          that assures each citizen that others will come (Schelling 1960, ch. 3;
          Lohmann 1994), so a called march can draw a crowd from an empty street;
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
        called = drv["protest_call"] if on.media else 0.0
        m.peer_floor = min(1.0, called * s.media.call_assurance)
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
        self._today["street_arrests"] = self.sim.street_step(self.legitimacy, math.inf)

    def individual_mechanisms(self) -> None:
        """Identification, retroactive and targeted arrests, emigration, sabotage, census.

        One compiled pass (`belarus.kernels.daily_pass`); rules:
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
          small armed organisation.
        """
        s = self.scenario
        on = s.mechanisms
        sim = self.sim
        m = sim.modifiers
        rep = s.repression
        targeting = rep.leader_targeting if on.targeted_repression else 1.0
        pf = np.zeros(BK.N_PASS_PARAMS)
        K.write_params(
            pf,
            BK.PASS,
            legitimacy=self.legitimacy,
            opponent_legitimacy=m.opponent_legitimacy,
            hardship_scale=m.hardship_scale,
            identify=rep.identification_probability,
            retro=rep.retroactive_rate if on.retroactive_repression else 0.0,
            retro_criminal=rep.retroactive_criminal_share if on.two_tier_repression else 0.0,
            targeting=targeting,
            emigrate=s.emigration.rate if on.emigration else 0.0,
            emigrate_grievance=s.emigration.grievance_min,
            sabotage=s.sabotage.probability if on.sabotage else 0.0,
            sabotage_grievance=s.sabotage.grievance_min,
            sabotage_risk=s.sabotage.risk_max,
            sabotage_catch=s.sabotage.catch_probability,
            leader_rate=rep.retroactive_rate * targeting if on.targeted_repression else 0.0,
        )
        lat, jail = sim.lattice, sim.jail
        jail.n = int(
            BK.daily_pass(
                lat.kind, lat.hardship, lat.risk_aversion, lat.ident, self.region,
                lat.actives_words, lat.masks, lat.width, lat.height, lat.vision,
                self.identified, self.leader, self.emigrated, self.repression,
                *jail.arrays(), jail.n,
                pf, sim.int_params, self._keys["pass"], self.day, self.counts, self.tallies,
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
            sim.add_cops(target - now, (self._keys["deploy"], 2 * self.day, 4))
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
                stream = (self._keys["deploy"], 2 * self.day + 1, 3)
                moved = sim.move_cops(self.region, frm, to, n, stream)
                self.counts[frm, K.COP] -= moved
                self.counts[to, K.COP] += moved

    def _free_leader_share(self) -> float:
        """The share of opinion leaders neither in jail nor abroad."""
        if self.n_leaders == 0:
            return 1.0
        jail = self.sim.jail
        jailed = int(BK.count_jailed_leaders(jail.ident, jail.n, self.leader))
        gone = self._leaders_emigrated
        return max(0.0, 1.0 - (jailed + gone) / self.n_leaders)

    def _readiness(self, drv: dict[str, float]) -> float:
        """The opposition's readiness today: its driver plus the diaspora's aid."""
        if not self.scenario.mechanisms.emigration:
            return drv["opposition_readiness"]
        per_100m = self.scenario.emigration.readiness_per_aid
        return min(1.0, drv["opposition_readiness"] + per_100m * self._diaspora_aid * 10.0)


__all__ = ["StreetPhases", "arrest_cost"]
