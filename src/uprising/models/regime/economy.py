"""Economy of the regime layer: a small macro block, expectations, hardship and revenue.

Output growth and inflation (`growth_rate`, `inflation_rate`) respond to Russia (its
growth through Belarus's exports, its inflation through imports and the managed rouble
peg, its subsidies and loans through the support index rho) and to Western sanctions, of
which only the part not yet absorbed by the reorientation of trade to Russia weighs on
growth and prices (`absorb_sanctions`). Citizens compare output and inflation with what
they expected (`expect_output`, `expect_inflation`, adaptive expectations after Cagan
1956), and hardship counts only the losses against those expectations (`hardship_index`,
Gurr 1970; Kahneman & Tversky 1979), so a steady inflation, once expected, stops adding
hardship. The state's revenue (`revenue`) is taxes on output plus Russian subsidies and
loans, minus sanctions, plus a Russian reward for troops abroad (docs/MODEL.md, 'The
Belarus layer', economy). Growth and inflation are in percent per year, money in USD bn
per year.
"""

from __future__ import annotations

import math

from uprising.models.regime.params import RegimeParams

DAYS_PER_YEAR = 365
"""Days per year used to turn annual rates into daily factors (docs/MODEL.md: economy)."""


# ---------------------------------------------------------------------------- economy


def growth_rate(
    params: RegimeParams,
    russian_support: float,
    sanctions: float,
    russian_growth: float | None = None,
) -> float:
    """Real output growth g(t) in percent per year (docs/MODEL.md: economy).

    g = gdp_growth_base + growth_per_russian_growth * (g_ru - russian_growth_base)
        + growth_per_russian_support * (rho - 1) - growth_per_sanctions * s.
    Anchors: Belstat 2019 growth 1.2 % at Rosstat's 2019 Russian growth (calibration
    CSV, 'real GDP growth'); the Russian-demand elasticity is DERIVED from Russia's
    41 % share of exports (CSV) times exports of about 2/3 of GDP times an income
    elasticity of import demand of about 2 (Houthakker & Magee 1969); the other slopes
    are assumptions (docs/MODEL.md: economy).

    Args:
        params: Regime parameters.
        russian_support: rho, Russian support index (1 = the 2020 level).
        sanctions: s, the sanctions not yet absorbed by trade reorientation
            (`absorb_sanctions`; the whole index sigma when nothing is absorbed).
        russian_growth: g_ru, Russia's real growth, percent per year (None: its
            baseline ``russian_growth_base``).

    Returns:
        Growth in percent per year.
    """
    g_ru = params.russian_growth_base if russian_growth is None else russian_growth
    return (
        params.gdp_growth_base
        + params.growth_per_russian_growth * (g_ru - params.russian_growth_base)
        + params.growth_per_russian_support * (russian_support - 1.0)
        - params.growth_per_sanctions * sanctions
    )


def inflation_rate(
    params: RegimeParams,
    russian_support: float,
    sanctions: float,
    russian_inflation: float | None = None,
) -> float:
    """Inflation pi(t) in percent per year (docs/MODEL.md: economy).

    pi = inflation_base + inflation_per_russian_inflation * (pi_ru - russian_inflation_base)
         + inflation_per_russian_loss * max(0, 1 - rho) + inflation_per_sanctions * s.
    Anchors: Belstat CPI 4.7 % Dec/Dec 2019 at Rosstat's 3.0 % (calibration CSV); Russia
    supplies 57 % of Belarus's imports (CSV, 'Russia share of goods turnover'), and
    Belarusian inflation ran 1.6-2.5 points above Russia's in 2019-21, so the
    pass-through is near one; the other slopes are assumptions.

    Args:
        params: Regime parameters.
        russian_support: rho (1 = the 2020 level).
        sanctions: s, the sanctions not yet absorbed (see `growth_rate`).
        russian_inflation: pi_ru, Russia's CPI inflation, percent per year (None: its
            baseline ``russian_inflation_base``).

    Returns:
        Inflation in percent per year.
    """
    pi_ru = params.russian_inflation_base if russian_inflation is None else russian_inflation
    return (
        params.inflation_base
        + params.inflation_per_russian_inflation * (pi_ru - params.russian_inflation_base)
        + params.inflation_per_russian_loss * max(0.0, 1.0 - russian_support)
        + params.inflation_per_sanctions * sanctions
    )


