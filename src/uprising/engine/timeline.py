"""Dated schedules of exogenous variables: jumps and ramps (Epstein 2002, Table 2, Runs 3-5)."""

from __future__ import annotations

from uprising.engine.config import EngineConfig, TimelineEvent, TimelineVariable


def value_at(config: EngineConfig, variable: TimelineVariable, tick: int) -> float:
    """Value of ``variable`` in force during ``tick`` (ticks count from 1, as in the series).

    Events apply in order of their start tick. A jump sets the value from its tick on.
    A ramp moves linearly from the value in force at its start tick to its target,
    reached at its end tick and kept afterwards.
    """
    base = {
        TimelineVariable.LEGITIMACY: config.legitimacy,
        TimelineVariable.COP_DENSITY: config.cop_density,
        TimelineVariable.MAX_JAIL_TERM: config.max_jail_term,
    }[variable]
    events = sorted(
        (e for e in config.timeline if e.variable == variable), key=lambda e: e.start_tick
    )
    return _evaluate(base, events, tick)


def _evaluate(base: float, events: list[TimelineEvent], tick: int) -> float:
    value = base
    for i, event in enumerate(events):
        if tick < event.start_tick:
            break
        if event.end_tick is None or tick >= event.end_tick:
            value = event.value
            continue
        start_value = _evaluate(base, events[:i], event.start_tick)
        share = (tick - event.start_tick) / (event.end_tick - event.start_tick)
        value = start_value + (event.value - start_value) * share
    return value
