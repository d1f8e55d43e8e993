"""Belarus scenarios: schema, built-ins, base inheritance, round trip, overrides, errors."""

from __future__ import annotations

import datetime as dt
import random
import tomllib
import typing
from pathlib import Path

import pydantic
import pytest

from uprising.scenarios import (
    DRIVERS,
    BelarusScenario,
    Event,
    Scenario,
    ScenarioError,
    apply_overrides,
    builtin_names,
    describe_parameters,
    dumps_scenario,
    list_scenarios,
    load_scenario,
    loads_scenario,
    model_name,
    scenario_dict,
    scenario_hash,
    with_run,
)
from uprising.scenarios.belarus import (
    KINDS,
    EventVariable,
    baseline,
    describe_belarus_parameters,
    of_kind,
)

BASES = ["belarus-2020", "belarus-2022"]
VARIANTS = [
    "opposition-ready",
    "russia-defeat",
    "russia-stalemate",
    "sanctions-tightened",
    "troops-deployed",
]
BELARUS = BASES + VARIANTS
IDENTITY = ("model", "name", "description", "provenance", "sources")

MINIMAL = 'model = "belarus"\nname = "x"\ndescription = "d"\n[provenance]\nsource = "s"\n'


def builtin_path(name: str) -> Path:
    import uprising.scenarios

    return Path(uprising.scenarios.__file__).parent / "builtin" / f"{name}.toml"


def builtin_text(name: str) -> str:
    return builtin_path(name).read_text(encoding="utf-8")


def write_variant(tmp_path: Path, old: str, new: str, name: str = "belarus-2020") -> Path:
    text = builtin_text(name)
    assert old in text, old
    path = tmp_path / f"{name}.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def error_of(call, *args, **kwargs) -> str:
    with pytest.raises(ScenarioError) as info:
        call(*args, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    return message


def leaves(data: dict, prefix: str = "") -> dict[str, object]:
    """Flatten the parameter sections of `scenario_dict` to ``section.name -> value``."""
    flat: dict[str, object] = {}
    for key, value in data.items():
        if not prefix and key in (*IDENTITY, "events"):
            continue
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(leaves(value, f"{path}."))
        else:
            flat[path] = value
    return flat


# --- built-ins -----------------------------------------------------------------------


def test_builtins_include_every_belarus_scenario_with_its_model():
    assert set(BELARUS) <= set(builtin_names())
    infos = {info.name: info for info in list_scenarios()}
    for name in BELARUS:
        assert infos[name].model == "belarus"
        assert infos[name].description and "\n" not in infos[name].description
    assert infos["epstein-run2"].model == "epstein"


@pytest.mark.parametrize("name", BELARUS)
def test_builtin_loads_with_sources_and_sorted_events(name):
    scenario = load_scenario(name)
    assert isinstance(scenario, BelarusScenario) and model_name(scenario) == "belarus"
    assert scenario.name == name
    assert scenario.provenance.source.strip() and scenario.summary
    assert scenario.events, "every Belarus built-in has dated drivers"
    dates = [event.date for event in scenario.events]
    assert dates == sorted(dates)
    for event in scenario.events:
        assert event.source.strip(), event
        assert scenario.run.start <= event.date <= scenario.run.end
    # show works: every row has a unit, an allowed range and a specific source
    for row in describe_parameters(scenario):
        assert row.unit and row.allowed and row.source and row.description, row
        assert len(row.source) > 20, row


@pytest.mark.parametrize("name", BASES)
def test_base_files_spell_out_every_parameter(name):
    raw = tomllib.loads(builtin_text(name))
    assert "base" not in raw and raw["model"] == "belarus"
    for section, field in BelarusScenario.model_fields.items():
        annotation = field.annotation
        if section in IDENTITY or section == "events":
            continue
        assert set(raw[section]) == set(annotation.model_fields), section


@pytest.mark.parametrize("name", VARIANTS)
def test_variant_files_name_their_base_and_little_else(name):
    raw = tomllib.loads(builtin_text(name))
    assert raw["base"] == "belarus-2022"
    assert "model" not in raw and "run" not in raw


def test_schema_defaults_are_belarus_2020():
    minimal = loads_scenario(MINIMAL)
    b2020 = load_scenario("belarus-2020")
    assert leaves(scenario_dict(minimal)) == leaves(scenario_dict(b2020))
    assert b2020.run.start == dt.date(2020, 8, 1) and b2020.run.days == 1250
    assert b2020.run.steps == 1250


def test_belarus_2020_values_from_their_sources():
    s = load_scenario("belarus-2020")
    assert s.security.police_per_100k == 491
    assert s.population.opponent_share == 0.2 and s.population.loyalist_share == 0.25
    assert s.media.reach == 0.22 and s.economy.gdp_usd_bn == 63
    assert s.repression.criminal_share == 0.001  # hand-set (docs/VALIDATION.md)
    assert (s.security.officer_cost_median, s.security.officer_cost_sigma) == (0.25, 0.5)
    assert (s.regime.elite_cost_median, s.regime.elite_cost_sigma) == (0.3, 0.4)
    assert s.emigration.readiness_per_aid == 0.2
    by_name = {event.name: event for event in s.events}
    assert by_name["rigged election"].value == -0.35
    assert by_name["rigged election"].date == dt.date(2020, 8, 9)
    sanctions = [(e.date.isoformat(), e.value) for e in s.events if e.variable == "sanctions"]
    assert sanctions == [
        ("2020-10-02", 0.1),
        ("2020-11-06", 0.2),
        ("2020-12-17", 0.3),
        ("2021-06-24", 1.0),
        ("2022-03-02", 2.0),
    ]
    marches = by_name["Sunday marches"]
    days = [s.run.start + dt.timedelta(days=i) for i in range(s.run.days)]
    called = [day for day in days if marches.active_on(day)]
    assert called[0] == dt.date(2020, 8, 16) and called[-1] == dt.date(2020, 11, 29)
    assert all(day.weekday() == 6 for day in called) and len(called) == 16
    shutdown = by_name["internet shutdown"]
    assert [day.day for day in days if shutdown.active_on(day)] == [9, 10, 11]


def test_derived_sources_cite_the_calibration_rows():
    rows = {row.path: row for row in describe_parameters(load_scenario("belarus-2020"))}
    assert "46,128" in rows["security.police_per_100k"].source
    assert "DERIVED" in rows["repression.criminal_share"].source
    assert "36.2 %" in rows["economy.gdp_usd_bn"].source
    assert "2.1 million" in rows["media.reach"].source
    for path in (
        "security.officer_cost_median",
        "regime.cost_per_shortfall",
        "fall.elite_fall_share",
    ):
        assert "assumption" in rows[path].source, path
    assert rows["run.scale"].allowed == "(0, 1.5]"
    assert rows["regime.discount"].allowed == "(0, 1)"
    assert rows["run.start"].value == "2020-08-01"
    assert rows["repression.policy"].allowed == "fixed | optimise"


def test_scenario_sources_replace_the_default_source():
    rows = {row.path: row for row in describe_parameters(load_scenario("belarus-2022"))}
    assert rows["legitimacy.initial"].value == 0.62
    assert "DERIVED from belarus-2020" in rows["legitimacy.initial"].source
    assert describe_parameters(load_scenario("belarus-2020")) == describe_belarus_parameters(
        load_scenario("belarus-2020")
    )


def test_belarus_2022_initial_state():
    s = load_scenario("belarus-2022")
    assert s.run.start == dt.date(2022, 10, 1) and s.run.days == 1826
    assert s.legitimacy.initial < load_scenario("belarus-2020").legitimacy.initial
    assert s.opposition.readiness == 0.3
    on_day_0 = {e.variable: e.value for e in s.events if e.date == s.run.start}
    assert on_day_0 == {
        "sanctions": 2.0,
        "russian_support": 1.0,
        "western_recognition": 0.3,
        "russian_growth": -1.2,
        "russian_inflation": 11.9,
    }


EXPECTED_DIFFERENCES = {
    "russia-defeat": ({}, [("russian_support", "2023-01-01", "2024-06-01", 0.3)]),
    "russia-stalemate": ({}, [("russian_support", "2023-01-01", "2025-01-01", 0.7)]),
    "sanctions-tightened": ({}, [("sanctions", "2023-01-01", None, 3.0)]),
    "troops-deployed": (
        {},
        [
            ("troops_abroad", "2023-03-01", None, 1.0),
            ("legitimacy_shock", "2023-03-01", None, -0.1),
        ],
    ),
    "opposition-ready": (
        {"opposition.readiness": 0.8, "media.reach": 0.35},
        [("protest_call", "2023-01-01", "2027-09-30", 1.0)],
    ),
}


@pytest.mark.parametrize("name", VARIANTS)
def test_variant_equals_its_base_except_the_declared_differences(name):
    base = scenario_dict(load_scenario("belarus-2022"))
    variant = scenario_dict(load_scenario(name))
    params, new_events = EXPECTED_DIFFERENCES[name]
    base_leaves, variant_leaves = leaves(base), leaves(variant)
    changed = {k: v for k, v in variant_leaves.items() if base_leaves[k] != v}
    assert changed == params
    assert set(variant_leaves) == set(base_leaves)
    base_events = base["events"]
    added = [e for e in variant["events"] if e not in base_events]
    assert all(e in variant["events"] for e in base_events)
    assert [(e["variable"], e["date"], e.get("until"), e["value"]) for e in added] == new_events
    assert variant["name"] == name and variant["description"] != base["description"]


# --- round trip and hash -------------------------------------------------------------


@pytest.mark.parametrize("name", BELARUS)
def test_written_toml_is_flat_with_dates_and_event_tables(name):
    # the round trip and its hash are in tests/test_conformance.py; this is the form
    text = dumps_scenario(load_scenario(name))
    assert "\nbase =" not in text and text.startswith('model = "belarus"')
    assert "start = 20" in text and "[[events]]" in text  # TOML dates, arrays of tables


def test_hash_ignores_event_order_but_not_values():
    text = builtin_text("belarus-2020")
    head, *events = text.split("[[events]]")
    random.Random(3).shuffle(events)
    shuffled = head + "".join(f"[[events]]{e.rstrip()}\n\n" for e in events)
    original = load_scenario("belarus-2020")
    again = loads_scenario(shuffled)
    assert again == original and scenario_hash(again) == scenario_hash(original)
    changed = apply_overrides(original, ["media.reach=0.23"])
    assert scenario_hash(changed) != scenario_hash(original)
    hashes = {scenario_hash(load_scenario(name)) for name in BELARUS}
    assert len(hashes) == len(BELARUS)


def test_scenarios_and_events_are_frozen():
    scenario = load_scenario("belarus-2020")
    with pytest.raises(pydantic.ValidationError):
        scenario.media.reach = 0.5  # type: ignore[misc]
    with pytest.raises(pydantic.ValidationError):
        scenario.events[0].value = 0.0  # type: ignore[misc]


# --- inheritance ---------------------------------------------------------------------


def test_variant_files_follow_chains_and_replace_events_by_name(tmp_path):
    (tmp_path / "mid.toml").write_text(
        'base = "russia-defeat"\nname = "mid"\ndescription = "m"\n'
        "[media]\nreach = 0.3\n"
        '[[events]]\nname = "Russia defeated"\ndate = 2023-06-01\nuntil = 2024-01-01\n'
        'variable = "russian_support"\nvalue = 0.1\nsource = "replaced"\n',
        encoding="utf-8",
    )
    (tmp_path / "top.toml").write_text(
        'base = "mid.toml"\nname = "top"\ndescription = "t"\n'
        "[run]\nscale = 0.002\n"
        '[[events]]\nname = "extra call"\ndate = 2023-02-05\nvariable = "protest_call"\n'
        'value = 1.0\nsource = "test"\n',
        encoding="utf-8",
    )
    top = load_scenario(tmp_path / "top.toml")
    assert isinstance(top, BelarusScenario) and top.name == "top"
    assert top.run.scale == 0.002 and top.run.start == dt.date(2022, 10, 1)
    assert top.media.reach == 0.3
    assert top.legitimacy.initial == load_scenario("belarus-2022").legitimacy.initial
    defeat = [e for e in top.events if e.name == "Russia defeated"]
    assert len(defeat) == 1 and defeat[0].value == 0.1 and defeat[0].source == "replaced"
    assert len(top.events) == len(load_scenario("belarus-2022").events) + 2
    assert top.provenance == load_scenario("russia-defeat").provenance  # inherited
    # a string with base_dir resolves relative bases there
    text = (tmp_path / "top.toml").read_text(encoding="utf-8")
    assert loads_scenario(text, base_dir=tmp_path) == top


def test_epstein_files_may_say_model_epstein_and_use_bases(tmp_path):
    path = tmp_path / "e.toml"
    path.write_text(
        'base = "epstein-run2"\nmodel = "epstein"\nname = "e"\ndescription = "d"\n'
        "[rules]\nlegitimacy = 0.7\n",
        encoding="utf-8",
    )
    scenario = load_scenario(path)
    assert isinstance(scenario, Scenario) and model_name(scenario) == "epstein"
    assert scenario.rules.legitimacy == 0.7 and scenario.grid.width == 40


def test_a_variant_must_name_itself(tmp_path):
    path = tmp_path / "v.toml"
    path.write_text('base = "belarus-2022"\n[media]\nreach = 0.3\n', encoding="utf-8")
    message = error_of(load_scenario, path)
    assert message.startswith(f"{path}: ") and "name: required field is missing" in message


def test_missing_base_names_the_chain(tmp_path):
    (tmp_path / "v.toml").write_text(
        'base = "nowhere.toml"\nname = "v"\ndescription = "d"\n', encoding="utf-8"
    )
    message = error_of(load_scenario, tmp_path / "v.toml")
    assert message.startswith(f'{tmp_path / "v.toml"}: base = "nowhere.toml": no such file')
    (tmp_path / "w.toml").write_text(
        'base = "v.toml"\nname = "w"\ndescription = "d"\n', encoding="utf-8"
    )
    message = error_of(load_scenario, tmp_path / "w.toml")
    assert "nowhere.toml" in message and "chain: " in message and "w.toml -> " in message
    (tmp_path / "u.toml").write_text(
        'base = "belarus-2099"\nname = "u"\ndescription = "d"\n', encoding="utf-8"
    )
    message = error_of(load_scenario, tmp_path / "u.toml")
    assert 'base = "belarus-2099"' in message and "belarus-2022" in message


def test_cycle_of_bases_is_an_error(tmp_path):
    (tmp_path / "a.toml").write_text(
        'base = "b.toml"\nname = "a"\ndescription = "d"\n', encoding="utf-8"
    )
    (tmp_path / "b.toml").write_text(
        'base = "a.toml"\nname = "b"\ndescription = "d"\n', encoding="utf-8"
    )
    message = error_of(load_scenario, tmp_path / "a.toml")
    assert "cycle of bases" in message
    assert message.endswith(
        f"{tmp_path / 'a.toml'} -> {tmp_path / 'b.toml'} -> {tmp_path / 'a.toml'}"
    )
    (tmp_path / "self.toml").write_text(
        'base = "self.toml"\nname = "s"\ndescription = "d"\n', encoding="utf-8"
    )
    assert "cycle of bases" in error_of(load_scenario, tmp_path / "self.toml")


def test_bad_base_value_and_model_mismatch(tmp_path):
    path = tmp_path / "v.toml"
    path.write_text('base = 3\nname = "v"\ndescription = "d"\n', encoding="utf-8")
    assert "base = 3: must be a built-in scenario name or the path" in error_of(load_scenario, path)
    path.write_text(
        'base = "belarus-2022"\nmodel = "epstein"\nname = "v"\ndescription = "d"\n',
        encoding="utf-8",
    )
    assert 'model = "epstein": differs from its base belarus-2022.toml' in error_of(
        load_scenario, path
    )
    assert 'model = "agent": must be "epstein" or "belarus"' in error_of(
        loads_scenario, MINIMAL.replace('"belarus"', '"agent"'), source="m.toml"
    )


def test_malformed_base_names_the_base_and_its_line(tmp_path):
    (tmp_path / "base.toml").write_text(MINIMAL + "[run]\nscale = = 1\n", encoding="utf-8")
    (tmp_path / "v.toml").write_text(
        'base = "base.toml"\nname = "v"\ndescription = "d"\n', encoding="utf-8"
    )
    message = error_of(load_scenario, tmp_path / "v.toml")
    assert f"{tmp_path / 'base.toml'}: invalid TOML" in message and "line 7" in message
    assert f"(base of {tmp_path / 'v.toml'})" in message


def test_error_in_a_field_from_the_base_names_the_base(tmp_path):
    (tmp_path / "base.toml").write_text(MINIMAL + "[media]\nreach = 1.5\n", encoding="utf-8")
    (tmp_path / "v.toml").write_text(
        'base = "base.toml"\nname = "v"\ndescription = "d"\n', encoding="utf-8"
    )
    message = error_of(load_scenario, tmp_path / "v.toml")
    assert message == (
        f"{tmp_path / 'v.toml'}: media.reach = 1.5: must be <= 1 (from {tmp_path / 'base.toml'})"
    )
    # the variant starts the run later: the base's event now falls before it
    (tmp_path / "w.toml").write_text(
        'base = "belarus-2020"\nname = "w"\ndescription = "d"\n[run]\nstart = 2020-08-10\n',
        encoding="utf-8",
    )
    message = error_of(load_scenario, tmp_path / "w.toml")
    assert (
        "events[0].date = 2020-08-09 ('rigged election'): before the run starts (2020-08-10)"
        in message
    )
    assert message.endswith("(from belarus-2020.toml)")
    # the variant shortens the run: the base's later events simply do not happen in it
    (tmp_path / "short.toml").write_text(
        'base = "belarus-2020"\nname = "short"\ndescription = "d"\n[run]\ndays = 5\n',
        encoding="utf-8",
    )
    short = load_scenario(tmp_path / "short.toml")
    base = load_scenario("belarus-2020")
    assert short.run.days == 5 and short.run.end < base.events[-1].date
    assert short.events == base.events


# --- errors name the file and the field ----------------------------------------------


def test_malformed_toml_gives_file_and_line(tmp_path):
    path = write_variant(tmp_path, "reach = 0.22", "reach = = 0.22")
    message = error_of(load_scenario, path)
    line = next(
        i + 1
        for i, text in enumerate(builtin_text("belarus-2020").splitlines())
        if text.startswith("reach = 0.22")
    )
    assert message.startswith(f"{path}: invalid TOML") and f"line {line}" in message


def test_unknown_field_names_file_and_field(tmp_path):
    path = write_variant(tmp_path, "reach = 0.22", "reach = 0.22\nreech = 0.3")
    message = error_of(load_scenario, path)
    assert message.startswith(f"{path}: media.reech: unknown field")
    assert "leader_weight" in message  # lists the allowed names
    path = write_variant(tmp_path, "[media]", "[medai]\nreach = 0.3\n\n[media]")
    assert f"{path}: medai: unknown field" in error_of(load_scenario, path)
    path = write_variant(tmp_path, "[[events]]", '[[events]]\ncolour = "red"', name="belarus-2022")
    assert "events[0].colour: unknown field (allowed: name, date" in error_of(load_scenario, path)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("scale = 0.01", 'scale = "big"', 'run.scale = "big": must be a number'),
        ("days = 1250", "days = 12.5", "run.days = 12.5: must be an integer"),
        ("start = 2020-08-01", 'start = "soon"', 'run.start = "soon": must be a date (YYYY-MM-DD)'),
        ("start = 2020-08-01", "start = 20200801", "run.start = 20200801: must be a date"),
        ("start = 2020-08-01", "start = 2020-08-01T10:00:00", "not a date and time"),
        ("may_deploy_troops = false", "may_deploy_troops = 0", "must be true or false"),
        (
            'policy = "fixed"',
            'policy = "random"',
            "repression.policy = \"random\": must be 'fixed'",
        ),
        ("reach = 0.22", "reach = 1.5", "media.reach = 1.5: must be <= 1"),
        ("discount = 0.9", "discount = 1.0", "regime.discount = 1.0: must be < 1"),
        ("scale = 0.01", "scale = 0", "run.scale = 0: must be > 0"),
        ("scale = 0.01", "scale = -0.1", "run.scale = -0.1: must be > 0"),
        ("scale = 0.01", "scale = 2.0", "run.scale = 2.0: must be <= 1.5"),
        (
            "police_per_100k = 491.0",
            "police_per_100k = -5.0",
            "police_per_100k = -5.0: must be >= 0",
        ),
        ("gdp_usd_bn = 63.0", "gdp_usd_bn = 0", "economy.gdp_usd_bn = 0: must be > 0"),
        ("elite_size = 200", "elite_size = -1", "regime.elite_size = -1: must be >= 1"),
        ("opponent_share = 0.2", "opponent_share = 0.8", "opponent_share + loyalist_share = 1.05"),
        ("admin_term_min_days = 3", "admin_term_min_days = 30", "admin_term_min_days = 30 is"),
        ("floor = 0.0", "floor = 0.9", "legitimacy: floor = 0.9 is above initial = 0.8"),
        ("probability = 1e-5", "probability = nan", "sabotage.probability = nan: must be a finite"),
    ],
)
def test_wrong_type_or_range_names_file_and_field(tmp_path, old, new, expected):
    path = write_variant(tmp_path, old, new)
    message = error_of(load_scenario, path)
    assert message.startswith(f"{path}: ")
    assert expected in message


EVENT = 'name = "e"\ndate = 2020-09-01\nsource = "test"\n'


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (
            EVENT + 'variable = "sanctions"\nvalue = 1.0\nuntil = 2020-08-20',
            "until = 2020-08-20 must be after date = 2020-09-01",
        ),
        (EVENT + 'variable = "sanctions"\nvalue = 1.0\nuntil = 2020-09-01', "must be after date"),
        (
            EVENT.replace("2020-09-01", "2020-07-01") + 'variable = "sanctions"\nvalue = 1.0',
            "events[{new}].date = 2020-07-01 ('e'): before the run starts (2020-08-01)",
        ),
        (
            EVENT + 'variable = "sanctions"\nvalue = -1.0',
            "events[{new}].value = -1.0: sanctions must be in [0, 5]",
        ),
        (EVENT + 'variable = "troops_abroad"\nvalue = 0.5', "troops_abroad must be 0 or 1"),
        (EVENT + 'variable = "police_surge"\nvalue = 0.0', "police_surge must be > 0"),
        (
            EVENT + 'variable = "legitimacy_shock"\nvalue = -1.5',
            "legitimacy_shock must be in [-1, 1]",
        ),
        (
            EVENT + 'variable = "hardship"\nvalue = 0.5',
            'events[{new}].variable = "hardship": must be',
        ),
        (
            EVENT + 'variable = "sanctions"\nvalue = "high"',
            'events[{new}].value = "high": must be a number',
        ),
        (
            EVENT + 'variable = "sanctions"\nvalue = 1.0\nweekday = 6\nuntil = 2020-10-01',
            "weekday: only protest_call",
        ),
        (
            EVENT + 'variable = "protest_call"\nvalue = 1.0\nweekday = 6',
            "a weekly protest_call needs until",
        ),
        (
            EVENT + 'variable = "protest_call"\nvalue = 1.0\nweekday = 7\nuntil = 2020-10-01',
            "events[{new}].weekday = 7: must be <= 6",
        ),
        (
            EVENT + 'variable = "legitimacy_shock"\nvalue = -0.1\nuntil = 2020-10-01',
            "until: legitimacy_shock is a jump",
        ),
        (
            EVENT.replace("source", "# source") + 'variable = "sanctions"\nvalue = 1.0',
            "events[{new}].source: required field is missing",
        ),
        (
            EVENT.replace('"e"', '"war"') + 'variable = "sanctions"\nvalue = 1.0',
            "events[{new}].name = 'war': the same name as events[{war}]",
        ),
    ],
)
def test_bad_events_name_file_and_field(tmp_path, event, expected):
    # events[i] counts the file's events in file order; the appended one comes last
    names = [e["name"] for e in tomllib.loads(builtin_text("belarus-2020"))["events"]]
    expected = expected.format(new=len(names), war=names.index("war"))
    path = tmp_path / "ev.toml"
    path.write_text(builtin_text("belarus-2020") + f"\n[[events]]\n{event}\n", encoding="utf-8")
    message = error_of(load_scenario, path)
    assert message.startswith(f"{path}: ")
    assert expected in message


def test_events_after_the_horizon_are_allowed(tmp_path):
    event = EVENT + 'variable = "sanctions"\nvalue = 1.0\nuntil = 2030-01-01'
    path = tmp_path / "ev.toml"
    path.write_text(builtin_text("belarus-2020") + f"\n[[events]]\n{event}\n", encoding="utf-8")
    scenario = load_scenario(path)
    late = next(e for e in scenario.events if e.name == "e")
    assert late.until == dt.date(2030, 1, 1) and late.until > scenario.run.end
    path.write_text(
        builtin_text("belarus-2020")
        + "\n[[events]]\n"
        + EVENT.replace("2020-09-01", "2030-01-01")
        + 'variable = "sanctions"\nvalue = 1.0\n',
        encoding="utf-8",
    )
    scenario = load_scenario(path)
    assert scenario.events[-1].name == "e" and scenario.events[-1].date > scenario.run.end


def test_scalar_instead_of_section_is_an_error():
    text = MINIMAL.replace("[provenance]", "media = 3\nevents = 4\n[provenance]")
    message = error_of(loads_scenario, text, source="m.toml")
    assert message == (
        "m.toml: media = 3: must be a table (a [section] in TOML); "
        "events = 4: must be an array of tables ([[events]] in TOML)"
    )


def test_same_level_twice_on_one_date_is_an_error(tmp_path):
    event = 'name = "again"\ndate = 2020-10-02\nvariable = "sanctions"\nvalue = 0.5\nsource = "s"'
    path = tmp_path / "twice.toml"
    path.write_text(builtin_text("belarus-2020") + f"\n[[events]]\n{event}\n", encoding="utf-8")
    message = error_of(load_scenario, path)
    assert (
        "events 'EU sanctions package 1' and 'again': both set sanctions on 2020-10-02" in message
    )


