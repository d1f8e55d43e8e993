"""The output series of each scenario family: one table of name, unit, kind and meaning.

    for column in series_table("belarus"):
        print(column.name, column.unit, column.kind)
    belarus_columns(regions)          # the Belarus columns with the regions spelled out

Every column a model writes into its series is listed here, in the order the model
writes it; the observers (`uprising.engine.simulation.Simulation.observe`,
`uprising.models.belarus.BelarusModel.observe`) are tested against these tables
(tests/test_outputs.py), and so are docs/MODEL.md §6.1 and §B4.1, whose column tables
are written by `markdown_table` (``python -m uprising.outputs docs/MODEL.md`` rewrites
them). The run summary (`uprising.scenarios.families`), the files of the results store
and ``series.parquet`` (`describe_fields`: unit and kind as Arrow field metadata) and
the report's fan charts read units, kinds and titles from here.

Kinds:

- ``time``: the row's tick, day or date;
- ``stock``: a quantity at the end of the tick (people on the street, in jail, abroad);
- ``flow``: a count during the tick (arrests of the day); summed over a window it gives
  the total of that window;
- ``level``: an index or a rate in force during the tick (legitimacy, inflation).

Belarus counts of people are national equivalents: lattice counts divided by
``run.scale`` (docs/MODEL.md §B4.1).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "KINDS",
    "REGION_COLUMN",
    "SERIES",
    "SeriesColumn",
    "belarus_columns",
    "column",
    "describe_fields",
    "documented_tables",
    "key_columns",
    "markdown_table",
    "region_column",
    "series_table",
    "update_docs",
]

KINDS = ("time", "stock", "flow", "level")
"""The kinds of series column (see the module docstring)."""

REGION_COLUMN = "participants_<region>"
"""The Belarus table's row for the participants of each region (one column per region)."""


@dataclass(frozen=True)
class SeriesColumn:
    """One column of a family's series.

    Attributes:
        name: The column's name (``participants_<region>`` stands for one per region).
        unit: Its unit, as docs/MODEL.md writes it.
        kind: One of `KINDS`.
        description: What it counts or measures.
        title: A short title for figures and summaries (empty: not shown there).
        key: Whether the run summary shows it (Belarus ``at_dates``).
    """

    name: str
    unit: str
    kind: str
    description: str
    title: str = ""
    key: bool = False


_PERSONS = "persons (national equivalent)"
_PER_DAY = "persons per day (national equivalent)"

_EPSTEIN = (
    SeriesColumn(
        "tick",
        "tick",
        "time",
        "the tick just completed, counted from 1 as are timeline ticks: a jump at tick 77 "
        "first shows in the row with `tick` = 77",
    ),
    SeriesColumn(
        "active",
        "citizens",
        "stock",
        "active citizens on the lattice at the end of the tick",
        "Actives",
    ),
    SeriesColumn(
        "quiet",
        "citizens",
        "stock",
        "quiet citizens on the lattice at the end of the tick (jailed excluded)",
    ),
    SeriesColumn(
        "jailed",
        "citizens",
        "stock",
        "citizens in jail at the end of the tick, after releases (off the lattice or "
        "occupying a cell)",
        "Jailed",
    ),
    SeriesColumn("cops", "cops", "stock", "cops on the lattice"),
    SeriesColumn("arrests", "arrests per tick", "flow", "arrests made during the tick"),
    SeriesColumn(
        "switches",
        "decisions per tick",
        "flow",
        "decisions during the tick that switched a citizen between quiet and active "
        "(arrests and releases not counted)",
    ),
    SeriesColumn("legitimacy", "1", "level", "L in force during the tick"),
)

