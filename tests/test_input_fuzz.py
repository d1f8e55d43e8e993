"""Property-based tests (hypothesis) of every input a user gives: scenario files and CLI
arguments are either refused with one ``error:`` line, or accepted and then run.

Scenario files are built-in scenarios with one to three fields replaced by hostile
values (huge, tiny, negative, non-finite, of the wrong type, far-off dates, long text).
An accepted file must survive what `uprising run` does with it: the Epstein engine or
the Belarus model built and stepped a few ticks, the outburst statistics, the outputs
written. The number of examples is bounded (`EXAMPLES`) so that the file runs in about a
minute; set ``UPRISING_FUZZ_EXAMPLES`` for a longer search.

Found by these tests and fixed: ``repression.repression_level = 0`` was accepted and
crashed the regime layer (it must be > 0), and ``--workers 10**30`` crashed the process
pool (at most `uprising.experiment.executors.MAX_WORKERS`).
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from uprising.entry import main
from uprising.errors import ScenarioError
from uprising.messages import MAX_MESSAGE

EXAMPLES = int(os.environ.get("UPRISING_FUZZ_EXAMPLES", "100"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    # The same examples on every run, so that a failure is reproducible; set
    # UPRISING_FUZZ_RANDOM=1 (and pytest's --hypothesis-seed) to search elsewhere.
    derandomize=not os.environ.get("UPRISING_FUZZ_RANDOM"),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
BUILTIN = resources.files("uprising.scenarios").joinpath("builtin")


def builtin_document(name: str) -> dict[str, Any]:
    return tomllib.loads(BUILTIN.joinpath(f"{name}.toml").read_text(encoding="utf-8"))


def leaf_paths(data: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Paths of the scalar leaves of a TOML document (tables only, not arrays)."""
    paths = []
    for key, value in data.items():
        if isinstance(value, dict):
            paths += leaf_paths(value, (*prefix, key))
        elif not isinstance(value, list):
            paths.append((*prefix, key))
    return paths


hostile_numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 1, -1, 2**31, 2**63, 2**64, 10**18, 10**100, 10**300]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1e-300, 5e-324, -1e-300, 1e308, 1e300, 0.5, 1.5, 1e9, 1e15]),
)
hostile_values = st.one_of(
    hostile_numbers,
    st.booleans(),
    st.text(max_size=30),
    st.sampled_from(["x" * 5000, "", "infinite", "optimise", "2020-01-01", "\n\n"]),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.sampled_from(["a", "value"]), st.integers(), max_size=2),
)


def nearby_values(value: Any) -> st.SearchStrategy[Any]:
    """Values of the same type as ``value``, scaled far up or down (often still valid)."""
    factors = st.sampled_from([0, 1e-9, 1e-3, 0.1, 0.5, 2, 10, 1e3, 1e6, 1e12, -1])
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, int):
        return factors.map(lambda f: round(value * f) if value else round(f * 1000))
    if isinstance(value, float):
        return factors.map(lambda f: value * f if value else f)
    if isinstance(value, dt.date):
        return st.sampled_from(
            [dt.date(1, 1, 1), dt.date(1900, 1, 1), dt.date(9999, 1, 1), dt.date(9999, 12, 31)]
        )
    return hostile_values


@st.composite
def mutated_scenarios(draw: Any) -> dict[str, Any]:
    name = draw(st.sampled_from(["epstein-run2", "belarus-2022", "belarus-2020"]))
    document = builtin_document(name)
    paths = leaf_paths(document)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(paths))
        node = document
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = draw(nearby_values(node[path[-1]]) | hostile_values)
    if "events" in document and draw(st.booleans()):
        event = dict(draw(st.sampled_from(document["events"])))
        event["date"] = draw(st.dates(min_value=dt.date(1, 1, 1)))
        event["name"] = "fuzzed"
        document["events"] = [*document["events"], event]
    document["name"] = "fuzzed"
    return document


