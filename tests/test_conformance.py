"""Conformance of every built-in scenario, driven by the scenario registry.

For each name that `builtin_names` lists (both families, from the package's scenario
folder, so a new file is covered without editing this test): the scenario loads, is
described by its family, round-trips through TOML with the same content hash, and a
short run at a tiny size gives every series of the family's output table over the whole
horizon, identical twice with one seed and identical with 1 and 2 Numba threads. The
sizes are the smallest whose blocked schedule runs its blocks in parallel, so that the
thread count is exercised (a scenario with the random order, epstein-mesa, is serial).
"""

from __future__ import annotations

import numba
import numpy as np
import pytest

from uprising.engine.config import Activation
from uprising.engine.simulation import set_threads
from uprising.outputs import series_table
from uprising.runs import prepare_run
from uprising.scenarios import builtin_names, load_scenario
from uprising.scenarios.families import FAMILIES, family_of
from uprising.scenarios.loader import dumps_scenario, loads_scenario, scenario_hash

NAMES = builtin_names()

STEPS = 20
"""Ticks (Epstein) or days (Belarus) of each conformance run."""
SCALE = 0.003
"""Agents per person of the Belarus runs: about 28,000 citizens on 272 x 182 cells, the
smallest lattice whose blocked schedule runs its blocks in parallel (64-cell blocks)."""
EPSTEIN_GRID = ["grid.width=256", "grid.height=128"]
"""A 256 x 128 torus: eight 64-cell blocks, the smallest Epstein lattice whose blocked
schedule runs in parallel, so that the thread count could matter (40 x 40 is one block)."""


def _run(name: str, threads: int):
    before = numba.get_num_threads()
    set_threads(threads)
    try:
        family = family_of(load_scenario(name))
        scale = SCALE if family.scaled else None
        overrides = [] if family.scaled else EPSTEIN_GRID
        run = prepare_run(name, seed=7, scale=scale, steps=STEPS, overrides=overrides)
        runner = run.runner
        simulation = runner.model.sim if family.scaled else runner.simulation
        blocked = simulation.config.activation == Activation.BLOCKED
        assert simulation._blocks.parallel == blocked, "the parallel kernels are not used"
        return run.execute()
    finally:
        set_threads(before)


def _same(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def test_the_registry_lists_scenarios_of_every_family():
    families = {family_of(load_scenario(name)).name for name in NAMES}
    assert families == set(FAMILIES)
    assert "epstein-run2" in NAMES and "belarus-2020" in NAMES


@pytest.mark.parametrize("name", NAMES)
def test_loads_and_is_described(name):
    scenario = load_scenario(name)
    assert scenario.name == name
    assert scenario.provenance.source.strip()
    rows = family_of(scenario).describe(scenario)
    assert rows and all(row.unit and row.source for row in rows)


@pytest.mark.parametrize("name", NAMES)
def test_round_trips_through_toml_with_the_same_hash(name, tmp_path):
    scenario = load_scenario(name)
    text = dumps_scenario(scenario)
    again = loads_scenario(text)
    assert again == scenario and type(again) is type(scenario)
    assert scenario_hash(again) == scenario_hash(scenario)
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    assert scenario_hash(load_scenario(path)) == scenario_hash(scenario)
    assert scenario_hash(load_scenario(str(path))) == scenario_hash(scenario)
    assert len(scenario_hash(scenario)) == 64


@pytest.mark.parametrize("name", NAMES)
def test_short_run_is_complete_and_reproducible_at_1_and_2_threads(name):
    first = _run(name, threads=2)
    family = first.family_of
    assert first.status == "completed" and first.steps == STEPS
    # every column of the family's output table; a templated name (Belarus's one column
    # per region, participants_<region>) must match at least one column
    table = [entry.name for entry in series_table(family.name)]
    columns = {name for name in table if "<" not in name}
    for template in (name for name in table if "<" in name):
        prefix = template.split("<")[0]
        assert any(c.startswith(prefix) and c not in columns for c in first.series), template
    assert columns <= set(first.series), columns - set(first.series)
    for column, values in first.series.items():
        assert len(values) == STEPS, column
        if values.dtype.kind in "iuf":
            assert np.all(np.isfinite(values)), column
    assert first.n_agents > 0
    summary = first.summary
    assert summary["seed"] == 7 and summary["steps"] == STEPS

    again = _run(name, threads=2)
    assert _same(first.series, again.series), "same seed, same threads: different series"
    assert first.outcome == again.outcome
    single = _run(name, threads=1)
    assert _same(first.series, single.series), "1 and 2 threads: different series"
    assert first.outcome == single.outcome
