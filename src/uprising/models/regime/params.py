"""The regime layer's parameters, each read from one named scenario parameter.

`RegimeParams` is a frozen dataclass whose every field declares the Belarus scenario
parameter it is read from (``section.name``, `SCENARIO_PATHS`); `RegimeParams.from_scenario`
reads exactly those, so a field cannot silently keep its default in a run. The paths are
checked against the scenario schema when this module is imported: a renamed schema
field, or a field mapped to nothing, is an error at once, not a quiet default.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

from uprising.scenarios.belarus.scenario import parameter_paths


def _read(path: str, default: Any) -> Any:
    """A field of `RegimeParams` read from the scenario parameter ``path``."""
    return field(default=default, metadata={"scenario": path})


@dataclass(frozen=True)
class RegimeParams:
    """Parameters of the regime layer; field names are the scenario's parameter names.

    A Belarus run builds it from its scenario with `from_scenario` (sections
    ``[economy]``, ``[regime]``, the loyalty parameters of ``[security]``, ``[fall]``,
    and two of ``[legitimacy]``; each field names its own in `SCENARIO_PATHS`), so
    every value in a run is the scenario's.
    The defaults below are the regime layer's own, used by its tests; seven differ from
    belarus-2020's values (inflation_per_sanctions, hardship_per_output_loss,
    cost_per_shortfall, officer_cost_median, cost_per_legitimacy_loss, cost_per_crowd,
    legitimacy_per_detention_share): `uprising show belarus-2020` lists those.
    "Assumption" marks an uncalibrated value.

    Attributes:
        gdp_usd_bn: Nominal GDP at Y = 1, USD bn per year. 63.0; plausible 55-75.
            DERIVED: state debt 22.8 USD bn = 36.2 % of GDP (calibration CSV row 97).
        gdp_growth_base: Real growth at rho = 1, sigma = 0, percent per year. 1.2;
            plausible -1 to 3. Belstat 2019 (calibration CSV row 82).
        growth_per_russian_support: Growth per unit of rho above 1, percent per year.
            4.0; plausible 0-10. Assumption.
        growth_per_sanctions: Growth lost per unit of sigma, percent per year. 3.0;
            plausible 0-8. Assumption.
        inflation_base: Inflation at rho >= 1, sigma = 0, percent per year. 4.7;
            plausible 4-10. Belstat CPI Dec/Dec 2019 (calibration CSV row 85).
        inflation_per_russian_loss: Inflation per unit of max(0, 1 - rho), percent per
            year. 10.0; plausible 0-30. Assumption.
        inflation_per_sanctions: Inflation per unit of sigma, percent per year. 3.0;
            plausible 0-10. Assumption.
        hardship_per_output_loss: Hardship index per unit of output shortfall against
            the expected output (1 - Y / Y_e), dimensionless. 2.0; plausible 0-5.
            Assumption (relative deprivation, Gurr 1970; Lagi et al. 2011 anchor).
        hardship_per_inflation: Hardship index per unit of inflation above the expected
            (as a fraction per year), dimensionless. 1.0; plausible 0-5. Assumption.
        russian_growth_base: Russia's real growth at which Belarus grows at
            ``gdp_growth_base``, percent per year. 2.2; plausible 1-3. Rosstat 2019.
        growth_per_russian_growth: Belarusian growth per point of Russian growth above
            its base. 0.55; plausible 0.3-1.0. DERIVED: exports to Russia 41 % of
            exports (calibration CSV) x exports ~2/3 of GDP x income elasticity of
            import demand ~2 (Houthakker & Magee 1969).
        russian_inflation_base: Russia's CPI inflation at which Belarus has
            ``inflation_base``, percent per year. 3.0; plausible 2-5. Rosstat Dec/Dec 2019.
        inflation_per_russian_inflation: Pass-through of Russian inflation, points per
            point. 1.0; plausible 0.5-1.2. Russia 57 % of imports (calibration CSV);
            Belstat vs Rosstat 2019-21 gaps of 1.6-2.5 points.
        reorientation_days: Time constant of the absorption of sanctions by trade
            reorientation, days. 365; plausible 180-1095. Assumption.
        expectation_days: Time constant of adaptive expectations of output and
            inflation, days. 365; plausible 90-730. Assumption (Cagan 1956 form).
        revenue_share_of_gdp: Share of GDP the regime controls as revenue. 0.3;
            plausible 0.25-0.4. Assumption.
        russian_energy_subsidy_usd_bn: Implicit Russian energy subsidy at rho = 1, USD
            bn per year. 4.0; plausible 2-6. Agibalov: ~2 oil + ~2 gas (calibration CSV
            row 105).
        russian_loans_usd_bn: Russian loans at rho = 1, USD bn per year. 1.5; plausible
            0.5-3.5. Sochi loan, Sep 2020 (calibration CSV row 94).
        sanctions_cost_usd_bn: Revenue lost per unit of sigma, USD bn per year. 2.0;
            plausible 0.5-5. Assumption (exports to the EU 9.5 USD bn in 2021,
            calibration CSV row 93).
        russian_reward_usd_bn: Russian payment while troops are abroad, USD bn per year.
            1.0; plausible 0-3. Assumption.
        winning_coalition_ratio: Loyalty norm w = W/S, in [0, 1]. 0.1; plausible
            0.01-0.3. Assumption (selectorate, Bueno de Mesquita et al. 2003).
        winning_coalition_size: W, persons. 1000; plausible 200-10000. Assumption.
        discount: Coalition members' daily-equivalent discount factor delta, in [0, 1).
            0.9; plausible 0.8-0.99. Assumption.
        elite_size: Members E of the modelled elite (abstract), persons. 200; plausible
            50-2000. Assumption.
        elite_cost_median: Median base cost c_e of an elite member's loyalty, in units
            of ``elite_punishment``. 0.3; plausible 0.1-0.6. Assumption, uncalibrated.
        elite_cost_sigma: Log-sd of elite base costs. 0.4; plausible 0.1-1.0.
            Assumption, uncalibrated.
        elite_punishment: Punishment p_e of an elite defector (constant), cost units.
            1.0 (the unit). Assumption.
        cost_per_shortfall: Elite cost multiplier per unit of pay shortfall
            max(0, 1 - pay_index). 3.0; plausible 0-10. Assumption, uncalibrated.
        cost_per_recognition: Elite cost multiplier per unit of Western recognition of
            the opposition omega. 0.5; plausible 0-2. Assumption, uncalibrated.
        deterrence_elasticity: d log(participants) / d(repression) in the regime's
            forecast. 1.0; plausible 0-3. Assumption.
        may_deploy_troops: Whether the policy choice may send troops abroad. False.
        russian_backstop: The share of the threat to the regime that officers and elite
            expect Russia to remove at rho >= 1 (police reserve, crisis loans), in
            [0, 1). 0.5; plausible 0-0.8. Assumption (Putin's police reserve for
            Belarus, 27 Aug 2020; CSTO in Kazakhstan, Jan 2022).
        cost_per_readiness: Officers' and elite's cost multiplier of loyalty per unit of
            opposition readiness. 0.5; plausible 0-2. Assumption (Chenoweth & Stephan
            2011, ch. 2: loyalty shifts follow a credible, organised alternative).
        officer_cost_median: Median base cost c_j of repressing for an officer, in units
            of ``punishment_base``. 0.3; plausible 0.1-0.6. Assumption, uncalibrated
            (target: about 1-2 % of officers resign in 2020, 700 of 46,128, calibration
            CSV rows 71, 81).
        officer_cost_sigma: Log-sd of officer base costs. 0.5; plausible 0.2-1.5.
            Assumption, uncalibrated.
        punishment_base: Punishment (or forgone pay) p of a defecting officer at
            pay_index 1, cost units. 1.0 (the unit). Assumption.
        cost_per_legitimacy_loss: Cost multiplier per unit of legitimacy lost below
            ``legitimacy_start`` (officers and elite). 2.0; plausible 0-5. Assumption,
            uncalibrated.
        cost_per_crowd: Officer cost multiplier per crowd index unit (national
            participation / 3.5 %). 0.5; plausible 0-2. Assumption, uncalibrated.
        cost_if_troops_abroad: Officer cost multiplier while troops are abroad. 0.3;
            plausible 0-1. Assumption, uncalibrated (Chatham House June 2022: 5 % want
            the army to take part; Chatham House survey, n = 804).
        cost_cut_per_sabotage: Fraction of officer cost removed at the sabotage cap
            (radical-flank rally effect, Moro 2016, PLoS ONE 11(4)). 0.2; plausible 0-0.5.
            Assumption, uncalibrated.
        legitimacy_start: Legitimacy L from which losses are measured (scenario
            ``[legitimacy] initial``). 0.8; plausible 0.6-0.9. Assumption.
        legitimacy_per_detention_share: Legitimacy lost per unit of daily detentions /
            population in the regime's forecast (scenario ``[legitimacy]
            loss_per_detention_share``). 50.0; plausible 0-300. Assumption.
        mobilisation_ratio: Fall when the 7-day mean of participants per loyal officer
            reaches this. 5.0; plausible 3-20. Assumption.
        defection_fall_share: Fall when this share of officers has defected. 0.5;
            plausible 0.2-0.8. Assumption.
        elite_fall_share: Fall when this share of the elite has defected. 0.5;
            plausible 0.2-0.8. Assumption.
        democracy_base_rate: Share of falls followed by democracy at readiness 0.5, in
            (0, 1). 0.36; plausible 0.2-0.5. GWF v1.2, personalist regimes 1946-2010
            (shared/data/base_rates.csv).
        transition_per_readiness: Log-odds of a democratic successor per unit of
            readiness above 0.5. 3.0; plausible 0-6. Assumption (Chenoweth & Stephan
            2011, ch. 8).
    """

    # [economy]
    gdp_usd_bn: float = _read("economy.gdp_usd_bn", 63.0)
    gdp_growth_base: float = _read("economy.gdp_growth_base", 1.2)
    growth_per_russian_support: float = _read("economy.growth_per_russian_support", 4.0)
    growth_per_sanctions: float = _read("economy.growth_per_sanctions", 3.0)
    inflation_base: float = _read("economy.inflation_base", 4.7)
    inflation_per_russian_loss: float = _read("economy.inflation_per_russian_loss", 10.0)
    inflation_per_sanctions: float = _read("economy.inflation_per_sanctions", 3.0)
    hardship_per_output_loss: float = _read("economy.hardship_per_output_loss", 2.0)
    hardship_per_inflation: float = _read("economy.hardship_per_inflation", 1.0)
    russian_growth_base: float = _read("economy.russian_growth_base", 2.2)
    growth_per_russian_growth: float = _read("economy.growth_per_russian_growth", 0.55)
    russian_inflation_base: float = _read("economy.russian_inflation_base", 3.0)
    inflation_per_russian_inflation: float = _read("economy.inflation_per_russian_inflation", 1.0)
    reorientation_days: float = _read("economy.reorientation_days", 365.0)
    expectation_days: float = _read("economy.expectation_days", 365.0)
    # [regime]
    revenue_share_of_gdp: float = _read("regime.revenue_share_of_gdp", 0.3)
    russian_energy_subsidy_usd_bn: float = _read("regime.russian_energy_subsidy_usd_bn", 4.0)
    russian_loans_usd_bn: float = _read("regime.russian_loans_usd_bn", 1.5)
    sanctions_cost_usd_bn: float = _read("regime.sanctions_cost_usd_bn", 2.0)
    russian_reward_usd_bn: float = _read("regime.russian_reward_usd_bn", 1.0)
    winning_coalition_ratio: float = _read("regime.winning_coalition_ratio", 0.1)
    winning_coalition_size: float = _read("regime.winning_coalition_size", 1000.0)
    discount: float = _read("regime.discount", 0.9)
    elite_size: int = _read("regime.elite_size", 200)
    elite_cost_median: float = _read("regime.elite_cost_median", 0.3)
    elite_cost_sigma: float = _read("regime.elite_cost_sigma", 0.4)
    elite_punishment: float = _read("regime.elite_punishment", 1.0)
    cost_per_shortfall: float = _read("regime.cost_per_shortfall", 3.0)
    cost_per_recognition: float = _read("regime.cost_per_recognition", 0.5)
    deterrence_elasticity: float = _read("regime.deterrence_elasticity", 1.0)
    russian_backstop: float = _read("regime.russian_backstop", 0.5)
    cost_per_readiness: float = _read("regime.cost_per_readiness", 0.5)
    may_deploy_troops: bool = _read("regime.may_deploy_troops", False)
    # [security], loyalty part
    officer_cost_median: float = _read("security.officer_cost_median", 0.3)
    officer_cost_sigma: float = _read("security.officer_cost_sigma", 0.5)
    punishment_base: float = _read("security.punishment_base", 1.0)
    cost_per_legitimacy_loss: float = _read("security.cost_per_legitimacy_loss", 2.0)
    cost_per_crowd: float = _read("security.cost_per_crowd", 0.5)
    cost_if_troops_abroad: float = _read("security.cost_if_troops_abroad", 0.3)
    cost_cut_per_sabotage: float = _read("security.cost_cut_per_sabotage", 0.2)
    # [legitimacy], the two the regime layer reads
    legitimacy_start: float = _read("legitimacy.initial", 0.8)
    legitimacy_per_detention_share: float = _read("legitimacy.loss_per_detention_share", 50.0)
    # [fall]
    mobilisation_ratio: float = _read("fall.mobilisation_ratio", 5.0)
    defection_fall_share: float = _read("fall.defection_fall_share", 0.5)
    elite_fall_share: float = _read("fall.elite_fall_share", 0.5)
    democracy_base_rate: float = _read("fall.democracy_base_rate", 0.36)
    transition_per_readiness: float = _read("fall.transition_per_readiness", 3.0)

    def __post_init__(self) -> None:
        """Reject values outside the domain of the equations (ValueError naming the field).

        Plausible ranges are the scenario schema's business; this only guards the maths.
        """
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool):
                continue
            if not math.isfinite(value):
                raise ValueError(f"RegimeParams.{f.name} must be finite, got {value!r}")
        positive = (
            "gdp_usd_bn",
            "winning_coalition_size",
            "elite_size",
            "elite_cost_median",
            "elite_punishment",
            "officer_cost_median",
            "punishment_base",
            "mobilisation_ratio",
            "reorientation_days",
            "expectation_days",
        )
        non_negative = (
            "revenue_share_of_gdp",
            "russian_energy_subsidy_usd_bn",
            "russian_loans_usd_bn",
            "sanctions_cost_usd_bn",
            "russian_reward_usd_bn",
            "elite_cost_sigma",
            "officer_cost_sigma",
            "cost_per_shortfall",
            "cost_per_recognition",
            "cost_per_legitimacy_loss",
            "cost_per_crowd",
            "cost_if_troops_abroad",
            "deterrence_elasticity",
            "legitimacy_per_detention_share",
            "growth_per_russian_growth",
            "inflation_per_russian_inflation",
            "cost_per_readiness",
        )
        for name in positive:
            if not getattr(self, name) > 0:
                raise ValueError(f"RegimeParams.{name} must be > 0, got {getattr(self, name)!r}")
        for name in non_negative:
            if not getattr(self, name) >= 0:
                raise ValueError(f"RegimeParams.{name} must be >= 0, got {getattr(self, name)!r}")
        unit_closed = ("winning_coalition_ratio", "cost_cut_per_sabotage", "legitimacy_start")
        for name in unit_closed:
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(
                    f"RegimeParams.{name} must be in [0, 1], got {getattr(self, name)!r}"
                )
        if not 0 < self.democracy_base_rate < 1:
            raise ValueError(
                "RegimeParams.democracy_base_rate must be in (0, 1), "
                f"got {self.democracy_base_rate!r}"
            )
        if not self.transition_per_readiness >= 0:
            raise ValueError(
                "RegimeParams.transition_per_readiness must be >= 0, "
                f"got {self.transition_per_readiness!r}"
            )
        for name in ("defection_fall_share", "elite_fall_share"):
            if not 0 < getattr(self, name) <= 1:
                raise ValueError(
                    f"RegimeParams.{name} must be in (0, 1], got {getattr(self, name)!r}"
                )
        if not 0 <= self.russian_backstop < 1:
            raise ValueError(
                f"RegimeParams.russian_backstop must be in [0, 1), got {self.russian_backstop!r}"
            )
        if self.reorientation_days < 1 or self.expectation_days < 1:
            raise ValueError("RegimeParams.reorientation_days and expectation_days must be >= 1")
        if not 0 <= self.discount < 1:
            raise ValueError(f"RegimeParams.discount must be in [0, 1), got {self.discount!r}")

    @classmethod
    def from_scenario(cls, scenario: Any) -> RegimeParams:
        """The regime layer's parameters of a Belarus scenario (every field from its path).

        Args:
            scenario: A validated `BelarusScenario`.

        Returns:
            The `RegimeParams` whose every field is the scenario's value at the field's
            `SCENARIO_PATHS` entry.
        """
        values = {}
        for name, path in SCENARIO_PATHS.items():
            section, parameter = path.split(".")
            values[name] = getattr(getattr(scenario, section), parameter)
        return cls(**values)


SCENARIO_PATHS: dict[str, str] = {f.name: f.metadata["scenario"] for f in fields(RegimeParams)}
"""Each field of `RegimeParams` -> the scenario parameter (``section.name``) it is read from."""


def _check_paths() -> None:
    """Fail at import when a field's path is not a parameter of the Belarus schema."""
    known = parameter_paths()
    unknown = {name: path for name, path in SCENARIO_PATHS.items() if path not in known}
    if unknown:
        raise ImportError(f"RegimeParams fields read from no scenario parameter: {unknown}")
    if len(set(SCENARIO_PATHS.values())) != len(SCENARIO_PATHS):
        raise ImportError("two RegimeParams fields read the same scenario parameter")


_check_paths()

__all__ = ["SCENARIO_PATHS", "RegimeParams"]
