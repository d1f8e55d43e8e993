"""The figure of a comparison of model runs with the calibration table.

    comparison_figure(table, "out/compare/compare.png", caption="...")

One line per observation of `uprising.analysis.compare` (top to bottom in the table's
order): the model's 90 % band over the runs (a blue bar), its median (a blue dot), the
reported value (a black diamond, hollow when it is a bound) and the reported range (a
black line). The horizontal axis is logarithmic (symmetric-log below 1), so crowds of
hundreds of thousands and stocks of tens share it. Drawn with matplotlib's Agg
renderer, without ``pyplot``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


def comparison_figure(table: pd.DataFrame, path: str | Path, caption: str = "") -> Path:
    """Draw the comparison table as a forest plot and write it as a PNG file.

    Args:
        table: `uprising.analysis.compare.Comparison.table`.
        path: The PNG file to write.
        caption: A line of text under the plot (the command, runs, scale).

    Returns:
        The path written.
    """
    n = len(table)
    fig = Figure(figsize=(11, 1.6 + 0.24 * max(n, 1)))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    y = np.arange(n)[::-1]
    labels = []
    for pos, row in zip(y, table.itertuples(), strict=True):
        bound = {"at_least": " (>=)", "at_most": " (<=)"}.get(row.relation, "")
        labels.append(f"{row.quantity[:38]}, {row.geography[:14]} | {row.window}{bound}")
        if row.n > 0:
            ax.plot([row.q05, row.q95], [pos, pos], color="tab:blue", lw=5, alpha=0.45,
                    solid_capstyle="butt")  # fmt: skip
            ax.plot([row.median], [pos], "o", color="tab:blue", ms=4)
        if row.reported_high > row.reported_low:
            ax.plot([row.reported_low, row.reported_high], [pos, pos], color="black", lw=1)
        face = "black" if row.relation == "estimate" else "none"
        ax.plot([row.reported], [pos], "D", mfc=face, mec="black", ms=5)
        colour = "tab:green" if row.agrees is True else "tab:red"
        mark = "-" if row.n == 0 else ("ok" if row.agrees else "no")
        ax.annotate(mark, (1.002, pos), xycoords=("axes fraction", "data"), va="center",
                    fontsize=7, color=colour)  # fmt: skip
    ax.set_yticks(y, labels, fontsize=7)
    ax.set_ylim(-0.8, n - 0.2)
    ax.set_xscale("symlog", linthresh=1.0)
    ax.set_xlabel("national equivalents (persons; % per year for inflation)")
    ax.grid(axis="x", alpha=0.3)
    ax.plot([], [], color="tab:blue", lw=5, alpha=0.45, label="model, 90 % band over seeds")
    ax.plot([], [], "o", color="tab:blue", ms=4, label="model, median")
    ax.plot([], [], "D", color="black", ms=5, label="reported (hollow: a bound)")
    ax.plot([], [], color="black", lw=1, label="reported range")
    ax.legend(fontsize=7, loc="lower left")
    ax.set_title("Model against the calibration table (observation model)", fontsize=10)
    if caption:
        fig.text(0.01, 0.004, caption, fontsize=6, wrap=True)
    fig.tight_layout(rect=(0, 0.02, 0.98, 1))
    target = Path(path)
    fig.savefig(target, dpi=110)
    return target


__all__ = ["comparison_figure"]
