"""The scenario families, Epstein and Belarus: one registry that everything reads.

    family = family_of(scenario)                 # or FAMILIES["belarus"]
    family.schema, family.length_field           # BelarusScenario, "days"
    runner = family.start(scenario)              # the model, built
    series, outcome = runner.run(progress)       # ... and run
    family.summary(record)                       # summary.json of a `uprising.runs.RunRecord`

A family says everything the rest of the package needs to know about a kind of scenario:
its schema (the value of the top-level ``model`` key), how long a run is (``run.steps``
ticks or ``run.days`` days), whether ``run.scale`` applies, how its parameters are
described and overridden, how it is written as TOML, how a model of it is built and run,
how a run is summarised (``summary.json`` and the lines the CLI prints), and its output
series (`uprising.outputs`). The loader, the run library (`uprising.runs`), the CLI, the
ensemble worker and the report ask the registry instead of testing the scenario's type.

Adding a family is adding a `Family` subclass here and an entry in `FAMILIES`.
"""

from __future__ import annotations

import abc
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from pydantic import BaseModel

from uprising.scenarios.belarus import BelarusScenario, describe_belarus_parameters
from uprising.scenarios.belarus import parameter_paths as _belarus_parameter_paths
from uprising.scenarios.schema import ParameterInfo, Scenario
from uprising.scenarios.schema import describe_parameters as describe_epstein_parameters

if TYPE_CHECKING:
    from uprising.runs import RunRecord

__all__ = ["FAMILIES", "BelarusFamily", "EpsteinFamily", "Family", "Runner", "family_of"]

Progress = Callable[[int], None] | None


class Runner(abc.ABC):
    """A model of one scenario, built and ready to run (`Family.start`).

    Attributes:
        total: Ticks (days) the run will last.
        seed: The run's root seed.
        scale: Agents per person (None: the family has no scale).
        label: A short description for progress bars.
    """

    total: int
    seed: int
    scale: float | None
    label: str

    @abc.abstractmethod
    def run(self, progress: Progress = None) -> tuple[dict[str, np.ndarray], Any]:
        """Run to the horizon; return the series (name -> array) and the outcome (or None)."""
        raise NotImplementedError

    @abc.abstractmethod
    def partial(self) -> tuple[dict[str, np.ndarray], Any]:
        """The series and outcome of the ticks done so far (after an interrupt)."""
        raise NotImplementedError

    @property
    @abc.abstractmethod
    def n_agents(self) -> int:
        """Agents on the lattice now."""
        raise NotImplementedError

    @property
    @abc.abstractmethod
    def done(self) -> int:
        """Ticks (days) run so far; `run` runs the rest, up to `total`."""
        raise NotImplementedError


class Family(abc.ABC):
    """One scenario family: its schema and how its runs are made and summarised."""

    name: ClassVar[str]
    title: ClassVar[str]
    """The family's name in messages: ``Epstein``, ``Belarus``."""
    schema: ClassVar[type[BaseModel]]
    length_field: ClassVar[str]
    """The ``[run]`` field of the run's length: ``steps`` or ``days``."""
    length_unit: ClassVar[str]
    """The unit of that length in messages: ``ticks`` or ``days``."""
    scaled: ClassVar[bool]
    """Whether ``run.scale`` (agents per person) applies."""
    has_model_key: ClassVar[bool]
    """Whether the schema has the top-level ``model`` field (else it is implied)."""
    override_example: ClassVar[str]
    """An example of ``--set`` for error messages."""
    ensembles: ClassVar[bool]
    """Whether ensembles (`uprising.experiment`) run it: its runs end in an `Outcome`."""

    @abc.abstractmethod
    def describe(self, scenario: Any) -> list[ParameterInfo]:
        """Every parameter with value, unit, range and source (`ParameterInfo`)."""
        raise NotImplementedError

    def source_paths(self) -> set[str]:
        """Parameter paths whose source ``--set`` records in ``[sources]`` (empty: none)."""
        return set()

    def toml_data(self, scenario: Any) -> dict[str, Any]:
        """The scenario as plain data for ``tomli_w`` (dates as dates)."""
        from uprising.scenarios.loader import scenario_dict

        return scenario_dict(scenario)

    @abc.abstractmethod
    def start(self, scenario: Any) -> Runner:
        """Build the model of a resolved scenario (seed, scale and length from ``[run]``)."""
        raise NotImplementedError

    @abc.abstractmethod
    def summary(self, record: RunRecord) -> dict[str, Any]:
        """The JSON-ready summary of a run (``summary.json``)."""
        raise NotImplementedError

    @abc.abstractmethod
    def summary_lines(self, record: RunRecord) -> list[str]:
        """The run's summary as the lines ``uprising run`` prints."""
        raise NotImplementedError


# -- Epstein -----------------------------------------------------------------------------


