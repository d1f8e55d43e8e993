"""The report's page: its sections as data, rendered by the Jinja2 templates.

The templates are in ``templates/`` (package data): ``report.html.j2`` (the page, section
by section), ``macros.html.j2`` (tables) and ``style.css``. The environment autoescapes:
every ``{{ value }}`` that is not `markupsafe.Markup` is written through
`uprising.report.format.escape` (HTML-escaped, web addresses without their scheme).
Cells that hold markup (``<code>``, ``<strong>``) are built as Markup in this module.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import shlex
from collections.abc import Mapping, Sequence
from typing import Any

import jinja2
import pandas as pd
from markupsafe import Markup

from uprising.analysis.seeds import SEED_RULE, check_seeds
from uprising.report.assumptions import assumptions, differences
from uprising.report.format import (
    code,
    day,
    escape,
    json_value,
    last_line,
    num,
    or_dash,
    pct,
    pct_of,
    present,
    strong,
    value_text,
    vary_text,
    version_text,
    when,
)
from uprising.report.rebuild import Rebuilt, rebuild, varied
from uprising.report.selection import Group

__all__ = ["MAX_RUN_ROWS", "MAX_TRACEBACKS", "render_page"]

MAX_RUN_ROWS = 2000
"""The list of runs in the report shows at most this many runs."""

MAX_TRACEBACKS = 20
"""Failed runs whose full traceback the report shows (the others: their last line)."""


def _finalize(value: Any) -> Markup:
    if value is None or isinstance(value, jinja2.Undefined):
        return Markup("")
    return escape(value)


_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("uprising.report", "templates"),
    autoescape=True,
    finalize=_finalize,
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
)


def render_page(
    *,
    store_directory: Any,
    ensembles: pd.DataFrame,
    runs: pd.DataFrame,
    groups: Sequence[Group],
    outcomes: pd.DataFrame,
    figures: Sequence[Any],
    missing_columns: Mapping[str, list[str]],
    generated: dt.datetime,
    figure_dir: str,
    level: float,
    inputs_section: str = "",
) -> str:
    """The HTML page of a report.

    Args:
        store_directory: The results store's folder.
        ensembles: The ensembles' rows (`uprising.report.selection.select`).
        runs: Their runs.
        groups: The runs per scenario.
        outcomes: `uprising.analysis.horizons.outcome_table` of the analysed groups.
        figures: The figures (`uprising.report.build.Figure`), numbered.
        missing_columns: Series column -> labels of the groups whose runs lack it.
        generated: When the report is written.
        figure_dir: The folder of the PNG files, relative to the page.
        level: Confidence level of the intervals.
        inputs_section: The section "Which inputs matter" as HTML whose values are
            already escaped (`uprising.report.sensitivity.analyses_section`), or "".
    """
    from uprising.store.run_output import code_version

    scenarios = list(dict.fromkeys(g.scenario for g in groups))
    definitions = {record["ensemble_id"]: record for record in ensembles.to_dict("records")}
    rebuilt = {g.label: rebuild(g, definitions.get(g.ensemble_id, {})) for g in groups}
    context = {
        "title": "Ensemble report: " + ", ".join(scenarios),
        "generated": generated.isoformat().replace("+00:00", " UTC"),
        "writer": version_text(code_version()),
        "store": store_directory,
        "ensemble_ids": list(ensembles["ensemble_id"]),
        "n_runs": len(runs),
        "figure_dir": figure_dir,
        "level": pct(level, 0),
        "failure": _failure(groups),
        "ensembles": _ensembles(ensembles, groups),
        "outcomes": _outcomes(outcomes, groups, level),
        "figures": [_figure(figure) for figure in figures],
        "missing_columns": missing_columns,
        "parameters": [_parameters(group, rebuilt[group.label]) for group in groups],
        "differences": differences({g.label: rebuilt[g.label].scenario for g in groups}),
        "seeds": _seeds(ensembles, runs, groups, rebuilt),
        "code": _code(ensembles, runs),
        "failed": _failed(runs),
        "inputs": Markup(inputs_section),
    }
    return _ENV.get_template("report.html.j2").render(context)


def _failure(groups: Sequence[Group]) -> dict[str, Any] | None:
    failed = [g for g in groups if g.failed]
    if not failed:
        return None
    items = []
    for group in failed:
        first = group.runs[group.runs["status"] == "failed"].iloc[0]
        if group.ok:
            what = f"analysed with its {group.ok} successful runs only"
        else:
            what = "every run failed: it is left out of the analyses and figures"
        items.append(
            {
                "label": group.label,
                "ensemble_id": group.ensemble_id,
                "failed": group.failed,
                "runs": len(group.runs),
                "what": what,
                "run_id": first["run_id"],
                "error": last_line(first["error"]),
            }
        )
    return {
        "count": sum(g.failed for g in groups),
        "total": sum(len(g.runs) for g in groups),
        "entries": items,
    }


def _ensembles(ensembles: pd.DataFrame, groups: Sequence[Group]) -> dict[str, Any]:
    rows = []
    for record in ensembles.to_dict("records"):
        ensemble_id = record["ensemble_id"]
        mine = [g for g in groups if g.ensemble_id == ensemble_id]
        scenarios = Markup("<br>").join(
            escape(f"{g.scenario}: {len(g.runs)} runs ({g.ok} ok, {g.failed} failed)") for g in mine
        )
        vary = json_value(record.get("vary"))
        rows.append(
            [
                code(ensemble_id),
                when(record.get("created_at")),
                or_dash(record.get("design")),
                Markup("<br>").join(code(vary_text(v)) for v in vary) if vary else "none",
                scenarios or "no runs recorded",
                num(record.get("runs")),
                num(record.get("scale")),
                num(record.get("days")),
                num(record.get("seed")),
                code(record["command"]) if present(record.get("command")) else "-",
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
    return {"header": header, "rows": rows}


def _outcomes(outcomes: pd.DataFrame, groups: Sequence[Group], level: float) -> dict[str, Any]:
    labels = {(g.ensemble_id, g.scenario): g.label for g in groups}
    any_failed = bool(len(outcomes)) and bool(outcomes["failed"].sum())
    rows = []
    for row in outcomes.to_dict("records"):
        years = row["years"]
        if pd.isna(years):
            horizon = f"end of run ({row['days']} days)"
        else:
            horizon = f"{int(years)} year" + ("s" if int(years) != 1 else "")
        cells: list[Any] = [
            labels[(row["ensemble_id"], row["scenario"])],
            horizon,
            pd.Timestamp(row["date"]).date().isoformat(),
            pct_of(row["p"], int(row["n"])),
            f"{pct_of(row['low'], int(row['n']))} to {pct_of(row['high'], int(row['n']))}",
            f"{int(row['fallen'])} of {int(row['n'])}",
            row["main_channel"] if present(row["main_channel"]) else "none fell",
        ]
        if any_failed:
            failed = int(row["failed"])
            cells.append(strong(f"{failed} left out") if failed else "0")
        rows.append(cells)
    header = [
        "scenario",
        "horizon",
        "by",
        "P(falls)",
        f"{pct(level, 0)} interval",
        "fallen",
        "main channel",
    ]
    if any_failed:
        header.append("failed runs")
    return {"header": header, "rows": rows, "any_failed": any_failed}


def _figure(figure: Any) -> dict[str, Any]:
    return {
        **dataclasses.asdict(figure),
        "data": base64.b64encode(figure.png).decode("ascii"),
        "filename": figure.filename,
    }


def _parameters(group: Group, rebuilt: Rebuilt) -> dict[str, Any]:
    from uprising.scenarios import describe_parameters

    ranges = varied(group.runs)
    found: dict[str, Any] = {
        "label": group.label,
        "ensemble_id": group.ensemble_id,
        "scenario": group.scenario,
        "rebuilt": rebuilt,
        "varied": [
            [code(name), num(low), num(high), str(distinct)]
            for name, (low, high, distinct) in ranges.items()
        ],
        "rows": None,
        "classes": [],
        "assumptions": assumptions(rebuilt.scenario),
    }
    if rebuilt.scenario is None:
        return found
    rows, classes = [], []
    for info in describe_parameters(rebuilt.scenario):
        is_varied = info.path in ranges
        if is_varied:
            value = "varied (see above)"
        elif info.path == "run.seed":
            value = "per run (see Seeds and reproduction)"
        else:
            value = value_text(info.value)
        rows.append([code(info.path), value, info.unit, info.allowed, info.source])
        classes.append("varied" if is_varied else "")
    found.update(rows=rows, classes=classes)
    return found


def _seeds(
    ensembles: pd.DataFrame,
    runs: pd.DataFrame,
    groups: Sequence[Group],
    rebuilt: Mapping[str, Rebuilt],
) -> dict[str, Any]:
    rows = []
    for record in ensembles.to_dict("records"):
        ensemble_id = record["ensemble_id"]
        mine = runs[runs["ensemble_id"] == ensemble_id]
        if mine.empty:
            continue
        root = record.get("seed")
        seeds = mine["seed"].dropna().astype("int64")
        rows.append(
            [
                code(ensemble_id),
                num(root),
                str(len(mine)),
                str(seeds.nunique()),
                num(seeds.min()) if len(seeds) else "-",
                num(seeds.max()) if len(seeds) else "-",
                _seed_check(root, mine),
            ]
        )
    examples = []
    for group in groups:
        ok = group.runs[group.runs["status"] == "ok"]
        example = (ok if len(ok) else group.runs).iloc[0]
        examples.append(
            {
                "run_id": example["run_id"],
                "label": group.label,
                "command": _command(example, rebuilt[group.label].source),
            }
        )
    listed = []
    for run in runs.head(MAX_RUN_ROWS).to_dict("records"):
        parameters = json_value(run.get("parameters")) or {}
        listed.append(
            [
                code(run["run_id"]),
                run["scenario"],
                num(run.get("design_point")),
                ", ".join(f"{k}={value_text(v)}" for k, v in parameters.items()) or "-",
                num(run.get("seed")),
                run["status"] if run["status"] == "ok" else strong("failed"),
                or_dash(run.get("outcome")),
                day(run.get("fall_date")),
                or_dash(run.get("channel")),
                num(run.get("seconds"), digits=2),
            ]
        )
    return {
        "rule": SEED_RULE,
        "rows": rows,
        "examples": examples,
        "runs": listed,
        "more": len(runs) > MAX_RUN_ROWS,
        "shown": MAX_RUN_ROWS,
        "total": len(runs),
    }


def _seed_check(root: Any, runs: pd.DataFrame) -> Any:
    """Whether every run's seed is the one the seed rule gives for its k."""
    if not present(root):
        return "root seed not recorded"
    seeds = [int(seed) if present(seed) else None for seed in runs["seed"]]
    wrong = check_seeds(int(root), runs["k"], seeds)
    if wrong:
        return Markup(f'<strong class="warning">no: {wrong} of {len(runs)} runs differ</strong>')
    return f"yes (all {len(runs)} checked)"


