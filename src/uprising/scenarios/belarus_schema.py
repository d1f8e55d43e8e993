"""Belarus scenario schema: the coupled lattice + regime-layer model, one tick = one day.

A Belarus scenario is a TOML file with ``model = "belarus"`` at the top level. Its
tables are the models below (`[run]` is `BelarusRun`, `[security]` is `Security`,
`[[events]]` entries are `Event`, ...). As in `uprising.scenarios.schema`, every model is
frozen and forbids unknown fields, and every parameter is declared with `param`, which
records its unit, plausible range and source; `describe_belarus_parameters` lists them.

The defaults are those of the built-in ``belarus-2020`` scenario. Sources are cited per
parameter: a row of the calibration table (``shared/data/belarus_calibration.csv``,
quoted by its ``quantity`` column and date), a section of MODEL_BRIEF.md, or
"assumption, uncalibrated" where nothing better exists (most regime-layer coefficients).

Exogenous drivers (``[[events]]``). Each event changes one variable on a date:

- jumps only (`JUMP_VARIABLES`): ``legitimacy_shock`` adds ``value`` to legitimacy L
  and ``legitimacy.shock_persistence`` x ``value`` to the level L recovers to;
  ``troops_abroad`` forces the troops-abroad flag to ``value`` (0 or 1) from ``date`` on.
- levels (`LEVEL_VARIABLES`): ``russian_support`` (index, 1 = the 2020 level),
  ``sanctions`` (index, 1 = the 2021 sectoral level), ``western_recognition`` (0..1),
  ``opposition_readiness`` (0..1), ``police_surge`` (multiplier of cops on the lattice),
  ``repression`` (the repression level under ``policy = "fixed"``; ignored when the
  regime optimises).
  Without ``until`` the value holds from ``date`` on; with ``until`` it is a linear ramp
  from the value in force the day before ``date`` to ``value`` on ``until``, held
  afterwards.
- windows (`WINDOW_VARIABLES`): ``internet_shutdown`` (1 = fully off) and
  ``protest_call`` (strength of the call, 1 = all channels) apply on ``date`` only, or
  on every day of ``[date, until]`` (both included); a ``protest_call`` with ``weekday``
  (0 = Monday .. 6 = Sunday) applies on that weekday of every week in ``[date, until]``.

Where a scenario's value differs from the schema default, its ``[sources]`` table may
cite the value's own source by parameter path (``"legitimacy.initial" = "..."``);
`describe_belarus_parameters` shows it instead of the default's source.

Before any event the drivers hold `DRIVER_BASELINE` (``opposition_readiness`` starts at
``[opposition] readiness``). An event may not start before ``run.start``; one after the
horizon does not happen (a shorter run of the same scenario). Events are exposed sorted
by date, then name (names are unique), so the order in the file does not matter. Two events setting
the same level (or ``troops_abroad``) on the same date are an error; legitimacy shocks
on one date add up.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from typing import Any, Literal

import annotated_types
from pydantic import Field, ValidationInfo, field_validator, model_validator

from uprising.scenarios.schema import (
    SRC_PAPER,
    SRC_RUN,
    SRC_TABLE2,
    ParameterInfo,
    Provenance,
    _Section,
    param,
)

# --- sources --------------------------------------------------------------------------

CAL = "calibration CSV (shared/data/belarus_calibration.csv)"
"""How parameter sources cite the calibration table; rows are named by quantity and date."""

ASSUMPTION = "assumption, uncalibrated"
SRC_OFFICER = (
    f"{ASSUMPTION}: Dragu & Lupu (2018) coordination game as operationalised in MODEL_BRIEF "
    "3.2a and docs/MODEL.md, security loyalty; chosen so that about 1-2 % of officers "
    "resign in 2020 (row "
    f"'security officials who quit after election': >700, BySol via Telegraph, {CAL})"
)
SRC_ELITE = (
    f"{ASSUMPTION}: elite cascade (docs/MODEL.md, elite loyalty; MODEL_BRIEF 3.1-3.2); "
    "chosen so that the "
    f"elite does not defect in 2020 (row 'Belarus case: elite defection in 2020' = 0, "
    f"Stykow 2022, {CAL})"
)
SRC_SELECTORATE = (
    f"{ASSUMPTION}: selectorate theory, the brief's own closed form (MODEL_BRIEF 3.1, "
    "Bueno de Mesquita et al. 2003)"
)
SRC_ECONOMY = f"{ASSUMPTION}: economy equations of docs/MODEL.md: economy (functional form ours)"
SRC_HARDSHIP = (
    f"{ASSUMPTION}: hardship index (docs/MODEL.md, economy), price-threshold anchor "
    "Lagi, Bertrand & "
    "Bar-Yam (2011), MODEL_BRIEF 4; functional form ours"
)
SRC_SABOTAGE = f"{ASSUMPTION}: radical flank after Moro (2016), MODEL_BRIEF 2.6"
SRC_LEMOS = "legitimacy feedback after Lemos, Lopes & Coelho (2016), MODEL_BRIEF 2.5"
SRC_ADMIN = (
    "Code of Administrative Offences art. 23.34: arrest up to 15 days [M, unverified]; many "
    f"August 2020 detainees were held ~3 days ({CAL}, Aug 2020 detention rows)"
)
SRC_CRIMINAL_TERM = (
    "Criminal Code art. 342 (up to 3 years) and art. 293 (mass riots, 3-8 years) [M, unverified]"
)
SRC_FALL = (
    f"{ASSUMPTION}: a majority defecting ends the regime; Chenoweth, Hocking & Marks (2022) "
    "count 10 % of pillars defected as a nonviolent victory (MODEL_BRIEF 2.9 rule 10)"
)

# --- event variables ------------------------------------------------------------------

EventVariable = Literal[
    "legitimacy_shock",
    "russian_support",
    "sanctions",
    "western_recognition",
    "opposition_readiness",
    "internet_shutdown",
    "protest_call",
    "troops_abroad",
    "police_surge",
    "repression",
]

JUMP_VARIABLES = frozenset({"legitimacy_shock", "troops_abroad"})
"""Variables that change on one date only (``until`` is not allowed)."""

LEVEL_VARIABLES = frozenset(
    {
        "russian_support",
        "sanctions",
        "western_recognition",
        "opposition_readiness",
        "police_surge",
        "repression",
    }
)
"""Variables set from ``date`` on, or ramped linearly to ``value`` on ``until``."""

WINDOW_VARIABLES = frozenset({"internet_shutdown", "protest_call"})
"""Variables that apply on ``date`` only, or on the days of ``[date, until]``."""

EVENT_RANGES: dict[str, tuple[float, float]] = {
    "legitimacy_shock": (-1.0, 1.0),
    "russian_support": (0.0, 3.0),
    "sanctions": (0.0, 5.0),
    "western_recognition": (0.0, 1.0),
    "opposition_readiness": (0.0, 1.0),
    "internet_shutdown": (0.0, 1.0),
    "protest_call": (0.0, 1.0),
    "troops_abroad": (0.0, 1.0),
    "police_surge": (0.0, 5.0),
    "repression": (0.1, 10.0),
}
"""Allowed ``value`` per variable, both ends included (``police_surge`` must be > 0,
``troops_abroad`` is 0 or 1)."""

DRIVER_BASELINE: dict[str, float] = {
    "russian_support": 1.0,
    "sanctions": 0.0,
    "western_recognition": 0.0,
    "internet_shutdown": 0.0,
    "protest_call": 0.0,
    "troops_abroad": 0.0,
    "police_surge": 1.0,
}
"""Values in force before any event (``opposition_readiness``: ``[opposition] readiness``;
``repression``: ``[repression] repression_level``)."""

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _as_date(value: Any) -> Any:
    """Accept a TOML date or an ISO ``YYYY-MM-DD`` string (``--set`` overrides, JSON)."""
    if isinstance(value, dt.datetime):
        raise ValueError("must be a date (YYYY-MM-DD), not a date and time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError("must be a date (YYYY-MM-DD)")


# --- sections -------------------------------------------------------------------------


HAND_SET = (
    "hand-set within its plausible range so that belarus-2020 reproduces the shape of the "
    "2020-21 calibration data before any fitting (docs/VALIDATION.md, 'Belarus 2020')"
)
SRC_SWITCH_BELARUS = "uprising model switch (docs/MODEL.md, 'The Belarus layer'); on by default"


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
        return _as_date(value)

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
            "Chenoweth, Hocking & Marks (2022), rule 5 (MODEL_BRIEF.md 2.9): PP = min(0.5 x "
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
            "169 at the end of 2020, 1,022 in Feb 2022; MODEL_BRIEF 4 and rows 'political "
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
        "with J the expected term in days; MODEL_BRIEF 2.9 rule 2",
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
        ge=0,
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
            f"{ASSUMPTION}; 0 is Lemos et al.'s recovery to the initial level (MODEL_BRIEF.md "
            "2.5), 1 is Epstein's permanent jump (Run 4, brief 1.3)"
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


class Economy(_Section):
    """Output, inflation and the hardship index (docs/MODEL.md: economy)."""

    gdp_usd_bn: float = param(
        63.0,
        unit="USD bn per year",
        source="DERIVED: state debt 22.8 USD bn = 36.2 % of GDP on 2020-12-01 (row 'national "
        f"(state) debt', {CAL}): 22.8 / 0.362 = 63",
        description="GDP on day 0",
        plausible="55 to 75",
        gt=0,
        le=10_000,
    )
    gdp_growth_base: float = param(
        1.2,
        unit="% per year",
        source=f"Belstat: real GDP growth 1.2 % in 2019 (row 'real GDP growth', {CAL})",
        description="Growth at russian_support 1 and no sanctions",
        plausible="-3 to 5",
        ge=-50,
        le=50,
    )
    growth_per_russian_support: float = param(
        4.0,
        unit="% per year per unit of russian_support",
        source=SRC_ECONOMY,
        description="Change of growth per unit of Russian support above or below 1",
        plausible="0 to 10",
        ge=0,
        le=50,
    )
    growth_per_sanctions: float = param(
        1.5,
        unit="% per year per unit of sanctions",
        source=HAND_SET + "; " + (SRC_ECONOMY),
        description="Loss of growth per unit of the sanctions index",
        plausible="0 to 10",
        ge=0,
        le=50,
    )
    inflation_base: float = param(
        4.7,
        unit="% per year",
        source=f"Belstat: CPI 4.7 % Dec/Dec 2019 (row 'CPI inflation Dec/Dec', {CAL})",
        description="Inflation at russian_support 1 and no sanctions",
        plausible="2 to 10",
        ge=-50,
        le=1000,
    )
    inflation_per_russian_loss: float = param(
        10.0,
        unit="% per year per unit of lost support",
        source=SRC_ECONOMY,
        description="Extra inflation per unit of Russian support below 1",
        plausible="0 to 30",
        ge=0,
        le=1000,
    )
    inflation_per_sanctions: float = param(
        3.0,
        unit="% per year per unit of sanctions",
        source=SRC_ECONOMY,
        description="Extra inflation per unit of the sanctions index",
        plausible="0 to 10",
        ge=0,
        le=1000,
    )
    hardship_per_output_loss: float = param(
        1.0,
        unit="1 per unit of output lost",
        source=HAND_SET + "; " + (SRC_HARDSHIP),
        description="Rise of the hardship index per unit of output lost since day 0",
        plausible="0 to 5",
        ge=0,
        le=100,
    )
    hardship_per_inflation: float = param(
        1.0,
        unit="1 per unit of extra inflation (fraction per year)",
        source=SRC_HARDSHIP,
        description="Rise of the hardship index per unit of inflation above inflation_base",
        plausible="0 to 5",
        ge=0,
        le=100,
    )


class Regime(_Section):
    """Revenue, the selectorate and the elite cascade."""

    revenue_share_of_gdp: float = param(
        0.3,
        unit="1",
        source=f"{ASSUMPTION}: general-government revenue share",
        description="Share of GDP the regime collects",
        plausible="0.25 to 0.4",
        ge=0,
        le=1,
    )
    russian_energy_subsidy_usd_bn: float = param(
        4.0,
        unit="USD bn per year",
        source="Agibalov: ~2 USD bn oil + ~2 USD bn gas a year (row 'implicit Russian energy "
        f"subsidy', {CAL})",
        description="Russian energy subsidy at russian_support 1",
        plausible="2 to 6",
        ge=0,
        le=1000,
    )
    russian_loans_usd_bn: float = param(
        1.5,
        unit="USD bn per year",
        source=f"Sochi loan of 14 Sep 2020, Reuters (row 'Russian state loan pledged', {CAL})",
        description="Russian loans at russian_support 1",
        plausible="0.5 to 3.5",
        ge=0,
        le=1000,
    )
    sanctions_cost_usd_bn: float = param(
        2.0,
        unit="USD bn per year per unit of sanctions",
        source=f"{ASSUMPTION}; scale: exports to the EU were 9.5 USD bn in 2021 (row 'exports "
        f"to EU / to Ukraine', {CAL})",
        description="Revenue lost per unit of the sanctions index",
        plausible="0.5 to 5",
        ge=0,
        le=1000,
    )
    russian_reward_usd_bn: float = param(
        1.0,
        unit="USD bn per year",
        source=ASSUMPTION,
        description="Russian reward while Belarusian troops are abroad",
        plausible="0 to 5",
        ge=0,
        le=1000,
    )
    winning_coalition_ratio: float = param(
        0.1,
        unit="1",
        source=SRC_SELECTORATE,
        description="w = W/S, the loyalty norm",
        plausible="0.01 to 0.5",
        gt=0,
        le=1,
    )
    winning_coalition_size: int = param(
        1000,
        unit="persons",
        source=SRC_SELECTORATE,
        description="W, members of the winning coalition (for the offer g*)",
        plausible="100 to 10000",
        ge=1,
        le=10**9,
    )
    discount: float = param(
        0.9,
        unit="1",
        source=SRC_SELECTORATE,
        description="delta, the coalition members' discount factor",
        plausible="0.8 to 0.99",
        gt=0,
        lt=1,
    )
    elite_size: int = param(
        200,
        unit="persons",
        source=SRC_ELITE,
        description="E, members of the elite in the elite cascade",
        plausible="50 to 1000",
        ge=1,
        le=10**6,
    )
    elite_cost_median: float = param(
        0.3,
        unit="1 (relative to elite_punishment)",
        source=SRC_ELITE,
        description="Median of the elite's lognormal base cost of loyalty, c_e",
        plausible="0.1 to 1",
        gt=0,
        le=100,
    )
    elite_cost_sigma: float = param(
        0.4,
        unit="1 (sd of log cost)",
        source=SRC_ELITE,
        description="Standard deviation of log c_e",
        plausible="0.2 to 1",
        ge=0,
        le=5,
    )
    elite_punishment: float = param(
        1.0,
        unit="1",
        source=SRC_ELITE,
        description="Punishment p_e of an elite member who defects (constant)",
        gt=0,
        le=100,
    )
    cost_per_shortfall: float = param(
        1.0,
        unit="1 per unit of pay shortfall",
        source=HAND_SET + "; " + (SRC_ELITE),
        description="Rise of the elite's cost per unit of pay shortfall (1 - pay_index)",
        plausible="0 to 10",
        ge=0,
        le=100,
    )
    cost_per_recognition: float = param(
        0.5,
        unit="1 per unit of western_recognition",
        source=SRC_ELITE,
        description="Rise of the elite's cost per unit of Western recognition of the opposition",
        plausible="0 to 2",
        ge=0,
        le=100,
    )
    deterrence_elasticity: float = param(
        1.0,
        unit="1 per unit of repression",
        source=f"{ASSUMPTION}: policy choice of docs/MODEL.md: regime policy",
        description="Participants predicted as exp(-elasticity x change of repression)",
        plausible="0 to 3",
        ge=0,
        le=100,
    )
    may_deploy_troops: bool = param(
        False,
        unit="-",
        source="Belarus did not send troops in 2022 (Chatham House June 2022: 5 % want the "
        "army to take part, MODEL_BRIEF 3.2a)",
        description="Whether an optimising regime may choose to send troops abroad",
    )


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
    national_weight: float = param(
        0.5,
        unit="1",
        source=f"{ASSUMPTION}; the mechanism is Lemos et al.'s news impact and Makowsky & "
        "Rubin's network range (MODEL_BRIEF.md 2.4-2.5)",
        description="Weight of the national cop-to-active ratio (state and opposition media "
        "alike) in a citizen's estimate of its arrest probability; the rest is local",
        plausible="0 to 1",
        ge=0,
        le=1,
    )
    salience: float = param(
        5.0,
        unit="citizens per % of the population in the street",
        source=f"{ASSUMPTION}; Lemos et al. 'news impact' (MODEL_BRIEF.md 2.5) gives the "
        "mechanism, not a value",
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


def _switch(description: str) -> bool:
    """A mechanism's on/off switch (on by default) in `Mechanisms`."""
    return param(True, unit="-", source=SRC_SWITCH_BELARUS, description=description)


