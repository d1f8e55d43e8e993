"""The Belarus scenario: the coupled lattice + regime-layer model, one tick = one day.

A Belarus scenario is a TOML file with ``model = "belarus"`` at the top level. Its
tables are the sections of `BelarusScenario` (`[run]` is `BelarusRun`, `[security]` is
`Security`, `[[events]]` entries are `Event`, ...). As in `uprising.scenarios.schema`,
every model is frozen and forbids unknown fields, and every parameter is declared with
`param`, which records its unit, plausible range and source;
`uprising.scenarios.belarus.describe` lists them.

The defaults are those of the built-in ``belarus-2020`` scenario. Where a scenario's
value differs from the schema default, its ``[sources]`` table may cite the value's own
source by parameter path (``"legitimacy.initial" = "..."``).

Events (``[[events]]``) change the drivers of `uprising.scenarios.belarus.drivers`;
before any event each driver holds its baseline there. An event may not start before
``run.start``; one after the horizon does not happen (a shorter run of the same
scenario). Events are exposed sorted by date, then name (names are unique), so the
order in the file does not matter. Two events setting the same level (a ramp or a
setting jump) on the same date are an error; additive jumps on one date add up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from uprising.scenarios.belarus.drivers import DRIVERS
from uprising.scenarios.belarus.events import Event
from uprising.scenarios.belarus.mechanisms import Mechanisms
from uprising.scenarios.belarus.prosecution import Prosecution
from uprising.scenarios.belarus.regime import Economy, Fall, Regime
from uprising.scenarios.belarus.society import Emigration, Legitimacy, Media, Opposition, Sabotage
from uprising.scenarios.belarus.street import BelarusPopulation, BelarusRun, Repression, Security
from uprising.scenarios.schema import Provenance, _Section


class BelarusScenario(_Section):
    """One Belarus scenario: name, description, provenance, run control, parameters, events."""

    model: Literal["belarus"] = Field(
        "belarus", description='Model family: "belarus" (Epstein files have none)'
    )
    name: str = Field(
        pattern=r"^[a-z0-9][a-z0-9_.-]*$",
        description="Short identifier (lower case, digits, '-', '_', '.')",
    )
    description: str = Field(min_length=1, description="What the scenario is; first line shown")
    provenance: Provenance
    run: BelarusRun = Field(default_factory=BelarusRun)
    population: BelarusPopulation = Field(default_factory=BelarusPopulation)
    security: Security = Field(default_factory=Security)
    repression: Repression = Field(default_factory=Repression)
    prosecution: Prosecution = Field(default_factory=Prosecution)
    legitimacy: Legitimacy = Field(default_factory=Legitimacy)
    economy: Economy = Field(default_factory=Economy)
    regime: Regime = Field(default_factory=Regime)
    media: Media = Field(default_factory=Media)
    emigration: Emigration = Field(default_factory=Emigration)
    sabotage: Sabotage = Field(default_factory=Sabotage)
    opposition: Opposition = Field(default_factory=Opposition)
    mechanisms: Mechanisms = Field(default_factory=Mechanisms)
    fall: Fall = Field(default_factory=Fall)
    sources: dict[str, str] = Field(
        default_factory=dict,
        description="Source of a value that differs from the schema's default, by parameter "
        'path (``"legitimacy.initial" = "..."``); shown instead of the default\'s source',
    )
    events: tuple[Event, ...] = ()

    @field_validator("sources")
    @classmethod
    def _sources_name_parameters(cls, sources: dict[str, str]) -> dict[str, str]:
        known = parameter_paths()
        for path, text in sources.items():
            if path not in known:
                raise ValueError(f"sources.{path}: no such parameter (e.g. legitimacy.initial)")
            if not isinstance(text, str) or not text.strip():
                raise ValueError(f"sources.{path}: must be a non-empty string")
        return sources

    @field_validator("events")
    @classmethod
    def _events_in_window_and_sorted(
        cls, events: tuple[Event, ...], info: ValidationInfo
    ) -> tuple[Event, ...]:
        seen: dict[str, int] = {}
        for i, event in enumerate(events):
            if event.name in seen:
                first = seen[event.name]
                raise ValueError(
                    f"events[{i}].name = {event.name!r}: the same name as events[{first}] "
                    "(names must be unique)"
                )
            seen[event.name] = i
        run = info.data.get("run")
        if isinstance(run, BelarusRun):
            for i, event in enumerate(events):
                for field in ("date", "until"):
                    day = getattr(event, field)
                    # an event after the horizon simply does not happen (a shorter run of
                    # the same scenario); one before the start is a mistake
                    if day is not None and day < run.start:
                        raise ValueError(
                            f"events[{i}].{field} = {day.isoformat()} ({event.name!r}): before "
                            f"the run starts ({run.start.isoformat()})"
                        )
        ordered = tuple(sorted(events, key=lambda event: (event.date, event.name)))
        setting: dict[tuple[dt.date, str], Event] = {}
        for event in ordered:
            if not DRIVERS[event.variable].sets_level:
                continue
            earlier = setting.setdefault((event.date, event.variable), event)
            if earlier is not event:
                raise ValueError(
                    f"events {earlier.name!r} and {event.name!r}: both set {event.variable} on "
                    f"{event.date.isoformat()} (ambiguous: merge them or move one)"
                )
        return ordered

    @property
    def summary(self) -> str:
        """The first line of the description."""
        return self.description.strip().splitlines()[0].strip()

    def day_of(self, date: dt.date) -> int:
        """Tick index of ``date`` (day 0 is ``run.start``)."""
        return (date - self.run.start).days


def sections() -> Iterator[tuple[str, type[_Section]]]:
    """Every parameter section of a Belarus scenario: (table name, section model), in file order.

    The sections are the fields of `BelarusScenario` whose type is a section model, except
    `Provenance` (metadata, not parameters).
    """
    for name, info in BelarusScenario.model_fields.items():
        cls = info.annotation
        if isinstance(cls, type) and issubclass(cls, _Section) and cls is not Provenance:
            yield name, cls


def parameter_paths() -> set[str]:
    """Every ``section.name`` parameter path of a Belarus scenario."""
    return {f"{section}.{name}" for section, cls in sections() for name in cls.model_fields}


__all__ = ["BelarusScenario", "parameter_paths", "sections"]
