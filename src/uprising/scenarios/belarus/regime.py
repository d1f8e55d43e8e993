"""Belarus sections of the regime layer: economy, revenue and selectorate, fall."""

from __future__ import annotations

from uprising.scenarios.belarus.sources import (
    ASSUMPTION,
    CAL,
    HAND_SET,
    SRC_ECONOMY,
    SRC_ELITE,
    SRC_FALL,
    SRC_HARDSHIP,
    SRC_SELECTORATE,
)
from uprising.scenarios.schema import _Section, param


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


__all__ = ["Economy", "Fall", "Regime"]
