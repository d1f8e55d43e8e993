"""One run at a glance: its key series and, for Belarus, each region's participation.

    figure = run_figure(pd.read_parquet("out/b2020/series.parquet"), "belarus", "belarus-2020")
    png_bytes(figure)

The key series are the family's columns marked ``key`` in `uprising.outputs`, one panel
each, with the unit on the axis; flows are drawn as `FLOW_WINDOW`-day sums (a daily
count at a small scale comes in steps of 1 / scale), shares on their whole 0-1 range,
other axes from 0. A Belarus run adds a panel of the participants in each region.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from uprising.outputs import key_columns
from uprising.report.figures import FLOW_WINDOW, _figure

__all__ = ["run_figure"]


def run_figure(series: pd.DataFrame, family: str, title: str) -> Figure:
    """Draw a run's key series (and the regions' participation) as small multiples.

    Args:
        series: The run's ``series.parquet`` as a DataFrame.
        family: ``"belarus"`` or ``"epstein"``.
        title: The figure's title (the scenario's name).

    Raises:
        ValueError: The series have none of the family's key columns.
    """
    time_name = "date" if "date" in series else "tick"
    x = pd.to_datetime(series["date"]) if time_name == "date" else series["tick"]
    wanted = [c for c in key_columns(family) if c.name in series and c.title]
    if not wanted:
        names = ", ".join(c.name for c in key_columns(family))
        raise ValueError(f"the series have none of the key columns ({names})")
    regions = sorted(c for c in series.columns if c.startswith("participants_"))
    count = len(wanted) + (1 if regions else 0)
    ncols = min(3, count)
    nrows = math.ceil(count / ncols)
    figure = _figure(4.2 * ncols + 0.6, 3.0 * nrows + 0.8)
    grid = figure.subplots(nrows, ncols, squeeze=False)
    axes_list = [grid[i // ncols][i % ncols] for i in range(nrows * ncols)]
    for axes, entry in zip(axes_list, wanted, strict=False):
        values = series[entry.name].astype(float)
        label, unit = entry.title, entry.unit
        if entry.kind == "flow":
            values = values.rolling(FLOW_WINDOW).sum()
            label = f"{entry.title}, {FLOW_WINDOW}-day sum"
            unit = unit.replace("per day", f"per {FLOW_WINDOW} days")
        axes.plot(x, values.to_numpy(), lw=1.3, color="#1f77b4")
        axes.set_title(label, fontsize="medium")
        axes.set_ylabel("share, 0 to 1" if unit == "1" else unit, fontsize="small")
        if unit.split(" ")[0] == "1":
            axes.set_ylim(0, 1)
        elif np.nanmin(values.to_numpy()) >= 0:
            axes.set_ylim(bottom=0)
        axes.grid(True, alpha=0.3)
    if regions:
        axes = axes_list[len(wanted)]
        for name in regions:
            label = name.removeprefix("participants_").replace("_", " ")
            axes.plot(x, series[name].to_numpy(dtype=float), lw=1.0, label=label)
        axes.set_title("Participants by region", fontsize="medium")
        axes.set_ylabel("persons (national equivalent)", fontsize="small")
        axes.set_ylim(bottom=0)
        axes.grid(True, alpha=0.3)
        axes.legend(fontsize="x-small")
    for axes in axes_list[count:]:
        axes.set_visible(False)
    for axes in axes_list[:count]:
        for tick in axes.get_xticklabels():
            tick.set_rotation(30)
            tick.set_horizontalalignment("right")
    figure.suptitle(f"{title}: one run")
    return figure
