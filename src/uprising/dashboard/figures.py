"""Plotly figures of the dashboard, built from the cached summaries and run data.

Only cartesian traces (bars, lines, heat maps): Plotly's geographic traces fetch their
map outlines from a CDN, so the map of Belarus is drawn as a heat map of the lattice's
regions (`uprising.dashboard.geography`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from uprising.dashboard.geography import RegionGrid

COLOURS = ("#1f5fa8", "#c0392b", "#2e8b57", "#8e44ad", "#d68910", "#566573")
CHANNEL_COLOURS = {
    "mobilisation": "#d35400",
    "security_defection": "#1f5fa8",
    "elite_split": "#8e44ad",
    "holds": "#aab7b8",
    "unknown": "#566573",
}
KIND_NAMES = ("empty", "quiet citizen", "active citizen", "police officer")
KIND_COLOURS = ("#ffffff", "#c8d6e5", "#e74c3c", "#1b2631")
LABELS = {
    "participants": "participants",
    "political_prisoners": "political prisoners",
    "detentions": "detentions a day",
    "emigrants": "emigrants (cumulative)",
    "legitimacy": "legitimacy",
    "security_loyalty": "security-force loyalty",
    "prisoners": "political prisoners",
}


def _base(fig: go.Figure, title: str, height: int = 360) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": 15}},
        height=height,
        margin={"l": 60, "r": 20, "t": 50, "b": 40},
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        legend={"orientation": "h", "y": -0.18},
    )
    fig.update_xaxes(gridcolor="#e5e8e8", zeroline=False)
    fig.update_yaxes(gridcolor="#e5e8e8", zeroline=False)
    return fig


def empty_figure(message: str, height: int = 300) -> go.Figure:
    """A blank figure that says why there is nothing to show."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _base(fig, "", height)


def horizons_figure(entries: Sequence[tuple[str, dict[str, Any]]]) -> go.Figure:
    """P(fall within y years) with 95 % Wilson intervals, one bar group per scenario."""
    fig = go.Figure()
    for i, (label, entry) in enumerate(entries):
        rows = [r for r in entry.get("horizons", []) if r["observed"]]
        if not rows:
            continue
        p = np.array([r["p"] for r in rows], dtype=float)
        fig.add_bar(
            name=label,
            x=[f"{r['years']} y" for r in rows],
            y=p,
            marker_color=COLOURS[i % len(COLOURS)],
            text=[f"{v:.2f}" for v in p],
            textposition="outside",
            error_y={
                "type": "data",
                "symmetric": False,
                "array": np.array([r["high"] for r in rows], dtype=float) - p,
                "arrayminus": p - np.array([r["low"] for r in rows], dtype=float),
            },
            hovertemplate="%{x}: P = %{y:.2f}<extra>" + label + "</extra>",
        )
    fig.update_yaxes(range=[0, 1], title="P(regime has fallen)")
    fig.update_layout(barmode="group")
    return _base(fig, "Fall within the horizon (bars: share of runs; whiskers: 95 % interval)")


def survival_figure(entries: Sequence[tuple[str, dict[str, Any]]]) -> go.Figure:
    """P(fallen by each day) with its 95 % band, one line per scenario."""
    fig = go.Figure()
    for i, (label, entry) in enumerate(entries):
        curve = entry.get("survival")
        if not curve:
            continue
        colour = COLOURS[i % len(COLOURS)]
        dates, p = _dates(curve["date"]), _values(curve["p"])
        low, high = _values(curve["low"]), _values(curve["high"])
        fig.add_scatter(
            x=np.concatenate([dates, dates[::-1]]),
            y=np.concatenate([high, low[::-1]]),
            fill="toself",
            fillcolor=colour,
            opacity=0.18,
            line={"width": 0},
            hoverinfo="skip",
            showlegend=False,
        )
        fig.add_scatter(x=dates, y=p, name=label, line={"color": colour, "width": 2})
    fig.update_yaxes(range=[0, 1], title="P(fallen by the date)")
    return _base(fig, "Survival of the regime: share of runs fallen by each day (95 % band)")


