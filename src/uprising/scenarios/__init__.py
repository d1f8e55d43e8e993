"""Scenarios: TOML files with a pydantic schema, and the built-in ones.

- `schema`: the `Scenario` model (every parameter with unit, range and source) and
  `to_engine_config`, its translation into the engine's `EngineConfig`.
- `loader`: `load_scenario`, `list_scenarios`, `apply_overrides`, TOML round trip and
  `scenario_hash`.
- `builtin/`: Epstein (2002) Runs 1-5 and Mesa's example (`epstein-mesa`).
"""

from uprising.errors import ScenarioError
from uprising.scenarios.loader import (
    ScenarioInfo,
    apply_overrides,
    builtin_names,
    dumps_scenario,
    list_scenarios,
    load_scenario,
    loads_scenario,
    parse_value,
    scenario_dict,
    scenario_hash,
    with_run,
)
from uprising.scenarios.schema import (
    ParameterInfo,
    Scenario,
    describe_parameters,
    to_engine_config,
)

__all__ = [
    "ParameterInfo",
    "Scenario",
    "ScenarioError",
    "ScenarioInfo",
    "apply_overrides",
    "builtin_names",
    "describe_parameters",
    "dumps_scenario",
    "list_scenarios",
    "load_scenario",
    "loads_scenario",
    "parse_value",
    "scenario_dict",
    "scenario_hash",
    "to_engine_config",
    "with_run",
]