def assert_one_error_line(capsys, code: int, allowed: tuple[int, ...] = (2,)) -> str:
    out, err = capsys.readouterr()
    assert code in allowed, (code, err[-2000:])
    assert "Traceback" not in out + err, err[-3000:]
    lines = [line for line in err.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1, err[-3000:]
    assert len(errors[0]) <= MAX_MESSAGE + len("error: "), len(errors[0])
    return errors[0]


def run_accepted(path: Path, out: Path, capsys) -> None:
    """`uprising run` on an accepted file, a few ticks: it must succeed."""
    from uprising.scenarios import load_scenario, model_name

    scenario = load_scenario(path)
    length = ["--days", "3"] if model_name(scenario) == "belarus" else ["--steps", "3"]
    code = main(["run", str(path), *length, "--out", str(out)])
    _, err = capsys.readouterr()
    assert code == 0, err[-3000:]
    assert (out / "summary.json").is_file()


@FUZZ
@given(document=mutated_scenarios())
def test_scenario_files_are_refused_in_one_line_or_run(document, tmp_path_factory, capsys):
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "fuzzed.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    from uprising.scenarios import load_scenario

    try:
        load_scenario(path)
    except ScenarioError as exc:
        assert len(str(exc)) <= MAX_MESSAGE and "\n" not in str(exc).strip(), str(exc)[:500]
        code = main(["show", str(path)])
        assert_one_error_line(capsys, code)
        return
    code = main(["show", str(path)])
    capsys.readouterr()
    assert code == 0
    run_accepted(path, folder / "out", capsys)


cli_numbers = st.one_of(
    st.integers(min_value=-5, max_value=5),
    st.sampled_from([0, 10**30, 2**63, 2**64, -(2**63), "1" + "0" * 5000]),
    st.sampled_from(["1e-300", "0", "-1", "nan", "inf", "1e308", "1.5", "0.0001", "x", ""]),
)


@FUZZ
@given(
    command=st.sampled_from(["run", "ensemble", "show"]),
    scenario=st.sampled_from(["epstein-run2", "belarus-2022", "nope", "x" * 300, ""]),
    options=st.lists(
        st.tuples(
            st.sampled_from(
                ["--seed", "--steps", "--days", "--scale", "--runs", "--workers", "--set"]
            ),
            cli_numbers,
        ),
        max_size=3,
    ),
)
def test_cli_arguments_are_refused_in_one_line_or_run(
    command, scenario, options, tmp_path_factory, capsys
):
    folder = tmp_path_factory.mktemp("cli")
    args = [command, scenario]
    if command == "ensemble":
        args += ["--runs", "1", "--days", "3", "--scale", "0.001", "--workers", "1"]
        args += ["--store", str(folder / "store")]
    elif command == "run":
        args += ["--out", str(folder / "out")]
        args += ["--steps", "3"] if "epstein" in scenario else ["--days", "3"]
    for option, value in options:  # after the defaults: the last value given counts
        text = str(value)
        if option == "--set":
            text = f"run.seed={text}"
        args += [option, text]
    code = main(args)
    if code == 0:
        capsys.readouterr()
        return
    assert_one_error_line(capsys, code, allowed=(1, 2))


# --- the inputs that crashed before, one by one -------------------------------------------


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


HEAD = 'name = "x"\ndescription = "x"\n[provenance]\nsource = "test"\n'


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["run", "LATE", "--days", "400"], "9999-12-31"),
        (["run", "epstein-run2", "--set", "outbursts.threshold=" + "9" * 30], "<= 1e+09"),
        (
            ["run", "epstein-run2", "--set", "grid.width=100000", "--set", "grid.height=100000"],
            "at most 25,000,000 cells",
        ),
        (["run", "belarus-2022", "--scale", "1e-300", "--days", "3"], "does not fit"),
        (["run", "belarus-2022", "--set", "population.rural_density=1e-9"], "at most 25,000,000"),
        (["run", "epstein-run2", "--set", "grid.width=" + "9" * 5000], "grid.width"),
        (["ensemble", "belarus-2022", "--runs", str(10**30)], "at most 100,000 runs"),
        (["run", "x" * 5000], "unknown scenario"),
        (["show", "/dev/zero"], "not a regular file"),
        (["run", "epstein-run2", "--set", "rules.ratio_rule=" + "q" * 10**6], "ratio_rule"),
        (["run", "epstein-run2", "--steps", "0"], "--steps"),
        (["run", "epstein-run2", "--no-such-option"], "No such option"),
    ],
)
def test_inputs_that_crashed_are_one_error_line(args, fragment, capsys, tmp_path):
    late = builtin_document("belarus-2022")
    del late["events"]
    late["run"]["start"] = dt.date(9999, 6, 1)
    path = write(tmp_path, "late.toml", tomli_w.dumps(late))
    args = [str(path) if arg == "LATE" else arg for arg in args]
    if args[0] == "ensemble":
        args = [*args, "--store", str(tmp_path / "store")]
    line = assert_one_error_line(capsys, main(args))
    assert fragment in line


def test_scenario_files_that_crashed_are_one_error_line(tmp_path, capsys):
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    for i in range(40):
        write(tmp_path, f"c{i}.toml", f'base = "c{i + 1}.toml"\nname = "c{i}"\ndescription = "c"\n')
    write(tmp_path, "c40.toml", 'base = "epstein-run2"\nname = "c"\ndescription = "c"\n')
    cases = {
        write(tmp_path, "deep.toml", HEAD + "x = " + "[" * 1000 + "]" * 1000): "nested too deeply",
        write(tmp_path, "deep2.toml", HEAD + "x = " + "{a=" * 500 + "1" + "}" * 500): "too deeply",
        write(tmp_path, "bigint.toml", HEAD + "[run]\nsteps = " + "1" * 5000): "4300 digits",
        tmp_path / "c0.toml": "at most 16 files",
        write(tmp_path, "tofifo.toml", 'base = "fifo.toml"\n' + HEAD): "not a regular file",
        write(tmp_path, "tozero.toml", 'base = "/dev/zero"\n' + HEAD): "not a regular file",
        write(tmp_path, "long.toml", f'base = "{"y" * 5000}.toml"\n' + HEAD): "no such file",
        write(tmp_path, "huge.toml", HEAD + f'notes = "{"z" * (2 << 20)}"\n'): "at most 1048576",
        write(tmp_path, "wide.toml", HEAD + f'[grid]\nwidth = "{"z" * 900_000}"\n'): "grid.width",
    }
    late = builtin_document("belarus-2022")
    del late["events"]
    late["run"].update(start=dt.date(9999, 12, 1), days=100)
    cases[write(tmp_path, "late.toml", tomli_w.dumps(late))] = "9999-12-31"
    for path, fragment in cases.items():
        line = assert_one_error_line(capsys, main(["run", str(path)]))
        assert fragment in line, (path.name, line[:300])
        assert len(line) <= 2100, path.name
