"""The `uprising` command: listing, running, outputs and user errors."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from uprising.cli import app
from uprising.scenarios import builtin_names, load_scenario, scenario_hash, with_run

SERIES_COLUMNS = {"tick", "active", "quiet", "jailed", "cops", "arrests", "switches", "legitimacy"}

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def assert_user_error(result, *fragments: str) -> None:
    """Exit status 2, a one-line message naming the culprit, and no traceback."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    assert result.stderr.startswith("error: ")
    assert result.stderr.count("\n") == 1


def test_scenarios_lists_all_built_ins_one_line_each():
    result = invoke("scenarios")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == len(builtin_names()) == 13
    names = [line.split()[0] for line in lines]
    assert names == builtin_names()
    assert {"epstein-run1", "epstein-run5", "epstein-mesa"} <= set(names)
    assert all(len(line.split(maxsplit=1)) == 2 for line in lines)


def test_run_writes_series_and_summary(tmp_path):
    out = tmp_path / "run2"
    result = invoke("run", "epstein-run2", "--steps", "50", "--seed", "1", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "peak actives" in result.stdout and "outbursts" in result.stdout
    assert str(out / "series.parquet") in result.stdout

    table = pq.read_table(out / "series.parquet")
    assert SERIES_COLUMNS <= set(table.column_names)
    assert table.num_rows == 50
    assert table.column("tick").to_pylist() == list(range(1, 51))
    assert set(table.column("cops").to_pylist()) == {64}  # round(0.04 * 1600), Run 2
    assert table.schema.metadata[b"uprising.scenario"] == b"epstein-run2"

    summary = json.loads((out / "summary.json").read_text())
    assert summary["scenario"] == "epstein-run2"
    assert summary["seed"] == 1 and summary["steps"] == 50
    assert summary["parameters"]["rules"]["legitimacy"] == 0.82
    assert summary["parameters"]["run"] == {"steps": 50, "seed": 1}
    expected = with_run(load_scenario("epstein-run2"), seed=1, steps=50)
    assert summary["scenario_hash"] == scenario_hash(expected)
    assert summary["code_version"]["package"]
    assert "git_commit" in summary["code_version"]
    assert isinstance(summary["outbursts"], dict) and summary["outbursts"]
    assert summary["series"]["peak_active"] == max(table.column("active").to_pylist())
    assert summary["wall_seconds"] > 0


def test_same_seed_same_series(tmp_path):
    for name in ("a", "b"):
        args = (
            "run",
            "epstein-run2",
            "--steps",
            "30",
            "--seed",
            "7",
            "--out",
            str(tmp_path / name),
        )
        assert invoke(*args).exit_code == 0
    first = pq.read_table(tmp_path / "a" / "series.parquet")
    second = pq.read_table(tmp_path / "b" / "series.parquet")
    assert first.equals(second)


def test_set_takes_effect(tmp_path):
    out = tmp_path / "wide"
    result = invoke(
        "run", "epstein-run2", "--steps", "5", "--set", "grid.width=60", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["parameters"]["grid"]["width"] == 60
    cops = pq.read_table(out / "series.parquet").column("cops").to_pylist()
    assert cops[0] == round(0.04 * 60 * 40)


def test_run_without_out_prints_summary_only(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("run", "epstein-run1", "--steps", "5")
    assert result.exit_code == 0, result.output
    assert "epstein-run1: seed 0, 5 ticks" in result.stdout
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("setting", "fragments"),
    [
        ("rules.nonsense=1", ["--set rules.nonsense=1", "rules.nonsense: unknown field"]),
        ("rules.legitimacy=abc", ["--set rules.legitimacy=abc", "must be a number"]),
        ("rules.legitimacy=1.7", ["rules.legitimacy = 1.7: must be <= 1"]),
        ("grid.width", ["--set grid.width: expected name=value"]),
    ],
)
def test_bad_set_is_a_clear_error(setting, fragments, tmp_path):
    result = invoke("run", "epstein-run2", "--steps", "5", "--set", setting)
    assert_user_error(result, *fragments)


def test_unknown_scenario_is_a_clear_error():
    assert_user_error(invoke("run", "epstein-run9"), "unknown scenario 'epstein-run9'")


def test_bad_scenario_file_is_a_clear_error(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('name = "broken"\ndescription = = 1\n')
    assert_user_error(invoke("run", str(path)), f"{path}: invalid TOML", "line 2")
    assert_user_error(invoke("run", str(tmp_path / "absent.toml")), "absent.toml: no such file")


def test_bad_steps_is_a_usage_error():
    result = invoke("run", "epstein-run2", "--steps", "0")
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_interrupted_run_keeps_the_ticks_done(tmp_path, monkeypatch):
    from uprising.engine.simulation import Simulation

    original = Simulation.step

    def step_until_interrupted(self):
        if self.tick == 30:
            raise KeyboardInterrupt
        original(self)

    monkeypatch.setattr(Simulation, "step", step_until_interrupted)
    out = tmp_path / "run"
    result = runner.invoke(app, ["run", "epstein-run2", "--steps", "100", "--out", str(out)])
    assert result.exit_code == 130
    table = pq.read_table(out / "series.parquet")
    assert table.num_rows == 30
    assert table.column("tick").to_pylist() == list(range(1, 31))
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "interrupted"
    assert summary["steps"] == 30 and summary["steps_requested"] == 100


def test_every_module_of_the_cli_package_registers_its_commands():
    import pkgutil

    import uprising.cli as cli

    names = {command.name for command in cli.app.registered_commands}
    assert {"scenarios", "show", "run", "ensemble", "report"} <= names
    modules = {info.name for info in pkgutil.iter_modules(cli.__path__)}
    assert set(cli.COMMAND_MODULES) == modules - {"app", "__main__"}
