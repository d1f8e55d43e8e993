"""Belarus sections of society: legitimacy, media, emigration, sabotage, opposition."""

from __future__ import annotations

from pydantic import model_validator

from uprising.scenarios.belarus.sources import (
    ASSUMPTION,
    CAL,
    HAND_SET,
    SRC_LEMOS,
    SRC_SABOTAGE,
)
from uprising.scenarios.schema import _Section, param


class Legitimacy(_Section):
    """The regime's perceived legitimacy L: start, recovery and loss through repression."""

    initial: float = param(
        0.8,
        unit="1",
        source=f"{ASSUMPTION}: before the election; EcooM's 72.3 % trust in the President "
        f"(Dec 2021) is a regime-side figure only (row 'trust in President', {CAL})",
        description="L on day 0",
        plausible="0.6 to 0.9 before the 2020 election; 0.2 to 0.5 after it",
        ge=0,
        le=1,
    )
    recovery_rate: float = param(
        0.005,
        unit="1 per day",
        source=f"{SRC_LEMOS} (decaying system support with recovery); rate: {ASSUMPTION}",
        description="mu: daily share of the gap to the recovery level that L regains",
        plausible="0 to 0.05",
        ge=0,
        le=1,
    )
    loss_per_detention_share: float = param(
        2.0,
        unit="1 per (daily detentions / population)",
        source=HAND_SET + "; " + (f"{SRC_LEMOS}; value: {ASSUMPTION}"),
        description="Loss of L per unit of the day's detentions as a share of the population",
        plausible="0 to 300",
        ge=0,
        le=10_000,
    )
    shock_persistence: float = param(
        0.3,
        unit="1",
        source=HAND_SET
        + "; "
        + (
            f"{ASSUMPTION}; 0 is the recovery to the initial level of Lemos, Lopes & Coelho "
            "(2016, Int. J. Intelligent Systems 31(2)), 1 is the permanent jump of Epstein "
            "(2002), Run 4 (Fig 10)"
        ),
        description="Share of a legitimacy shock that also moves the level L recovers to",
        plausible="0 to 1",
        ge=0,
        le=1,
    )
    floor: float = param(
        0.0,
        unit="1",
        source=f"{ASSUMPTION}: L may fall to 0",
        description="Lowest value L can take",
        ge=0,
        le=1,
    )

    @model_validator(mode="after")
    def _floor_below_initial(self) -> Legitimacy:
        if self.floor > self.initial:
            raise ValueError(f"floor = {self.floor:g} is above initial = {self.initial:g}")
        return self


class Media(_Section):
    """Opposition media reach, opinion leaders and protest calls."""

    reach: float = param(
        0.22,
        unit="1",
        source="DERIVED: NEXTA Live 2.1 million Telegram subscribers on 2020-08-25 / 9.41 "
        f"million people (row 'NEXTA Live Telegram subscribers', {CAL})",
        description="Share of citizens reached by the opposition's channels",
        plausible="0.03 to 0.4",
        ge=0,
        le=1,
    )
    leader_weight: float = param(
        1.0,
        unit="1 (exponent)",
        source=ASSUMPTION,
        description="Reach scales with the share of opinion leaders free and at home, to "
        "this power",
        plausible="0 to 3",
        ge=0,
        le=10,
    )
    call_boost: float = param(
        1.5,
        unit="1 (ratio)",
        source=ASSUMPTION,
        description="Expected crowd on a called protest day relative to the last called day",
        plausible="1 to 3",
        ge=0,
        le=100,
    )
    call_share: float = param(
        0.01,
        unit="share of citizens",
        source=f"{ASSUMPTION}; of the order of the reported Sunday marches, 100,000-250,000 "
        f"of 9.4 million (rows 'protest size', {CAL})",
        description="Crowd a call announces before any called day has been seen, at "
        "readiness 0.5 (times 0.5 + readiness)",
        plausible="0.003 to 0.03",
        ge=0,
        le=1,
    )
    call_assurance: float = param(
        1.0,
        unit="1 (least peer-pressure factor per unit of call strength)",
        source=HAND_SET
        + "; "
        + (
            "a call names a time and place, a focal point that assures each citizen that "
            "others will come (Schelling 1960, The Strategy of Conflict, ch. 3, focal "
            "points; Lohmann 1994, World Politics 47(1), the Leipzig Monday demonstrations "
            "as a recurring focal date; Kuran 1991, World Politics 44(1), revolutionary "
            "thresholds): on a called day peer pressure is at least strength x "
            "call_assurance"
        ),
        description="On a called day, the least peer-pressure factor on grievance, per "
        "unit of the call's strength; 0: a call gives no assurance (only the crowd seen)",
        plausible="0 to 1",
        ge=0,
        le=1,
    )
    national_weight: float = param(
        0.5,
        unit="1",
        source=f"{ASSUMPTION}; the mechanism is Lemos et al.'s news impact and Makowsky & "
        "Rubin's network range (Lemos, Lopes & Coelho 2016, Int. J. Intelligent Systems "
        "31(2); Makowsky & Rubin 2013, PLoS ONE 8(11): e80380)",
        description="Weight of the national cop-to-active ratio (state and opposition media "
        "alike) in a citizen's estimate of its arrest probability; the rest is local",
        plausible="0 to 1",
        ge=0,
        le=1,
    )
    salience: float = param(
        5.0,
        unit="citizens per % of the population in the street",
        source=f"{ASSUMPTION}; the 'news impact' of Lemos, Lopes & Coelho (2016, Int. J. "
        "Intelligent Systems 31(2)) gives the mechanism, not a value",
        description="Protesters a citizen reached by the media is told of, per 1 % of the "
        "population in the street",
        plausible="0 to 20",
        ge=0,
        le=1000,
    )


