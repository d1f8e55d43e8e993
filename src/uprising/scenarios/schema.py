"""Scenario schema: every parameter of a run with its unit, allowed range and source.

A scenario is a TOML file whose tables are the models below (`[grid]` is `Grid`,
`[rules]` is `Rules`, `[[timeline]]` entries are `TimelineEntry`, ...). Models are
frozen and forbid unknown fields, so a typo is an error rather than a silent default.
Every parameter is declared with `param`, which records in the field's JSON-schema
metadata its unit, plausible range and source; `describe_parameters` lists them.

The defaults are Epstein's Run 2 with the default switches of docs/MODEL.md
section 7 ("Epstein as NetLogo": floor ratio, self counted once, Euclidean vision,
move then act, jailed removed, jail term uniform on 1..J, exact counts), and the
blocked activation schedule (docs/MODEL.md, "Scheduling").

`to_engine_config` translates a scenario into the engine's `EngineConfig`.
"""

from __future__ import annotations

import json
import math
import typing
from typing import Any, Literal, NamedTuple

import annotated_types
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_serializer,
    field_validator,
    model_validator,
)

from uprising.engine.config import (
    Activation,
    EngineConfig,
    JailedOnGrid,
    JailTerm,
    Neighbourhood,
    Order,
    PopulationInit,
    RatioRule,
    SelfCount,
    TimelineEvent,
    TimelineVariable,
)
from uprising.errors import ScenarioError

# Sources cited by the parameters (evidence grades as in docs/MODEL.md: [S] secondary
# source quoting the paper verbatim, [C] read in code, [V] independent reimplementation).
SRC_PAPER = "Epstein (2002), PNAS 99 suppl. 3: 7243-7250, Model I [S]"
SRC_TABLE2 = "Epstein (2002), PNAS 99 suppl. 3, Table 2 [S]"
SRC_SWITCH = "docs/MODEL.md section 7 (implementation switch; variants of NetLogo and Mesa [C])"
SRC_OUTBURST = "Epstein (2002): an outburst is counted while actives exceed 50 [S]"
SRC_SCHEDULE = "docs/MODEL.md, 'Scheduling' (uprising's own schedule)"
SRC_RUN = "uprising run control (not a model parameter)"

INFINITE = "infinite"
"""How an infinite jail term is spelled in TOML (`max_term = "infinite"`)."""


def param(
    default: Any,
    *,
    unit: str,
    source: str,
    description: str,
    plausible: str | None = None,
    strict: bool = True,
    **constraints: Any,
) -> Any:
    """Declare one scenario parameter.

    Args:
        default: The value when a scenario file leaves the parameter out.
        unit: Unit of the value ("cells", "ticks", "1" for dimensionless, ...).
        source: Where the default and the rule come from.
        description: One line saying what the parameter does.
        plausible: The range a modeller would consider plausible, when narrower than
            the allowed range given by the constraints (``ge``, ``le``, ...).
        strict: Refuse values of another type (no "0.5" strings for numbers, no 1 for
            true). Must be False for `Literal` fields, which are exact anyway.
        **constraints: pydantic bounds such as ``ge`` and ``le``: values outside are errors.

    Returns:
        A pydantic `Field` carrying the metadata in ``json_schema_extra``.
    """
    extra: dict[str, Any] = {"unit": unit, "source": source}
    if plausible is not None:
        extra["plausible"] = plausible
    if strict:
        constraints["strict"] = True
    return Field(default, description=description, json_schema_extra=extra, **constraints)


class _Section(BaseModel):
    """Common configuration: frozen values, unknown fields and NaN/inf are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Provenance(_Section):
    """Where the scenario's numbers come from (required: every scenario cites a source)."""

    source: str = Field(min_length=1, description="Citation of the source of the numbers")
    notes: str = Field("", description="How the source was read, deviations, caveats")


class RunSettings(_Section):
    """Run control: default length and seed (overridden by `uprising run --steps/--seed`)."""

    steps: int = param(
        3000, unit="ticks", source=SRC_RUN, description="Number of ticks to run", ge=1, le=10**9
    )
    seed: int = param(
        0,
        unit="1",
        source=SRC_RUN,
        description="Root seed of the run's numpy SeedSequence",
        ge=0,
        le=2**63 - 1,
    )


