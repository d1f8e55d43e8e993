"""Scenario schema, loader, overrides, TOML round trip and hashing."""

from __future__ import annotations

import math
from pathlib import Path

import pydantic
import pytest

from uprising.engine.config import (
    Activation,
    EngineConfig,
    JailedOnGrid,
    JailTerm,
    Neighbourhood,
    Order,
    PopulationInit,
    RatioRule,
    SelfCount,
    TimelineEvent,
    TimelineVariable,
)
from uprising.scenarios import (
    Scenario,
    ScenarioError,
    apply_overrides,
    builtin_names,
    describe_parameters,
    dumps_scenario,
    list_scenarios,
    load_scenario,
    loads_scenario,
    parse_value,
    scenario_dict,
    scenario_hash,
    to_engine_config,
    with_run,
)

BUILTINS = [
    "epstein-mesa",
    "epstein-run1",
    "epstein-run2",
    "epstein-run3",
    "epstein-run4",
    "epstein-run5",
]


def builtin_text(name: str) -> str:
    import uprising.scenarios

    return (Path(uprising.scenarios.__file__).parent / "builtin" / f"{name}.toml").read_text()


def write_variant(tmp_path: Path, old: str, new: str, name: str = "epstein-run2.toml") -> Path:
    text = builtin_text("epstein-run2")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1))
    return path


