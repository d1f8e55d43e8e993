"""Belarus section `[prosecution]`: the criminal pipeline after a criminal arrest."""

from __future__ import annotations

from uprising.scenarios.belarus.sources import ASSUMPTION, CAL, HAND_SET
from uprising.scenarios.schema import _Section, param


class Prosecution(_Section):
    """Pre-trial detention, recognition as a political prisoner, pardons and amnesties.

    The sentence itself is `Repression`'s criminal term; `models.belarus.repression`
    follows each person charged (docs/MODEL.md, 'Criminal pipeline').
    """

    investigation_days: float = param(
        90.0,
        unit="days (mean)",
        source=(
            "DERIVED: by March 2021 cases against 631 people had reached court while Viasna "
            "knew 999 victims of political prosecution, and >=103 sentences had been passed "
            "by late 2020 against >900 persons charged (rows 'persons whose criminal cases "
            "reached court (official)' and 'persons targeted by politically motivated "
            f"criminal cases (cumulative)', {CAL}): trials come months after arrest; "
            "Lemos, Coelho & Rodrigues (2016), section 2, on the delay of imprisonment"
        ),
        description="Mean pre-trial detention of a person charged (geometric), before the "
        "sentence starts",
        plausible="30 to 240",
        ge=1,
        le=3650,
    )
    recognition_share: float = param(
        0.35,
        unit="1",
        source=HAND_SET
        + "; "
        + (
            "DERIVED: Viasna recognised 74 political prisoners on 2020-09-30 while 242 "
            "persons were held in criminal cases (0.31), 325 on 2021-03-31 against 999 "
            f"victims of political prosecution (0.33) (rows 'political prisoners held', {CAL})"
        ),
        description="Share of persons held in a criminal case whom Viasna recognises as "
        "political prisoners",
        plausible="0.1 to 1",
        ge=0,
        le=1,
    )
    recognition_lag_days: float = param(
        30.0,
        unit="days (mean)",
        source=HAND_SET
        + "; "
        + (
            f"{ASSUMPTION}: Viasna recognises political prisoners weeks to months after "
            "arrest, once the charge and the case file are known (spring96.org monthly "
            "reviews)"
        ),
        description="Mean days from arrest to recognition (geometric)",
        plausible="7 to 180",
        ge=1,
        le=3650,
    )
    pardon_rate: float = param(
        0.0001,
        unit="1 per day",
        source=(
            f"{ASSUMPTION}: pardons and amnesties freed few political prisoners in 2020-21 "
            "(a handful of pardons; the 2022 amnesty excluded most of them): about 3.6 % a "
            "year"
        ),
        description="Daily probability that a person held in a criminal case is released "
        "early (pardon, amnesty)",
        plausible="0 to 0.002",
        ge=0,
        le=1,
    )


__all__ = ["Prosecution"]
