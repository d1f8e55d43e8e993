"""The Ensembles page: fall probabilities, survival, channels and fan charts.

Every scenario of every ensemble in the store is an entry (``<ensemble_id>|<scenario>``).
The table and the horizon chart show all entries; the survival curve, the channels and
the fan charts show two chosen side by side (A and B). The figures come from the cached
summaries (`uprising.dashboard.aggregates`), computed once per ensemble.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from dash import Dash, Input, Output, dcc, html

from uprising.dashboard import figures
from uprising.dashboard.aggregates import FAN_COLUMNS, YEARS
from uprising.errors import UprisingError

CHANCE_ONLY = (
    "Chance only: the runs of {which} share one parameter point (design mc), so the "
    "probabilities and their 95 % intervals measure the model's randomness at that point, "
    "not uncertainty about the parameters."
)
DESIGN_NOTE = (
    "Design {design}: the runs of {which} spread over the varied parameters' ranges, so a "
    "probability is over that design, each point weighted alike."
)


def entries(context: Any) -> list[dict[str, Any]]:
    """One option per (ensemble, scenario) in the store, oldest ensemble first."""
    table = context.aggregates.ensembles()
    options = []
    for row in table.itertuples():
        for scenario in row.scenarios:
            options.append(
                {
                    "label": f"{scenario} - ensemble {row.ensemble_id} ({row.design or 'mc'}, "
                    f"{row.runs} runs)",
                    "value": f"{row.ensemble_id}|{scenario}",
                }
            )
    return options


def layout(context: Any, search: str) -> Any:
    """The page; ``?ensemble=<id>`` preselects that ensemble's first scenario as A."""
    options = entries(context)
    if not options:
        return html.Div(
            [
                html.H2("Ensembles"),
                html.P(
                    f"No ensemble in {context.gate.directory} yet: run one with `uprising "
                    "ensemble ... --store` on this folder, or ask on the What if page."
                ),
            ]
        )
    values = [o["value"] for o in options]
    wanted = parse_qs(search.lstrip("?")).get("ensemble", [None])[0]
    first = next((v for v in values if v.split("|")[0] == wanted), values[0])
    second = next((v for v in values if v != first), None)
    # the first view's figures come with the page (no second round trip for them)
    table, horizons = table_view(context, values)
    notes, survival, channels, fan, design = compare_view(context, first, second, FAN_COLUMNS[0])
    return html.Div(
        [
            html.H2("Ensembles"),
            html.Div(table, id="ens-table"),
            dcc.Graph(id="ens-horizons", figure=horizons, config={"displaylogo": False}),
            html.Div(
                [
                    html.Label(
                        ["A ", dcc.Dropdown(options, first, id="ens-a", clearable=False)],
                        className="cell",
                    ),
                    html.Label(["B ", dcc.Dropdown(options, second, id="ens-b")], className="cell"),
                ],
                className="row",
            ),
            html.Div(notes, id="ens-notes"),
            html.Div(
                [
                    html.Div(dcc.Graph(id="ens-survival", figure=survival), className="cell"),
                    html.Div(dcc.Graph(id="ens-channels", figure=channels), className="cell"),
                ],
                className="row",
            ),
            html.Label(
                [
                    "Fan chart of ",
                    dcc.Dropdown(
                        [{"label": figures.LABELS.get(c, c), "value": c} for c in FAN_COLUMNS],
                        FAN_COLUMNS[0],
                        id="ens-fan-column",
                        clearable=False,
                        style={"width": "320px"},
                    ),
                ]
            ),
            dcc.Graph(id="ens-fan", figure=fan),
            html.Div(design, id="ens-design"),
        ]
    )


def register(app: Dash, context: Any) -> None:
    """The page's callbacks."""

    @app.callback(
        Output("ens-table", "children"),
        Output("ens-horizons", "figure"),
        Input("ens-a", "options"),
        prevent_initial_call=True,
    )
    def table(options: list[dict[str, Any]]) -> Any:
        return table_view(context, [o["value"] for o in options or []])

    @app.callback(
        Output("ens-notes", "children"),
        Output("ens-survival", "figure"),
        Output("ens-channels", "figure"),
        Output("ens-fan", "figure"),
        Output("ens-design", "children"),
        Input("ens-a", "value"),
        Input("ens-b", "value"),
        Input("ens-fan-column", "value"),
        prevent_initial_call=True,
    )
    def compare(a: str | None, b: str | None, column: str) -> Any:
        return compare_view(context, a, b, column)


