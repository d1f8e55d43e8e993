"""Every Belarus schema parameter reaches the code that uses it.

Two links, each checked by recording reads:

1. scenario -> model: every field of every parameter section of a Belarus scenario is
   read while a model is built and run (through a recording view of the scenario);
2. `RegimeParams` -> regime layer: every field of `RegimeParams` (each read from one
   scenario parameter, `SCENARIO_PATHS`) is read by the regime layer's functions while
   a model runs.

Likewise every driver variable of the table `DRIVERS` is read by the model from its
daily values.

A field that the model never reads fails link 1; a regime field that is copied from the
scenario but used by no equation fails link 2. The mapping itself is checked by
perturbation: changing a scenario value changes exactly its `RegimeParams` field. That a
read value also changes an output is `tests/test_liveness.py`'s business.
"""

from __future__ import annotations

import dataclasses
import typing

import pytest

from uprising.models import regime as R
from uprising.models.belarus import BelarusModel
from uprising.models.drivers import Drivers
from uprising.models.regime import params as regime_params_module
from uprising.scenarios import load_scenario
from uprising.scenarios.belarus import DRIVERS, parameter_paths, sections

SECTIONS = dict(sections())
# Scenarios whose runs together take every branch that reads a parameter: a fixed
# repression policy (belarus-2020) and the optimising regime (belarus-2022), each run
# past its first events (election shock, first calls to protest).
RUNS = (
    ("belarus-2020", "2020-08-01", 40),
    ("belarus-2022", "2022-10-01", 20),
    ("troops-deployed", "2022-10-01", 155),  # troops abroad from 2023-03-01 (day 151)
)
SCALE = 0.001


class _RecordingSection:
    """A read-only view of one scenario section that records the fields read."""

    def __init__(self, section, name: str, reads: set[str]) -> None:
        self._section, self._name, self._reads = section, name, reads

    def __getattr__(self, attr: str):
        value = getattr(self._section, attr)
        if attr in type(self._section).model_fields:
            self._reads.add(f"{self._name}.{attr}")
        return value


class _RecordingScenario:
    """A read-only view of a Belarus scenario whose parameter sections record reads."""

    def __init__(self, scenario, reads: set[str]) -> None:
        self._scenario, self._reads = scenario, reads

    def __getattr__(self, attr: str):
        value = getattr(self._scenario, attr)
        if attr in SECTIONS:
            return _RecordingSection(value, attr, self._reads)
        return value


class _RecordingParams(R.RegimeParams):
    """`RegimeParams` that records the fields read once ``recording`` is switched on."""

    reads: typing.ClassVar[set[str]] = set()
    recording: typing.ClassVar[bool] = False

    def __getattribute__(self, name: str):
        if name in R.SCENARIO_PATHS and type(self).recording:
            type(self).reads.add(name)
        return super().__getattribute__(name)


def _scenario(name: str, days: int):
    scenario = load_scenario(name)
    run = scenario.run.model_copy(update={"seed": 3, "scale": SCALE, "days": days})
    return scenario.model_copy(update={"run": run})


def test_every_scenario_parameter_is_read_by_the_model():
    reads: set[str] = set()
    for name, start, days in RUNS:
        scenario = _scenario(name, days)
        assert scenario.run.start.isoformat() == start
        model = BelarusModel(_RecordingScenario(scenario, reads))
        model.run()
    missing = sorted(parameter_paths() - reads)
    assert not missing, f"schema parameters the model never reads: {missing}"


def test_every_regime_parameter_is_read_by_the_regime_layer():
    cls = _RecordingParams
    cls.reads = set()
    try:
        for name, _, days in RUNS:
            model = BelarusModel(_scenario(name, days))
            tracked = cls(**dataclasses.asdict(model.params))
            cls.recording = True
            R.initial_state(tracked, model.cops_start, 1)  # the draws of day 0
            R.successor(tracked, 0.5, 1)  # the draw at a fall (these runs hold)
            model.params = tracked
            model.run()
            cls.recording = False
    finally:
        cls.recording = False
    missing = sorted(set(R.SCENARIO_PATHS) - cls.reads)
    assert not missing, f"RegimeParams fields no regime equation reads: {missing}"


def test_every_driver_variable_is_read_by_the_model(monkeypatch):
    reads: set[str] = set()

    class RecordingDay(dict):
        def __getitem__(self, name):
            reads.add(name)
            return super().__getitem__(name)

    original = Drivers.on
    monkeypatch.setattr(Drivers, "on", lambda self, day: RecordingDay(original(self, day)))
    for name, _, days in RUNS:
        BelarusModel(_scenario(name, days)).run()
    assert set(original(BelarusModel(_scenario("belarus-2020", 1)).drivers, 0)) == set(DRIVERS)
    missing = sorted(set(DRIVERS) - reads)
    assert not missing, f"driver variables the model never reads: {missing}"


def test_each_scenario_parameter_sets_exactly_its_regime_field():
    scenario = load_scenario("belarus-2020")
    base = R.RegimeParams.from_scenario(scenario)
    for field, path in R.SCENARIO_PATHS.items():
        section_name, parameter = path.split(".")
        section = getattr(scenario, section_name)
        old = getattr(section, parameter)
        if isinstance(old, bool):
            new = not old
        elif isinstance(old, int):
            new = old + 1
        else:
            new = old * 0.5 if old else 0.5
        changed = scenario.model_copy(
            update={section_name: section.model_copy(update={parameter: new})}
        )
        params = R.RegimeParams.from_scenario(changed)
        assert getattr(params, field) == new, path
        others = {f: getattr(params, f) for f in R.SCENARIO_PATHS if f != field}
        assert others == {f: getattr(base, f) for f in others}, path


def test_regime_paths_name_schema_parameters_and_drift_fails_loudly(monkeypatch):
    assert set(R.SCENARIO_PATHS.values()) <= parameter_paths()
    assert [f.name for f in dataclasses.fields(R.RegimeParams)] == list(R.SCENARIO_PATHS)
    # a renamed schema parameter is an error at import, not a quiet default
    monkeypatch.setitem(regime_params_module.SCENARIO_PATHS, "gdp_usd_bn", "economy.gdp")
    with pytest.raises(ImportError, match=r"economy\.gdp"):
        regime_params_module._check_paths()
    # and a scenario without the parameter cannot build the regime's parameters
    monkeypatch.undo()
    scenario = load_scenario("belarus-2020")

    class Incomplete:
        def __getattr__(self, name):
            section = getattr(scenario, name)
            if name != "economy":
                return section
            return type("Economy", (), {"gdp_usd_bn": section.gdp_usd_bn})()

    with pytest.raises(AttributeError, match="gdp_growth_base"):
        R.RegimeParams.from_scenario(Incomplete())