def error_of(call, *args, **kwargs) -> str:
    with pytest.raises(ScenarioError) as info:
        call(*args, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    return message


# --- built-ins -----------------------------------------------------------------------


def test_builtin_names_include_the_six_epstein_scenarios():
    names = builtin_names()
    assert names == sorted(names)
    assert [name for name in names if name.startswith("epstein-")] == BUILTINS
    infos = list_scenarios()
    assert [info.name for info in infos] == names
    assert [info.name for info in infos if info.model == "epstein"] == BUILTINS
    assert all(info.description and "\n" not in info.description for info in infos)


@pytest.mark.parametrize("name", BUILTINS)
def test_builtin_loads_cites_source_and_maps_to_engine(name):
    scenario = load_scenario(name)
    assert scenario.name == name
    assert scenario.provenance.source.strip()
    config = to_engine_config(scenario)
    assert isinstance(config, EngineConfig)
    # Epstein (2002) Table 2, all runs; Mesa's defaults share them (Mesa 3.3.1 model.py).
    assert (config.width, config.height) == (40, 40)
    assert config.citizen_density == 0.7
    assert config.arrest_constant == 2.3
    assert config.threshold == 0.1


def test_table2_values():
    run1, run2, run3, run4, run5 = (load_scenario(f"epstein-run{i}") for i in range(1, 6))
    c1 = to_engine_config(run1)
    assert (c1.citizen_vision, c1.cop_vision, c1.legitimacy, c1.max_jail_term) == (
        1.7,
        1.7,
        0.89,
        15,
    )
    assert not c1.citizens_move and c1.cops_move_when_citizens_frozen
    assert c1.cop_density == 0.04

    c2 = to_engine_config(run2)
    assert (c2.citizen_vision, c2.cop_vision, c2.legitimacy, c2.max_jail_term) == (7, 7, 0.82, 30)
    assert c2.citizens_move and c2.cop_density == 0.04 and run2.run.steps == 3000
    assert c2.timeline == ()

    for scenario in (run3, run4, run5):
        config = to_engine_config(scenario)
        assert config.cop_density == 0.074
        assert math.isinf(config.max_jail_term) and config.jail_term == JailTerm.INFINITE
    assert run3.rules.legitimacy == run4.rules.legitimacy == 0.9
    assert to_engine_config(run3).timeline == (
        TimelineEvent(TimelineVariable.LEGITIMACY, start_tick=77, value=0.2, end_tick=147),
    )
    # 0.01 per tick, as in the paper's salami tactics
    assert (0.9 - 0.2) / (147 - 77) == pytest.approx(0.01)
    assert to_engine_config(run4).timeline == (
        TimelineEvent(TimelineVariable.LEGITIMACY, start_tick=77, value=0.7, end_tick=None),
    )
    assert run5.rules.legitimacy == 0.8
    assert to_engine_config(run5).timeline == (
        TimelineEvent(TimelineVariable.COP_DENSITY, start_tick=50, value=0.0, end_tick=550),
    )


def test_epstein_mesa_uses_mesa_rules():
    config = to_engine_config(load_scenario("epstein-mesa"))
    assert config == EngineConfig(
        width=40,
        height=40,
        citizen_density=0.7,
        cop_density=0.074,
        citizen_vision=7,
        cop_vision=7,
        legitimacy=0.8,
        threshold=0.1,
        arrest_constant=2.3,
        max_jail_term=1000,
        citizens_move=True,
        cops_move_when_citizens_frozen=False,
        cop_moves_to_arrestee=False,
        ratio_rule=RatioRule.ROUND_HALF_EVEN,
        self_count=SelfCount.ONCE,
        neighbourhood=Neighbourhood.MANHATTAN,
        order=Order.ACT_THEN_MOVE,
        jailed_on_grid=JailedOnGrid.OCCUPIES,
        jail_term=JailTerm.UNIFORM_0_TO_J,
        population_init=PopulationInit.BERNOULLI_PER_CELL,
        activation=Activation.RANDOM,
        block_size=64,
    )


def test_defaults_are_run2_with_recommended_switches():
    minimal = loads_scenario('name = "x"\ndescription = "d"\n[provenance]\nsource = "s"\n')
    run2 = load_scenario("epstein-run2")
    for section in ("run", "grid", "population", "citizens", "cops", "rules", "jail"):
        assert getattr(minimal, section) == getattr(run2, section), section
    config = to_engine_config(minimal)
    assert config.ratio_rule == RatioRule.FLOOR
    assert config.self_count == SelfCount.ONCE
    assert config.neighbourhood == Neighbourhood.EUCLID
    assert config.order == Order.MOVE_THEN_ACT
    assert config.jailed_on_grid == JailedOnGrid.REMOVED
    assert config.jail_term == JailTerm.UNIFORM_1_TO_J
    assert config.population_init == PopulationInit.EXACT_COUNTS
    assert config.activation == Activation.BLOCKED and config.block_size == 64
    assert minimal.outbursts.threshold == 50


def test_every_parameter_has_unit_range_and_source():
    rows = describe_parameters(load_scenario("epstein-run2"))
    paths = {row.path for row in rows}
    assert {"grid.width", "rules.legitimacy", "jail.max_term", "schedule.block_size"} <= paths
    for row in rows:
        assert row.unit and row.source and row.allowed and row.description, row
    legitimacy = next(row for row in rows if row.path == "rules.legitimacy")
    assert legitimacy.value == 0.82 and legitimacy.allowed == "[0, 1]"
    ratio = next(row for row in rows if row.path == "rules.ratio_rule")
    assert ratio.allowed == "literal | floor | round_half_even"


def test_scenarios_are_frozen():
    scenario = load_scenario("epstein-run2")
    with pytest.raises(pydantic.ValidationError):
        scenario.rules.legitimacy = 0.5  # type: ignore[misc]


def test_hash_ignores_layout_but_not_values(tmp_path):
    scenario = load_scenario("epstein-run2")
    reordered = "# a comment\n" + dumps_scenario(scenario).replace(
        "width = 40\nheight = 40", "height = 40\nwidth = 40"
    )
    assert scenario_hash(loads_scenario(reordered)) == scenario_hash(scenario)
    changed = apply_overrides(scenario, ["rules.legitimacy=0.83"])
    assert scenario_hash(changed) != scenario_hash(scenario)
    assert len(scenario_hash(scenario)) == 64


def test_infinite_jail_term_is_spelled_infinite_in_toml():
    scenario = load_scenario("epstein-run3")
    assert math.isinf(scenario.jail.max_term)
    assert scenario_dict(scenario)["jail"]["max_term"] == "infinite"
    assert 'max_term = "infinite"' in dumps_scenario(scenario)


# --- errors name the file and the field ------------------------------------------------


def test_out_of_range_value_names_file_and_field(tmp_path):
    path = write_variant(tmp_path, "legitimacy = 0.82", "legitimacy = 1.7")
    message = error_of(load_scenario, path)
    assert message.endswith("epstein-run2.toml: rules.legitimacy = 1.7: must be <= 1")
    assert message.startswith(str(path))


def test_unknown_field_names_file_and_field(tmp_path):
    path = write_variant(tmp_path, "arrest_constant = 2.3", "arrest_constant = 2.3\nnonsense = 1")
    message = error_of(load_scenario, path)
    assert "epstein-run2.toml: rules.nonsense: unknown field" in message
    assert "legitimacy" in message  # lists the allowed names


def test_unknown_section_is_an_error(tmp_path):
    path = write_variant(tmp_path, "[grid]", "[gird]\nwidth = 40\n\n[grid]")
    assert "gird: unknown field" in error_of(load_scenario, path)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("legitimacy = 0.82", 'legitimacy = "high"', 'rules.legitimacy = "high": must be a number'),
        ("width = 40", "width = 40.5", "grid.width = 40.5: must be an integer"),
        ("movement = true", "movement = 1", "citizens.movement = 1: must be true or false"),
        ('ratio_rule = "floor"', 'ratio_rule = "flor"', 'rules.ratio_rule = "flor": must be'),
        ("max_term = 30", 'max_term = "forever"', 'jail.max_term = "forever": must be a number'),
        (
            'name = "epstein-run2"',
            'name = "epstein-run2"\ntimeline = 3',
            "timeline = 3: must be an",
        ),
    ],
)
def test_wrong_type_names_file_and_field(tmp_path, old, new, expected):
    message = error_of(load_scenario, write_variant(tmp_path, old, new))
    assert "epstein-run2.toml: " in message
    assert expected in message


