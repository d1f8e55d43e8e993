"""One self-contained HTML report of the ensembles in a results store.

    write_report(ResultsStore("results"), "report.html")              # every ensemble
    write_report("results", "out/report.html", ensemble_ids=["3f2a9c01b7de"])

The file needs nothing else to be read: the figures are PNG images inside it (``data:``
URIs), the style sheet is inline, and it has no scripts and no link to the network (a
web address in a parameter's source is written without its scheme). Each figure is also
written as a PNG file into ``<stem>_figures/`` next to the HTML file.

The report has, in this order:

1. a title and when it was written, by which code version, from which store;
2. a warning box when runs failed (which, how many, the first error): the analyses then
   use the successful runs only, and every table and caption says so;
3. the ensembles: design, varied parameters, runs, scale, days, root seed, command;
4. the probability that the regime has fallen within each whole year of the runs and by
   their last day, per scenario: p with its 95 % Wilson interval, n, the main channel;
5. the figures: survival of the regime, how the runs end (channels), and fan charts of
   participants, political prisoners, detentions, emigrants, legitimacy and security-force
   loyalty, scenarios side by side;
6. each scenario's parameters with unit, allowed range and source (the scenario rebuilt
   with `load_scenario` and checked against the recorded hash; the varied parameters'
   ranges over the runs), or the recorded parameters when it cannot be rebuilt;
7. the seeds: the root seed, the rule that gives each run's seed (checked for every run),
   a command that reproduces a run, and the list of runs;
8. the code version of the ensemble and of its runs (a warning when they differ);
9. the failed runs with their tracebacks.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import html
import json
import math
import os
import re
import shlex
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from uprising.analysis.ensemble import (
    channel_split,
    fall_probability,
    fan_chart,
    horizon_table,
)
from uprising.errors import UprisingError
from uprising.report import figures
from uprising.store.atomic import atomic_write
from uprising.store.results import ResultsStore

__all__ = ["FIGURE_SUFFIX", "MAX_RUN_ROWS", "write_report"]

FIGURE_SUFFIX = "_figures"
"""Folder of the PNG files next to the HTML file: ``<stem>_figures/``."""

MAX_RUN_ROWS = 2000
"""The list of runs in the report shows at most this many runs."""

MAX_TRACEBACKS = 20
"""Failed runs whose full traceback the report shows (the others: their last line)."""

LEVEL = 0.95
"""Confidence level of the intervals."""

_DAYS_PER_YEAR = 365.2425

_CSS = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto;
  max-width: 78em; padding: 0 1.5em; color: #222; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 2em; }
h3 { margin-bottom: 0.3em; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.varied td { background: #fff7d6; }
.meta { color: #555; }
.warning { border: 2px solid #c62828; background: #fdecea; padding: 0.6em 1em; margin: 1em 0;
  border-radius: 4px; }
.warning strong { color: #b71c1c; }
.note { border-left: 4px solid #999; background: #f7f7f7; padding: 0.4em 0.8em; }
figure { margin: 1.5em 0; }
figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-size: 0.92em; color: #333; margin-top: 0.3em; }
code, pre { font-family: Menlo, Consolas, monospace; font-size: 0.88em; }
pre { background: #f7f7f7; padding: 0.6em; overflow-x: auto; white-space: pre-wrap; }
details { margin: 0.5em 0 1em; }
summary { cursor: pointer; font-weight: 600; }
"""


@dataclasses.dataclass
class _Group:
    """The runs of one scenario of one ensemble, and how they are labelled."""

    label: str
    ensemble_id: str
    scenario: str
    runs: pd.DataFrame
    ok: int
    failed: int

    @property
    def analysed(self) -> bool:
        return self.ok > 0


@dataclasses.dataclass
class _Figure:
    slug: str
    caption: str
    alt: str
    png: bytes
    number: int = 0

    @property
    def filename(self) -> str:
        return f"{self.number:02d}_{self.slug}.png"