def _command(run: Mapping[str, Any], source: str | None) -> str:
    """The ``uprising run`` command that reproduces a run (``source``: its scenario file)."""
    from uprising.report.rebuild import STORED

    if source == STORED:  # no file to name: rebuild it from the store
        return shlex.join(["uprising", "rerun", "--ensemble", str(run["ensemble_id"])]) + (
            f" --run {shlex.quote(str(run['run_id']))} --store STORE"
        )
    parameters = json_value(run.get("parameters")) or {}
    scenario = source or str(run["scenario"])
    parts = ["uprising", "run", scenario, "--seed", str(int(run["seed"]))]
    if present(run.get("scale")):
        parts += ["--scale", repr(float(run["scale"]))]
    if present(run.get("days")):
        parts += ["--days", str(int(run["days"]))]
    for name, value in parameters.items():
        parts += ["--set", f"{name}={value!r}"]
    return shlex.join(parts)


def _code(ensembles: pd.DataFrame, runs: pd.DataFrame) -> dict[str, Any]:
    rows, mixed = [], []
    for record in ensembles.to_dict("records"):
        ensemble_id = record["ensemble_id"]
        version = json_value(record.get("code_version"))
        rows.append([code(ensemble_id), "ensemble (planned)", version_text(version), "-"])
        mine = runs[runs["ensemble_id"] == ensemble_id]
        counts: dict[str, int] = {}
        for value in mine["code_version"]:
            text = version_text(json_value(value))
            counts[text] = counts.get(text, 0) + 1
        for text, count in counts.items():
            rows.append([code(ensemble_id), "runs", text, str(count)])
        if len(counts) > 1:
            mixed.append((ensemble_id, len(counts)))
    return {"rows": rows, "mixed": mixed}


def _failed(runs: pd.DataFrame) -> dict[str, Any]:
    failed = runs[runs["status"] == "failed"]
    return {
        "runs": [
            {
                "run_id": run["run_id"],
                "scenario": run["scenario"],
                "seed": num(run.get("seed")),
                "last_line": last_line(run.get("error")),
                "error": run.get("error") or "",
            }
            for run in failed.to_dict("records")
        ],
        "max_tracebacks": MAX_TRACEBACKS,
    }
