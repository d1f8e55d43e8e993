"""The economy block fed the observed drivers of 2019-2021 (docs/VALIDATION.md, 'Economy').

`OBSERVED_DRIVERS` holds, for each calendar year, what the macro block takes from
outside: Russia's real growth and CPI inflation (Rosstat) and the dates of the Western
sanctions (calibration CSV); `replay_economy` steps the regime layer's economy through
those years with no street and returns each year's growth (the mean of the daily
annual rates, comparable to Belstat's year-on-year growth) and Dec/Dec inflation (the
price level's change over the calendar year).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from uprising.models.regime.economy import (
    absorb_sanctions,
    growth_rate,
    inflation_rate,
    step_index,
)
from uprising.models.regime.params import RegimeParams


@dataclass(frozen=True)
class YearDrivers:
    """The observed drivers of one calendar year.

    Attributes:
        year: The calendar year.
        russian_growth: Russia's real GDP growth that year, percent.
        russian_inflation: Russia's CPI inflation Dec/Dec that year, percent.
    """

    year: int
    russian_growth: float
    russian_inflation: float


OBSERVED_DRIVERS: tuple[YearDrivers, ...] = (
    YearDrivers(2019, 2.2, 3.0),
    YearDrivers(2020, -2.7, 4.9),
    YearDrivers(2021, 5.6, 8.4),
)
"""Rosstat's real growth (2019 2.2 %, 2020 -2.7 %, 2021 5.6 %, revised estimates) and CPI
Dec/Dec (3.0 %, 4.9 %, 8.4 %); not in the calibration CSV."""

SANCTIONS_2021: tuple[tuple[dt.date, float], ...] = ((dt.date(2021, 6, 24), 1.0),)
"""Sanctions index steps: 1 (the 2021 sectoral level, by definition) from the EU's
Regulation 2021/1030 of 24 June 2021 (calibration CSV, 'EU sectoral sanctions')."""


@dataclass(frozen=True)
class YearEconomy:
    """The replay's result for one year.

    Attributes:
        year: The calendar year.
        growth: Mean of the daily growth rates, percent per year.
        inflation: Price level change Dec/Dec, percent.
    """

    year: int
    growth: float
    inflation: float


def replay_economy(
    params: RegimeParams,
    years: tuple[YearDrivers, ...] = OBSERVED_DRIVERS,
    sanctions: tuple[tuple[dt.date, float], ...] = SANCTIONS_2021,
    russian_support: float = 1.0,
) -> list[YearEconomy]:
    """Step the macro block day by day through ``years`` with the given drivers.

    Each day: sigma is the last sanctions step on or before it (0 before the first), the
    unabsorbed part sigma - a enters `growth_rate` and `inflation_rate` with that year's
    Russian growth and inflation, output and prices advance (`step_index`) and the
    absorbed part a follows (`absorb_sanctions`), as in `advance_day`.

    Args:
        params: Regime parameters.
        years: Consecutive calendar years with their drivers.
        sanctions: (date, index) steps of the sanctions index.
        russian_support: rho, held constant (1 = the 2020 level).

    Returns:
        One `YearEconomy` per year, in order.
    """
    absorbed = 0.0
    out = []
    for drivers in years:
        day = dt.date(drivers.year, 1, 1)
        prices, growth_sum, n = 1.0, 0.0, 0
        while day.year == drivers.year:
            sigma = 0.0
            for start, value in sanctions:
                if start <= day:
                    sigma = value
            fresh = sigma - absorbed
            growth = growth_rate(params, russian_support, fresh, drivers.russian_growth)
            inflation = inflation_rate(params, russian_support, fresh, drivers.russian_inflation)
            growth_sum += growth
            n += 1
            prices = step_index(prices, inflation)
            absorbed = absorb_sanctions(params, absorbed, sigma)
            day += dt.timedelta(days=1)
        out.append(YearEconomy(drivers.year, growth_sum / n, 100.0 * (prices - 1.0)))
    return out


__all__ = [
    "OBSERVED_DRIVERS",
    "SANCTIONS_2021",
    "YearDrivers",
    "YearEconomy",
    "replay_economy",
]
