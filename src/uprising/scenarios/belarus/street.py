"""Belarus sections of the street: run control, population, police and repression."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import field_validator, model_validator

from uprising.scenarios.belarus.dates import as_date
from uprising.scenarios.belarus.sources import (
    ASSUMPTION,
    CAL,
    HAND_SET,
    SRC_ADMIN,
    SRC_CRIMINAL_TERM,
    SRC_OFFICER,
)
from uprising.scenarios.schema import SRC_PAPER, SRC_RUN, SRC_TABLE2, _Section, param


class BelarusRun(_Section):
    """Run control: calendar window, seed and the agents-per-person scale."""

    start: dt.date = param(
        dt.date(2020, 8, 1),
        unit="date",
        source=f"{SRC_RUN}; belarus-2020 starts with the campaign month before the "
        "9 Aug 2020 election",
        description="First simulated day (day 0)",
        strict=False,
    )
    days: int = param(
        1250,
        unit="days",
        source=f"{SRC_RUN}; belarus-2020: 1250 days, to the end of 2023",
        description="Number of simulated days (ticks)",
        ge=1,
        le=36_500,
    )
    seed: int = param(
        0,
        unit="1",
        source=SRC_RUN,
        description="Root seed of the run's numpy SeedSequence",
        ge=0,
        le=2**63 - 1,
    )
    scale: float = param(
        0.01,
        unit="agents per person",
        source=f"{SRC_RUN}; 0.01 gives ~94,000 citizens (census 2019: 9,413,446, {CAL})",
        description="Citizens (and cops) per real person; 1 = one agent per person",
        plausible="0.001 (tests) to 1",
        gt=0,
        le=1.5,
    )

    @field_validator("start", mode="before")
    @classmethod
    def _parse_start(cls, value: Any) -> Any:
        return as_date(value)

    @property
    def end(self) -> dt.date:
        """Last simulated day (``start + days - 1``)."""
        return self.start + dt.timedelta(days=self.days - 1)

    @property
    def steps(self) -> int:
        """Number of ticks, the same as ``days`` (one tick = one day)."""
        return self.days


class BelarusPopulation(_Section):
    """Synthetic population on the Belarus lattice and the citizens' rule."""

    urban_density: float = param(
        0.8,
        unit="citizens per cell",
        source=f"{ASSUMPTION}: cities denser than Epstein's 0.7 (Table 2)",
        description="Share of an urban cell area occupied by people",
        plausible="0.6 to 0.9",
        gt=0,
        le=1,
    )
    rural_density: float = param(
        0.3,
        unit="citizens per cell",
        source=f"{ASSUMPTION}: sparse countryside (22.5 % of people rural, census 2019, {CAL})",
        description="Share of a rural cell area occupied by people",
        plausible="0.1 to 0.5",
        gt=0,
        le=1,
    )
    opponent_share: float = param(
        0.2,
        unit="1",
        source="Manaev (IISEPS): 15-20 % opposition-minded and willing to protest (row "
        "'opposition-minded and willing to protest (pre-2020 baseline)'); Chatham House "
        f"Sep 2020: 43.3 % support protests, urban online sample (row 'support protests'), {CAL}",
        description="Share of citizens who are convinced opponents of the regime",
        plausible="0.15 to 0.45",
        ge=0,
        le=1,
    )
    loyalist_share: float = param(
        0.25,
        unit="1",
        source="Chatham House Sep 2020, urban online sample: 20.6 % self-reported Lukashenka "
        "vote, 23.1 % oppose protests (rows 'self-reported vote for Lukashenka', 'oppose "
        f"protests'); Astapenia: about 1/3, {CAL}",
        description="Share of citizens who are convinced loyalists",
        plausible="0.2 to 0.35",
        ge=0,
        le=1,
    )
    leader_share: float = param(
        0.0005,
        unit="1",
        source=f"{ASSUMPTION}; order of magnitude from BAJ: 477 journalists detained in 2020 "
        f"(row 'journalists detained during year', {CAL})",
        description="Share of citizens who are opinion leaders (journalists, scholars, ...)",
        plausible="0.0001 to 0.002",
        ge=0,
        le=1,
    )
    citizen_vision: float = param(
        7.0,
        unit="cells (radius)",
        source=SRC_TABLE2,
        description="Citizens' vision radius",
        plausible="1.7 to 10",
        ge=1,
        le=100,
    )
    threshold: float = param(
        0.55,
        unit="1",
        source=HAND_SET + "; " + (SRC_PAPER),
        description="T: active iff grievance - net risk > T (strict)",
        ge=0,
        le=1,
    )
    peer_pressure_count: float = param(
        0.0,
        unit="citizens",
        source=HAND_SET
        + "; "
        + (
            "Chenoweth, Hocking & Marks (2022), PLoS ONE 17(7), peer pressure: PP = min(0.5 x "
            "protesters in view / PeerPressureNum, 1) with PeerPressureNum 3 (3.46 rounded), i.e. "
            "full pressure at 6 protesters seen"
        ),
        description="Others seen in the street (or reported) for full peer pressure: G is "
        "weighted by min(1, seen / count); 0 turns peer pressure off (Epstein)",
        plausible="0 to 20",
        ge=0,
        le=1000,
    )
    opponent_legitimacy_weight: float = param(
        0.6,
        unit="1",
        source=HAND_SET
        + "; "
        + (f"{ASSUMPTION} (1: opponents perceive L like everyone; 0: they grant the regime none)"),
        description="Weight of the regime's legitimacy L in an opponent's grievance",
        plausible="0 to 0.6",
        ge=0,
        le=1,
    )

    @model_validator(mode="after")
    def _shares_fit(self) -> BelarusPopulation:
        total = self.opponent_share + self.loyalist_share
        if total > 1:
            raise ValueError(f"opponent_share + loyalist_share = {total:g}: must be <= 1")
        return self