def absorb_sanctions(params: RegimeParams, absorbed: float, sanctions: float) -> float:
    """Advance by one day the part of the sanctions that trade reorientation has absorbed.

    a(t + 1) = a(t) + (sigma(t) - a(t)) / reorientation_days: exports barred from the
    EU find Russian routes and buyers at a constant rate (after 2022 potash and oil
    products went through Russian ports, and Russia's share of trade rose: docs/MODEL.md,
    economy). Only sigma - a weighs on growth and inflation, so a sanctions level held
    for good costs output once, not growth for ever. The exponential form and its time
    are assumptions.

    Args:
        params: Regime parameters.
        absorbed: a(t), the absorbed sanctions (in units of the sanctions index).
        sanctions: sigma(t), today's sanctions index.

    Returns:
        a(t + 1).
    """
    return absorbed + (sanctions - absorbed) / params.reorientation_days


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


def expect_output(params: RegimeParams, expected: float, output: float) -> float:
    """Advance the output citizens expect by one day (adaptive expectations, Cagan 1956).

    log Y_e(t + 1) = log Y_e(t) + log(1 + gdp_growth_base / 100) / 365
                     + (log Y(t) - log Y_e(t)) / expectation_days:
    people expect the trend growth they are used to, and revise the level toward what
    they see with the time constant ``expectation_days``.

    Args:
        params: Regime parameters.
        expected: Y_e(t) (> 0).
        output: Y(t) (> 0).

    Returns:
        Y_e(t + 1).
    """
    trend = step_index(expected, params.gdp_growth_base)
    return trend * math.exp((math.log(output) - math.log(expected)) / params.expectation_days)


def expect_inflation(params: RegimeParams, expected: float, inflation: float) -> float:
    """Advance the inflation citizens expect by one day (adaptive expectations, Cagan 1956).

    pi_e(t + 1) = pi_e(t) + (pi(t) - pi_e(t)) / expectation_days.

    Args:
        params: Regime parameters.
        expected: pi_e(t), percent per year.
        inflation: pi(t), percent per year.

    Returns:
        pi_e(t + 1).
    """
    return expected + (inflation - expected) / params.expectation_days


def hardship_index(
    params: RegimeParams,
    output: float,
    inflation: float,
    expected_output: float = 1.0,
    expected_inflation: float | None = None,
) -> float:
    """Hardship index h(t): 1 when the economy does as expected (docs/MODEL.md: economy).

    h = 1 + hardship_per_output_loss * max(0, 1 - Y / Y_e)
          + hardship_per_inflation * max(0, pi - pi_e) / 100.
    Relative deprivation (Gurr 1970, ch. 2: discontent from the gap between what people
    expect and what they get), counted as losses only against the reference point
    (Kahneman & Tversky 1979, prospect theory); the price anchor of Lagi, Bertrand &
    Bar-Yam (2011). The linear form and its slopes are assumptions.

    Args:
        params: Regime parameters.
        output: Y(t), output relative to the start (1 at t = 0).
        inflation: pi(t) in percent per year.
        expected_output: Y_e(t), the output citizens expect (1 at t = 0).
        expected_inflation: pi_e(t), percent per year (None: ``inflation_base``).

    Returns:
        h(t) >= 1 (dimensionless).
    """
    pi_e = params.inflation_base if expected_inflation is None else expected_inflation
    return (
        1.0
        + params.hardship_per_output_loss * max(0.0, 1.0 - output / expected_output)
        + params.hardship_per_inflation * max(0.0, inflation - pi_e) / 100.0
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
    "absorb_sanctions",
    "expect_inflation",
    "expect_output",
    "growth_rate",
    "hardship_index",
    "inflation_rate",
    "revenue",
    "step_index",
]