class Grid(_Section):
    """The lattice: a torus of width x height cells."""

    width: int = param(
        40,
        unit="cells",
        source=SRC_TABLE2,
        description="Torus width",
        plausible="40 (paper) to 3626 (national scale)",
        ge=3,
        le=100_000,
    )
    height: int = param(
        40,
        unit="cells",
        source=SRC_TABLE2,
        description="Torus height",
        plausible="40 (paper) to 3626 (national scale)",
        ge=3,
        le=100_000,
    )


class Population(_Section):
    """Initial citizens and cops and how they are placed."""

    citizen_density: float = param(
        0.7,
        unit="citizens per cell",
        source=SRC_TABLE2,
        description="Initial citizen density",
        ge=0,
        le=1,
    )
    cop_density: float = param(
        0.04,
        unit="cops per cell",
        source=SRC_TABLE2,
        description="Initial cop density (Run 2: 0.04; Runs 3-5: 0.074)",
        plausible="0 to 0.1",
        ge=0,
        le=1,
    )
    init: Literal["exact_counts", "bernoulli_per_cell"] = param(
        "exact_counts",
        unit="-",
        source=SRC_SWITCH,
        description="exact_counts: round(density x cells) of each kind (NetLogo); "
        "bernoulli_per_cell: each cell drawn independently (Mesa)",
        strict=False,
    )

    @model_validator(mode="after")
    def _fits_lattice(self) -> Population:
        total = self.citizen_density + self.cop_density
        if total > 1:
            raise ValueError(f"citizen_density + cop_density = {total:g}: must be <= 1")
        return self


class Citizens(_Section):
    """Citizens ("agents" in the paper): vision, threshold, movement, traits."""

    vision: float = param(
        7.0,
        unit="cells (radius)",
        source=SRC_TABLE2,
        description="Vision radius v (Run 1: 1.7, the 8 Moore neighbours; others: 7)",
        plausible="1.7 to 10",
        ge=1,
        le=100,
    )
    threshold: float = param(
        0.1,
        unit="1",
        source=SRC_PAPER,
        description="T: active iff grievance - net risk > T (strict)",
        ge=0,
        le=1,
    )
    movement: bool = param(
        True,
        unit="-",
        source=SRC_TABLE2,
        description="Rule M: citizens move to a random empty site in vision (Run 1: no)",
    )
    hardship: Literal["uniform_0_1"] = param(
        "uniform_0_1",
        unit="1",
        source=SRC_PAPER,
        description="Perceived hardship H ~ U(0,1), fixed per citizen (no other choice yet)",
        strict=False,
    )
    risk_aversion: Literal["uniform_0_1"] = param(
        "uniform_0_1",
        unit="1",
        source=SRC_PAPER,
        description="Risk aversion R ~ U(0,1), fixed per citizen (no other choice yet)",
        strict=False,
    )


class Cops(_Section):
    """Cops: vision and movement."""

    vision: float = param(
        7.0,
        unit="cells (radius)",
        source=SRC_TABLE2,
        description="Cop vision radius v* (Run 1: 1.7; others: 7)",
        plausible="1.7 to 10",
        ge=1,
        le=100,
    )
    move_when_citizens_frozen: bool = param(
        True,
        unit="-",
        source=SRC_SWITCH,
        description="Cops move even when citizens.movement is false (NetLogo: true; Mesa: false)",
    )
    moves_to_arrestee: bool = param(
        False,
        unit="-",
        source=SRC_SWITCH,
        description="The arresting cop moves onto the arrestee's cell (NetLogo: true)",
    )


