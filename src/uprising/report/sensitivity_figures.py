"""Figures of sensitivity analysis and scenario discovery (matplotlib Agg, no ``pyplot``).

- `indices_figure`: horizontal bars of each input's indices with their bootstrap
  intervals (Sobol' S1 and ST, or Morris mu*, then delta and PAWN's median), most
  influential input on top (from `uprising.analysis.sensitivity.SensitivityResult`).
- `morris_figure`: Morris's mu* against sigma, one labelled point per input.
- `tradeoff_figure`: PRIM's peeling trajectory, coverage against density, coloured by
  the number of restricted inputs, the chosen box circled (from
  `uprising.analysis.discovery.Discovery`).
- `box_figure`: the chosen box's range of each restricted input, drawn within the
  input's full range and normalised to it, with the quasi-p-values.
"""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from uprising.analysis.discovery import Discovery
from uprising.analysis.sensitivity import SensitivityResult

__all__ = ["box_figure", "indices_figure", "morris_figure", "tradeoff_figure"]


def indices_figure(result: SensitivityResult) -> Figure:
    """Bars of the indices per input, one panel per method, with their intervals."""
    order = list(result.ranking["input"])[::-1]
    panels: list[tuple[str, list[tuple[str, str | None]]]] = []
    if "sobol" in result.tables:
        panels.append(("Sobol' indices", [("S1", "S1_conf"), ("ST", "ST_conf")]))
    if "morris" in result.tables:
        panels.append(("Morris mu*", [("mu_star", "mu_star_conf")]))
    panels.append(("delta (moment-independent)", [("delta", "delta_conf")]))
    panels.append(("PAWN (median KS)", [("median", None)]))
    tables = {"S1": "sobol", "ST": "sobol", "mu_star": "morris", "delta": "delta", "median": "pawn"}
    height = 1.2 + 0.32 * len(order)
    figure = _figure(3.2 * len(panels) + 1.5, height)
    axes = figure.subplots(1, len(panels), sharey=True, squeeze=False)[0]
    y = np.arange(len(order))
    for ax, (title, columns) in zip(axes, panels, strict=True):
        width = 0.8 / len(columns)
        for i, (column, conf) in enumerate(columns):
            frame = result.tables[tables[column]].loc[order]
            values = frame[column].to_numpy(dtype=float)
            errors = frame[conf].to_numpy(dtype=float) if conf else None
            ax.barh(
                y + (i - (len(columns) - 1) / 2) * width,
                values,
                height=width,
                xerr=errors,
                label=column,
                capsize=2,
            )
        ax.set_title(title, fontsize=9)
        ax.axvline(0.0, color="#888", linewidth=0.6)
        if len(columns) > 1:
            ax.legend(fontsize=7, loc="lower right")
        ax.tick_params(labelsize=7)
    axes[0].set_yticks(y, order)
    figure.suptitle(f"{result.label}: sensitivity to the inputs", fontsize=10)
    return figure


def morris_figure(result: SensitivityResult) -> Figure:
    """Morris mu* against sigma (inputs high on both act non-linearly or in interaction)."""
    frame = result.tables["morris"]
    figure = _figure(5.0, 4.0)
    ax = figure.subplots()
    ax.errorbar(frame["mu_star"], frame["sigma"], xerr=frame["mu_star_conf"], fmt="o", capsize=2)
    for name, row in frame.iterrows():
        ax.annotate(
            str(name),
            (row["mu_star"], row["sigma"]),
            fontsize=7,
            xytext=(3, 3),
            textcoords="offset points",
        )
    ax.set_xlabel("mu* (mean absolute elementary effect)")
    ax.set_ylabel("sigma (standard deviation of the effects)")
    ax.set_title(f"Morris screening of {result.label}", fontsize=10)
    return figure


def tradeoff_figure(found: Discovery) -> Figure:
    """PRIM's peeling trajectory: coverage against density, the chosen box circled."""
    path = found.trajectory
    figure = _figure(5.5, 4.2)
    ax = figure.subplots()
    points = ax.scatter(path["coverage"], path["density"], c=path["res_dim"], cmap="viridis", s=18)
    chosen = path.loc[found.chosen]
    ax.scatter(
        [chosen["coverage"]],
        [chosen["density"]],
        s=140,
        facecolors="none",
        edgecolors="#d62728",
        linewidths=1.5,
        label=f"box {found.chosen} (reported)",
    )
    ax.axhline(
        found.base_rate,
        color="#888",
        linestyle="--",
        linewidth=0.8,
        label=f"all runs ({found.base_rate:.2f})",
    )
    colourbar = figure.colorbar(points, ax=ax)
    colourbar.set_label("restricted inputs")
    ax.set_xlabel("coverage (share of the cases inside the box)")
    ax.set_ylabel("density (share of the box's runs that are cases)")
    ax.set_xlim(0.0, 1.05)
    ax.set_ylim(0.0, 1.05)
    ax.legend(fontsize=7, loc="lower left")
    ax.set_title(f"PRIM peeling trajectory: {found.label}", fontsize=10)
    return figure


def box_figure(found: Discovery) -> Figure:
    """The chosen box's limits per restricted input, normalised to the input's range."""
    limits = found.limits
    figure = _figure(6.0, 1.0 + 0.45 * max(len(limits), 1))
    ax = figure.subplots()
    names = list(limits.index)[::-1]
    for i, name in enumerate(names):
        row = limits.loc[name]
        span = row["full_high"] - row["full_low"] or 1.0
        low = (row["low"] - row["full_low"]) / span
        high = (row["high"] - row["full_low"]) / span
        ax.plot([0, 1], [i, i], color="#ddd", linewidth=6, solid_capstyle="butt")
        ax.plot([low, high], [i, i], color="#1f77b4", linewidth=6, solid_capstyle="butt")
        ax.annotate(
            f"{row['low']:.3g}",
            (low, i),
            xytext=(0, 6),
            textcoords="offset points",
            fontsize=7,
            ha="center",
        )
        ax.annotate(
            f"{row['high']:.3g}",
            (high, i),
            xytext=(0, 6),
            textcoords="offset points",
            fontsize=7,
            ha="center",
        )
        qp = [v for v in (row["qp_low"], row["qp_high"]) if np.isfinite(v)]
        text = ", ".join(f"{v:.2g}" for v in qp)
        ax.annotate(f"qp {text}", (1.02, i), fontsize=7, va="center", annotation_clip=False)
    ax.set_yticks(range(len(names)), names)
    ax.set_xlim(-0.02, 1.25)
    ax.set_ylim(-0.7, len(names) - 0.3)
    ax.set_xticks([0, 0.5, 1], ["low end", "", "high end"])
    ax.tick_params(labelsize=7)
    ax.set_title(
        f"Box {found.chosen}: coverage {found.coverage:.2f}, density {found.density:.2f}",
        fontsize=10,
    )
    return figure


def _figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure
