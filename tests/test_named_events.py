"""Events addressed by name in --set, --vary and show."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from uprising.cli import app
from uprising.errors import ScenarioError
from uprising.experiment import EnsembleError, plan_ensemble
from uprising.scenarios import apply_overrides, load_scenario


def test_an_event_is_set_by_name_or_number_alike():
    base = load_scenario("russia-defeat")
    by_name = apply_overrides(base, ["events.Russia defeated.value=0.45"])
    index = [event.name for event in base.events].index("Russia defeated")
    by_number = apply_overrides(base, [f"events.{index}.value=0.45"])
    assert by_name == by_number
    assert by_name.events[index].value == 0.45
    assert base.events[index].value == 0.3  # the input is unchanged


def test_an_unknown_event_name_lists_the_names():
    with pytest.raises(ScenarioError, match=r"no such entry.*by name: .*Russia defeated"):
        apply_overrides(load_scenario("russia-defeat"), ["events.Russia won.value=0.5"])


def test_vary_an_event_by_name():
    plan = plan_ensemble(
        ["russia-defeat"], runs=4, design="lhs", vary=["events.Russia defeated.value=0.2:0.6"]
    )
    values = [task.parameters["events.Russia defeated.value"] for task in plan.tasks]
    assert all(0.2 <= v <= 0.6 for v in values) and len(set(values)) == 4
    assert "Russia defeated" in plan.ensemble["command"]
    with pytest.raises(EnsembleError, match="not a number"):
        plan_ensemble(["russia-defeat"], runs=2, design="lhs", vary=["events.0.date=1:2"])


def test_show_prints_each_event_address():
    result = CliRunner().invoke(app, ["show", "russia-defeat"])
    assert result.exit_code == 0, result.output
    assert "address: events.Russia defeated.value or events." in result.stdout


def test_grid_design_is_the_full_factorial_with_seeds_repeated_per_point():
    from uprising.experiment import make_design, parse_vary

    vary = [parse_vary("legitimacy.initial=0.5:0.7:3"), parse_vary("regime.elite_size=100:300:2")]
    points = make_design("grid", vary, runs=2, seed=0)
    assert points.shape == (12, 2)  # 3 x 2 combinations, 2 seeds each
    assert points[::2].tolist() == [
        [0.5, 100.0], [0.5, 300.0], [0.6, 100.0], [0.6, 300.0], [0.7, 100.0], [0.7, 300.0]
    ]  # fmt: skip
    assert (points[::2] == points[1::2]).all()
    plan = plan_ensemble(
        ["russia-defeat"], runs=3, design="grid", vary=["events.Russia defeated.value=0.2:0.6:3"]
    )
    values = [task.parameters["events.Russia defeated.value"] for task in plan.tasks]
    assert values == [0.2] * 3 + [0.4] * 3 + [0.6] * 3
    assert len({task.seed for task in plan.tasks}) == 9
    assert plan.ensemble["vary"][0]["levels"] == 3
    assert "events.Russia defeated.value=0.2:0.6:3" in plan.ensemble["command"]


def test_grid_needs_levels_and_the_others_refuse_them():
    with pytest.raises(EnsembleError, match="name=low:high:K"):
        plan_ensemble(["belarus-2022"], runs=2, design="grid", vary=["legitimacy.initial=0.5:0.7"])
    with pytest.raises(EnsembleError, match="is for --design grid"):
        plan_ensemble(["belarus-2022"], runs=2, design="lhs", vary=["legitimacy.initial=0.5:0.7:3"])
    with pytest.raises(EnsembleError, match="integer >= 2"):
        plan_ensemble(["belarus-2022"], runs=2, design="grid", vary=["legitimacy.initial=0:1:1"])