def write_report(
    store: ResultsStore | str | os.PathLike[str],
    out_html: str | os.PathLike[str],
    ensemble_ids: str | Iterable[str] | None = None,
) -> Path:
    """Write the HTML report of some or all ensembles of a store, and its PNG figures.

    Records on disk that the store has not read yet are ingested first, so the report
    covers every run that finished. Failed runs never pass silently: the report states
    them at the top, leaves them out of the analyses (``allow_failed=True``) and says so
    in each table and caption.

    Args:
        store: The results store, or its folder (which must exist).
        out_html: The HTML file to write (its folder is created if absent). The figures
            go into ``<stem>_figures/`` beside it (older figure files there are removed).
        ensemble_ids: One ensemble id or several; default: every ensemble with runs.

    Returns:
        The path of the HTML file.

    Raises:
        UprisingError: The store folder does not exist, an ensemble id is unknown, or no
            run of the ensembles is recorded.
        OSError: The files cannot be written.
    """
    store = _open_store(store)
    out = Path(out_html)
    store.ingest()
    ensembles, runs = _select(store, ensemble_ids)
    groups = _groups(runs)
    analysed = [g for g in groups if g.analysed]

    curves: dict[str, pd.DataFrame] = {}
    splits: dict[str, pd.DataFrame] = {}
    fans: dict[str, dict[str, pd.DataFrame]] = {column: {} for column in figures.FAN_COLUMNS}
    missing_columns: dict[str, list[str]] = {}
    for group in analysed:
        allow = group.failed > 0
        key = (store, group.ensemble_id, group.scenario)
        curves[group.label] = fall_probability(*key, allow_failed=allow, level=LEVEL)
        splits[group.label] = channel_split(*key, allow_failed=allow)
        for column in figures.FAN_COLUMNS:
            try:
                fans[column][group.label] = fan_chart(*key, column, allow_failed=allow)
            except UprisingError as exc:
                if "no series column" not in str(exc):
                    raise
                missing_columns.setdefault(column, []).append(group.label)
    horizons = _horizons(store, ensembles, groups, curves, splits)

    colours = figures.scenario_colours([g.label for g in analysed])
    made = _figures(analysed, curves, splits, fans, colours)
    generated = dt.datetime.now(dt.UTC).replace(microsecond=0)
    page = _page(
        store=store,
        ensembles=ensembles,
        runs=runs,
        groups=groups,
        horizons=horizons,
        made=made,
        missing_columns=missing_columns,
        generated=generated,
        figure_dir=out.stem + FIGURE_SUFFIX,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    _write_figures(out.parent / (out.stem + FIGURE_SUFFIX), made)
    atomic_write(out, lambda tmp: tmp.write_text(page, encoding="utf-8"))
    return out


# -- selecting the runs ------------------------------------------------------------------


def _open_store(store: ResultsStore | str | os.PathLike[str]) -> ResultsStore:
    if isinstance(store, ResultsStore):
        return store
    folder = Path(store)
    if not folder.is_dir():
        raise UprisingError(f"no results store at {folder}: the folder does not exist")
    return ResultsStore(folder)


def _select(
    store: ResultsStore, ensemble_ids: str | Iterable[str] | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ensembles' rows (in report order) and their runs."""
    registered = store.ensembles()
    runs = store.runs()
    present = list(dict.fromkeys(runs["ensemble_id"]))
    known = list(dict.fromkeys([*registered["ensemble_id"], *present]))
    if ensemble_ids is None:
        wanted = [e for e in registered["ensemble_id"] if e in present]
        wanted += [e for e in present if e not in wanted]
        if not wanted:
            raise UprisingError(f"no runs recorded in the results store {store.directory}")
    else:
        wanted = [ensemble_ids] if isinstance(ensemble_ids, str) else list(ensemble_ids)
        wanted = list(dict.fromkeys(wanted))
        unknown = [e for e in wanted if e not in known]
        if unknown:
            listed = ", ".join(known) or "none"
            raise UprisingError(
                f"no ensemble {', '.join(unknown)} in {store.directory} (ensembles: {listed})"
            )
        empty = [e for e in wanted if e not in present]
        if len(empty) == len(wanted):
            raise UprisingError(
                f"no runs recorded for ensemble {', '.join(empty)} in {store.directory}"
            )
    rows = []
    for ensemble_id in wanted:
        match = registered[registered["ensemble_id"] == ensemble_id]
        rows.append(match.iloc[0].to_dict() if len(match) else {"ensemble_id": ensemble_id})
    ensembles = pd.DataFrame(rows)
    runs = runs[runs["ensemble_id"].isin(wanted)].copy()
    order = {e: i for i, e in enumerate(wanted)}
    runs["_order"] = runs["ensemble_id"].map(order)
    runs = runs.sort_values(["_order", "k"]).drop(columns="_order").reset_index(drop=True)
    return ensembles, runs


def _groups(runs: pd.DataFrame) -> list[_Group]:
    pairs = list(dict.fromkeys(zip(runs["ensemble_id"], runs["scenario"], strict=True)))
    names = [scenario for _, scenario in pairs]
    groups = []
    for ensemble_id, scenario in pairs:
        mine = runs[(runs["ensemble_id"] == ensemble_id) & (runs["scenario"] == scenario)]
        label = str(scenario) if names.count(scenario) == 1 else f"{scenario} [{ensemble_id}]"
        failed = int((mine["status"] == "failed").sum())
        groups.append(
            _Group(label, str(ensemble_id), str(scenario), mine, len(mine) - failed, failed)
        )
    return groups


# -- analyses ----------------------------------------------------------------------------


def _horizons(
    store: ResultsStore,
    ensembles: pd.DataFrame,
    groups: Sequence[_Group],
    curves: Mapping[str, pd.DataFrame],
    splits: Mapping[str, pd.DataFrame],
) -> pd.DataFrame:
    """Rows of the outcome table: each whole year observed, then the runs' last day.

    `horizon_table` gives the yearly rows of an ensemble; when one of its scenarios has
    no successful run (it would refuse the ensemble), they are computed per scenario.
    """
    longest = max((len(curve) for curve in curves.values()), default=0)
    years = tuple(range(1, max(5, math.ceil(longest / _DAYS_PER_YEAR)) + 1))
    tables = []
    for ensemble_id in ensembles["ensemble_id"]:
        mine = [g for g in groups if g.ensemble_id == ensemble_id]
        analysed = [g for g in mine if g.analysed]
        if not analysed:
            continue
        if len(analysed) == len(mine):
            allow = any(g.failed for g in mine)
            table = horizon_table(store, [ensemble_id], years, allow_failed=allow, level=LEVEL)
            tables.append(table[table["observed"].astype(bool)])
        else:
            tables.append(_horizon_rows(store, analysed, years))
    tables = [table for table in tables if len(table)]
    table = pd.concat(tables, ignore_index=True) if tables else None
    rows = []
    for group in groups:
        if not group.analysed:
            continue
        label = group.label
        if table is None:
            part = pd.DataFrame(columns=["date"])
        else:
            same = (table["ensemble_id"] == group.ensemble_id) & (
                table["scenario"] == group.scenario
            )
            part = table[same]
        for row in part.itertuples(index=False):
            rows.append(
                {
                    "label": label,
                    "horizon": f"{row.years} year" + ("s" if row.years != 1 else ""),
                    "date": pd.Timestamp(row.date).date(),
                    "n": int(row.n),
                    "failed": group.failed,
                    "fallen": int(row.fallen),
                    "p": float(row.p),
                    "low": float(row.low),
                    "high": float(row.high),
                    "main_channel": row.main_channel,
                }
            )
        curve = curves[label]
        last = curve.iloc[-1]
        last_date = pd.Timestamp(last["date"]).date()
        if len(part) and pd.Timestamp(part["date"].iloc[-1]).date() == last_date:
            continue
        rows.append(
            {
                "label": label,
                "horizon": f"end of run ({len(curve)} days)",
                "date": last_date,
                "n": int(last["n"]),
                "failed": group.failed,
                "fallen": int(last["fallen"]),
                "p": float(last["p"]),
                "low": float(last["low"]),
                "high": float(last["high"]),
                "main_channel": _main_channel(splits[label]),
            }
        )
    return pd.DataFrame(rows)


def _horizon_rows(
    store: ResultsStore, groups: Sequence[_Group], years: Sequence[int]
) -> pd.DataFrame:
    """`horizon_table`'s rows computed per scenario (when one scenario has no ok run)."""
    rows = []
    for group in groups:
        allow = group.failed > 0
        key = (store, group.ensemble_id, group.scenario)
        days = fall_probability(*key, allow_failed=allow, level=LEVEL)["date"]
        first, last = pd.Timestamp(days.iloc[0]).date(), pd.Timestamp(days.iloc[-1]).date()
        ends = [_add_years(first, y) - dt.timedelta(days=1) for y in years]
        observed = [(y, end) for y, end in zip(years, ends, strict=True) if end <= last]
        if not observed:
            continue
        probability = fall_probability(
            *key, [end for _, end in observed], allow_failed=allow, level=LEVEL
        )
        for (y, end), row in zip(observed, probability.itertuples(index=False), strict=True):
            split = channel_split(*key, at=end, allow_failed=allow)
            rows.append(
                {
                    "ensemble_id": group.ensemble_id,
                    "scenario": group.scenario,
                    "years": y,
                    "date": pd.Timestamp(end),
                    "observed": True,
                    "n": row.n,
                    "failed": group.failed,
                    "fallen": row.fallen,
                    "p": row.p,
                    "low": row.low,
                    "high": row.high,
                    "main_channel": _main_channel(split),
                }
            )
    return pd.DataFrame(rows)


def _main_channel(split: pd.DataFrame) -> str | None:
    """The commonest channel of fall in a `channel_split` frame (ties: its row order)."""
    falls = split[(split["channel"] != "holds") & (split["count"] > 0)]
    if falls.empty:
        return None
    return str(falls.loc[falls["count"].idxmax(), "channel"])


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _figures(
    groups: Sequence[_Group],
    curves: Mapping[str, pd.DataFrame],
    splits: Mapping[str, pd.DataFrame],
    fans: Mapping[str, Mapping[str, pd.DataFrame]],
    colours: Mapping[str, str],
) -> list[_Figure]:
    if not groups:
        return []
    left_out = _left_out_note(groups)
    sizes = ", ".join(f"{g.label}: n = {g.ok}" for g in groups)
    made = [
        _Figure(
            "survival",
            "Survival of the regime: the share of runs in which it still holds on each day, "
            f"with its {_pct(LEVEL, 0)} Wilson interval as a band ({sizes}).{left_out}",
            "survival curves of the regime per scenario",
            figures.png_bytes(figures.survival_figure(curves, colours=colours, level=LEVEL)),
        ),
        _Figure(
            "channels",
            "How the runs end: the share of runs in which the regime holds to the last day, "
            f"or falls through each channel ({sizes}).{left_out}",
            "stacked bars of the channels of fall per scenario",
            figures.png_bytes(figures.channel_figure(splits)),
        ),
    ]
    for column, (title, unit) in figures.FAN_COLUMNS.items():
        frames = fans.get(column) or {}
        if not frames:
            continue
        unit_text = "" if unit == "1" else f" ({unit})"
        made.append(
            _Figure(
                f"fan_{column}",
                f"Fan chart of {title.lower()}{unit_text}, series <code>{column}</code>: "
                "the median across runs (line), the middle 50 % (dark band) and the middle "
                f"90 % (light band), day by day, one panel per scenario.{left_out}",
                f"fan charts of {column} per scenario",
                figures.png_bytes(figures.fan_figure(frames, column, colours=colours)),
            )
        )
    for number, figure in enumerate(made, start=1):
        figure.number = number
    return made


def _left_out_note(groups: Sequence[_Group]) -> str:
    failed = [g for g in groups if g.failed]
    if not failed:
        return ""
    which = ", ".join(f"{g.label}: {g.failed}" for g in failed)
    return f" <strong>Failed runs are left out ({which}).</strong>"


# -- the page ----------------------------------------------------------------------------


def _page(
    *,
    store: ResultsStore,
    ensembles: pd.DataFrame,
    runs: pd.DataFrame,
    groups: Sequence[_Group],
    horizons: pd.DataFrame,
    made: Sequence[_Figure],
    missing_columns: Mapping[str, list[str]],
    generated: dt.datetime,
    figure_dir: str,
) -> str:
    from uprising.store.run_output import code_version

    scenarios = list(dict.fromkeys(g.scenario for g in groups))
    title = "Ensemble report: " + ", ".join(scenarios)
    definitions = {record["ensemble_id"]: record for record in ensembles.to_dict("records")}
    rebuilt = {g.label: _rebuild(g, definitions.get(g.ensemble_id, {})) for g in groups}
    writer = code_version()
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{_e(title)}</h1>",
        '<p class="meta">',
        f"Written {_e(generated.isoformat().replace('+00:00', ' UTC'))} by uprising "
        f"{_e(_version_text(writer))} from the results store <code>{_e(store.directory)}</code>; "
        f"ensemble{'s' if len(ensembles) != 1 else ''} "
        + ", ".join(f"<code>{_e(e)}</code>" for e in ensembles["ensemble_id"])
        + f"; {len(runs)} runs recorded. The figures are also in <code>{_e(figure_dir)}/</code>.",
        "</p>",
        _failure_box(groups),
        _ensembles_section(ensembles, groups),
        _outcomes_section(horizons, groups),
        _figures_section(made, missing_columns),
        _parameters_section(groups, rebuilt),
        _seeds_section(ensembles, runs, groups, rebuilt),
        _code_section(ensembles, runs),
        _failed_section(runs),
        "</body>",
        "</html>",
    ]
    return "\n".join(part for part in parts if part) + "\n"


def _failure_box(groups: Sequence[_Group]) -> str:
    failed = [g for g in groups if g.failed]
    if not failed:
        return ""
    total = sum(len(g.runs) for g in groups)
    count = sum(g.failed for g in groups)
    items = []
    for group in failed:
        first = group.runs[group.runs["status"] == "failed"].iloc[0]
        if group.ok:
            what = f"analysed with its {group.ok} successful runs only"
        else:
            what = "every run failed: it is left out of the analyses and figures"
        items.append(
            f"<li><strong>{_e(group.label)}</strong> (ensemble <code>{_e(group.ensemble_id)}"
            f"</code>): {group.failed} of {len(group.runs)} runs failed; {what}. First error "
            f"(run <code>{_e(first['run_id'])}</code>): <code>{_e(_last_line(first['error']))}"
            "</code></li>"
        )
    return (
        '<div class="warning" id="failed-warning"><p><strong>Warning: '
        f"{count} of {total} runs failed.</strong> The analyses below leave the failed runs "
        "out (they are run with <code>allow_failed=True</code>) and use the successful runs "
        "only, which may bias them if failures depend on the parameters. Rerun the ensemble "
        "(failed runs are run again with <code>--retry-failed</code>) for a complete "
        "analysis. The tracebacks are in "
        '<a href="#failed-runs">Failed runs</a>.</p><ul>' + "".join(items) + "</ul></div>"
    )


def _ensembles_section(ensembles: pd.DataFrame, groups: Sequence[_Group]) -> str:
    rows = []
    for record in ensembles.to_dict("records"):
        ensemble_id = record["ensemble_id"]
        mine = [g for g in groups if g.ensemble_id == ensemble_id]
        scenarios = "<br>".join(
            f"{_e(g.scenario)}: {len(g.runs)} runs ({g.ok} ok, {g.failed} failed)" for g in mine
        )
        vary = _json_value(record.get("vary"))
        vary_text = (
            "<br>".join(f"<code>{_e(_vary_text(v))}</code>" for v in vary) if vary else "none"
        )
        rows.append(
            [
                f"<code>{_e(ensemble_id)}</code>",
                _e(_when(record.get("created_at"))),
                _e(_or_dash(record.get("design"))),
                vary_text,
                scenarios or "no runs recorded",
                _num(record.get("runs")),
                _num(record.get("scale")),
                _num(record.get("days")),
                _num(record.get("seed")),
                f"<code>{_e(record['command'])}</code>" if _present(record.get("command")) else "-",
            ]
        )
    header = [
        "ensemble",
        "created (UTC)",
        "design",
        "varied parameters",
        "scenarios and runs recorded",
        "runs (N)",
        "scale",
        "days",
        "root seed",
        "command",
    ]
    return (
        '<h2 id="ensembles">Ensembles</h2>'
        + _table(header, rows, numeric={5, 6, 7, 8}, escape=False)
        + '<p class="meta">N is the ensemble\'s <code>--runs</code>: runs per scenario for '
        "<code>mc</code> and <code>lhs</code>, base samples for <code>sobol</code> "
        "(N(D + 2) runs) and trajectories for <code>morris</code> (N(D + 1) runs).</p>"
    )


def _outcomes_section(horizons: pd.DataFrame, groups: Sequence[_Group]) -> str:
    head = '<h2 id="outcomes">Probability that the regime falls</h2>'
    intro = (
        "<p>Share of runs in which the regime has fallen by the end of each whole year of "
        "the runs (the horizon of y years ends the day before the same calendar date y "
        "years after the first day) and by the runs' last day, with the "
        f"{_pct(LEVEL, 0)} Wilson score interval. n is the number of successful runs; the main "
        "channel is the commonest channel among the falls within the horizon.</p>"
    )
    if horizons.empty:
        return head + intro + "<p>No scenario has a successful run to analyse.</p>"
    any_failed = bool(horizons["failed"].sum())
    rows = []
    for row in horizons.to_dict("records"):
        cells = [
            _e(row["label"]),
            _e(row["horizon"]),
            _e(row["date"].isoformat()),
            _pct(row["p"]),
            f"{_pct(row['low'])} to {_pct(row['high'])}",
            f"{row['fallen']} of {row['n']}",
            _e(row["main_channel"] or "-"),
        ]
        if any_failed:
            failed = int(row["failed"])
            cells.append(f"<strong>{failed} left out</strong>" if failed else "0")
        rows.append(cells)
    header = [
        "scenario",
        "horizon",
        "by",
        "P(falls)",
        f"{_pct(LEVEL, 0)} interval",
        "fallen",
        "main channel",
    ]
    if any_failed:
        header.append("failed runs")
    note = ""
    if any_failed:
        note = (
            '<p class="warning"><strong>Failed runs are left out of this table</strong>: '
            "the probabilities are over the successful runs only (see the warning above).</p>"
        )
    return head + intro + note + _table(header, rows, numeric={3, 4, 5}, escape=False)


def _figures_section(made: Sequence[_Figure], missing_columns: Mapping[str, list[str]]) -> str:
    parts = ['<h2 id="figures">Figures</h2>']
    if not made:
        parts.append("<p>No scenario has a successful run to draw.</p>")
    for figure in made:
        data = base64.b64encode(figure.png).decode("ascii")
        parts.append(
            f'<figure id="figure-{figure.number}"><img src="data:image/png;base64,{data}" '
            f'alt="{_e(figure.alt)}"><figcaption><strong>Figure {figure.number}.</strong> '
            f'{figure.caption} <span class="meta">(<code>{_e(figure.filename)}</code>)'
            "</span></figcaption></figure>"
        )
    for column, labels in missing_columns.items():
        parts.append(
            f'<p class="note">The series <code>{_e(column)}</code> is missing from the runs of '
            f"{_e(', '.join(labels))}: those panels are left out.</p>"
        )
    return "\n".join(parts)


def _parameters_section(groups: Sequence[_Group], rebuilt: Mapping[str, _Rebuilt]) -> str:
    from uprising.scenarios import describe_parameters

    parts = [
        '<h2 id="parameters">Scenarios and parameters</h2>',
        "<p>Each scenario's parameters with unit, allowed range and source, as the runs "
        "used them (scale and days of the ensemble). Parameters varied by the design are "
        "highlighted; their values per run are in the list of runs below.</p>",
    ]
    for group in groups:
        varied = _varied(group.runs)
        parts.append(
            f'<h3>{_e(group.label)} <span class="meta">(ensemble '
            f"<code>{_e(group.ensemble_id)}</code>)</span></h3>"
        )
        scenario, how, _ = rebuilt[group.label]
        parts.append(f"<p>{how}</p>")
        if varied:
            rows = [
                [
                    f"<code>{_e(name)}</code>",
                    _num(low),
                    _num(high),
                    str(distinct),
                ]
                for name, (low, high, distinct) in varied.items()
            ]
            parts.append(
                "<p>Varied by the design over the runs:</p>"
                + _table(
                    ["parameter", "lowest", "highest", "distinct values"],
                    rows,
                    numeric={1, 2, 3},
                    escape=False,
                )
            )
        if scenario is None:
            continue
        rows = []
        classes = []
        for info in describe_parameters(scenario):
            is_varied = info.path in varied
            if is_varied:
                value = "varied (see above)"
            elif info.path == "run.seed":
                value = "per run (see Seeds and reproduction)"
            else:
                value = _value_text(info.value)
            rows.append(
                [
                    f"<code>{_e(info.path)}</code>",
                    _e(value),
                    _e(info.unit),
                    _e(info.allowed),
                    _e(info.source),
                ]
            )
            classes.append("varied" if is_varied else "")
        table = _table(
            ["parameter", "value", "unit", "allowed", "source"],
            rows,
            escape=False,
            row_classes=classes,
        )
        parts.append(
            f"<details><summary>All {len(rows)} parameters of {_e(group.label)}</summary>"
            f"{table}</details>"
        )
    return "\n".join(parts)


class _Rebuilt(NamedTuple):
    """A scenario rebuilt for the report (None if it could not be), how, and from what."""

    scenario: Any
    how: str
    source: str | None


def _rebuild(group: _Group, ensemble: Mapping[str, Any]) -> _Rebuilt:
    """The scenario the runs used (design point aside) and a sentence on how it was found.

    Candidates are the scenarios named in the ensemble's definition and the recorded
    scenario name; the first whose `scenario_hash` equals the recorded hash wins. A
    scenario that loads but whose hash differs is shown with a warning.
    """
    from uprising.scenarios import apply_overrides, load_scenario, scenario_hash

    recorded = _first(group.runs["scenario_hash"])
    candidates = [*_scenario_sources(ensemble), group.scenario]
    loaded = found = None
    for source in dict.fromkeys(candidates):
        try:
            scenario = load_scenario(source)
        except UprisingError:
            continue
        if scenario.name != group.scenario and source != group.scenario:
            continue
        if recorded and scenario_hash(scenario) == recorded:
            found = source
            loaded, how = (
                scenario,
                f"Rebuilt from <code>{_e(source)}</code>; its hash equals the recorded "
                f"<code>scenario_hash</code> <code>{_e(recorded[:16])}</code>.",
            )
            break
        if loaded is None:
            found = source
            loaded, how = (
                scenario,
                f'<span class="warning"><strong>Rebuilt from <code>{_e(source)}</code>, but '
                f"its hash <code>{_e(scenario_hash(scenario)[:16])}</code> differs from the "
                f"recorded <code>{_e(str(recorded)[:16])}</code></strong>: the scenario "
                "changed since the runs; the values below may not be those the runs used."
                "</span>",
            )
    if loaded is None:
        recorded_parameters = sorted(_varied(group.runs))
        names = ", ".join(recorded_parameters) or "none"
        how = (
            f"The scenario <code>{_e(group.scenario)}</code> cannot be rebuilt here (not a "
            "built-in, and no file named in the ensemble loads): only the parameters "
            f"recorded with the runs are shown (varied parameters: {_e(names)})."
        )
        return _Rebuilt(None, how, None)
    scale, days = _first(group.runs["scale"]), _first(group.runs["days"])
    overrides = []
    if _present(scale):
        overrides.append(f"run.scale={float(scale)!r}")
    if _present(days):
        overrides.append(f"run.days={int(days)}")
    try:
        loaded = apply_overrides(loaded, overrides)
    except UprisingError as exc:
        how += f" (scale and days of the runs not applied: {_e(exc)})"
    return _Rebuilt(loaded, how, found)


def _scenario_sources(ensemble: Mapping[str, Any]) -> list[str]:
    """Scenario names or paths named in an ensemble's row (``scenarios``, ``definition``)."""
    found: list[str] = []

    def take(value: Any) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, Mapping):
            for key in ("source", "path", "scenario", "name"):
                if isinstance(value.get(key), str):
                    found.append(value[key])
        elif isinstance(value, list | tuple):
            for item in value:
                take(item)

    take(_json_value(ensemble.get("scenarios")))
    definition = _json_value(ensemble.get("definition"))
    if isinstance(definition, Mapping):
        take(definition.get("scenarios"))
    return found