class Rules(_Section):
    """Legitimacy, the arrest probability and the rule variants of docs/MODEL.md section 7."""

    legitimacy: float = param(
        0.82,
        unit="1",
        source=SRC_TABLE2,
        description="L, perceived legitimacy; grievance G = H (1 - L)",
        ge=0,
        le=1,
    )
    arrest_constant: float = param(
        2.3,
        unit="1",
        source=SRC_PAPER,
        description="k in P = 1 - exp(-k (C/A)); 2.3 gives P(1,1) = 0.9",
        plausible="2.3 (every implementation) or ln 10 = 2.3026",
        ge=0,
        le=100,
    )
    ratio_rule: Literal["literal", "floor", "round_half_even"] = param(
        "floor",
        unit="-",
        source=SRC_SWITCH,
        description="How C/A enters P: literal (paper), floor (NetLogo), round_half_even (Mesa)",
        strict=False,
    )
    self_count: Literal["once", "twice_if_active"] = param(
        "once",
        unit="-",
        source=SRC_SWITCH,
        description="An active citizen counts itself in A once (paper) or twice (NetLogo)",
        strict=False,
    )
    neighbourhood: Literal["euclid", "manhattan", "chebyshev", "cross"] = param(
        "euclid",
        unit="-",
        source=SRC_SWITCH,
        description="Vision shape: euclid (NetLogo), manhattan (Mesa 3), chebyshev, cross",
        strict=False,
    )
    order: Literal["move_then_act", "act_then_move"] = param(
        "move_then_act",
        unit="-",
        source=SRC_SWITCH,
        description="Within an activation: move then act (paper, NetLogo) or act then move (Mesa)",
        strict=False,
    )


JailTermName = Literal["uniform_0_to_j", "uniform_0_to_j_minus_1", "uniform_1_to_j", "infinite"]


class Jail(_Section):
    """Jail terms and what an arrested citizen does to its cell."""

    max_term: float = param(
        30.0,
        unit="ticks",
        source=SRC_TABLE2,
        description='J_max, maximum jail term (Run 1: 15, Run 2: 30, Runs 3-5: "infinite")',
        plausible='0 to 1000, or "infinite"',
        ge=0,
        allow_inf_nan=True,
    )
    term: JailTermName = param(
        "uniform_1_to_j",
        unit="-",
        source=SRC_SWITCH,
        description="Term distribution: 0..J (Mesa), 0..J-1 (NetLogo), 1..J, or infinite",
        strict=False,
    )
    on_grid: Literal["removed", "occupies", "transparent"] = param(
        "removed",
        unit="-",
        source=SRC_SWITCH,
        description="Jailed citizens leave the lattice (paper), block their cell (Mesa), "
        "or stay on a cell that counts as empty (NetLogo)",
        strict=False,
    )

    @field_validator("max_term", mode="before")
    @classmethod
    def _parse_infinite(cls, value: Any) -> Any:
        if isinstance(value, str):
            if value == INFINITE:
                return math.inf
            raise ValueError(f'must be a number of ticks or "{INFINITE}"')
        if isinstance(value, float) and math.isnan(value):
            raise ValueError(f'must be a number of ticks or "{INFINITE}"')
        return value

    @field_serializer("max_term")
    def _dump_infinite(self, value: float) -> float | str:
        return INFINITE if math.isinf(value) else value

    @model_validator(mode="after")
    def _infinite_terms_agree(self) -> Jail:
        if math.isinf(self.max_term) != (self.term == INFINITE):
            raise ValueError(
                f"max_term = {json.dumps(self._dump_infinite(self.max_term))} and "
                f"term = {json.dumps(self.term)} "
                f'disagree: use "infinite" for both or for neither'
            )
        return self


class Schedule(_Section):
    """The activation schedule of one tick."""

    activation: Literal["random", "blocked"] = param(
        "blocked",
        unit="-",
        source=SRC_SCHEDULE,
        description="random: every agent once per tick in a uniformly random order (paper); "
        "blocked: random order within spatial blocks, blocks in random order",
        strict=False,
    )
    block_size: int = param(
        64,
        unit="cells",
        source=SRC_SCHEDULE,
        description="Side of a scheduling block (blocked activation); a grid smaller than two "
        "blocks per side is one block, i.e. exactly the random order",
        ge=1,
        le=100_000,
    )


class Outbursts(_Section):
    """How outbursts are counted in the run's statistics."""

    threshold: int = param(
        50,
        unit="active citizens",
        source=SRC_OUTBURST,
        description="An outburst lasts while the number of actives exceeds this",
        ge=1,
        le=10**9,  # more than any lattice holds (MAX_CELLS); beyond int64 numpy overflows
    )


