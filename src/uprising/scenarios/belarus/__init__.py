"""Belarus scenarios (``model = "belarus"``): the schema of the coupled lattice + regime model.

- `scenario`: `BelarusScenario`, the whole file (sections, ``[sources]``, events), and
  `sections` / `parameter_paths`, the list of its parameter sections and paths.
- `street`: `[run]` `BelarusRun`, `[population]` `BelarusPopulation`, `[security]`
  `Security`, `[repression]` `Repression`.
- `society`: `[legitimacy]` `Legitimacy`, `[media]` `Media`, `[emigration]`
  `Emigration`, `[sabotage]` `Sabotage`, `[opposition]` `Opposition`.
- `regime`: `[economy]` `Economy`, `[regime]` `Regime`, `[fall]` `Fall`.
- `prosecution`: `[prosecution]` `Prosecution`, the criminal pipeline after arrest.
- `mechanisms`: `[mechanisms]` `Mechanisms`, the on/off switch of every mechanism.
- `drivers`: `DRIVERS`, the one table of exogenous driver variables (kind, allowed
  values, baseline, unit, description), `KINDS`, `of_kind` and `baseline`.
- `events`: `Event`, one dated ``[[events]]`` entry, validated against `DRIVERS`.
- `describe`: `describe_belarus_parameters`, every parameter with unit, range, source.
- `sources`: the sources the parameters cite.
- `dates`: `as_date`, dates from TOML or ISO text.
"""

from uprising.scenarios.belarus.describe import describe_belarus_parameters
from uprising.scenarios.belarus.drivers import DRIVERS, KINDS, Driver, DriverKind, baseline, of_kind
from uprising.scenarios.belarus.events import Event, EventVariable
from uprising.scenarios.belarus.mechanisms import Mechanisms
from uprising.scenarios.belarus.prosecution import Prosecution
from uprising.scenarios.belarus.regime import Economy, Fall, Regime
from uprising.scenarios.belarus.scenario import BelarusScenario, parameter_paths, sections
from uprising.scenarios.belarus.society import Emigration, Legitimacy, Media, Opposition, Sabotage
from uprising.scenarios.belarus.street import BelarusPopulation, BelarusRun, Repression, Security

__all__ = [
    "DRIVERS",
    "KINDS",
    "BelarusPopulation",
    "BelarusRun",
    "BelarusScenario",
    "Driver",
    "DriverKind",
    "Economy",
    "Emigration",
    "Event",
    "EventVariable",
    "Fall",
    "Legitimacy",
    "Mechanisms",
    "Media",
    "Opposition",
    "Prosecution",
    "Regime",
    "Repression",
    "Sabotage",
    "Security",
    "baseline",
    "describe_belarus_parameters",
    "of_kind",
    "parameter_paths",
    "sections",
]