def channels_figure(entries: Sequence[tuple[str, dict[str, Any]]]) -> go.Figure:
    """How the runs ended: the share of each channel of fall, and of ``holds``."""
    fig = go.Figure()
    names = []
    for _, entry in entries:
        for row in entry.get("channels", []):
            if row["channel"] not in names:
                names.append(row["channel"])
    labels = [label for label, _ in entries]
    for name in names:
        shares = []
        for _, entry in entries:
            found = [r["share"] for r in entry.get("channels", []) if r["channel"] == name]
            shares.append(found[0] if found else 0.0)
        fig.add_bar(
            name=name.replace("_", " "),
            y=labels,
            x=shares,
            orientation="h",
            marker_color=CHANNEL_COLOURS.get(name, "#7f8c8d"),
            hovertemplate="%{x:.0%}<extra>" + name + "</extra>",
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(range=[0, 1], tickformat=".0%")
    fig = _base(fig, "Channels of fall: share of runs at the end", height=140 + 60 * len(entries))
    fig.update_layout(legend={"orientation": "h", "y": -0.3})
    return fig


def fan_figure(entries: Sequence[tuple[str, dict[str, Any]]], column: str) -> go.Figure:
    """Fan charts of one series, scenarios side by side: median, 50 % and 90 % bands."""
    fig = make_subplots(
        rows=1, cols=max(1, len(entries)), shared_yaxes=True, subplot_titles=[e[0] for e in entries]
    )
    for i, (_, entry) in enumerate(entries):
        fan = entry.get("fans", {}).get(column)
        if not fan:
            continue
        colour = COLOURS[i % len(COLOURS)]
        dates = _dates(fan["date"])
        for low, high, opacity in (("q5", "q95", 0.15), ("q25", "q75", 0.3)):
            fig.add_scatter(
                x=np.concatenate([dates, dates[::-1]]),
                y=np.concatenate([_values(fan[high]), _values(fan[low])[::-1]]),
                fill="toself",
                fillcolor=colour,
                opacity=opacity,
                line={"width": 0},
                hoverinfo="skip",
                showlegend=False,
                row=1,
                col=i + 1,
            )
        fig.add_scatter(
            x=dates,
            y=_values(fan["q50"]),
            line={"color": colour, "width": 2},
            name=f"{entries[i][0]} median",
            row=1,
            col=i + 1,
        )
    fig.update_yaxes(title=LABELS.get(column, column), col=1)
    return _base(fig, f"{LABELS.get(column, column)}: median, 50 % and 90 % of runs", height=380)


def design_figure(entry: dict[str, Any]) -> go.Figure:
    """For a design ensemble: each run's varied value against whether it fell."""
    points = entry.get("design_points") or {}
    values, fell = points.get("values", {}), np.array(points.get("fell", []), dtype=float)
    if not values:
        return empty_figure("no varied parameters")
    fig = make_subplots(rows=1, cols=len(values), shared_yaxes=True, subplot_titles=list(values))
    rng = np.random.default_rng(0)  # jitter for display only
    for i, (name, xs) in enumerate(values.items()):
        x = np.asarray(xs, dtype=float)
        fig.add_scatter(
            x=x,
            y=fell + rng.uniform(-0.06, 0.06, len(fell)),
            mode="markers",
            marker={"size": 5, "color": np.where(fell > 0, "#c0392b", "#1f5fa8"), "opacity": 0.6},
            showlegend=False,
            hovertemplate=name + " = %{x:.4g}<extra></extra>",
            row=1,
            col=i + 1,
        )
        if len(x) >= 10:
            edges = np.quantile(x, np.linspace(0, 1, 6))
            which = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, 4)
            centres = [(edges[b] + edges[b + 1]) / 2 for b in range(5)]
            shares = [fell[which == b].mean() if np.any(which == b) else np.nan for b in range(5)]
            fig.add_scatter(
                x=centres,
                y=shares,
                mode="lines+markers",
                line={"color": "#111111"},
                name="share fallen (quintiles)",
                showlegend=i == 0,
                row=1,
                col=i + 1,
            )
    fig.update_yaxes(title="fell (1) or held (0)", col=1, range=[-0.15, 1.15])
    return _base(fig, "What decides it: each run's varied value and its outcome", height=340)