_BELARUS = (
    SeriesColumn("date", "date", "time", "the day"),
    SeriesColumn("day", "days from 0", "time", "the day's index, 0 on `run.start`"),
    SeriesColumn(
        "participants",
        _PERSONS,
        "stock",
        "active citizens on the lattice at the end of the day's pass",
        "Participants",
        key=True,
    ),
    SeriesColumn(
        REGION_COLUMN,
        _PERSONS,
        "stock",
        "the same, by the region of the cell where they stand (one column per region: "
        "`participants_minsk_city`, `participants_brest_oblast`, ...)",
    ),
    SeriesColumn(
        "detentions",
        _PER_DAY,
        "flow",
        "street arrests + retroactive and targeted arrests + saboteurs caught",
        "Detentions",
        key=True,
    ),
    SeriesColumn("street_detentions", _PER_DAY, "flow", "arrests by cops in the street step"),
    SeriesColumn(
        "retroactive_arrests",
        _PER_DAY,
        "flow",
        "arrests of identified citizens and opinion leaders",
    ),
    SeriesColumn(
        "political_prisoners",
        _PERSONS,
        "stock",
        "persons held in a criminal case whom Viasna has recognised (the criminal "
        "pipeline, in persons; with it off, citizens jailed on a criminal term)",
        "Political prisoners",
        key=True,
    ),
    SeriesColumn(
        "criminal_defendants",
        _PERSONS,
        "stock",
        "persons held in a criminal case, before trial or serving the sentence",
    ),
    SeriesColumn(
        "criminal_cases",
        _PERSONS,
        "stock",
        "persons charged in a criminal case since the start (cumulative)",
    ),
    SeriesColumn("jailed", _PERSONS, "stock", "all citizens in jail, both tiers"),
    SeriesColumn(
        "emigrants",
        _PERSONS,
        "stock",
        "citizens who have emigrated (cumulative)",
        "Emigrants",
        key=True,
    ),
    SeriesColumn(
        "legitimacy",
        "1",
        "level",
        "L in force today (after the day's update)",
        "Legitimacy",
        key=True,
    ),
    SeriesColumn(
        "hardship",
        "1",
        "level",
        "the hardship index the engine uses today: h, or 1 with `economy` off (the regime "
        "layer's h is then not reported)",
    ),
    SeriesColumn("output", "1 (1 at day 0)", "level", "Y(t)"),
    SeriesColumn("inflation", "% per year", "level", "π(t)"),
    SeriesColumn("regime_revenue", "USD bn per year", "level", "R(t)"),
    SeriesColumn(
        "security_loyalty",
        "1",
        "level",
        "1 − share of officers out, those out at rest included (1 with `security_loyalty` off)",
        "Security-force loyalty",
        key=True,
    ),
    SeriesColumn(
        "defections",
        _PERSONS,
        "stock",
        "officers removed from the lattice by the cascade since day 0, cumulative (not the "
        "officers out at rest; 0 with `security_loyalty` off)",
    ),
    SeriesColumn(
        "elite_loyalty", "1", "level", "1 − share of the elite out (1 with `elite_loyalty` off)"
    ),
    SeriesColumn(
        "sabotage_events", "events per day (national equivalent)", "flow", "acts of sabotage"
    ),
    SeriesColumn(
        "cops",
        _PERSONS,
        "stock",
        "police on the lattice after the day's deployment, surge included",
    ),
    SeriesColumn(
        "repression",
        "1",
        "level",
        "r in force today (the `repression` path under `fixed`, the regime's choice under "
        "`optimise`)",
    ),
    SeriesColumn("troops_abroad", "0 or 1", "level", "troops flag in force today"),
    SeriesColumn("media_reach", "1", "level", "ρ_m, the share reached"),
    SeriesColumn(
        "protest_call",
        "0-1",
        "level",
        "the strength of today's call to protest (0: no call; B3.3.8)",
    ),
    SeriesColumn("opposition_readiness", "1", "level", "readiness today"),
    SeriesColumn("diaspora_aid_usd_bn", "USD bn per year", "level", "A(t)"),
    SeriesColumn("russian_support", "index", "level", "ρ(t)"),
    SeriesColumn("sanctions", "index", "level", "σ(t)"),
)