def table_view(context: Any, values: list[str]) -> tuple[Any, Any]:
    """The horizon table and chart of the given entries (``<ensemble_id>|<scenario>``)."""
    loaded = _load(context, values)
    labelled = [(label, entry) for label, entry, _ in loaded if entry is not None]
    return _horizon_table(loaded), figures.horizons_figure(labelled)


def compare_view(context: Any, a: str | None, b: str | None, column: str) -> tuple[Any, ...]:
    """Notes, survival, channels, fan chart and design figures of entries A and B."""
    chosen = [v for v in dict.fromkeys([a, b]) if v]
    loaded = _load(context, chosen)
    notes = []
    for label, entry, data in loaded:
        if entry is None:
            notes.append(html.Div(f"{label}: {data}", className="bad"))
            continue
        which = f"{label}"
        if data["chance_only"]:
            notes.append(html.Div(CHANCE_ONLY.format(which=which), className="note"))
        else:
            notes.append(
                html.Div(DESIGN_NOTE.format(design=data["design"], which=which), className="note")
            )
        if entry.get("failed"):
            notes.append(
                html.Div(
                    f"{label}: {entry['failed']} of {entry['recorded']} runs failed and are "
                    "left out of every figure (their records hold the tracebacks).",
                    className="bad",
                )
            )
        if entry.get("error"):
            notes.append(html.Div(f"{label}: {entry['error']}", className="bad"))
    shown = [(label, entry) for label, entry, _ in loaded if entry is not None]
    design = [
        html.Div(
            [
                html.H4(f"{label}: varied parameters"),
                dcc.Graph(figure=figures.design_figure(entry)),
            ]
        )
        for label, entry in shown
        if entry.get("design_points")
    ]
    if not shown:
        blank = figures.empty_figure("choose a scenario")
        return notes, blank, blank, blank, design
    return (
        notes,
        figures.survival_figure(shown),
        figures.channels_figure(shown),
        figures.fan_figure(shown, column),
        design,
    )


def _load(context: Any, values: list[str]) -> list[tuple[str, Any, Any]]:
    """(label, scenario summary or None, ensemble summary or error text) per entry."""
    out = []
    for value in values:
        eid, _, scenario = value.partition("|")
        label = f"{scenario} ({eid})"
        try:
            data = context.aggregates.get(eid)
        except UprisingError as exc:
            out.append((label, None, str(exc)))
            continue
        found = [s for s in data["scenarios"] if s["scenario"] == scenario]
        if not found:
            out.append((label, None, f"no scenario {scenario!r} in ensemble {eid}"))
        else:
            out.append((label, found[0], data))
    return out


def _horizon_table(loaded: list[tuple[str, Any, Any]]) -> Any:
    head = html.Tr(
        [html.Th(h) for h in ("scenario", "ensemble", "design", "runs ok", "failed")]
        + [html.Th(f"P(fall within {y} y) [95 %]") for y in YEARS]
        + [html.Th("main channel (5 y)")]
    )
    rows = [head]
    for _, entry, data in loaded:
        if entry is None:
            continue
        cells = []
        main = None
        for horizon in entry.get("horizons", []):
            if not horizon["observed"]:
                cells.append(html.Td("beyond the runs"))
                continue
            cells.append(
                html.Td(f"{horizon['p']:.2f} [{horizon['low']:.2f}, {horizon['high']:.2f}]")
            )
            main = horizon["main_channel"] or main
        design = data["design"] + (" (chance only)" if data["chance_only"] else "")
        rows.append(
            html.Tr(
                [
                    html.Td(entry["scenario"]),
                    html.Td(data["ensemble_id"]),
                    html.Td(design),
                    html.Td(entry["n"]),
                    html.Td(entry["failed"]),
                    *cells,
                    html.Td((main or "none (holds)").replace("_", " ")),
                ]
            )
        )
    return html.Div(
        [
            html.Table(rows, className="grid"),
            html.P(
                "Shares of successful runs fallen within each horizon, with 95 % Wilson "
                "intervals. For design mc the intervals measure chance only (the runs share "
                "one parameter point).",
                style={"fontSize": "12px"},
            ),
        ]
    )