class Security(_Section):
    """Police on the lattice and the officers' defection cascade."""

    police_per_100k: float = param(
        491.0,
        unit="officers per 100,000 people",
        source="BYPOL-leaked MVD document: 46,128 certified employees on 2020-10-01 = 491 per "
        "100k (row 'certified Interior Ministry (MVD) employees'); range 405 (minister "
        f"Shunevich 2016) to 1,441.6 (EUSP survey ~2010), {CAL}",
        description="Cops placed on the lattice per 100,000 people, per region",
        plausible="405 to 1442",
        ge=0,
        le=10_000,
    )
    vision: float = param(
        7.0,
        unit="cells (radius)",
        source=SRC_TABLE2,
        description="Cops' vision radius",
        plausible="1.7 to 10",
        ge=1,
        le=100,
    )
    arrest_constant: float = param(
        2.3,
        unit="1",
        source=SRC_PAPER,
        description="k in P = 1 - exp(-k C/A) (literal ratio, blended with the national "
        "ratio by the media's reach)",
        plausible="2.3 (Epstein)",
        ge=0,
        le=100,
    )
    arrest_rate: float = param(
        0.003,
        unit="1 per day",
        source=HAND_SET
        + "; "
        + (
            f"{ASSUMPTION}; to be fitted to 633-1,100 detentions on Sunday marches in "
            f"Sep-Nov 2020 (rows 'detentions on single protest day', {CAL})"
        ),
        description="Share of cops with an active citizen in sight who detain one that day",
        plausible="0.001 to 1",
        ge=0,
        le=1,
    )
    officer_cost_median: float = param(
        0.25,
        unit="1 (relative to punishment_base)",
        source=SRC_OFFICER,
        description="Median of the officers' lognormal base cost of repressing, c_j",
        plausible="0.1 to 1",
        gt=0,
        le=100,
    )
    officer_cost_sigma: float = param(
        0.5,
        unit="1 (sd of log cost)",
        source=SRC_OFFICER,
        description="Standard deviation of log c_j",
        plausible="0.2 to 1",
        ge=0,
        le=5,
    )
    punishment_base: float = param(
        1.0,
        unit="1",
        source=SRC_OFFICER,
        description="Punishment/pay p for disobeying at the initial pay (scaled by pay_index)",
        gt=0,
        le=100,
    )
    cost_per_legitimacy_loss: float = param(
        0.5,
        unit="1 per unit of L lost",
        source=SRC_OFFICER,
        description="Rise of officers' (and the elite's) cost per unit of legitimacy lost "
        "since the start",
        plausible="0 to 10",
        ge=0,
        le=100,
    )
    cost_per_crowd: float = param(
        0.2,
        unit="1 per (participants / 3.5 %)",
        source=SRC_OFFICER,
        description="Rise of officers' cost per unit of crowd (national participation over "
        "Chenoweth's 3.5 %)",
        plausible="0 to 2",
        ge=0,
        le=100,
    )
    cost_if_troops_abroad: float = param(
        0.3,
        unit="1",
        source=SRC_OFFICER,
        description="Rise of officers' cost while troops are abroad",
        plausible="0 to 1",
        ge=0,
        le=100,
    )
    cost_cut_per_sabotage: float = param(
        0.2,
        unit="1",
        source=SRC_OFFICER,
        description="Cut of officers' cost at full recent sabotage (1 event per 1e6 people "
        "in 30 days)",
        plausible="0 to 0.5",
        ge=0,
        le=1,
    )
    redeploy_share: float = param(
        0.02,
        unit="1 per day",
        source=ASSUMPTION,
        description="Share of cops moved each day toward the region with the most "
        "protesters per cop",
        plausible="0 to 0.1",
        ge=0,
        le=1,
    )