def test_malformed_toml_gives_file_and_line(tmp_path):
    path = write_variant(tmp_path, "width = 40", "width = = 40")
    message = error_of(load_scenario, path)
    assert "epstein-run2.toml: invalid TOML" in message
    line = builtin_text("epstein-run2").splitlines().index("width = 40") + 1
    assert f"line {line}" in message


def test_missing_file_and_unknown_name(tmp_path):
    missing = tmp_path / "nowhere.toml"
    assert error_of(load_scenario, missing) == f"{missing}: no such file"
    message = error_of(load_scenario, "epstein-run9")
    assert "unknown scenario 'epstein-run9'" in message and "epstein-run2" in message


def test_scalar_instead_of_section_is_an_error():
    text = 'name = "x"\ndescription = "d"\ngrid = 3\n[provenance]\nsource = "s"\n'
    assert error_of(loads_scenario, text, source="x.toml") == (
        "x.toml: grid = 3: must be a table (a [section] in TOML)"
    )


def test_missing_provenance_is_an_error():
    message = error_of(loads_scenario, 'name = "x"\ndescription = "d"\n', source="x.toml")
    assert message == "x.toml: provenance: required field is missing"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("max_term = 30", 'max_term = "infinite"', "jail: max_term"),
        ("cop_density = 0.04", "cop_density = 0.4", "population: citizen_density + cop_density"),
        ("width = 40", "width = 10", "citizens.vision = 7: a vision diameter of 15 cells"),
    ],
)
def test_inconsistent_parameters_are_errors(tmp_path, old, new, expected):
    assert expected in error_of(load_scenario, write_variant(tmp_path, old, new))


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ('variable = "legitimacy"\ntick = 3\nstart = 4\nend = 9\nvalue = 0.5', "either tick"),
        ('variable = "legitimacy"\nstart = 4\nvalue = 0.5', "either tick"),
        ('variable = "legitimacy"\nstart = 9\nend = 4\nvalue = 0.5', "must be after its start"),
        ('variable = "legitimacy"\ntick = 3\nvalue = 1.5', "timeline[0].value = 1.5"),
        ('variable = "hardship"\ntick = 3\nvalue = 0.5', 'timeline[0].variable = "hardship"'),
        ('variable = "cop_density"\ntick = 3\nvalue = 0.5', "cop_density + population"),
    ],
)
def test_bad_timeline_entries(tmp_path, event, expected):
    path = tmp_path / "tl.toml"
    path.write_text(builtin_text("epstein-run2") + f"\n[[timeline]]\n{event}\n")
    message = error_of(load_scenario, path)
    assert message.startswith(f"{path}: ")
    assert expected in message


