"""Bounds that involve several fields of a scenario, checked when it is validated.

    check_runnable(scenario, source)         # ScenarioError unless the run can be built

Each field of a scenario has its own range in the schema; these are the limits that only
a combination of fields decides, so that a scenario the loader accepts can also be run:

- the lattice: at most `MAX_CELLS` cells (an Epstein ``[grid]``, or the torus a Belarus
  scenario's scale and densities call for, `uprising.population.lattice_shape`), and
  the diameter of every vision radius must fit in it (`uprising.engine.config`);
- the calendar: a Belarus run's last day, ``run.start + run.days - 1``, must be a date
  Python can hold (at most 9999-12-31).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from uprising.errors import ScenarioError

__all__ = ["MAX_CELLS", "check_runnable"]

MAX_CELLS = 25_000_000
"""Most lattice cells of a run (5,000 x 5,000). Belarus at the largest scale the schema
allows, 1.5 agents per person, takes 24.4 million at the default densities (16.2 million
at one per person); the national benchmark lattice of 13.1 million cells used 475 MB
(docs/PERFORMANCE.md), so the limit is about 1 GB. A larger lattice only comes from a
mistake, such as a rural density of 1e-9 or a 100,000 x 100,000 grid."""


def check_runnable(scenario: Any, source: str) -> None:
    """Check the limits of the module docstring for a validated scenario.

    Args:
        scenario: A `Scenario` (Epstein) or `BelarusScenario`.
        source: The file or name, for the message.

    Raises:
        ScenarioError: One line naming the fields and the limit.
    """
    from uprising.scenarios.belarus import BelarusScenario

    if isinstance(scenario, BelarusScenario):
        _check_calendar(scenario, source)
        _check_belarus_lattice(scenario, source)
    else:
        _check_cells(scenario.grid.width * scenario.grid.height, "grid.width x grid.height", source)


def _check_cells(cells: int, what: str, source: str) -> None:
    if cells > MAX_CELLS:
        raise ScenarioError(
            f"{source}: {what} = {cells:,} cells: a lattice may have at most {MAX_CELLS:,} cells"
        )


def _check_calendar(scenario: Any, source: str) -> None:
    run = scenario.run
    room = (dt.date.max - run.start).days + 1
    if run.days > room:
        raise ScenarioError(
            f"{source}: run.start = {run.start.isoformat()} and run.days = {run.days}: the "
            f"run would end after {dt.date.max.isoformat()}; at most {room} days from that start"
        )


def _check_belarus_lattice(scenario: Any, source: str) -> None:
    from uprising.population import lattice_cells, lattice_shape

    settings = {
        "urban_density": scenario.population.urban_density,
        "rural_density": scenario.population.rural_density,
        "police_per_100k": scenario.security.police_per_100k,
    }
    what = (
        f"the lattice for run.scale = {scenario.run.scale:g}, population.urban_density = "
        f"{settings['urban_density']:g} and rural_density = {settings['rural_density']:g}"
    )
    _check_cells(lattice_cells(scenario.run.scale, **settings), what, source)
    width, height = lattice_shape(scenario.run.scale, **settings)
    for name, radius in (
        ("population.citizen_vision", scenario.population.citizen_vision),
        ("security.vision", scenario.security.vision),
    ):
        if 2 * math.floor(radius) + 1 > min(width, height):
            raise ScenarioError(
                f"{source}: {name} = {radius:g}: its diameter does not fit the {width} x "
                f"{height} lattice of run.scale = {scenario.run.scale:g}; raise run.scale or "
                "lower the vision"
            )