TimelineName = Literal["legitimacy", "cop_density", "max_jail_term"]


class TimelineEntry(_Section):
    """A dated change of one variable: a jump (``tick``) or a linear ramp (``start``, ``end``).

    A jump sets ``variable`` to ``value`` from tick ``tick`` on. A ramp moves it linearly
    from its value at tick ``start`` to ``value`` at tick ``end`` (Run 3: legitimacy from
    0.9 at tick 77 to 0.2 at tick 147, i.e. 0.01 per tick).
    """

    variable: TimelineName = Field(description="The variable that changes")
    tick: int | None = Field(
        None, ge=1, strict=True, description="Tick of a jump (ticks count from 1)"
    )
    start: int | None = Field(None, ge=1, strict=True, description="First tick of a ramp")
    end: int | None = Field(None, ge=1, strict=True, description="Last tick of a ramp")
    value: float = Field(strict=True, description="Value after the jump or at the ramp's end")

    @field_validator("value")
    @classmethod
    def _value_in_range(cls, value: float, info: ValidationInfo) -> float:
        variable = info.data.get("variable")
        if variable in ("legitimacy", "cop_density") and not 0 <= value <= 1:
            raise ValueError(f"{variable} must be in [0, 1]")
        if variable == "max_jail_term" and value < 0:
            raise ValueError("max_jail_term must be >= 0 ticks")
        return value

    @model_validator(mode="after")
    def _jump_or_ramp(self) -> TimelineEntry:
        is_jump = self.tick is not None
        is_ramp = self.start is not None or self.end is not None
        if is_jump == is_ramp or (is_ramp and (self.start is None or self.end is None)):
            raise ValueError("give either tick (a jump) or both start and end (a ramp)")
        if is_ramp and self.end <= self.start:  # type: ignore[operator]
            raise ValueError(f"ramp end ({self.end}) must be after its start ({self.start})")
        return self

    @property
    def start_tick(self) -> int:
        """First tick of the change (the jump's tick or the ramp's start)."""
        return self.tick if self.tick is not None else self.start  # type: ignore[return-value]


