"""Parameter liveness: every declared parameter of every shipped scenario changes an output.

For each case (a scenario and one of its parameters) the scenario is run with one seed
at a tiny size and a short horizon: as it is, and with the parameter moved within its
plausible range (`_candidates`: the far end of the plausible range, then the near end,
then x2 and /2, until one changes an output). Some output must change: a response series (the
series that only record a driver or an input, `ECHOES`, do not count) or the outcome
(Belarus: status, date and channel of a fall; Epstein: the outburst statistics). With
one seed and the same random streams the comparison is exact: a parameter that reaches
the dynamics moves the results, and one that does not leaves them bit for bit equal, so
there is no tolerance to choose.

Which parameters are tested where:

- a family's representative scenario (`REPRESENTATIVE`) is tested on every parameter;
- another scenario on the parameters whose value differs from its reference (its
  ``base`` for a variant, else the representative) and those of `RETEST` (parameters
  the representative cannot exercise, e.g. the regime's policy under a fixed policy);
- every event that a variant adds must change an output when it is dropped.

A parameter whose mechanism does not act in the scenario's short, tiny run (sabotage at
9,400 citizens, say) is tested in a context that makes it act (`CONTEXT`, applied to
both runs). A parameter that changes nothing is declared in `INERT`, the one place for
it, with the reason; the test then checks that it is indeed inert (no candidate value
changes an output), so a declaration cannot outlive the fact.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import tomllib
from importlib import resources
from typing import Any

import numpy as np
import pytest

from uprising.analysis.outbursts import outburst_stats
from uprising.engine.simulation import Simulation
from uprising.models.belarus import BelarusModel
from uprising.scenarios import (
    ScenarioError,
    apply_overrides,
    builtin_names,
    describe_parameters,
    load_scenario,
    model_name,
    to_engine_config,
)

pytestmark = pytest.mark.slow

REPRESENTATIVE = {"epstein": "epstein-run2", "belarus": "belarus-2020"}
"""The scenario of each family on which every parameter is tested."""

SCALE = 0.001
"""Agents per person of the Belarus runs (about 9,400 citizens)."""

HORIZON = {"epstein-run2": 300, "belarus-2020": 150, "belarus-2022": 200, "russia-defeat": 420}
"""Ticks (days) run per scenario: belarus-2020 from 1 Aug to 28 Dec 2020 (the election
shock and the autumn marches), belarus-2022 and its variants to 19 Apr 2023 (past every
variant's first event), russia-defeat to 24 Nov 2023 (almost a year of Russia's falling
support; it holds there with this seed and scale); other scenarios run as long as their
reference."""

VALUES: dict[str, Any] = {
    "run.scale": 0.002,  # the plausible range's far end (1) is the national lattice
    "grid.width": 60,  # ... and 3,626 cells (national scale) for the Epstein torus
    "grid.height": 60,
}
"""Moved values chosen by hand where the generic rule would make a run too big."""

RETEST: dict[str, tuple[str, ...]] = {
    "epstein-run1": ("cops.move_when_citizens_frozen",),  # citizens do not move
    "belarus-2022": ("regime.deterrence_elasticity", "regime.may_deploy_troops"),  # optimise
    "troops-deployed": ("security.cost_if_troops_abroad", "regime.russian_reward_usd_bn"),
    "russia-defeat": (  # Russian support falls from 2023; the regime falls by mobilisation
        "economy.growth_per_russian_support",
        "economy.inflation_per_russian_loss",
        "fall.mobilisation_ratio",
        "fall.mobilisation_window_days",
    ),
    "opposition-ready": ("emigration.readiness_per_aid",),  # weekly calls to protest
}
"""Parameters tested again on a scenario that exercises them, besides the representative."""

CONTEXT: dict[str, tuple[str, ...]] = {
    # the 40 x 40 torus is smaller than one 64-cell block: blocked is random there
    "schedule.activation": ("grid.width=128", "grid.height=128"),
    "schedule.block_size": ("grid.width=128", "grid.height=128"),
    # at 9,400 citizens the default daily probability 1e-5 gives no sabotage in 150 days,
    # and 1e-3 gives one act or none by chance: a lower grievance floor (0.4) makes a dozen
    "sabotage.probability": ("sabotage.grievance_min=0.4",),
    "sabotage.catch_probability": ("sabotage.probability=0.001", "sabotage.grievance_min=0.4"),
    "security.cost_cut_per_sabotage": ("sabotage.probability=0.001",),
    "mechanisms.sabotage": ("sabotage.probability=0.001", "sabotage.grievance_min=0.4"),
    # ... and the default retroactive rate 2e-5 no retroactive arrest
    "mechanisms.retroactive_repression": ("repression.retroactive_rate=0.005",),
    "repression.retroactive_criminal_share": ("repression.retroactive_rate=0.005",),
    "mechanisms.targeted_repression": ("repression.retroactive_rate=0.005",),
    # ... and 2 % of a region's few dozen cops rounds to no redeployment
    "mechanisms.redeployment": ("security.redeploy_share=0.1",),
    # a call's assurance is a floor on the peer-pressure factor, off while peer pressure is
    "media.call_assurance": ("population.peer_pressure_count=6",),
}
"""Overrides applied to both runs of a parameter's case, so that its mechanism acts
(each at the end of the parameter's plausible range)."""

ECHOES = {
    "epstein": {"tick", "legitimacy"},
    "belarus": {
        "date",
        "day",
        "protest_call",
        "opposition_readiness",
        "russian_support",
        "sanctions",
    },
}
"""Series that record an input or a driver rather than a response."""

_NO_TROOPS = "troops are never abroad in belarus-2020 (live on troops-deployed)"
_FIXED_POLICY = 'read only by the policy choice, which repression.policy = "fixed" never makes'
_NO_TROOPS_CHOSEN = (
    "allowed to send troops, the optimising regime never does in the horizon (no forecast "
    "margin is wider with troops abroad): it picks repression 2.0 at home every day after "
    "day 0, so nothing changes"
)
_SMALL_AID = (
    "the diaspora's aid (300 USD per emigrant) stays below 0.01 USD bn a year in the "
    "horizon, so even at readiness_per_aid = 1 readiness moves by under 0.1; readiness acts "
    "only through the crowd a call announces, call_share x (0.5 + readiness), which after "
    "the first call is outweighed by call_boost x the last call's crowd: no decision moves"
)
_NO_FALL_NEAR = (
    "the officers' and the elite's defected shares stay below 5 % (full runs of "
    "belarus-2020, belarus-2022, russia-defeat and opposition-ready at this scale and seed, "
    "checked once by hand), far from the plausible 0.1-0.7: the regime never nears this "
    "fall condition"
)
_SUCCESSOR = (
    "read only on the day of a fall, to draw the successor, and the regime does not fall in "
    "150 days of 2020 (the draw is tested in tests/test_regime_causal.py)"
)
_SELECTORATE = (
    "the selectorate's slack K = R delta (1 - w) / (1 - delta w) reaches the model only as "
    "the pay index K(t) / K(0), in which the factor of w and delta cancels"
)

INERT: dict[str, str] = {
    "epstein-run2:citizens.hardship": "one allowed value (uniform_0_1)",
    "epstein-run2:citizens.risk_aversion": "one allowed value (uniform_0_1)",
    "epstein-run2:cops.move_when_citizens_frozen": "citizens move in epstein-run2 (live on "
    "epstein-run1, where they do not)",
    "epstein-mesa:cops.move_when_citizens_frozen": "citizens move in epstein-mesa",
    "belarus-2020:security.cost_if_troops_abroad": _NO_TROOPS,
    "belarus-2020:regime.russian_reward_usd_bn": _NO_TROOPS,
    "belarus-2020:economy.growth_per_russian_support": "Russian support stays at 1 in "
    "belarus-2020, where growth has no Russian term (live on russia-defeat)",
    "belarus-2020:economy.inflation_per_russian_loss": "Russian support stays at 1 in "
    "belarus-2020, where inflation has no Russian term (live on russia-defeat)",
    "belarus-2020:regime.winning_coalition_ratio": _SELECTORATE,
    "belarus-2020:regime.discount": _SELECTORATE,
    "belarus-2020:regime.winning_coalition_size": "W enters only the offer per coalition "
    "member g*, which no equation and no output uses",
    "belarus-2020:regime.deterrence_elasticity": _FIXED_POLICY,
    "belarus-2020:regime.may_deploy_troops": _FIXED_POLICY,
    "belarus-2022:regime.may_deploy_troops": _NO_TROOPS_CHOSEN,
    "belarus-2020:emigration.readiness_per_aid": _SMALL_AID,
    "belarus-2020:security.cost_cut_per_sabotage": "even with sabotage at 1e-3 a day (2 acts "
    "in 150 days at this scale) the cut of the officers' cost after an act changes no "
    "officer's defection (one in the run, with or without the cut)",
    "belarus-2020:fall.mobilisation_ratio": "no fall in 150 days of 2020 at any plausible "
    "ratio (live on russia-defeat)",
    "belarus-2020:fall.mobilisation_window_days": "no fall in 150 days of 2020 (live on "
    "russia-defeat)",
    "belarus-2020:fall.defection_fall_share": _NO_FALL_NEAR,
    "belarus-2020:fall.elite_fall_share": _NO_FALL_NEAR,
    "belarus-2020:fall.democracy_base_rate": _SUCCESSOR,
    "belarus-2020:fall.transition_per_readiness": _SUCCESSOR,
    "russia-defeat:fall.mobilisation_window_days": "russia-defeat holds for 420 days at this "
    "seed and scale (even at fall.mobilisation_ratio 3), and no window of 1-30 days changes "
    "a fall or the optimising regime's choice (fall.mobilisation_ratio stays live through "
    "that choice)",
    "belarus-2020:prosecution.investigation_days": "pre-trial detention is followed by a "
    "sentence of at least criminal_term_min_days = 365, so no one charged is released "
    "within the 150 days run: the stocks do not move (tested in tests/test_prosecution.py)",
}
"""``scenario:parameter`` -> why moving the parameter changes no output there."""


# --- cases ------------------------------------------------------------------------------


def _base_of(name: str) -> str | None:
    folder = resources.files("uprising.scenarios").joinpath("builtin")
    data = tomllib.loads(folder.joinpath(f"{name}.toml").read_text(encoding="utf-8"))
    return data.get("base")


@functools.cache
def _rows(name: str) -> dict[str, Any]:
    return {row.path: row for row in describe_parameters(load_scenario(name))}


def _reference(name: str) -> str | None:
    family = model_name(load_scenario(name))
    if name == REPRESENTATIVE[family]:
        return None
    return _base_of(name) or REPRESENTATIVE[family]


def _parameter_cases() -> list[tuple[str, str]]:
    cases = []
    for name in builtin_names():
        rows = _rows(name)
        reference = _reference(name)
        if reference is None:
            paths = list(rows)
        else:
            theirs = _rows(reference)
            paths = [p for p, row in rows.items() if row.value != theirs[p].value]
            paths += [p for p in RETEST.get(name, ()) if p not in paths]
        cases += [(name, path) for path in paths]
    return cases


def _event_cases() -> list[tuple[str, str]]:
    cases = []
    for name in builtin_names():
        base = _base_of(name)
        if base is None or model_name(load_scenario(name)) != "belarus":
            continue
        own = {e.name for e in load_scenario(name).events} - {
            e.name for e in load_scenario(base).events
        }
        cases += [(name, event) for event in sorted(own)]
    return cases


# --- runs -------------------------------------------------------------------------------


def _horizon(name: str) -> int:
    if name in HORIZON:
        return HORIZON[name]
    reference = _reference(name)
    assert reference is not None, f"{name}: a representative needs its HORIZON"
    return _horizon(reference)


@functools.cache
def _prepared(name: str, context: tuple[str, ...] = ()):
    """The scenario as the test runs it: tiny, short, one seed, in the given context."""
    scenario = load_scenario(name)
    length = "days" if model_name(scenario) == "belarus" else "steps"
    sets = [f"run.{length}={_horizon(name)}", "run.seed=7"]
    if model_name(scenario) == "belarus":
        sets.append(f"run.scale={SCALE}")
    return apply_overrides(scenario, [*sets, *context])


def _outputs(scenario) -> dict[str, Any]:
    """Every response of one run: series (echoes left out) and the outcome."""
    family = model_name(scenario)
    if family == "belarus":
        result = BelarusModel(scenario).run()
        out: dict[str, Any] = dict(result.series)
        outcome = result.outcome
        out["outcome"] = (
            outcome.status,
            outcome.date,
            outcome.channel,
            outcome.day,
            outcome.successor,
        )
    else:
        series = Simulation(to_engine_config(scenario), seed=scenario.run.seed).run(
            scenario.run.steps
        )
        out = series.columns()
        stats = outburst_stats(
            out["active"], threshold=scenario.outbursts.threshold, ticks=out["tick"]
        )
        out["outbursts"] = repr(stats.to_dict())
    return {k: v for k, v in out.items() if k not in ECHOES[family]}


@functools.cache
def _baseline(name: str, context: tuple[str, ...] = ()) -> dict[str, Any]:
    return _outputs(_prepared(name, context))


def _changed(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """The outputs that differ between two runs."""
    moved = []
    for key in sorted(set(a) | set(b)):
        x, y = a.get(key), b.get(key)
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            same = (
                x is not None
                and y is not None
                and np.shape(x) == np.shape(y)
                and np.array_equal(x, y)
            )
        else:
            same = x == y
        if not same:
            moved.append(key)
    return moved


# --- moved values -----------------------------------------------------------------------

_NUMBER = r"-?\d+(?:\.\d+)?(?:e-?\d+)?"


def _plausible_range(text: str) -> tuple[float, float] | None:
    match = re.search(rf"({_NUMBER})[^;,]*?\bto\s+({_NUMBER})", text)
    return (float(match.group(1)), float(match.group(2))) if match else None


def _candidates(path: str, row: Any, value: Any) -> list[Any]:
    """Values to try for ``path``, best first: the far end of the plausible range, the
    other end, then x2 and /2 (or 1 from 0); options of a choice; the other boolean."""
    if path in VALUES:
        return [VALUES[path]]
    if isinstance(value, bool):
        return [not value]
    if row.allowed.startswith("date"):
        return [(dt.date.fromisoformat(value) - dt.timedelta(days=7)).isoformat()]
    if isinstance(value, str) and " | " in row.allowed:
        return [option for option in row.allowed.split(" | ") if option != value]
    if isinstance(value, str):  # "infinite" jail term
        return [30.0]
    found = _plausible_range(row.plausible)
    tries: list[float] = []
    if found is not None:
        low, high = found
        tries += sorted((low, high), key=lambda end: -abs(end - value))
    tries += [value * 2, value / 2] if value else [1.0, 0.5]
    if isinstance(value, int):
        tries = [round(t) for t in tries]
    return [t for t in tries if t != value]


COUPLED = {"jail.max_term": ('jail.term="uniform_1_to_j"',), "jail.term": ("jail.max_term=30",)}
"""Overrides that must move with a parameter when it alone would be invalid (an infinite
jail term is infinite in both fields)."""


def _moved(name: str, path: str, context: tuple[str, ...]) -> list[tuple[Any, Any]]:
    """(value, scenario) for every valid candidate of ``path``, best first."""
    scenario = _prepared(name, context)
    row = {r.path: r for r in describe_parameters(scenario)}[path]
    found, errors = [], []
    for candidate in _candidates(path, row, row.value):
        text = str(candidate).lower() if isinstance(candidate, bool) else str(candidate)
        if isinstance(candidate, str) and not row.allowed.startswith("date"):
            text = f'"{candidate}"'
        for extra in ((), COUPLED.get(path, ())):
            try:
                found.append((candidate, apply_overrides(scenario, [f"{path}={text}", *extra])))
                break
            except ScenarioError as exc:  # an invalid candidate: try the next
                errors.append(f"{candidate!r}: {exc}")
    one_value = " | " not in row.allowed and not row.allowed.startswith(("[", "(", "date"))
    if not found and not one_value:
        pytest.fail(f"{name}: no valid moved value for {path}: {errors}")
    return found


# --- tests ------------------------------------------------------------------------------

PARAMETER_CASES = _parameter_cases()
EVENT_CASES = _event_cases()


@pytest.mark.parametrize(
    ("name", "path"), PARAMETER_CASES, ids=[":".join(c) for c in PARAMETER_CASES]
)
def test_parameter_changes_an_output(name, path):
    context = CONTEXT.get(path, ())
    baseline = _baseline(name, context)
    key = f"{name}:{path}"
    tried = []
    for value, moved in _moved(name, path, context):
        changed = _changed(baseline, _outputs(moved))
        if changed:
            assert key not in INERT, f"{key} is declared inert but {value!r} changed {changed}"
            return
        tried.append(value)
    assert key in INERT, f"{key}: no moved value ({tried}) changed an output: declare it in INERT"


@pytest.mark.parametrize(("name", "event"), EVENT_CASES, ids=[":".join(c) for c in EVENT_CASES])
def test_variant_event_changes_an_output(name, event):
    scenario = _prepared(name)
    dropped = scenario.model_copy(
        update={"events": tuple(e for e in scenario.events if e.name != event)}
    )
    assert _changed(_baseline(name), _outputs(dropped)), f"{name}: event {event!r} changes nothing"


def test_inert_declarations_name_tested_cases_and_give_reasons():
    tested = {f"{name}:{path}" for name, path in PARAMETER_CASES}
    assert set(INERT) <= tested
    assert all(reason.strip() for reason in INERT.values())
    families = {model_name(load_scenario(name)) for name in builtin_names()}
    assert set(REPRESENTATIVE) == families