def test_unknown_source_path_is_an_error():
    text = MINIMAL + '[sources]\n"media.rech" = "x"\n'
    assert "sources.media.rech: no such parameter" in error_of(loads_scenario, text, "s.toml")


def test_event_model_validates_directly():
    event = Event(
        name="call", date=dt.date(2020, 8, 16), until=dt.date(2020, 8, 30), weekday=6,
        variable="protest_call", value=1.0, source="s",
    )  # fmt: skip
    assert event.is_window and not event.is_ramp
    assert [event.active_on(dt.date(2020, 8, d)) for d in (16, 17, 23, 30, 31)] == [
        True,
        False,
        True,
        True,
        False,
    ]
    ramp = Event(
        name="r", date="2023-01-01", until="2024-06-01", variable="russian_support",
        value=0.3, source="s",
    )  # fmt: skip
    assert ramp.is_ramp and ramp.date == dt.date(2023, 1, 1) and not ramp.active_on(ramp.date)
    assert tuple(DRIVERS) == typing.get_args(EventVariable)
    with pytest.raises(pydantic.ValidationError):
        Event(name="x", date=dt.date(2020, 1, 1), variable="sanctions", value=9.0, source="s")


def test_driver_table_is_complete_and_its_baselines_are_allowed():
    # one row per variable with a kind of KINDS; the kinds partition the variables
    assert {d.kind for d in DRIVERS.values()} == set(KINDS)
    assert sorted(of_kind(*KINDS)) == sorted(DRIVERS)
    assert of_kind("jump") == ("legitimacy_shock", "troops_abroad")
    assert of_kind("window") == ("internet_shutdown",) and of_kind("call") == ("protest_call",)
    with pytest.raises(ValueError, match="unknown driver kind"):
        of_kind("level")
    for name in BASES + VARIANTS:
        scenario = load_scenario(name)
        levels = baseline(scenario)
        assert set(levels) == set(DRIVERS)
        assert levels["opposition_readiness"] == scenario.opposition.readiness
        assert levels["repression"] == scenario.repression.repression_level
        for variable, value in levels.items():
            DRIVERS[variable].check(value)  # a baseline is itself an allowed value
    for driver in DRIVERS.values():
        assert driver.unit and driver.description
        assert not driver.additive or driver.kind == "jump"