# --- overrides -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("200", 200),
        ("-3", -3),
        ("0.7", 0.7),
        ("1e-3", 0.001),
        ("true", True),
        ("False", False),
        ("floor", "floor"),
        ("infinite", "infinite"),
        ('"quoted"', "quoted"),
    ],
)
def test_parse_value(text, value):
    parsed = parse_value(text)
    assert parsed == value and type(parsed) is type(value)


def test_overrides_apply_and_revalidate():
    base = load_scenario("epstein-run2")
    changed = apply_overrides(
        base,
        [
            "grid.width=200",
            "rules.ratio_rule=literal",
            "citizens.movement=false",
            "rules.legitimacy=1",
        ],
    )
    assert changed.grid.width == 200 and base.grid.width == 40
    assert changed.rules.ratio_rule == "literal"
    assert changed.citizens.movement is False
    assert changed.rules.legitimacy == 1.0
    assert to_engine_config(changed).width == 200
    assert apply_overrides(base, []) is base


def test_overrides_reach_infinite_terms_and_timeline_entries():
    run2 = apply_overrides(
        load_scenario("epstein-run2"), ["jail.max_term=infinite", "jail.term=infinite"]
    )
    assert math.isinf(run2.jail.max_term)
    run3 = apply_overrides(load_scenario("epstein-run3"), ["timeline.0.value=0.5"])
    assert run3.timeline[0].value == 0.5 and run3.timeline[0].end == 147


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("rules.nonsense=1", "--set rules.nonsense=1: rules.nonsense: unknown field"),
        ("rules.legitimacy=abc", '--set rules.legitimacy=abc: rules.legitimacy = "abc": must be'),
        (
            "rules.legitimacy=1.7",
            "--set rules.legitimacy=1.7: rules.legitimacy = 1.7: must be <= 1",
        ),
        ("grid.width=2", "--set grid.width=2: grid.width = 2: must be >= 3"),
        ("grid.width", "--set grid.width: expected name=value"),
        ("grid.width.x=3", "--set grid.width.x=3: grid.width is a value, not a section"),
        ("timeline.0.value=0.5", "--set timeline.0.value=0.5: timeline.0: no such entry"),
        ("nonsense.x=1", "--set nonsense.x=1: nonsense: unknown field"),
    ],
)
def test_bad_overrides_name_the_override(override, expected):
    message = error_of(apply_overrides, load_scenario("epstein-run2"), [override])
    assert message.startswith("epstein-run2: ")
    assert expected in message


def test_cross_field_override_error_names_the_overrides():
    message = error_of(
        apply_overrides, load_scenario("epstein-run2"), ["grid.width=10", "grid.height=10"]
    )
    assert "--set grid.width=10, grid.height=10" in message
    assert "citizens.vision" in message


def test_with_run_sets_seed_and_steps():
    scenario = with_run(load_scenario("epstein-run2"), seed=5, steps=10)
    assert (scenario.run.seed, scenario.run.steps) == (5, 10)
    assert "--steps: run.steps = 0: must be >= 1" in error_of(
        with_run, load_scenario("epstein-run2"), steps=0
    )


def test_scenario_model_validates_directly():
    with pytest.raises(pydantic.ValidationError):
        Scenario.model_validate({"name": "Bad Name", "description": "d", "provenance": {}})