class Emigration(_Section):
    """Exit: exposed, aggrieved citizens leave; the diaspora funds the opposition."""

    rate: float = param(
        0.001,
        unit="1 per day",
        source=f"{ASSUMPTION}; tuned to 13,500 departures reported by the MVD in Sep 2020 "
        f"(row 'departures reported by Interior Ministry', {CAL})",
        description="Daily probability that an exposed and aggrieved citizen emigrates",
        plausible="0 to 0.01",
        ge=0,
        le=1,
    )
    grievance_min: float = param(
        0.3,
        unit="1",
        source=ASSUMPTION,
        description="Grievance above which an exposed citizen may emigrate",
        ge=0,
        le=1,
    )
    aid_per_emigrant_usd: float = param(
        300.0,
        unit="USD per emigrant per year",
        source=ASSUMPTION,
        description="Diaspora aid to the opposition per emigrant",
        plausible="0 to 2000",
        ge=0,
        le=1_000_000,
    )
    readiness_per_aid: float = param(
        0.2,
        unit="1 per (USD 100 million per year)",
        source=ASSUMPTION,
        description="Opposition readiness added per USD 100 million a year of diaspora aid",
        plausible="0 to 1",
        ge=0,
        le=100,
    )


class Sabotage(_Section):
    """Radical flank: rare sabotage by the most aggrieved, least risk-averse citizens."""

    grievance_min: float = param(
        0.6,
        unit="1",
        source=SRC_SABOTAGE,
        description="Grievance above which a citizen may commit sabotage",
        ge=0,
        le=1,
    )
    risk_max: float = param(
        0.05,
        unit="1",
        source=SRC_SABOTAGE,
        description="Risk aversion below which a citizen may commit sabotage",
        ge=0,
        le=1,
    )
    probability: float = param(
        1e-5,
        unit="1 per day",
        source=SRC_SABOTAGE,
        description="Daily probability that an eligible citizen commits sabotage",
        plausible="0 to 1e-3",
        ge=0,
        le=1,
    )
    catch_probability: float = param(
        0.3,
        unit="1",
        source=SRC_SABOTAGE,
        description="Probability that a saboteur is caught (criminal term)",
        ge=0,
        le=1,
    )


class Opposition(_Section):
    """The organised opposition's readiness to call and lead protests."""

    readiness: float = param(
        0.2,
        unit="1",
        source=f"{ASSUMPTION}: exogenous base before any event",
        description="Readiness of the opposition on day 0 (0..1)",
        ge=0,
        le=1,
    )


__all__ = ["Emigration", "Legitimacy", "Media", "Opposition", "Sabotage"]