def _seeds_section(
    ensembles: pd.DataFrame,
    runs: pd.DataFrame,
    groups: Sequence[_Group],
    rebuilt: Mapping[str, _Rebuilt],
) -> str:
    parts = [
        '<h2 id="seeds">Seeds and reproduction</h2>',
        "<p>Run k of an ensemble with root seed s has the seed "
        "<code>int(numpy.random.SeedSequence(s).spawn(total)[k].generate_state(1, "
        "dtype=numpy.uint64)[0] &gt;&gt; 1)</code>, and <code>uprising run SCENARIO --seed "
        "SEED --scale S --days D --set NAME=VALUE ...</code> (the run's design point as "
        "<code>--set</code>) reproduces the run bit for bit.</p>",
    ]
    rows = []
    for record in ensembles.to_dict("records"):
        ensemble_id = record["ensemble_id"]
        mine = runs[runs["ensemble_id"] == ensemble_id]
        if mine.empty:
            continue
        root = record.get("seed")
        checked = _check_seeds(root, mine)
        seeds = mine["seed"].dropna().astype("int64")
        rows.append(
            [
                f"<code>{_e(ensemble_id)}</code>",
                _num(root),
                str(len(mine)),
                str(seeds.nunique()),
                _num(seeds.min()) if len(seeds) else "-",
                _num(seeds.max()) if len(seeds) else "-",
                checked,
            ]
        )
    parts.append(
        _table(
            [
                "ensemble",
                "root seed",
                "runs",
                "distinct seeds",
                "lowest",
                "highest",
                "seeds follow the rule",
            ],
            rows,
            numeric={1, 2, 3, 4, 5},
            escape=False,
        )
    )
    for group in groups:
        ok = group.runs[group.runs["status"] == "ok"]
        example = (ok if len(ok) else group.runs).iloc[0]
        parts.append(
            f"<p>Reproduce run <code>{_e(example['run_id'])}</code> of {_e(group.label)}:</p>"
            f"<pre>{_e(_command(example, rebuilt[group.label].source))}</pre>"
        )
    shown = runs.head(MAX_RUN_ROWS)
    rows = []
    for run in shown.to_dict("records"):
        parameters = _json_value(run.get("parameters")) or {}
        rows.append(
            [
                f"<code>{_e(run['run_id'])}</code>",
                _e(run["scenario"]),
                _num(run.get("design_point")),
                _e(", ".join(f"{k}={_value_text(v)}" for k, v in parameters.items()) or "-"),
                _num(run.get("seed")),
                _e(run["status"]) if run["status"] == "ok" else "<strong>failed</strong>",
                _e(_or_dash(run.get("outcome"))),
                _e(_day(run.get("fall_date"))),
                _e(_or_dash(run.get("channel"))),
                _num(run.get("seconds"), digits=2),
            ]
        )
    more = (
        f" (the first {MAX_RUN_ROWS} of {len(runs)}; all are in the store's table "
        "<code>runs</code>)"
        if len(runs) > MAX_RUN_ROWS
        else ""
    )
    parts.append(
        f"<details><summary>The runs{more}</summary>"
        + _table(
            [
                "run",
                "scenario",
                "design point",
                "parameters",
                "seed",
                "status",
                "outcome",
                "fall date",
                "channel",
                "seconds",
            ],
            rows,
            numeric={2, 4, 9},
            escape=False,
        )
        + "</details>"
    )
    return "\n".join(parts)


