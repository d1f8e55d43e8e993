"""The day's row of a Belarus run (phase 7 of `BelarusModel.step`) and its result."""

from __future__ import annotations

import numpy as np

from uprising.engine import kernels as K
from uprising.models import regime as R
from uprising.models.belarus import kernels as BK
from uprising.models.belarus.outcome import BelarusResult, Outcome
from uprising.outputs import region_column


class Observation:
    """The phases of `BelarusModel` that record the run (its state lives on the model)."""

    def observe(self, drv: dict[str, float], regime_day: R.RegimeDay) -> None:
        """Append the day's row (counts as national equivalents: divided by the scale)."""
        sim = self.sim
        t = self.tallies
        nat = 1.0 / self.scale
        active = int(self.counts[:, K.ACTIVE].sum())
        detentions = self._today["street_arrests"] + int(t[BK.T_RETRO_ARRESTS])
        detentions += int(t[BK.T_SABOTEURS_CAUGHT])
        prisoners = int(BK.count_criminal(sim.jail.tier, sim.jail.n)) * nat
        pipeline = self._pipeline
        held, cases = prisoners, self._criminal_expected
        if pipeline is not None:  # counted in persons (models.belarus.repression)
            prisoners, held = float(pipeline.recognised), float(pipeline.held)
            cases = float(pipeline.cases_total)
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
            "political_prisoners": prisoners,
            "criminal_defendants": held,
            "criminal_cases": cases,
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

    def _defection_share(self, day: R.RegimeDay) -> float:
        """The share of officers who defected (0 with the mechanism off)."""
        return day.defection_share if self.scenario.mechanisms.security_loyalty else 0.0

    def _elite_share(self, day: R.RegimeDay) -> float:
        """The share of the elite that defected (0 with the mechanism off)."""
        return day.elite_share if self.scenario.mechanisms.elite_loyalty else 0.0


__all__ = ["Observation"]
