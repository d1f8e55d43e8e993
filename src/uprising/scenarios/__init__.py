"""Scenarios: TOML files with a pydantic schema, and the built-in ones.

- `schema`: the Epstein `Scenario` model (every parameter with unit, range and source)
  and `to_engine_config`, its translation into the engine's `EngineConfig`.
- `belarus`: the `BelarusScenario` model (``model = "belarus"``): lattice, regime
  layer, fall conditions, and `DRIVERS`, the table of the driver variables that dated
  `Event` entries change.
- `families`: the registry of scenario families (`FAMILIES`, `family_of`): schema, run
  length, scale, description, TOML form, how a model is built and run, and how a run is
  summarised, for Epstein and Belarus.
- `loader`: `load_scenario` (dispatch on the ``model`` key, ``base`` inheritance),
  `list_scenarios`, TOML round trip, `scenario_hash` and `describe_parameters` for
  both families.
- `overrides`: `apply_overrides` (``--set name=value``), `with_run` (seed and length)
  and `parse_value`.
- `messages`: a pydantic error as one line, ``path = value: reason``.
- `files`: scenario files read safely (regular files of at most 1 MiB, TOML nesting
  and chains of bases bounded).
- `bounds`: limits that several fields decide together (lattice size and vision, the
  calendar), checked whenever a scenario is validated.
- `builtin/`: Epstein (2002) Runs 1-5 and Mesa's example (`epstein-mesa`); Belarus
  `belarus-2020`, `belarus-2022` and the 2022 variants `russia-defeat`,
  `russia-stalemate`, `sanctions-tightened`, `troops-deployed`, `opposition-ready`.
"""

from uprising.errors import ScenarioError
from uprising.scenarios.belarus import (
    DRIVERS,
    BelarusScenario,
    Event,
    describe_belarus_parameters,
)
from uprising.scenarios.families import FAMILIES, Family, family_of
from uprising.scenarios.loader import (
    MODELS,
    AnyScenario,
    ScenarioInfo,
    builtin_names,
    describe_parameters,
    dumps_scenario,
    list_scenarios,
    load_scenario,
    loads_scenario,
    model_name,
    scenario_dict,
    scenario_hash,
)
from uprising.scenarios.overrides import apply_overrides, parse_value, with_run
from uprising.scenarios.schema import (
    ParameterInfo,
    Scenario,
    to_engine_config,
)

__all__ = [
    "DRIVERS",
    "FAMILIES",
    "MODELS",
    "AnyScenario",
    "BelarusScenario",
    "Event",
    "Family",
    "ParameterInfo",
    "Scenario",
    "ScenarioError",
    "ScenarioInfo",
    "apply_overrides",
    "builtin_names",
    "describe_belarus_parameters",
    "describe_parameters",
    "dumps_scenario",
    "family_of",
    "list_scenarios",
    "load_scenario",
    "loads_scenario",
    "model_name",
    "parse_value",
    "scenario_dict",
    "scenario_hash",
    "to_engine_config",
    "with_run",
]