def _check_seeds(root: Any, runs: pd.DataFrame) -> str:
    """Whether every run's seed is the one the rule gives for its k (child k of the root)."""
    if not _present(root):
        return "root seed not recorded"
    wrong = 0
    for k, seed in zip(runs["k"], runs["seed"], strict=True):
        child = np.random.SeedSequence(int(root), spawn_key=(int(k),))
        expected = int(child.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))
        if not _present(seed) or int(seed) != expected:
            wrong += 1
    if wrong:
        return f'<strong class="warning">no: {wrong} of {len(runs)} runs differ</strong>'
    return f"yes (all {len(runs)} checked)"


def _command(run: Mapping[str, Any], source: str | None) -> str:
    """The ``uprising run`` command that reproduces a run (``source``: its scenario file)."""
    parameters = _json_value(run.get("parameters")) or {}
    scenario = source or str(run["scenario"])
    parts = ["uprising", "run", scenario, "--seed", str(int(run["seed"]))]
    if _present(run.get("scale")):
        parts += ["--scale", repr(float(run["scale"]))]
    if _present(run.get("days")):
        parts += ["--days", str(int(run["days"]))]
    for name, value in parameters.items():
        parts += ["--set", f"{name}={value!r}"]
    return shlex.join(parts)


def _code_section(ensembles: pd.DataFrame, runs: pd.DataFrame) -> str:
    parts = ['<h2 id="code-version">Code version</h2>']
    rows = []
    for record in ensembles.to_dict("records"):
        version = _json_value(record.get("code_version"))
        rows.append(
            [
                f"<code>{_e(record['ensemble_id'])}</code>",
                "ensemble (planned)",
                _e(_version_text(version)),
                "-",
            ]
        )
        mine = runs[runs["ensemble_id"] == record["ensemble_id"]]
        counts: dict[str, int] = {}
        for value in mine["code_version"]:
            text = _version_text(_json_value(value))
            counts[text] = counts.get(text, 0) + 1
        for text, count in counts.items():
            rows.append([f"<code>{_e(record['ensemble_id'])}</code>", "runs", _e(text), str(count)])
        if len(counts) > 1:
            parts.append(
                f'<p class="warning"><strong>The runs of ensemble {_e(record["ensemble_id"])} '
                f"were made by {len(counts)} different code versions</strong>: results made by "
                "different code may not be comparable.</p>"
            )
    parts.append(
        _table(["ensemble", "of", "code version", "runs"], rows, numeric={3}, escape=False)
    )
    return "\n".join(parts)