def region_map(
    grid: RegionGrid, values: Sequence[float], layer: str, day_label: str, national: float | None
) -> go.Figure:
    """The schematic map of Belarus, each region coloured by its value of ``layer``."""
    per_cell = np.asarray(values, dtype=float)[grid.region]
    names = np.asarray(grid.names, dtype=object)[grid.region]
    text = np.char.add(names.astype(str), ": ")
    text = np.char.add(text, np.vectorize(_count)(per_cell).astype(str))
    fig = go.Figure(
        go.Heatmap(
            z=per_cell,
            text=text,
            hoverinfo="text",
            colorscale="YlOrRd",
            zmin=0,
            zmax=max(1.0, float(np.nanmax(per_cell))) if np.isfinite(per_cell).any() else 1.0,
            colorbar={"title": {"text": LABELS.get(layer, layer)}},
        )
    )
    fig.add_scatter(
        x=grid.borders[0],
        y=grid.borders[1],
        mode="lines",
        line={"color": "#1b2631", "width": 1.5},
        hoverinfo="skip",
        showlegend=False,
    )
    for r, (x, y) in enumerate(grid.centres):
        name = grid.names[r]
        short = name if name == "Minsk oblast" else name.replace(" oblast", "")
        fig.add_annotation(
            x=x,
            y=y,
            text=f"{short}<br>{_count(values[r])}",
            showarrow=False,
            font={"size": 11, "color": "#111111"},
            bgcolor="rgba(255,255,255,0.65)",
        )
    fig.update_yaxes(autorange="reversed", visible=False, scaleanchor="x")
    fig.update_xaxes(visible=False)
    total = f" (national {_count(national)})" if national is not None else ""
    return _base(fig, f"{LABELS.get(layer, layer)} by region on {day_label}{total}", height=430)


def lattice_figure(kinds: np.ndarray, day_label: str) -> go.Figure:
    """The lattice on one day: each cell empty, quiet, active or police."""
    n = len(KIND_NAMES)
    scale = []
    for i, colour in enumerate(KIND_COLOURS):
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    fig = go.Figure(
        go.Heatmap(
            z=kinds,
            zmin=-0.5,
            zmax=n - 0.5,
            colorscale=scale,
            colorbar={"tickvals": list(range(n)), "ticktext": list(KIND_NAMES)},
            hovertemplate="x %{x}, y %{y}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", visible=False, scaleanchor="x")
    fig.update_xaxes(visible=False)
    return _base(fig, f"The lattice on {day_label} (one cell a pixel)", height=430)


def series_figure(series: pd.DataFrame, columns: Sequence[str], marker: Any) -> go.Figure:
    """A run's daily series, one panel per column, with the chosen date marked."""
    fig = make_subplots(
        rows=len(columns),
        cols=1,
        shared_xaxes=True,
        subplot_titles=[LABELS.get(c, c) for c in columns],
        vertical_spacing=0.06,
    )
    for i, column in enumerate(columns):
        if column not in series:
            continue
        fig.add_scatter(
            x=series["date"],
            y=series[column],
            line={"color": COLOURS[i % len(COLOURS)], "width": 1.5},
            showlegend=False,
            row=i + 1,
            col=1,
        )
    fig.add_vline(x=pd.Timestamp(marker).timestamp() * 1000, line={"color": "#555", "dash": "dot"})
    return _base(fig, "The run's series (dotted: the date shown)", height=110 + 120 * len(columns))


def _dates(values: Sequence[str]) -> np.ndarray:
    """ISO dates as datetime64 (Plotly checks numpy arrays at once, lists item by item)."""
    return np.asarray(values, dtype="datetime64[D]")


def _values(values: Sequence[float | None]) -> np.ndarray:
    return np.asarray([np.nan if v is None else v for v in values], dtype=float)


def _count(value: Any) -> str:
    if value is None or not np.isfinite(value):
        return "-"
    value = float(value)
    if abs(value) >= 1e6:
        return f"{value / 1e6:.2f} M"
    if abs(value) >= 1e4:
        return f"{value / 1e3:.0f} k"
    return f"{value:,.0f}"