class _EpsteinRunner(Runner):
    def __init__(self, scenario: Scenario) -> None:
        from uprising.engine.simulation import Simulation
        from uprising.scenarios.schema import to_engine_config

        self.total, self.seed, self.scale = scenario.run.steps, scenario.run.seed, None
        self.label = f"{scenario.name} (seed {self.seed})"
        self.simulation = Simulation(to_engine_config(scenario), seed=self.seed)

    def run(self, progress: Progress = None) -> tuple[dict[str, np.ndarray], Any]:
        todo = self.total - self.simulation.tick
        return self.simulation.run(todo, progress=progress).columns(), None

    def partial(self) -> tuple[dict[str, np.ndarray], Any]:
        return self.simulation.series().columns(), None

    @property
    def n_agents(self) -> int:
        return self.simulation.n_agents

    @property
    def done(self) -> int:
        return self.simulation.tick


class EpsteinFamily(Family):
    """Epstein's (2002) Model I on a torus: `Scenario`, runs of ``run.steps`` ticks."""

    name = "epstein"
    title = "Epstein"
    schema = Scenario
    length_field = "steps"
    length_unit = "ticks"
    scaled = False
    has_model_key = False
    override_example = "grid.width=200"
    ensembles = False

    def describe(self, scenario: Any) -> list[ParameterInfo]:  # noqa: D102
        return describe_epstein_parameters(scenario)

    def start(self, scenario: Any) -> Runner:  # noqa: D102
        return _EpsteinRunner(scenario)

    def outbursts(self, record: RunRecord) -> Any:
        """The run's `OutburstStats` (threshold ``outbursts.threshold``)."""
        from uprising.analysis.outbursts import outburst_stats

        series = record.series
        threshold = record.scenario.outbursts.threshold
        return outburst_stats(series["active"], threshold=threshold, ticks=series["tick"])

    def summary(self, record: RunRecord) -> dict[str, Any]:  # noqa: D102
        from uprising.scenarios.loader import scenario_dict, scenario_hash
        from uprising.store.run_output import build_summary

        summary = build_summary(
            scenario_name=record.scenario.name,
            scenario_hash=scenario_hash(record.scenario),
            parameters=scenario_dict(record.scenario),
            seed=record.seed,
            steps=record.steps,
            wall_seconds=record.wall_seconds,
            columns=record.series,
            outbursts=self.outbursts(record).to_dict(),
        )
        summary["status"] = record.status
        summary["steps_requested"] = record.steps_requested
        return summary

    def summary_lines(self, record: RunRecord) -> list[str]:  # noqa: D102
        summary = record.summary
        series, stats = summary["series"], summary["outbursts"]
        threshold = record.scenario.outbursts.threshold
        rows = [
            ("peak actives", _fmt(series["peak_active"], "")),
            ("mean actives", _fmt(series["mean_active"], "")),
            ("mean jailed", _fmt(series["mean_jailed"], "")),
            (f"outbursts (> {threshold} actives)", _fmt(stats.get("count"), "")),
            ("mean waiting time", _fmt(stats.get("mean_waiting_time"), " ticks")),
            ("mean activation", _fmt(stats.get("mean_activation"), " active-ticks")),
        ]
        lines = [
            f"{summary['scenario']}: seed {summary['seed']}, {summary['steps']} ticks, "
            f"{summary['wall_seconds']:.2f} s, uprising {_version(summary)}"
        ]
        width = max(len(label) for label, _ in rows)
        lines += [f"  {label:<{width}}  {value}" for label, value in rows]
        return lines


# -- Belarus -----------------------------------------------------------------------------


class _BelarusRunner(Runner):
    def __init__(self, scenario: BelarusScenario) -> None:
        from uprising.models.belarus import BelarusModel

        self.model = BelarusModel(scenario)
        self.total, self.seed, self.scale = self.model.days, self.model.seed, self.model.scale
        self.label = f"{scenario.name} (scale {self.scale:g}, seed {self.seed})"

    def run(self, progress: Progress = None) -> tuple[dict[str, np.ndarray], Any]:
        result = self.model.run(progress=progress)
        return result.series, result.outcome

    def partial(self) -> tuple[dict[str, np.ndarray], Any]:
        result = self.model.result()
        return result.series, result.outcome

    @property
    def n_agents(self) -> int:
        return self.model.n_agents

    @property
    def done(self) -> int:
        return self.model.day