def _failed_section(runs: pd.DataFrame) -> str:
    failed = runs[runs["status"] == "failed"]
    if failed.empty:
        return '<h2 id="failed-runs">Failed runs</h2><p>None: every run succeeded.</p>'
    parts = [
        '<h2 id="failed-runs">Failed runs</h2>',
        f"<p><strong>{len(failed)} run{'s' if len(failed) != 1 else ''} failed.</strong> "
        "They are left out of every analysis above.</p>",
    ]
    for index, run in enumerate(failed.to_dict("records")):
        head = (
            f"<code>{_e(run['run_id'])}</code> ({_e(run['scenario'])}, seed "
            f"{_num(run.get('seed'))}): <code>{_e(_last_line(run.get('error')))}</code>"
        )
        if index < MAX_TRACEBACKS:
            parts.append(
                f"<details><summary>{head}</summary><pre>{_e(run.get('error') or '')}</pre>"
                "</details>"
            )
        else:
            parts.append(f"<p>{head}</p>")
    if len(failed) > MAX_TRACEBACKS:
        parts.append(
            f"<p>Full tracebacks are shown for the first {MAX_TRACEBACKS}; all are in the "
            "store's table <code>runs</code> (column <code>error</code>).</p>"
        )
    return "\n".join(parts)


# -- small helpers -----------------------------------------------------------------------