class Repression(_Section):
    """Detention terms, identification, retroactive arrests and the regime's policy."""

    admin_term_min_days: int = param(
        3,
        unit="days",
        source=SRC_ADMIN,
        description="Shortest administrative detention",
        ge=1,
        le=365,
    )
    admin_term_max_days: int = param(
        15,
        unit="days",
        source=SRC_ADMIN,
        description="Longest administrative detention (terms uniform on min..max)",
        ge=1,
        le=365,
    )
    criminal_share: float = param(
        0.001,
        unit="1",
        source=HAND_SET
        + "; "
        + (
            "DERIVED: >900 persons in politically motivated criminal cases by 2020-12-31 "
            "(Prosecutor-General) / >33,000 detentions May-Dec 2020 (Viasna) = 0.027 (rows "
            "'persons targeted by politically motivated criminal cases (cumulative)', "
            f"'cumulative detentions, May-Dec 2020', {CAL})"
        ),
        description="Share of detentions that become criminal cases",
        plausible="0.0005 to 0.1 (the derived 0.027 counts cases, not those held)",
        ge=0,
        le=1,
    )
    criminal_term_min_days: int = param(
        365,
        unit="days",
        source=SRC_CRIMINAL_TERM,
        description="Shortest criminal sentence",
        plausible="180 to 3000",
        ge=1,
        le=36_500,
    )
    criminal_term_max_days: int = param(
        1825,
        unit="days",
        source=SRC_CRIMINAL_TERM,
        description="Longest criminal sentence (terms uniform on min..max)",
        plausible="180 to 3000",
        ge=1,
        le=36_500,
    )
    identification_probability: float = param(
        0.05,
        unit="1 per active day",
        source=ASSUMPTION,
        description="Probability that an active citizen is identified (photo, video) that day",
        plausible="0 to 0.2",
        ge=0,
        le=1,
    )
    retroactive_rate: float = param(
        0.00002,
        unit="1 per day",
        source=HAND_SET
        + "; "
        + (
            f"{ASSUMPTION}; tuned to political prisoners rising to ~1,000 by 2022 (Viasna: "
            "169 at the end of 2020, 1,022 in Feb 2022; rows 'political "
            f"prisoners held', {CAL})"
        ),
        description="Daily probability that an identified past participant is arrested",
        plausible="0 to 0.005",
        ge=0,
        le=1,
    )
    retroactive_criminal_share: float = param(
        0.5,
        unit="1",
        source=ASSUMPTION,
        description="Share of retroactive arrests that become criminal cases",
        ge=0,
        le=1,
    )
    leader_targeting: float = param(
        20.0,
        unit="1 (multiplier)",
        source=ASSUMPTION,
        description="Multiplier on identification and retroactive arrest for opinion leaders",
        plausible="1 to 100",
        ge=0,
        le=1000,
    )
    penalty_steepness: float = param(
        0.075,
        unit="1 per day",
        source="Chenoweth, Hocking & Marks (2022) k2: arrest cost 2e^{kJ}/(1+e^{kJ}) - 1 "
        "with J the expected term in days; PLoS ONE 17(7), arrest cost",
        description="k in the arrest cost 2e^{kJ}/(1+e^{kJ}) - 1",
        plausible="0.01 to 0.2",
        ge=0,
        le=10,
    )
    policy: Literal["fixed", "optimise"] = param(
        "fixed",
        unit="-",
        source="belarus-2020 replays the observed crackdown at a fixed level; 'optimise' is "
        "the myopic survival heuristic (one day ahead, macro equations only)",
        description="fixed: repression_level every day; optimise: the regime picks repression "
        "(and troops abroad, if allowed) to maximise its smallest fall margin",
        strict=False,
    )
    repression_level: float = param(
        1.0,
        unit="1 (multiplier; 1 = the 2020 level)",
        source=f"{ASSUMPTION}: 1 is the 2020 level by definition",
        description="Multiplier of arrests and terms when policy is fixed (start level when "
        "optimised)",
        plausible="0.25 to 3",
        gt=0,  # the regime layer divides by it (a repression of 0 is refused there)
        le=10,
    )

    @model_validator(mode="after")
    def _terms_ordered(self) -> Repression:
        for kind in ("admin", "criminal"):
            low = getattr(self, f"{kind}_term_min_days")
            high = getattr(self, f"{kind}_term_max_days")
            if low > high:
                raise ValueError(
                    f"{kind}_term_min_days = {low} is greater than {kind}_term_max_days = {high}"
                )
        return self


__all__ = ["BelarusPopulation", "BelarusRun", "Repression", "Security"]