class Mechanisms(_Section):
    """Switches: every mechanism of the Belarus layer can be turned off (docs/MODEL.md)."""

    two_tier_repression: bool = _switch(
        "arrests are administrative (days) or criminal (years); off: administrative only"
    )
    retroactive_repression: bool = _switch("identified past participants are arrested later")
    targeted_repression: bool = _switch(
        "opinion leaders are singled out (identification and arrest x leader_targeting)"
    )
    legitimacy_feedback: bool = _switch(
        "visible repression lowers legitimacy, which recovers toward its level"
    )
    economy: bool = _switch(
        "hardship follows output and inflation (Russian support, sanctions); off: hardship index 1"
    )
    media: bool = _switch(
        "the opposition's channels tell citizens of the national crowd and carry calls to protest"
    )
    national_picture: bool = _switch(
        "citizens weigh the national cop-to-active ratio in their arrest probability"
    )
    emigration: bool = _switch(
        "exposed, aggrieved citizens leave; the diaspora's aid raises the opposition's readiness"
    )
    sabotage: bool = _switch(
        "radical citizens commit sabotage, a separate and riskier form of resistance"
    )
    security_loyalty: bool = _switch(
        "officers defect in a coordination cascade; off: no officer defects"
    )
    elite_loyalty: bool = _switch(
        "the winning coalition defects in a coordination cascade; off: none defects"
    )
    redeployment: bool = _switch("the regime moves police toward the biggest crowds")


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