_URL = re.compile(r"\b(?:https?|ftp)://", re.IGNORECASE)


def _e(value: Any) -> str:
    """Escaped text, with web addresses written without their scheme (no network links)."""
    return html.escape(_URL.sub("", str(value)), quote=True)


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    numeric: Iterable[int] = (),
    escape: bool = True,
    row_classes: Sequence[str] | None = None,
) -> str:
    numeric = set(numeric)
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = []
    for index, row in enumerate(rows):
        cells = "".join(
            ('<td class="num">' if i in numeric else "<td>") + (_e(c) if escape else c) + "</td>"
            for i, c in enumerate(row)
        )
        css = row_classes[index] if row_classes else ""
        body.append(f'<tr class="{css}">{cells}</tr>' if css else f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _json_value(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    if _present(value):
        return value
    return None


def _present(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    try:
        return not bool(pd.isna(value))
    except (TypeError, ValueError):
        return True


def _first(values: pd.Series) -> Any:
    present = values.dropna()
    return present.iloc[0] if len(present) else None


def _num(value: Any, digits: int | None = None) -> str:
    if not _present(value):
        return "-"
    if isinstance(value, bool | np.bool_):
        return str(value)
    if isinstance(value, int | np.integer):
        return str(int(value))  # exact: seeds exceed a float's 53 bits
    number = float(value)
    if digits is not None:
        return f"{number:.{digits}f}"
    if number.is_integer() and abs(number) < 2**63:
        return str(int(number))
    return f"{number:g}"


def _pct(share: float, digits: int = 1) -> str:
    """A share as a percentage, ``0.2 -> "20.0 %"``."""
    return f"{100 * share:.{digits}f} %"


def _value_text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _or_dash(value: Any) -> str:
    return str(value) if _present(value) else "-"


def _day(value: Any) -> str:
    if not _present(value):
        return "-"
    return pd.Timestamp(value).date().isoformat()


def _when(value: Any) -> str:
    if not _present(value):
        return "-"
    return pd.Timestamp(value).isoformat(sep=" ", timespec="seconds")


def _vary_text(value: Any) -> str:
    if isinstance(value, list | tuple) and len(value) == 3:
        name, low, high = value
        return f"{name}={low}:{high}"
    if isinstance(value, Mapping) and {"name", "low", "high"} <= set(value):
        return f"{value['name']}={value['low']}:{value['high']}"
    return str(value)


def _version_text(version: Any) -> str:
    if not isinstance(version, Mapping) or not version:
        return "not recorded"
    text = str(version.get("package", "?"))
    commit = version.get("git_commit")
    if commit:
        text += f" (git {str(commit)[:12]}"
        text += ", with uncommitted changes)" if version.get("git_dirty") else ")"
    else:
        text += " (no git commit recorded)"
    return text


def _varied(runs: pd.DataFrame) -> dict[str, tuple[Any, Any, int]]:
    """Varied parameter -> (lowest, highest, number of distinct values) over the runs."""
    values: dict[str, list[Any]] = {}
    for raw in runs["parameters"]:
        parameters = _json_value(raw) or {}
        if isinstance(parameters, Mapping):
            for name, value in parameters.items():
                values.setdefault(str(name), []).append(value)
    summary = {}
    for name, seen in values.items():
        try:
            low, high = min(seen), max(seen)
        except TypeError:
            low, high = seen[0], seen[-1]
        summary[name] = (low, high, len({json.dumps(v, default=str) for v in seen}))
    return summary


def _last_line(error: Any) -> str:
    if not isinstance(error, str) or not error.strip():
        return "no traceback recorded"
    return error.strip().splitlines()[-1].strip()


def _write_figures(folder: Path, made: Sequence[_Figure]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    keep = {figure.filename for figure in made}
    for old in folder.glob("[0-9][0-9]_*.png"):
        if old.name not in keep:
            old.unlink()
    for figure in made:
        atomic_write(folder / figure.filename, lambda tmp, png=figure.png: tmp.write_bytes(png))