SERIES: dict[str, tuple[SeriesColumn, ...]] = {"epstein": _EPSTEIN, "belarus": _BELARUS}
"""The series table of each scenario family (`uprising.families`), in column order."""


def series_table(family: str) -> tuple[SeriesColumn, ...]:
    """The series columns of a family (``"epstein"`` or ``"belarus"``), in column order.

    Raises:
        KeyError: An unknown family.
    """
    return SERIES[family]


def column(family: str, name: str) -> SeriesColumn:
    """The table's row of one column; a regional column gives the ``<region>`` row.

    Raises:
        KeyError: The family has no such column.
    """
    for entry in SERIES[family]:
        if entry.name == name:
            return entry
    if name.startswith("participants_") and any(e.name == REGION_COLUMN for e in SERIES[family]):
        return column(family, REGION_COLUMN)
    raise KeyError(f"{family} series have no column {name!r}")


def region_column(region: str) -> str:
    """Series column of a region's participants, e.g. ``participants_minsk_city``."""
    return "participants_" + region.lower().replace(" ", "_")


def belarus_columns(regions: Iterable[str]) -> list[str]:
    """The Belarus series' column names, in order, with one column per region."""
    names: list[str] = []
    for entry in _BELARUS:
        if entry.name == REGION_COLUMN:
            names.extend(region_column(region) for region in regions)
        else:
            names.append(entry.name)
    return names


def key_columns(family: str) -> tuple[SeriesColumn, ...]:
    """The columns a run summary shows (``key``), in column order."""
    return tuple(entry for entry in SERIES[family] if entry.key)


def describe_fields(table: Any, family: str) -> Any:
    """An Arrow table with each series column's unit and kind as field metadata.

    The keys are ``uprising.unit`` and ``uprising.kind``; columns not in the family's
    table (``run_id``) are left as they are. The results store's shards and
    ``series.parquet`` are written this way, so that the files say what they hold.
    """
    import pyarrow as pa

    fields = []
    for name in table.column_names:
        field = table.schema.field(name)
        try:
            entry = column(family, name)
        except KeyError:
            fields.append(field)
            continue
        meta = {b"uprising.unit": entry.unit.encode(), b"uprising.kind": entry.kind.encode()}
        fields.append(field.with_metadata({**(field.metadata or {}), **meta}))
    return table.cast(pa.schema(fields, metadata=table.schema.metadata))


# -- docs/MODEL.md ----------------------------------------------------------------------

_BLOCK = re.compile(
    r"(<!-- series:(?P<family>\w+) -->\n)(?P<body>.*?)(<!-- /series:(?P=family) -->)", re.DOTALL
)


def markdown_table(family: str) -> str:
    """The family's series table in Markdown: column, unit, kind, meaning."""
    lines = ["| Column | Unit | Kind | Meaning |", "|---|---|---|---|"]
    for entry in SERIES[family]:
        lines.append(f"| `{entry.name}` | {entry.unit} | {entry.kind} | {entry.description} |")
    return "\n".join(lines) + "\n"


def documented_tables(text: str) -> dict[str, str]:
    """The series tables between ``<!-- series:FAMILY -->`` markers of a Markdown text."""
    return {match["family"]: match["body"] for match in _BLOCK.finditer(text)}


def update_docs(path: str | Path) -> list[str]:
    """Rewrite the marked series tables of a Markdown file; return the families rewritten."""
    target = Path(path)
    text = target.read_text(encoding="utf-8")
    done: list[str] = []

    def replace(match: re.Match[str]) -> str:
        done.append(match["family"])
        return match.group(1) + markdown_table(match["family"]) + match.group(4)

    target.write_text(_BLOCK.sub(replace, text), encoding="utf-8")
    return done


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m uprising.outputs FILE.md ...``: rewrite the series tables in each file."""
    for path in argv if argv is not None else sys.argv[1:]:
        families = update_docs(path)
        print(f"{path}: {', '.join(families) or 'no series tables'}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