class BelarusFamily(Family):
    """The Belarus model (``model = "belarus"``): `BelarusScenario`, ``run.days`` days."""

    name = "belarus"
    title = "Belarus"
    schema = BelarusScenario
    length_field = "days"
    length_unit = "days"
    scaled = True
    has_model_key = True
    override_example = "run.scale=0.02"
    ensembles = True

    summary_points = 6
    """Evenly spaced dates of the summary's ``at_dates`` (first and last included)."""
    flow_window = 30
    """Flows in ``at_dates`` are summed over this many days up to the date."""

    def describe(self, scenario: Any) -> list[ParameterInfo]:  # noqa: D102
        return describe_belarus_parameters(scenario)

    def source_paths(self) -> set[str]:  # noqa: D102
        return _belarus_parameter_paths()

    def toml_data(self, scenario: Any) -> dict[str, Any]:  # noqa: D102
        data = _lists(scenario.model_dump(mode="python", exclude_none=True))
        for key in ("events", "sources"):
            if not data[key]:
                del data[key]
        return data

    def start(self, scenario: Any) -> Runner:  # noqa: D102
        return _BelarusRunner(scenario)

    def key_rows(self, series: dict[str, Any]) -> list[dict[str, Any]]:
        """The key series (`uprising.outputs.key_columns`) at evenly spaced dates.

        Stocks and levels are the values on the date; flows are summed over the
        `flow_window` days up to it.
        """
        from uprising.outputs import key_columns

        length = len(series.get("day", []))
        if length == 0:
            return []
        n = self.summary_points
        picks = sorted({round(i * (length - 1) / (n - 1)) for i in range(n)})
        rows = []
        for i in picks:
            row: dict[str, Any] = {"date": str(series["date"][i])}
            for entry in key_columns(self.name):
                values = series[entry.name]
                if entry.kind == "flow":
                    row[entry.name] = float(values[max(0, i - self.flow_window + 1) : i + 1].sum())
                else:
                    row[entry.name] = float(values[i])
            rows.append(row)
        return rows

    def summary(self, record: RunRecord) -> dict[str, Any]:  # noqa: D102
        from uprising.scenarios.loader import scenario_dict, scenario_hash
        from uprising.store.run_output import code_version

        return {
            "scenario": record.scenario.name,
            "model": self.name,
            "scenario_hash": scenario_hash(record.scenario),
            "seed": record.seed,
            "scale": record.scale,
            "steps": record.steps,
            "days_requested": record.steps_requested,
            "status": record.status,
            "code_version": code_version(),
            "wall_seconds": record.wall_seconds,
            "n_agents": record.n_agents,
            **record.outcome.as_dict(),
            "at_dates": self.key_rows(record.series),
            "parameters": scenario_dict(record.scenario),
        }

    def summary_lines(self, record: RunRecord) -> list[str]:  # noqa: D102
        summary, outcome = record.summary, record.outcome
        lines = [
            f"{summary['scenario']}: scale {summary['scale']:g} ({summary['n_agents']:,} agents), "
            f"seed {summary['seed']}, {summary['steps']} days, {summary['wall_seconds']:.1f} s, "
            f"uprising {_version(summary)}"
        ]
        readiness = outcome.readiness
        if outcome.status == "falls":
            lines.append(
                f"  outcome: the regime FALLS on {outcome.date} through {outcome.channel}; "
                f"opposition readiness then {readiness:.2f}"
            )
        else:
            last = summary["at_dates"][-1]["date"] if summary["at_dates"] else "-"
            lines.append(
                f"  outcome: the regime HOLDS to {last}; opposition readiness {readiness:.2f}"
            )
        lines.append("  (counts are national equivalents: lattice counts / scale)")
        lines.append(
            f"  {'date':<10} {'participants':>12} {'det. 30 d':>10} {'prisoners':>9} "
            f"{'emigrants':>9} {'legitimacy':>10} {'loyalty':>7}"
        )
        for row in summary["at_dates"]:
            lines.append(
                f"  {row['date']:<10} {row['participants']:>12,.0f} {row['detentions']:>10,.0f} "
                f"{row['political_prisoners']:>9,.0f} {row['emigrants']:>9,.0f} "
                f"{row['legitimacy']:>10.3f} {row['security_loyalty']:>7.3f}"
            )
        return lines


# -- the registry ------------------------------------------------------------------------

FAMILIES: dict[str, Family] = {"epstein": EpsteinFamily(), "belarus": BelarusFamily()}
"""Family per value of the top-level ``model`` key (absent means ``"epstein"``)."""


def family_of(scenario: Any) -> Family:
    """The family of a validated scenario.

    Raises:
        TypeError: ``scenario`` is not a scenario of a registered family.
    """
    for family in FAMILIES.values():
        if isinstance(scenario, family.schema):
            return family
    raise TypeError(f"not a scenario of a known family: {type(scenario).__name__}")


def _lists(node: Any) -> Any:
    """Tuples to lists, so that arrays of tables are written as ``[[events]]``."""
    if isinstance(node, dict):
        return {key: _lists(value) for key, value in node.items()}
    if isinstance(node, list | tuple):
        return [_lists(value) for value in node]
    return node


def _version(summary: dict[str, Any]) -> str:
    code = summary["code_version"]
    commit = code.get("git_commit")
    return code["package"] + (f" ({commit[:10]})" if commit else "")


def _fmt(value: Any, unit: str) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}{unit}"
    return f"{int(value)}{unit}"