class Fall(_Section):
    """When the regime falls: mobilisation, officers' or elite defection."""

    mobilisation_ratio: float = param(
        5.0,
        unit="participants per loyal officer",
        source=ASSUMPTION,
        description="The regime falls when the window's mean participants per loyal officer "
        "reach this",
        plausible="3 to 20",
        gt=0,
        le=1000,
    )
    mobilisation_window_days: int = param(
        7,
        unit="days",
        source=ASSUMPTION,
        description="Days averaged for the mobilisation ratio",
        plausible="1 to 30",
        ge=1,
        le=365,
    )
    defection_fall_share: float = param(
        0.5,
        unit="1",
        source=SRC_FALL,
        description="The regime falls when this share of officers has defected",
        plausible="0.1 to 0.7",
        gt=0,
        le=1,
    )
    elite_fall_share: float = param(
        0.5,
        unit="1",
        source=SRC_FALL,
        description="The regime falls when this share of the elite has defected",
        plausible="0.1 to 0.7",
        gt=0,
        le=1,
    )


class Event(_Section):
    """A dated change of one exogenous driver (see the module docstring for the kinds)."""

    name: str = Field(min_length=1, strict=True, description="Unique name of the event")
    date: dt.date = Field(description="Day the event starts (YYYY-MM-DD)")
    variable: EventVariable = Field(description="The driver that changes")
    value: float = Field(strict=True, allow_inf_nan=False, description="The new value")
    until: dt.date | None = Field(
        None, description="End of a ramp (levels) or last day of a window (windows)"
    )
    weekday: int | None = Field(
        None,
        ge=0,
        le=6,
        strict=True,
        description="protest_call only: recurring on this weekday (0 = Monday .. 6 = Sunday)",
    )
    source: str = Field(min_length=1, strict=True, description="Citation of the event")

    @field_validator("date", "until", mode="before")
    @classmethod
    def _parse_dates(cls, value: Any) -> Any:
        return None if value is None else _as_date(value)

    @field_validator("value")
    @classmethod
    def _value_in_range(cls, value: float, info: ValidationInfo) -> float:
        variable = info.data.get("variable")
        if variable is None:
            return value
        low, high = EVENT_RANGES[variable]
        if not low <= value <= high:
            raise ValueError(f"{variable} must be in [{low:g}, {high:g}]")
        if variable == "troops_abroad" and value not in (0, 1):
            raise ValueError("troops_abroad must be 0 or 1")
        if variable == "police_surge" and value <= 0:
            raise ValueError("police_surge must be > 0 (a multiplier of cops)")
        return value

    @model_validator(mode="after")
    def _kind_fits_variable(self) -> Event:
        if self.until is not None:
            if self.variable in JUMP_VARIABLES:
                raise ValueError(f"until: {self.variable} is a jump on one date: leave until out")
            if self.until <= self.date:
                raise ValueError(
                    f"until = {self.until.isoformat()} must be after date = {self.date.isoformat()}"
                )
        if self.weekday is not None:
            if self.variable != "protest_call":
                raise ValueError(f"weekday: only protest_call recurs weekly, not {self.variable}")
            if self.until is None:
                raise ValueError("weekday: a weekly protest_call needs until (its last day)")
        return self

    @property
    def is_ramp(self) -> bool:
        """A level variable moving linearly from ``date`` to ``until``."""
        return self.until is not None and self.variable in LEVEL_VARIABLES

    @property
    def is_window(self) -> bool:
        """A window variable (internet shutdown, protest call)."""
        return self.variable in WINDOW_VARIABLES

    def active_on(self, day: dt.date) -> bool:
        """Whether a window event applies on ``day`` (False for jumps and levels)."""
        if not self.is_window:
            return False
        last = self.until if self.until is not None else self.date
        if not self.date <= day <= last:
            return False
        return self.weekday is None or day.weekday() == self.weekday


