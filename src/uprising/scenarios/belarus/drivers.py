"""The exogenous drivers of a Belarus scenario: one table, read by the schema and the model.

Every variable that a dated ``[[events]]`` entry may change is one row of `DRIVERS`:
its name, its kind, the values allowed, the value in force before any event, its
unit and what it does. The schema validates events against this table
(`uprising.scenarios.belarus.events`), the model turns events into daily paths with it
(`uprising.models.drivers`), and the docs list it (docs/MODEL.md, 'Dated events').

The four kinds (`KINDS`), named the same everywhere:

- ``jump``: a change on ``date`` only (``until`` is not allowed). An additive jump
  (``legitimacy_shock``) adds ``value`` on that day, and jumps on one date add up; a
  setting jump (``troops_abroad``) sets the variable to ``value`` from ``date`` on.
- ``ramp``: without ``until`` the variable holds ``value`` from ``date`` on; with
  ``until`` it moves linearly from the value in force the day before ``date`` to
  ``value`` on ``until``, and holds it afterwards.
- ``window``: ``value`` applies on ``date`` only, or on every day of ``[date, until]``
  (both included); the baseline applies on the other days.
- ``call``: a window that may recur: with ``weekday`` (0 = Monday .. 6 = Sunday) it
  applies on that weekday of every week in ``[date, until]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

DriverKind = Literal["jump", "ramp", "window", "call"]

KINDS: dict[str, str] = {
    "jump": "changes on `date` only (no `until`): adds `value` that day (additive) or sets it "
    "from `date` on",
    "ramp": "holds `value` from `date` on; with `until`, a linear ramp from the value in force "
    "the day before `date` to `value` on `until`, held afterwards",
    "window": "applies on `date` only, or on every day of [`date`, `until`]",
    "call": "a window that may recur: with `weekday`, on that weekday of every week of "
    "[`date`, `until`]",
}
"""The kinds of driver, with the rule that turns an event of that kind into a daily path."""


@dataclass(frozen=True)
class Driver:
    """One exogenous driver variable.

    Attributes:
        name: The variable, as ``[[events]] variable`` names it.
        kind: One of `KINDS`.
        low: Smallest allowed ``value`` (included unless ``low_open``).
        high: Largest allowed ``value`` (included).
        baseline: The value in force before any event: a number, or the path of the
            scenario parameter it starts at (``"opposition.readiness"``).
        unit: Unit of ``value``.
        description: What the variable does in the model.
        low_open: ``value`` must be strictly greater than ``low``.
        values: When not empty, the only values allowed.
        additive: For a jump: events add to the day's value instead of setting it.
    """

    name: str
    kind: DriverKind
    low: float
    high: float
    baseline: float | str
    unit: str
    description: str
    low_open: bool = False
    values: tuple[float, ...] = ()
    additive: bool = False

    @property
    def sets_level(self) -> bool:
        """Whether an event sets the level from its date on (a ramp, or a setting jump)."""
        return self.kind == "ramp" or (self.kind == "jump" and not self.additive)

    @property
    def allowed(self) -> str:
        """The allowed values as text: ``[0, 1]``, ``(0, 5]`` or ``0 | 1``."""
        if self.values:
            return " | ".join(f"{v:g}" for v in self.values)
        return f"{'(' if self.low_open else '['}{self.low:g}, {self.high:g}]"

    def check(self, value: float) -> None:
        """Raise ValueError when ``value`` is not allowed for this variable."""
        if self.low_open and value <= self.low:
            raise ValueError(f"{self.name} must be > {self.low:g} (in {self.allowed})")
        if not self.low <= value <= self.high:
            raise ValueError(f"{self.name} must be in {self.allowed}")
        if self.values and value not in self.values:
            raise ValueError(f"{self.name} must be {self.allowed.replace(' | ', ' or ')}")


_DRIVERS = (
    Driver(
        "legitimacy_shock",
        "jump",
        -1.0,
        1.0,
        0.0,
        unit="1 (change of legitimacy L)",
        description="adds value to legitimacy L and legitimacy.shock_persistence x value to "
        "the level L recovers to (a rigged election, complicity in a war)",
        additive=True,
    ),
    Driver(
        "russian_support",
        "ramp",
        0.0,
        3.0,
        1.0,
        unit="index (1 = the 2020 level)",
        description="Russian support rho: subsidies, loans, growth, and the backstop officers "
        "and elite expect",
    ),
    Driver(
        "sanctions",
        "ramp",
        0.0,
        5.0,
        0.0,
        unit="index (1 = the 2021 sectoral level)",
        description="Western sanctions sigma: lost revenue, growth and inflation",
    ),
    Driver(
        "russian_growth",
        "ramp",
        -30.0,
        30.0,
        "economy.russian_growth_base",
        unit="% per year",
        description="Russia's real GDP growth: demand for Belarus's exports, hence its growth",
    ),
    Driver(
        "russian_inflation",
        "ramp",
        -10.0,
        500.0,
        "economy.russian_inflation_base",
        unit="% per year",
        description="Russia's CPI inflation: passes through imports to Belarusian inflation",
    ),
    Driver(
        "western_recognition",
        "ramp",
        0.0,
        1.0,
        0.0,
        unit="1",
        description="Western recognition of the opposition omega: raises the elite's cost "
        "of loyalty",
    ),
    Driver(
        "opposition_readiness",
        "ramp",
        0.0,
        1.0,
        "opposition.readiness",
        unit="1",
        description="the organised opposition's readiness to call and lead protests",
    ),
    Driver(
        "internet_shutdown",
        "window",
        0.0,
        1.0,
        0.0,
        unit="1 (1 = fully off)",
        description="cuts the media's reach while it lasts",
    ),
    Driver(
        "protest_call",
        "call",
        0.0,
        1.0,
        0.0,
        unit="1 (strength of the call, 1 = all channels)",
        description="a call to protest, carried by the media to its share of citizens",
    ),
    Driver(
        "troops_abroad",
        "jump",
        0.0,
        1.0,
        0.0,
        unit="flag (0 or 1)",
        description="forces the troops-abroad flag to value from date on",
        values=(0.0, 1.0),
    ),
    Driver(
        "police_surge",
        "ramp",
        0.0,
        5.0,
        1.0,
        unit="multiplier of cops on the lattice",
        description="the cops on the street are police_surge x the officers who have not defected",
        low_open=True,
    ),
    Driver(
        "repression",
        "ramp",
        0.1,
        10.0,
        "repression.repression_level",
        unit="multiplier",
        description='the repression level under repression.policy = "fixed" (ignored when '
        "the regime optimises)",
    ),
)

DRIVERS: dict[str, Driver] = {driver.name: driver for driver in _DRIVERS}
"""Every driver variable by name, in the order the schema lists them."""


def of_kind(*kinds: str) -> tuple[str, ...]:
    """The names of the drivers of the given kinds, in table order.

    Args:
        *kinds: Kinds of `KINDS`.

    Returns:
        The names of the drivers of those kinds.

    Raises:
        ValueError: for a kind that is not one of `KINDS`.
    """
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown driver kind(s) {sorted(unknown)}: one of {list(KINDS)}")
    return tuple(name for name, driver in DRIVERS.items() if driver.kind in kinds)


def baseline(scenario: Any) -> dict[str, float]:
    """Every driver's value before any event in a Belarus scenario.

    Args:
        scenario: A `BelarusScenario` (a path baseline is read from its section).

    Returns:
        Variable name -> value, for every row of `DRIVERS`.
    """
    values = {}
    for name, driver in DRIVERS.items():
        if isinstance(driver.baseline, str):
            section, field = driver.baseline.split(".")
            values[name] = float(getattr(getattr(scenario, section), field))
        else:
            values[name] = float(driver.baseline)
    return values


__all__ = ["DRIVERS", "KINDS", "Driver", "DriverKind", "baseline", "of_kind"]