class Scenario(_Section):
    """One scenario: name, description, provenance, run control and all parameters."""

    name: str = Field(
        pattern=r"^[a-z0-9][a-z0-9_.-]*$",
        description="Short identifier (lower case, digits, '-', '_', '.')",
    )
    description: str = Field(min_length=1, description="What the scenario is; first line shown")
    provenance: Provenance
    run: RunSettings = Field(default_factory=RunSettings)
    grid: Grid = Field(default_factory=Grid)
    population: Population = Field(default_factory=Population)
    citizens: Citizens = Field(default_factory=Citizens)
    cops: Cops = Field(default_factory=Cops)
    rules: Rules = Field(default_factory=Rules)
    jail: Jail = Field(default_factory=Jail)
    schedule: Schedule = Field(default_factory=Schedule)
    outbursts: Outbursts = Field(default_factory=Outbursts)
    timeline: tuple[TimelineEntry, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        side = min(self.grid.width, self.grid.height)
        for path, vision in (
            ("citizens.vision", self.citizens.vision),
            ("cops.vision", self.cops.vision),
        ):
            if 2 * math.floor(vision) + 1 > side:
                raise ValueError(
                    f"{path} = {vision:g}: a vision diameter of {2 * math.floor(vision) + 1} "
                    f"cells does not fit a {self.grid.width} x {self.grid.height} grid"
                )
        for i, event in enumerate(self.timeline):
            where = f"timeline[{i}].value = {event.value:g}"
            if (
                event.variable == "cop_density"
                and event.value + self.population.citizen_density > 1
            ):
                raise ValueError(f"{where}: cop_density + population.citizen_density must be <= 1")
            if event.variable == "max_jail_term" and self.jail.term == INFINITE:
                raise ValueError(
                    f'{where}: max_jail_term has no effect when jail.term is "infinite"'
                )
        return self

    @property
    def summary(self) -> str:
        """The first line of the description."""
        return self.description.strip().splitlines()[0].strip()


def to_engine_config(scenario: Scenario) -> EngineConfig:
    """Translate a validated scenario into the engine's `EngineConfig`.

    Args:
        scenario: A validated scenario.

    Returns:
        The frozen engine configuration (run control, `[run]`, is not part of it).

    Raises:
        ScenarioError: If the engine refuses the combination (message names the scenario).
    """
    timeline = tuple(
        TimelineEvent(
            variable=TimelineVariable[event.variable.upper()],
            start_tick=event.start_tick,
            value=event.value,
            end_tick=event.end,
        )
        for event in scenario.timeline
    )
    try:
        return EngineConfig(
            width=scenario.grid.width,
            height=scenario.grid.height,
            citizen_density=scenario.population.citizen_density,
            cop_density=scenario.population.cop_density,
            citizen_vision=scenario.citizens.vision,
            cop_vision=scenario.cops.vision,
            legitimacy=scenario.rules.legitimacy,
            threshold=scenario.citizens.threshold,
            arrest_constant=scenario.rules.arrest_constant,
            max_jail_term=scenario.jail.max_term,
            citizens_move=scenario.citizens.movement,
            cops_move_when_citizens_frozen=scenario.cops.move_when_citizens_frozen,
            cop_moves_to_arrestee=scenario.cops.moves_to_arrestee,
            ratio_rule=RatioRule[scenario.rules.ratio_rule.upper()],
            self_count=SelfCount[scenario.rules.self_count.upper()],
            neighbourhood=Neighbourhood[scenario.rules.neighbourhood.upper()],
            order=Order[scenario.rules.order.upper()],
            jailed_on_grid=JailedOnGrid[scenario.jail.on_grid.upper()],
            jail_term=JailTerm[scenario.jail.term.upper()],
            population_init=PopulationInit[scenario.population.init.upper()],
            activation=Activation[scenario.schedule.activation.upper()],
            block_size=scenario.schedule.block_size,
            timeline=timeline,
        )
    except ValueError as exc:
        raise ScenarioError(f"{scenario.name}: engine refused the parameters: {exc}") from exc


class ParameterInfo(NamedTuple):
    """One row of a parameter listing (see `describe_parameters`)."""

    path: str
    value: Any
    unit: str
    allowed: str
    plausible: str
    source: str
    description: str


def describe_parameters(scenario: Scenario) -> list[ParameterInfo]:
    """List every parameter of a scenario with its value, unit, range and source.

    Args:
        scenario: The scenario whose values are shown.

    Returns:
        One `ParameterInfo` per parameter, in file order (`[run]` first, timeline
        excluded), values as they are written in TOML.
    """
    values = scenario.model_dump(mode="json")
    rows = []
    for section_name, section_field in Scenario.model_fields.items():
        section_cls = section_field.annotation
        if not (isinstance(section_cls, type) and issubclass(section_cls, _Section)):
            continue
        if section_cls is Provenance:
            continue
        for name, info in section_cls.model_fields.items():
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            rows.append(
                ParameterInfo(
                    path=f"{section_name}.{name}",
                    value=values[section_name][name],
                    unit=str(extra.get("unit", "")),
                    allowed=_allowed(info.annotation, info.metadata),
                    plausible=str(extra.get("plausible", "")),
                    source=str(extra.get("source", "")),
                    description=info.description or "",
                )
            )
    return rows


def _allowed(annotation: Any, metadata: list[Any]) -> str:
    if typing.get_origin(annotation) is Literal:
        return " | ".join(str(a) for a in typing.get_args(annotation))
    if annotation is bool:
        return "true | false"
    low = next((m.ge for m in metadata if isinstance(m, annotated_types.Ge)), None)
    high = next((m.le for m in metadata if isinstance(m, annotated_types.Le)), None)
    low_text = "-inf" if low is None else _number(low)
    high_text = "inf" if high is None else _number(high)
    return f"[{low_text}, {high_text}]"


def _number(value: Any) -> str:
    return str(value) if isinstance(value, int) else f"{value:g}"