class BelarusScenario(_Section):
    """One Belarus scenario: name, description, provenance, run control, parameters, events."""

    model: Literal["belarus"] = Field(
        "belarus", description='Model family: "belarus" (Epstein files have none)'
    )
    name: str = Field(
        pattern=r"^[a-z0-9][a-z0-9_.-]*$",
        description="Short identifier (lower case, digits, '-', '_', '.')",
    )
    description: str = Field(min_length=1, description="What the scenario is; first line shown")
    provenance: Provenance
    run: BelarusRun = Field(default_factory=BelarusRun)
    population: BelarusPopulation = Field(default_factory=BelarusPopulation)
    security: Security = Field(default_factory=Security)
    repression: Repression = Field(default_factory=Repression)
    legitimacy: Legitimacy = Field(default_factory=Legitimacy)
    economy: Economy = Field(default_factory=Economy)
    regime: Regime = Field(default_factory=Regime)
    media: Media = Field(default_factory=Media)
    emigration: Emigration = Field(default_factory=Emigration)
    sabotage: Sabotage = Field(default_factory=Sabotage)
    opposition: Opposition = Field(default_factory=Opposition)
    mechanisms: Mechanisms = Field(default_factory=Mechanisms)
    fall: Fall = Field(default_factory=Fall)
    sources: dict[str, str] = Field(
        default_factory=dict,
        description="Source of a value that differs from the schema's default, by parameter "
        'path (``"legitimacy.initial" = "..."``); shown instead of the default\'s source',
    )
    events: tuple[Event, ...] = ()

    @field_validator("sources")
    @classmethod
    def _sources_name_parameters(cls, sources: dict[str, str]) -> dict[str, str]:
        known = _parameter_paths()
        for path, text in sources.items():
            if path not in known:
                raise ValueError(f"sources.{path}: no such parameter (e.g. legitimacy.initial)")
            if not isinstance(text, str) or not text.strip():
                raise ValueError(f"sources.{path}: must be a non-empty string")
        return sources

    @field_validator("events")
    @classmethod
    def _events_in_window_and_sorted(
        cls, events: tuple[Event, ...], info: ValidationInfo
    ) -> tuple[Event, ...]:
        seen: dict[str, int] = {}
        for i, event in enumerate(events):
            if event.name in seen:
                first = seen[event.name]
                raise ValueError(
                    f"events[{i}].name = {event.name!r}: the same name as events[{first}] "
                    "(names must be unique)"
                )
            seen[event.name] = i
        run = info.data.get("run")
        if isinstance(run, BelarusRun):
            for i, event in enumerate(events):
                for field in ("date", "until"):
                    day = getattr(event, field)
                    # an event after the horizon simply does not happen (a shorter run of
                    # the same scenario); one before the start is a mistake
                    if day is not None and day < run.start:
                        raise ValueError(
                            f"events[{i}].{field} = {day.isoformat()} ({event.name!r}): before "
                            f"the run starts ({run.start.isoformat()})"
                        )
        ordered = tuple(sorted(events, key=lambda event: (event.date, event.name)))
        setting: dict[tuple[dt.date, str], Event] = {}
        for event in ordered:
            if event.variable == "legitimacy_shock" or event.variable in WINDOW_VARIABLES:
                continue
            earlier = setting.setdefault((event.date, event.variable), event)
            if earlier is not event:
                raise ValueError(
                    f"events {earlier.name!r} and {event.name!r}: both set {event.variable} on "
                    f"{event.date.isoformat()} (ambiguous: merge them or move one)"
                )
        return ordered

    @property
    def summary(self) -> str:
        """The first line of the description."""
        return self.description.strip().splitlines()[0].strip()

    def day_of(self, date: dt.date) -> int:
        """Tick index of ``date`` (day 0 is ``run.start``)."""
        return (date - self.run.start).days


def _parameter_paths() -> set[str]:
    """Every ``section.name`` parameter path of a Belarus scenario."""
    return {
        f"{section_name}.{name}"
        for section_name, section_field in BelarusScenario.model_fields.items()
        if isinstance(section_field.annotation, type)
        and issubclass(section_field.annotation, _Section)
        and section_field.annotation is not Provenance
        for name in section_field.annotation.model_fields
    }


def describe_belarus_parameters(scenario: BelarusScenario) -> list[ParameterInfo]:
    """List every parameter of a Belarus scenario with its value, unit, range and source.

    Args:
        scenario: The scenario whose values are shown.

    Returns:
        One `ParameterInfo` per parameter, in file order (`[run]` first, events
        excluded), values as JSON shows them (dates as ``YYYY-MM-DD``). The source is the
        scenario's own (``[sources]``) where it gives one, else the schema default's.
    """
    values = scenario.model_dump(mode="json")
    rows = []
    for section_name, section_field in BelarusScenario.model_fields.items():
        section_cls = section_field.annotation
        if not (isinstance(section_cls, type) and issubclass(section_cls, _Section)):
            continue
        if section_cls is Provenance:
            continue
        for name, info in section_cls.model_fields.items():
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            rows.append(
                ParameterInfo(
                    path=f"{section_name}.{name}",
                    value=values[section_name][name],
                    unit=str(extra.get("unit", "")),
                    allowed=_allowed(info.annotation, info.metadata),
                    plausible=str(extra.get("plausible", "")),
                    source=scenario.sources.get(
                        f"{section_name}.{name}", str(extra.get("source", ""))
                    ),
                    description=info.description or "",
                )
            )
    return rows


def _allowed(annotation: Any, metadata: list[Any]) -> str:
    """The allowed range as text: ``[0, 1]``, ``(0, 1.5]``, ``a | b``, ``YYYY-MM-DD``."""
    if typing.get_origin(annotation) is Literal:
        return " | ".join(str(a) for a in typing.get_args(annotation))
    if annotation is bool:
        return "true | false"
    if annotation is dt.date:
        return "date (YYYY-MM-DD)"
    low_open = high_open = False
    low = high = None
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            low = item.ge
        elif isinstance(item, annotated_types.Gt):
            low, low_open = item.gt, True
        elif isinstance(item, annotated_types.Le):
            high = item.le
        elif isinstance(item, annotated_types.Lt):
            high, high_open = item.lt, True
    left = "(" if low is None or low_open else "["
    right = ")" if high is None or high_open else "]"
    low_text = "-inf" if low is None else _number(low)
    high_text = "inf" if high is None else _number(high)
    return f"{left}{low_text}, {high_text}{right}"


def _number(value: Any) -> str:
    return str(value) if isinstance(value, int) else f"{value:g}"
