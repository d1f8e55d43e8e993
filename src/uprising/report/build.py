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
   their last day, per scenario: p with its 95 % Wilson interval, n, the main channel
   (`uprising.analysis.horizons.outcome_table`);
5. the figures: survival of the regime, how the runs end (channels), and fan charts of
   participants, political prisoners, detentions, emigrants, legitimacy and security-force
   loyalty, scenarios side by side; then, for ensembles that vary parameters, "Which
   inputs matter" (`uprising.report.sensitivity`): the three inputs that matter most, the
   sensitivity indices and a PRIM box of the fall within three years, with figures;
6. each scenario's parameters with unit, allowed range and source (the scenario rebuilt
   with `load_scenario` and checked against the recorded hash; the varied parameters'
   ranges over the runs), or the recorded parameters when it cannot be rebuilt;
7. the seeds: the root seed, the seed rule (`uprising.analysis.seeds`, checked for every
   run), a command that reproduces a run, and the list of runs;
8. the code version of the ensemble and of its runs (a warning when they differ);
9. the failed runs with their tracebacks.

This module gathers the analyses and figures and writes the files; the page is rendered
by `uprising.report.html`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from uprising.analysis.ensemble import channel_split, fall_probability, fan_chart
from uprising.analysis.horizons import outcome_table
from uprising.errors import UprisingError
from uprising.report import figures
from uprising.report.format import pct
from uprising.report.html import render_page
from uprising.report.selection import Group, groups, open_store, select
from uprising.report.sensitivity import analyses_section, headline_analyses, write_pngs
from uprising.store.atomic import atomic_write
from uprising.store.owned import write_owned_files
from uprising.store.results import ResultsStore

__all__ = ["FIGURE_SUFFIX", "LEVEL", "Figure", "write_report"]

FIGURE_SUFFIX = "_figures"
"""Folder of the PNG files next to the HTML file: ``<stem>_figures/``."""

LEVEL = 0.95
"""Confidence level of the intervals."""


@dataclasses.dataclass
class Figure:
    """One figure of the report: its PNG bytes, what its caption says, and its number.

    Attributes:
        slug: The file name's stem after the number.
        kind: ``survival``, ``channels`` or ``fan`` (the caption's template).
        alt: The image's alternative text.
        png: The PNG file.
        sizes: The successful runs per scenario, e.g. ``belarus-2022: n = 5``.
        left_out: The failed runs left out per scenario (empty: none).
        level: The interval's confidence level, e.g. ``95 %``.
        title: A fan chart's series title (`uprising.outputs`).
        unit: Its unit.
        column: Its series column.
        number: The figure's number in the report.
    """

    slug: str
    kind: str
    alt: str
    png: bytes
    sizes: str
    left_out: str
    level: str = ""
    title: str = ""
    unit: str = ""
    column: str = ""
    number: int = 0

    @property
    def filename(self) -> str:
        """The PNG file's name, e.g. ``01_survival.png``."""
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
            go into ``<stem>_figures/`` beside it (figures an earlier report wrote there
            and this one lacks are removed; other files there are kept).
        ensemble_ids: One ensemble id or several; default: every ensemble with runs.

    Returns:
        The path of the HTML file.

    Raises:
        UprisingError: The store folder does not exist, an ensemble id is unknown, or no
            run of the ensembles is recorded.
        OSError: The files cannot be written.
    """
    store = open_store(store)
    out = Path(out_html)
    store.ingest()
    ensembles, runs = select(store, ensemble_ids)
    found = groups(runs)
    analysed = [g for g in found if g.analysed]

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
                fans[column][group.label] = fan_chart(
                    *key,
                    column,
                    allow_failed=allow,
                    holding=True,
                    window=figures.FAN_WINDOWS[column],
                )
            except UprisingError as exc:
                if "no series column" not in str(exc):
                    raise
                missing_columns.setdefault(column, []).append(group.label)
    outcomes = outcome_table(
        store, [(g.ensemble_id, g.scenario, g.failed) for g in analysed], level=LEVEL
    )

    inputs_html, inputs_pngs = analyses_section(
        headline_analyses(store, [g.ensemble_id for g in analysed])
    )

    colours = figures.scenario_colours([g.label for g in analysed])
    made = _figures(analysed, curves, splits, fans, colours)
    page = render_page(
        store_directory=store.directory,
        ensembles=ensembles,
        runs=runs,
        groups=found,
        outcomes=outcomes,
        figures=made,
        missing_columns=missing_columns,
        generated=dt.datetime.now(dt.UTC).replace(microsecond=0),
        figure_dir=out.stem + FIGURE_SUFFIX,
        level=LEVEL,
        inputs_section=inputs_html,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    _write_figures(out.parent / (out.stem + FIGURE_SUFFIX), made)
    write_pngs(out.parent / (out.stem + FIGURE_SUFFIX), inputs_pngs)
    atomic_write(out, lambda tmp: tmp.write_text(page, encoding="utf-8"))
    return out


def _figures(
    analysed: Sequence[Group],
    curves: Mapping[str, pd.DataFrame],
    splits: Mapping[str, pd.DataFrame],
    fans: Mapping[str, Mapping[str, pd.DataFrame]],
    colours: Mapping[str, str],
) -> list[Figure]:
    if not analysed:
        return []
    left_out = ", ".join(f"{g.label}: {g.failed}" for g in analysed if g.failed)
    sizes = ", ".join(f"{g.label}: n = {g.ok}" for g in analysed)
    made = [
        Figure(
            "survival",
            "survival",
            "survival curves of the regime per scenario",
            figures.png_bytes(figures.survival_figure(curves, colours=colours, level=LEVEL)),
            sizes,
            left_out,
            level=pct(LEVEL, 0),
        ),
        Figure(
            "channels",
            "channels",
            "stacked bars of the channels of fall per scenario",
            figures.png_bytes(figures.channel_figure(splits)),
            sizes,
            left_out,
        ),
    ]
    for column, (title, unit) in figures.FAN_COLUMNS.items():
        frames = fans.get(column) or {}
        if not frames:
            continue
        made.append(
            Figure(
                f"fan_{column}",
                "fan",
                f"fan charts of {column} per scenario",
                figures.png_bytes(figures.fan_figure(frames, column, colours=colours)),
                sizes,
                left_out,
                title=title,
                unit=unit,
                column=column,
            )
        )
    for number, figure in enumerate(made, start=1):
        figure.number = number
    return made


def _write_figures(folder: Path, made: Sequence[Figure]) -> None:
    # Only the figures an earlier report wrote are replaced or removed, never other files.
    write_owned_files(folder, {figure.filename: figure.png for figure in made})
