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
        3.0,
        unit="% per year per unit of unabsorbed sanctions",
        source=f"{ASSUMPTION}; with it the 2019-21 replay gives 2021 growth 1.9 % against "
        f"Belstat's 2.3 % (row 'real GDP growth', {CAL}; docs/VALIDATION.md, 'Economy')",
        description="Loss of growth per unit of the sanctions not yet absorbed by trade "
        "reorientation",
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
        1.0,
        unit="% per year per unit of unabsorbed sanctions",
        source=f"{ASSUMPTION}; 3 would overshoot Dec/Dec 2021 inflation in the 2019-21 replay "
        f"(row 'CPI inflation Dec/Dec', {CAL}; docs/VALIDATION.md, 'Economy')",
        description="Extra inflation per unit of the sanctions not yet absorbed by trade "
        "reorientation",
        plausible="0 to 10",
        ge=0,
        le=1000,
    )
    hardship_per_output_loss: float = param(
        1.0,
        unit="1 per unit of output shortfall against expectations",
        source=HAND_SET + "; " + (SRC_HARDSHIP),
        description="Rise of the hardship index per unit of output below the output citizens "
        "expect (1 - Y / Y_e)",
        plausible="0 to 5",
        ge=0,
        le=100,
    )
    hardship_per_inflation: float = param(
        1.0,
        unit="1 per unit of extra inflation (fraction per year)",
        source=SRC_HARDSHIP,
        description="Rise of the hardship index per unit of inflation above the inflation "
        "citizens expect",
        plausible="0 to 5",
        ge=0,
        le=100,
    )
    russian_growth_base: float = param(
        2.2,
        unit="% per year",
        source="Rosstat: Russian real GDP growth 2.2 % in 2019 (not in the calibration CSV)",
        description="Russian growth at which Belarus grows at gdp_growth_base (baseline of "
        "the russian_growth driver)",
        plausible="1 to 3",
        ge=-50,
        le=50,
    )
    growth_per_russian_growth: float = param(
        0.55,
        unit="% per year per % per year of Russian growth",
        source=f"DERIVED: Russia took 41.1 % of exports in 2021 (row 'Russia share of exports', "
        f"{CAL}) x exports ~2/3 of GDP (World Bank WDI 2019) x an income elasticity of import "
        "demand ~2 (Houthakker & Magee 1969): 0.41 x 0.67 x 2 = 0.55",
        description="Change of Belarusian growth per point of Russian growth above its base "
        "(Russian demand for Belarus's exports)",
        plausible="0.3 to 1",
        ge=0,
        le=5,
    )
    russian_inflation_base: float = param(
        3.0,
        unit="% per year",
        source="Rosstat: Russian CPI 3.0 % Dec/Dec 2019 (not in the calibration CSV)",
        description="Russian inflation at which Belarus has inflation_base (baseline of the "
        "russian_inflation driver)",
        plausible="2 to 5",
        ge=-50,
        le=1000,
    )
    inflation_per_russian_inflation: float = param(
        1.0,
        unit="% per year per % per year of Russian inflation",
        source=f"Russia supplied 56.6 % of imports in 2021 (row 'Russia share of goods "
        f"turnover', {CAL}); Belstat CPI ran 1.7, 2.5 and 1.6 points above Rosstat's in "
        "2019, 2020, 2021 (rows 'CPI inflation Dec/Dec'; Rosstat 3.0, 4.9, 8.4 %), a "
        "pass-through near one",
        description="Pass-through of Russian inflation to Belarusian inflation",
        plausible="0.5 to 1.2",
        ge=0,
        le=5,
    )
    reorientation_days: float = param(
        365.0,
        unit="days",
        source=f"{ASSUMPTION}: after the 2021-22 sanctions potash and oil products went "
        "through Russian ports and Russia's share of trade rose (docs/MODEL.md, economy)",
        description="Time constant with which trade reorientation absorbs the sanctions "
        "(only the unabsorbed part weighs on growth and inflation)",
        plausible="180 to 1095",
        ge=1,
        le=10_000,
    )
    expectation_days: float = param(
        365.0,
        unit="days",
        source=f"{ASSUMPTION}: adaptive expectations (Cagan 1956); the hardship that follows "
        "is relative deprivation (Gurr 1970)",
        description="Time constant with which citizens' expected output and inflation follow "
        "the observed",
        plausible="90 to 730",
        ge=1,
        le=10_000,
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
    russian_backstop: float = param(
        0.5,
        unit="1 (share of the threat removed at russian_support >= 1)",
        source=f"{ASSUMPTION}: Putin announced a reserve of Russian police for Belarus on 27 Aug "
        "2020 (Reuters) and the CSTO sent troops to Kazakhstan in Jan 2022; a defector's "
        "expected punishment in Dragu & Lupu (2018) then falls only by (1 - backstop) x the "
        "defected share (docs/MODEL.md, security loyalty)",
        description="Share of the defectors' threat that officers and elite expect Russia to "
        "remove when it backs the regime (scaled by min(1, russian_support))",
        plausible="0 to 0.8",
        ge=0,
        lt=1,
    )
    cost_per_readiness: float = param(
        0.5,
        unit="1 per unit of opposition readiness",
        source=f"{ASSUMPTION}: loyalty shifts follow a credible, organised alternative "
        "(Chenoweth & Stephan 2011, ch. 2)",
        description="Rise of officers' and elite's cost of loyalty per unit of the "
        "opposition's readiness",
        plausible="0 to 2",
        ge=0,
        le=100,
    )
    may_deploy_troops: bool = param(
        False,
        unit="-",
        source="Belarus did not send troops in 2022 (Chatham House June 2022: 5 % want the "
        "army to take part; Chatham House survey, n = 804)",
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
    democracy_base_rate: float = param(
        0.36,
        unit="1",
        source="Geddes, Wright & Frantz (2014), GWF Autocratic Regimes v1.2: 28 of 77 "
        "personalist regimes that fell in 1946-2010 were followed by democracy "
        "(shared/data/base_rates.csv)",
        description="Probability that a fall is followed by democracy when the opposition's "
        "readiness is 0.5",
        plausible="0.2 to 0.5",
        gt=0,
        lt=1,
    )
    transition_per_readiness: float = param(
        3.0,
        unit="log-odds per unit of readiness",
        source=f"{ASSUMPTION}: successful civil-resistance campaigns more often end in "
        "democracy (Chenoweth & Stephan 2011, ch. 8); the slope is ours",
        description="Rise of the log-odds of a democratic successor per unit of readiness "
        "above 0.5 on the day of the fall",
        plausible="0 to 6",
        ge=0,
        le=20,
    )


__all__ = ["Economy", "Fall", "Regime"]
