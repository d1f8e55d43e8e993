"""The regime's side of a Belarus day: legitimacy, the regime layer's day, the fall
and tomorrow's policy (phases 1, 2, 8 and 9 of `BelarusModel.step`).
"""  # noqa: D205

from __future__ import annotations

from uprising.models import regime as R
from uprising.models.belarus.outcome import Outcome


class RegimePhases:
    """The phases of `BelarusModel` that move the regime (its state lives on the model)."""

    def update_legitimacy(self, drv: dict[str, float]) -> None:
        """Legitimacy: dated shocks, recovery toward its level, loss from repression.

        L(t+1) = L(t) + mu (L* - L(t)) - lambda v(t) L(t), with v the share of the
        population detained yesterday: the "exponentially decaying system support" form
        of Lemos, Lopes & Coelho (2016), with repression (not activity) as the feedback
        (the backfire of the August 2020 violence). A shock moves L, and
        shock_persistence of it the level L* that L recovers to (0: Lemos et al.'s
        recovery to the initial level; 1: Epstein's permanent jump).
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

    def _sabotage_recent(self) -> float:
        """Sabotage acts of the last 30 days per million people, capped at 1."""
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


__all__ = ["RegimePhases"]
