"""Figures of an ensemble's analyses, drawn with matplotlib's Agg renderer.

Each function takes the DataFrames of `uprising.analysis.ensemble`, keyed by the label
under which a scenario is shown (insertion order is the drawing order), and returns a
`matplotlib.figure.Figure`. Figures are built without ``pyplot``, so no global figure
state is kept and the interactive backend is never touched; `png_bytes` renders one.

- `survival_figure`: the share of runs in which the regime still holds, day by day, with
  its 95 % band, one curve per scenario on one axes (from `fall_probability`).
- `channel_figure`: how the runs end, as stacked bars per scenario (from `channel_split`).
- `fan_figure`: the median, the 50 % and the 90 % bands of one series across the runs,
  one panel per scenario side by side (from `fan_chart`), over the runs still going
  (their count as a dashed line on the right axis), with axes from 0 (0 to 1 for a
  share). `FAN_COLUMNS` lists the series a report shows, with their labels and units,
  and `FAN_WINDOWS` the flows shown as 30-day sums.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from uprising.analysis.ensemble import quantile_column
from uprising.outputs import column as series_column

FAN_SERIES = (
    "participants",
    "political_prisoners",
    "detentions",
    "emigrants",
    "legitimacy",
    "security_loyalty",
)
"""Belarus series shown as fan charts, in report order."""

FLOW_WINDOW = 30
"""Days summed per point of a flow's fan chart (a daily count at a small scale comes in
steps of 1 / scale national persons; a 30-day sum is smoother and reads as a rate)."""


def _fan_column(name: str) -> tuple[str, str]:
    column = series_column("belarus", name)
    if column.kind == "flow":
        unit = column.unit.replace("per day", f"per {FLOW_WINDOW} days")
        return f"{column.title}, {FLOW_WINDOW}-day sum", unit
    return column.title, column.unit


FAN_COLUMNS: dict[str, tuple[str, str]] = {name: _fan_column(name) for name in FAN_SERIES}
"""Series shown as fan charts: column -> (title, unit), from `uprising.outputs` (flows as
`FLOW_WINDOW`-day sums)."""

FAN_WINDOWS: dict[str, int] = {
    name: FLOW_WINDOW if series_column("belarus", name).kind == "flow" else 1 for name in FAN_SERIES
}
"""Days of the rolling sum of each fan chart's series (`fan_chart`'s ``window``)."""

FAN_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
"""Quantiles a fan chart needs: the 90 % band, the 50 % band and the median."""

CHANNEL_ORDER = ("holds", "mobilisation", "security_defection", "elite_split")
"""Stacking order of the outcomes in `channel_figure`; other channels follow, sorted."""

CHANNEL_COLOURS = {
    "holds": "#9e9e9e",
    "mobilisation": "#d62728",
    "security_defection": "#1f77b4",
    "elite_split": "#ff7f0e",
}

_EXTRA_CHANNEL_COLOURS = ("#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22")

_PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
)

MAX_PANELS_PER_ROW = 4
"""Fan charts wrap to a new row of panels after this many scenarios."""


def scenario_colours(labels: Sequence[str]) -> dict[str, str]:
    """Give each scenario label a colour, the same in every figure of a report.

    Args:
        labels: The labels in drawing order.

    Returns:
        label -> hex colour (the palette repeats after ten scenarios).
    """
    return {label: _PALETTE[i % len(_PALETTE)] for i, label in enumerate(labels)}


def png_bytes(figure: Figure, *, dpi: int = 110) -> bytes:
    """Render a figure as PNG bytes (Agg), without the tool metadata chunk.

    Args:
        figure: A figure from this module.
        dpi: Resolution in dots per inch.

    Returns:
        The PNG file's bytes. The same figure gives the same bytes.
    """
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def survival_figure(
    curves: Mapping[str, pd.DataFrame],
    *,
    colours: Mapping[str, str] | None = None,
    level: float = 0.95,
) -> Figure:
    """Draw the share of runs in which the regime still holds, per scenario.

    Args:
        curves: label -> `fall_probability` frame (columns ``date``, ``fallen``, ``n``,
            ``p``, ``low``, ``high``; one row per day). The survival is ``1 - p`` and its
            band ``1 - high`` to ``1 - low``.
        colours: label -> colour; default `scenario_colours`.
        level: Confidence level of the band, for the legend.

    Returns:
        One axes, the curves as steps with their shaded bands, dates on the x axis.
    """
    colours = dict(colours or scenario_colours(list(curves)))
    figure = _figure(9.0, 4.8)
    axes = figure.add_subplot()
    for label, frame in curves.items():
        colour = colours.get(label, "#333333")
        dates = _dates(frame["date"])
        p = frame["p"].to_numpy(dtype=float)
        low = frame["low"].to_numpy(dtype=float)
        high = frame["high"].to_numpy(dtype=float)
        n = int(frame["n"].max()) if len(frame) else 0
        axes.fill_between(dates, 1 - high, 1 - low, step="post", color=colour, alpha=0.15, lw=0)
        axes.step(dates, 1 - p, where="post", color=colour, lw=1.8, label=f"{label} (n = {n})")
    axes.set_ylim(-0.02, 1.02)
    axes.set_ylabel("share of runs in which the regime holds")
    axes.set_title(f"Survival of the regime (bands: {100 * level:.0f} % Wilson intervals)")
    axes.grid(True, alpha=0.3)
    if curves:
        axes.legend(loc="best", fontsize="small")
    figure.autofmt_xdate()
    return figure


def channel_figure(
    splits: Mapping[str, pd.DataFrame],
) -> Figure:
    """Draw how the runs end, as one stacked bar of shares per scenario.

    Args:
        splits: label -> `channel_split` frame (columns ``channel``, ``count``, ``share``;
            ``channel`` is ``"holds"`` or the channel of the fall).

    Returns:
        One axes with one bar per scenario, stacked in `CHANNEL_ORDER` (channels no run
        took are left out); shares of at least 5 % are written on the bar, the number
        of runs above it.
    """
    channels = _channel_order(splits.values())
    labels = list(splits)
    figure = _figure(max(5.0, 1.6 * len(labels) + 3.0), 4.8)
    axes = figure.add_subplot()
    x = np.arange(len(labels))
    bottom = np.zeros(len(labels))
    extra = iter(_EXTRA_CHANNEL_COLOURS)
    for channel in channels:
        shares = np.array([_share(splits[label], channel) for label in labels])
        colour = CHANNEL_COLOURS.get(channel) or next(extra, "#444444")
        bars = axes.bar(x, shares, 0.6, bottom=bottom, color=colour, label=channel)
        for bar, share, base in zip(bars, shares, bottom, strict=True):
            if share >= 0.05:
                axes.text(
                    bar.get_x() + bar.get_width() / 2,
                    base + share / 2,
                    f"{100 * share:.0f} %",
                    ha="center",
                    va="center",
                    fontsize="small",
                    color="white" if channel != "holds" else "black",
                )
        bottom = bottom + shares
    for i, label in enumerate(labels):
        total = int(splits[label]["count"].sum()) if len(splits[label]) else 0
        axes.text(i, 1.02, f"n = {total}", ha="center", va="bottom", fontsize="small")
    slanted = len(labels) > 3
    axes.set_xticks(x, labels, rotation=20 if slanted else 0, ha="right" if slanted else "center")
    axes.set_ylim(0, 1.12)
    axes.set_ylabel("share of runs")
    axes.set_title("How the runs end: the regime holds, or falls through a channel")
    figure.legend(loc="outside right center", fontsize="small")
    return figure


def fan_figure(
    fans: Mapping[str, pd.DataFrame],
    column: str,
    *,
    colours: Mapping[str, str] | None = None,
) -> Figure:
    """Draw one series' spread across the runs, one panel per scenario (small multiples).

    Args:
        fans: label -> `fan_chart` frame: ``date`` and one column per quantile, named by
            `uprising.analysis.ensemble.quantile_column` (``q5``, ``q25``, ``q50``,
            ``q75``, ``q95`` for `FAN_QUANTILES`).
        column: The series drawn (a key of `FAN_COLUMNS` gives the title and unit).
        colours: label -> colour; default `scenario_colours`.

    Returns:
        Panels side by side (at most `MAX_PANELS_PER_ROW` a row) sharing the y axis:
        the median as a line, the 50 % band dark and the 90 % band light.

    Raises:
        ValueError: A frame lacks one of `FAN_QUANTILES`.
    """
    colours = dict(colours or scenario_colours(list(fans)))
    title, unit = FAN_COLUMNS.get(column, (column, ""))
    count = max(1, len(fans))
    ncols = min(count, MAX_PANELS_PER_ROW)
    nrows = math.ceil(count / ncols)
    figure = _figure(max(5.0, 3.6 * ncols + 0.8), 3.4 * nrows + 0.8)
    grid = figure.subplots(nrows, ncols, sharey=True, squeeze=False)
    for index, (label, frame) in enumerate(fans.items()):
        axes = grid[index // ncols][index % ncols]
        missing = [quantile_column(q) for q in FAN_QUANTILES if quantile_column(q) not in frame]
        if missing:
            raise ValueError(f"fan chart of {label}: no column {', '.join(missing)}")
        colour = colours.get(label, "#333333")
        dates = _dates(frame["date"])

        def values(q: float, frame: pd.DataFrame = frame) -> np.ndarray:
            return frame[quantile_column(q)].to_numpy(dtype=float)

        axes.fill_between(dates, values(0.05), values(0.95), color=colour, alpha=0.18, lw=0)
        axes.fill_between(dates, values(0.25), values(0.75), color=colour, alpha=0.38, lw=0)
        axes.plot(dates, values(0.5), color=colour, lw=1.6)
        if "n" in frame and len(frame):
            going = axes.twinx()
            going.step(dates, frame["n"].to_numpy(), where="post", color="#555555", lw=0.9,
                       ls="--")  # fmt: skip
            going.set_ylim(0, max(1, int(frame["n"].max())) * 1.05)
            going.tick_params(axis="y", labelsize="small", colors="#555555")
            if index % ncols == ncols - 1 or index == count - 1:
                going.set_ylabel("runs still going (dashed)", color="#555555")
        if unit.split(" ")[0] == "1":  # a share or an index on [0, 1]: its whole range
            axes.set_ylim(0, 1)
        else:
            axes.set_ylim(bottom=0)
        axes.set_title(label, fontsize="medium")
        axes.grid(True, alpha=0.3)
        for tick in axes.get_xticklabels():
            tick.set_rotation(30)
            tick.set_horizontalalignment("right")
        if index % ncols == 0:
            axes.set_ylabel("share, 0 to 1" if unit == "1" else unit)
    for index in range(len(fans), nrows * ncols):
        grid[index // ncols][index % ncols].set_visible(False)
    figure.suptitle(f"{title}: median, 50 % and 90 % of the runs")
    return figure


def _figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _dates(values: pd.Series) -> np.ndarray:
    return pd.to_datetime(values).to_numpy(dtype="datetime64[D]")


def _channel_order(frames: Any) -> list[str]:
    """Channels with at least one run in some frame, in `CHANNEL_ORDER`, then sorted."""
    seen: set[str] = set()
    for frame in frames:
        counts = frame["count"].to_numpy()
        seen.update(str(c) for c in frame.loc[counts > 0, "channel"])
    known = [c for c in CHANNEL_ORDER if c in seen]
    return known + sorted(seen - set(CHANNEL_ORDER))


def _share(frame: pd.DataFrame, channel: str) -> float:
    rows = frame.loc[frame["channel"].astype(str) == channel, "share"]
    return float(rows.sum()) if len(rows) else 0.0
