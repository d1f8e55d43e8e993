"""The criminal pipeline at national resolution: criminal cases, those held in them,
and the recognised political-prisoner stock, as counts of persons.

The lattice decides how many are detained each day and what share of them becomes a
criminal case; at scale 0.01 one agent stands for 100 people, so a stock of criminal
agents moves in steps of 100. The pipeline instead draws the day's criminal cases in
persons, Poisson with the mean the lattice sets, and follows each person through pre-trial
detention (investigation), sentence, release at the end of the term or earlier by pardon
or amnesty, and recognition as a political prisoner after a lag (Viasna recognises
prisoners weeks to months after arrest). Lemos, Coelho & Rodrigues (2016), section 2,
model the delay between arrest and imprisonment; here the delay is a distribution drawn
per person. Davenport (2007), section 3, distinguishes the forms of repression by their
severity and duration: an administrative detention (days) and a criminal case (years) are
separate flows.
"""  # noqa: D205

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from uprising.models.belarus import kernels as BK


@dataclass(frozen=True)
class PipelineParams:
    """The pipeline's parameters (from the scenario's repression section).

    Attributes:
        term_min_days: shortest criminal sentence (days).
        term_max_days: longest criminal sentence (days; uniform on min..max).
        investigation_days: mean pre-trial detention before the sentence starts (days).
        recognition_share: share of those held in a criminal case whom Viasna recognises.
        recognition_lag_days: mean days from arrest to recognition.
        pardon_rate: daily probability that a held person is released early (pardon,
            amnesty).
    """

    term_min_days: int
    term_max_days: int
    investigation_days: float
    recognition_share: float
    recognition_lag_days: float
    pardon_rate: float


class CriminalPipeline:
    """Criminal cases and the recognised political-prisoner stock, in persons.

    Args:
        params: the pipeline's parameters.
        days: the run's length; changes dated after it are not kept.
        seed: the pipeline's own random stream (a child of the run's root seed).
    """

    def __init__(self, params: PipelineParams, days: int, seed: np.random.SeedSequence) -> None:
        self.params = params
        # a stream per day, keyed by (key, day): no generator state to carry in a checkpoint
        self._key = int(seed.generate_state(1, dtype=np.uint64)[0])
        self._held_delta = np.zeros(days + 1, dtype=np.int64)
        self._recognised_delta = np.zeros(days + 1, dtype=np.int64)
        self.cases_total = 0
        self.held = 0
        self.recognised = 0

    def charge(self, day: int, expected: float) -> int:
        """Open today's criminal cases: Poisson(expected) persons; return how many.

        Each person is held from ``day`` for geometric(1 / investigation_days) days
        before trial plus a sentence uniform on term_min..term_max days, unless released
        first by pardon (geometric, daily probability pardon_rate); with probability
        recognition_share they are recognised after geometric(1 / recognition_lag_days)
        days, if still held then.
        """
        p = self.params
        rng = np.random.default_rng((self._key, day))
        n = int(rng.poisson(max(0.0, expected)))
        self.cases_total += n
        if n == 0:
            return 0
        pretrial = rng.geometric(1.0 / max(1.0, p.investigation_days), n)
        sentence = rng.integers(p.term_min_days, p.term_max_days + 1, n)
        held_for = pretrial + sentence
        if p.pardon_rate > 0:
            held_for = np.minimum(held_for, rng.geometric(p.pardon_rate, n))
        recognised = rng.random(n) < p.recognition_share
        lag = rng.geometric(1.0 / max(1.0, p.recognition_lag_days), n)
        last = len(self._held_delta) - 1
        self._held_delta[day] += n
        np.subtract.at(self._held_delta, np.minimum(day + held_for, last), 1)
        shown = recognised & (lag < held_for)
        np.add.at(self._recognised_delta, np.minimum(day + lag[shown], last), 1)
        np.subtract.at(self._recognised_delta, np.minimum(day + held_for[shown], last), 1)
        return n

    def advance(self, day: int) -> None:
        """Apply the day's entries, recognitions and releases to the stocks."""
        self.held += int(self._held_delta[day])
        self.recognised += int(self._recognised_delta[day])


class ProsecutionPhase:
    """The phase of `BelarusModel` that charges the day's criminal cases (phase 5b).

    Its state (``_pipeline``, None with the mechanism off, and ``_criminal_expected``)
    lives on the model.
    """

    def make_pipeline(self, seed: np.random.SeedSequence) -> CriminalPipeline | None:
        """The run's pipeline, or None when ``mechanisms.criminal_pipeline`` is off."""
        s = self.scenario
        if not s.mechanisms.criminal_pipeline:
            return None
        pro, rep = s.prosecution, s.repression
        params = PipelineParams(
            term_min_days=rep.criminal_term_min_days,
            term_max_days=rep.criminal_term_max_days,
            investigation_days=pro.investigation_days,
            recognition_share=pro.recognition_share,
            recognition_lag_days=pro.recognition_lag_days,
            pardon_rate=pro.pardon_rate,
        )
        return CriminalPipeline(params, self.days, seed)

    def prosecute(self) -> None:
        """Charge today's criminal cases at national resolution and move the stocks.

        The mean is the lattice's rate in national persons: street arrests x the day's
        criminal share + retroactive arrests x retroactive_criminal_share + saboteurs
        caught, each divided by the scale. With the mechanism off only that mean is
        summed (``_criminal_expected``, the lattice's criminal cases to date).
        """
        s = self.scenario
        t = self.tallies
        retro_share = s.repression.retroactive_criminal_share
        if not s.mechanisms.two_tier_repression:
            retro_share = 0.0
        agents = (
            self._today["street_arrests"] * self.sim.modifiers.criminal_share
            + int(t[BK.T_RETRO_ARRESTS]) * retro_share
            + int(t[BK.T_SABOTEURS_CAUGHT])
        )
        self._criminal_expected += agents / self.scale
        pipeline = self._pipeline
        if pipeline is not None:
            pipeline.charge(self.day, agents / self.scale)
            pipeline.advance(self.day)


__all__ = ["CriminalPipeline", "PipelineParams", "ProsecutionPhase"]