# --- overrides ---------------------------------------------------------------------------


def test_overrides_apply_to_belarus_scenarios():
    base = load_scenario("belarus-2020")
    rigged = next(i for i, e in enumerate(base.events) if e.name == "rigged election")
    changed = apply_overrides(
        base,
        [
            "run.scale=0.02",
            "media.reach=0.3",
            "run.start=2020-07-01",
            "repression.policy=optimise",
            "regime.may_deploy_troops=true",
            f"events.{rigged}.value=-0.2",
        ],
    )
    assert type(changed) is BelarusScenario
    assert changed.run.scale == 0.02 and base.run.scale == 0.01
    assert changed.media.reach == 0.3
    assert changed.run.start == dt.date(2020, 7, 1)
    assert changed.repression.policy == "optimise" and changed.regime.may_deploy_troops
    assert changed.events[rigged].name == "rigged election"
    assert changed.events[rigged].value == -0.2
    rows = {row.path: row for row in describe_parameters(changed)}
    assert rows["media.reach"].source == "--set media.reach=0.3"
    assert apply_overrides(base, []) is base
    # a shorter run is fine: the events after its horizon simply do not happen
    shorter = apply_overrides(base, ["run.days=10"])
    assert shorter.run.days == 10 and shorter.events == base.events


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("media.rech=0.3", "--set media.rech=0.3: media.rech: unknown field (allowed: reach"),
        ("run.scale=0", "--set run.scale=0: run.scale = 0: must be > 0"),
        ("run.scale=abc", '--set run.scale=abc: run.scale = "abc": must be a number'),
        ("security.police_per_100k=-1", "police_per_100k = -1: must be >= 0"),
        ("run.start=tomorrow", 'run.start = "tomorrow": must be a date'),
        (
            "run.start=2020-08-10",
            "--set run.start=2020-08-10: events[0].date = 2020-08-01 ('Russian growth 2020'): "
            "before the run starts (2020-08-10)",
        ),
        ("run.scale", "--set run.scale: expected name=value, e.g. run.scale=0.02"),
        ("events.99.value=1", "--set events.99.value=1: events.99: no such entry"),
        ("grid.width=200", "--set grid.width=200: grid: unknown field"),
    ],
)
def test_bad_overrides_name_the_override(override, expected):
    message = error_of(apply_overrides, load_scenario("belarus-2020"), [override])
    assert message.startswith("belarus-2020: ")
    assert expected in message


def test_with_run_sets_seed_and_days():
    scenario = with_run(load_scenario("belarus-2022"), seed=5, steps=2000)
    assert (scenario.run.seed, scenario.run.days, scenario.run.steps) == (5, 2000, 2000)
    assert type(scenario) is BelarusScenario
    message = error_of(with_run, load_scenario("belarus-2022"), steps=0)
    assert "--steps: run.days = 0: must be >= 1" in message
    # a shorter run keeps the events after its horizon (they simply do not happen)
    base = load_scenario("belarus-2020")
    shorter = with_run(base, steps=30)
    assert shorter.run.days == 30 and shorter.events == base.events
