"""Economy of the regime layer: output, inflation, hardship and state revenue.

Output Y, inflation and a hardship index driven by Russian support rho and Western
sanctions sigma (`growth_rate`, `inflation_rate`, `step_index`, `hardship_index`), and
the state's revenue (`revenue`): taxes on output plus Russian subsidies and loans, minus
sanctions, plus a Russian reward for troops abroad (docs/MODEL.md, 'The Belarus layer',
economy). The functional forms are ours; the anchors are Belstat 2019 and Lagi,
Bertrand & Bar-Yam (2011). Growth and inflation are in percent per year, money in USD
bn per year.
"""

from __future__ import annotations

from uprising.models.regime.params import RegimeParams

DAYS_PER_YEAR = 365
"""Days per year used to turn annual rates into daily factors (docs/MODEL.md: economy)."""


# ---------------------------------------------------------------------------- economy


def growth_rate(params: RegimeParams, russian_support: float, sanctions: float) -> float:
    """Real output growth g(t) in percent per year (docs/MODEL.md: economy; functional form ours).

    g = gdp_growth_base + growth_per_russian_support * (rho - 1)
        - growth_per_sanctions * sigma.
    Anchor: Belstat 2019 growth 1.2 % at rho = 1, sigma = 0 (calibration CSV row 82);
    the slopes are assumptions.

    Args:
        params: Regime parameters.
        russian_support: rho, Russian support index (1 = the 2020 level).
        sanctions: sigma, sanctions index (0 none, 1 = the 2021 sectoral level).

    Returns:
        Growth in percent per year.
    """
    return (
        params.gdp_growth_base
        + params.growth_per_russian_support * (russian_support - 1.0)
        - params.growth_per_sanctions * sanctions
    )


def inflation_rate(params: RegimeParams, russian_support: float, sanctions: float) -> float:
    """Inflation pi(t) in percent per year (docs/MODEL.md: economy; functional form ours).

    pi = inflation_base + inflation_per_russian_loss * max(0, 1 - rho)
         + inflation_per_sanctions * sigma.
    Anchor: Belstat CPI Dec/Dec 2019, 4.7 % (calibration CSV row 85); slopes assumed.

    Args:
        params: Regime parameters.
        russian_support: rho (1 = the 2020 level).
        sanctions: sigma (0 none).

    Returns:
        Inflation in percent per year.
    """
    return (
        params.inflation_base
        + params.inflation_per_russian_loss * max(0.0, 1.0 - russian_support)
        + params.inflation_per_sanctions * sanctions
    )


def step_index(level: float, rate_percent_per_year: float) -> float:
    """Advance an index one day at an annual percentage rate (docs/MODEL.md: economy).

    X(t + 1) = X(t) * (1 + rate / 100) ** (1 / 365); used for output Y (Y(0) = 1) and the
    price level. 365 steps at a constant rate multiply the index by 1 + rate / 100.

    Args:
        level: X(t).
        rate_percent_per_year: The annual rate in percent (must exceed -100).

    Returns:
        X(t + 1).
    """
    if not rate_percent_per_year > -100.0:
        raise ValueError(f"an annual rate must exceed -100 %, got {rate_percent_per_year!r}")
    return level * (1.0 + rate_percent_per_year / 100.0) ** (1.0 / DAYS_PER_YEAR)


def hardship_index(params: RegimeParams, output: float, inflation: float) -> float:
    """Hardship index h(t), 1 at the 2019 baseline (docs/MODEL.md: economy; the form is ours).

    h = max(0, 1 + hardship_per_output_loss * (1 - Y)
                 + hardship_per_inflation * (pi - inflation_base) / 100).
    Anchor: Lagi, Bertrand & Bar-Yam (2011), hardship rises with a price or real-income
    index (MODEL_BRIEF.md section 4); the linear form and its slopes are assumptions.

    Args:
        params: Regime parameters.
        output: Y(t), output relative to the start (1 at t = 0).
        inflation: pi(t) in percent per year.

    Returns:
        h(t) >= 0 (dimensionless).
    """
    return max(
        0.0,
        1.0
        + params.hardship_per_output_loss * (1.0 - output)
        + params.hardship_per_inflation * (inflation - params.inflation_base) / 100.0,
    )


def revenue(
    params: RegimeParams,
    output: float,
    russian_support: float,
    sanctions: float,
    troops_abroad: bool,
) -> float:
    """Regime revenue R(t) in USD bn per year (docs/MODEL.md: revenue).

    R = revenue_share_of_gdp * gdp_usd_bn * Y + rho * (russian_energy_subsidy_usd_bn
        + russian_loans_usd_bn) - sanctions_cost_usd_bn * sigma
        + troops_abroad * russian_reward_usd_bn, floored at 0.
    Sources: subsidy ~4 USD bn/yr (Agibalov, calibration CSV row 105), Sochi loan 1.5 USD
    bn (row 94); GDP DERIVED from row 97; the other coefficients are assumptions.

    Args:
        params: Regime parameters.
        output: Y(t).
        russian_support: rho.
        sanctions: sigma.
        troops_abroad: Whether troops are abroad (earns the Russian reward).

    Returns:
        R(t) >= 0.
    """
    value = (
        params.revenue_share_of_gdp * params.gdp_usd_bn * output
        + russian_support * (params.russian_energy_subsidy_usd_bn + params.russian_loans_usd_bn)
        - params.sanctions_cost_usd_bn * sanctions
        + (params.russian_reward_usd_bn if troops_abroad else 0.0)
    )
    return max(0.0, value)


__all__ = [
    "DAYS_PER_YEAR",
    "growth_rate",
    "hardship_index",
    "inflation_rate",
    "revenue",
    "step_index",
]
