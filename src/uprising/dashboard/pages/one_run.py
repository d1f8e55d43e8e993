"""The A-run page: one run on the map of Belarus, day by day, with its series.

Pick an ensemble's scenario and one of its successful runs. The map shows a layer by
region on the date of the slider (the play button moves it). Participants by region are
in every run's series; detentions, prisoners and emigrants by region, and the lattice
itself, come from a recording (`uprising.dashboard.recording`): the button "Record this
run" runs it again with the same seed in the background (bit for bit the same run)
and keeps them. Until then the map shows participants only and says why.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import numpy as np
import pandas as pd
from dash import Dash, Input, Output, State, dcc, html, no_update

from uprising.dashboard import figures
from uprising.dashboard.geography import region_grid
from uprising.dashboard.pages.ensembles import entries
from uprising.dashboard.recording import LAYERS, read_lattice, read_recording, read_regions
from uprising.errors import UprisingError

SERIES = ("participants", "detentions", "political_prisoners", "emigrants", "legitimacy")
NATIONAL = {
    "participants": "participants",
    "detentions": "detentions",
    "prisoners": "political_prisoners",
    "emigrants": "emigrants",
}
PLAY_MS = 500


def layout(context: Any, search: str) -> Any:
    """The page."""
    options = entries(context)
    if not options:
        return html.Div(
            [html.H2("A run"), html.P(f"No ensemble runs in {context.gate.directory} yet.")]
        )
    return html.Div(
        [
            html.H2("A run"),
            html.Div(
                [
                    html.Label(
                        [
                            "Scenario ",
                            dcc.Dropdown(
                                options, options[0]["value"], id="run-entry", clearable=False
                            ),
                        ],
                        className="cell",
                    ),
                    html.Label(
                        ["Run ", dcc.Dropdown([], None, id="run-id", clearable=False)],
                        className="cell",
                    ),
                ],
                className="row",
            ),
            html.Div(
                [
                    dcc.RadioItems(
                        [{"label": figures.LABELS.get(x, x), "value": x} for x in LAYERS],
                        "participants",
                        id="run-layer",
                        inline=True,
                        inputStyle={"marginLeft": "12px"},
                    ),
                    html.Button("Play", id="run-play", n_clicks=0),
                    html.Button("Record this run", id="run-record", n_clicks=0),
                    html.Span(id="run-record-status"),
                ],
                className="row",
                style={"alignItems": "center"},
            ),
            html.Div(
                dcc.Slider(0, 1, 1, value=0, id="run-day", marks=None, updatemode="drag"),
                style={"margin": "12px 0"},
            ),
            html.Div(id="run-notes"),
            html.Div(
                [
                    html.Div(dcc.Graph(id="run-map"), className="cell"),
                    html.Div(id="run-lattice", className="cell"),
                ],
                className="row",
            ),
            dcc.Graph(id="run-series"),
            dcc.Interval(id="run-tick", interval=PLAY_MS, disabled=True),
            dcc.Interval(id="run-poll", interval=1000, disabled=True),
            dcc.Store(id="run-job"),
            dcc.Store(id="run-refresh", data=0),
        ]
    )


def register(app: Dash, context: Any) -> None:
    """The page's callbacks."""

    @app.callback(
        Output("run-id", "options"), Output("run-id", "value"), Input("run-entry", "value")
    )
    def runs_of(entry: str | None) -> Any:
        if not entry:
            return [], None
        eid, _, scenario = entry.partition("|")
        runs = context.gate.store.runs(eid)
        ok = runs[(runs["scenario"] == scenario) & (runs["status"] == "ok")]
        options = [
            {
                "label": f"run {row.k} (seed {row.seed}): "
                + (
                    f"falls {pd.Timestamp(row.fall_date).date()} via {row.channel}"
                    if row.outcome == "falls"
                    else "holds"
                ),
                "value": row.run_id,
            }
            for row in ok.itertuples()
        ]
        return options, options[0]["value"] if options else None

    @app.callback(
        Output("run-day", "max"),
        Output("run-day", "value"),
        Output("run-day", "marks"),
        Input("run-id", "value"),
    )
    def slider(run_id: str | None) -> Any:
        if not run_id:
            return 1, 0, None
        series = _series(context, run_id)
        dates = series["date"]
        n = len(dates)
        step = max(1, n // 6)
        marks = {i: str(dates.iloc[i].date()) for i in range(0, n, step)}
        return max(0, n - 1), 0, marks

    @app.callback(
        Output("run-map", "figure"),
        Output("run-lattice", "children"),
        Output("run-series", "figure"),
        Output("run-notes", "children"),
        Input("run-id", "value"),
        Input("run-day", "value"),
        Input("run-layer", "value"),
        Input("run-refresh", "data"),
    )
    def show(run_id: str | None, day: int | None, layer: str, _: Any) -> Any:
        if not run_id:
            blank = figures.empty_figure("choose a run")
            return blank, None, blank, None
        series = _series(context, run_id)
        day = int(min(max(day or 0, 0), len(series) - 1))
        date = series["date"].iloc[day]
        label = str(date.date())
        folder = context.gate.inside("runs", run_id)
        recording = read_recording(folder)
        notes = []
        grid = region_grid()
        national = float(series[NATIONAL[layer]].iloc[day])
        if recording is not None:
            regions = _regions(str(folder), recording["run_id"])
            today = regions[regions["day"] == day].set_index("region")
            values = [float(today[layer].get(name, np.nan)) for name in grid.names]
        elif layer == "participants":
            values = [
                float(series.get(_region_column(n), pd.Series([np.nan] * len(series))).iloc[day])
                for n in grid.names
            ]
            notes.append(
                html.Div(
                    "Participants by region are in every run's series. Detentions, "
                    "prisoners and emigrants by region, and the lattice, are kept only "
                    "for a recorded run: press Record this run (the same seed runs again, "
                    "bit for bit).",
                    className="note",
                )
            )
        else:
            values = [np.nan] * len(grid.names)
            notes.append(
                html.Div(
                    f"{figures.LABELS.get(layer, layer)} by region are not in an ensemble "
                    f"run's series (national: {national:,.0f}); press Record this run to "
                    "keep them by region.",
                    className="note",
                )
            )
        lattice = _lattice_view(folder, recording, day, series)
        return (
            figures.region_map(grid, values, layer, label, national),
            lattice,
            figures.series_figure(series, SERIES, date),
            notes,
        )

    @app.callback(
        Output("run-tick", "disabled"),
        Output("run-play", "children"),
        Input("run-play", "n_clicks"),
        State("run-tick", "disabled"),
        prevent_initial_call=True,
    )
    def play(_: int, disabled: bool) -> Any:
        return (False, "Pause") if disabled else (True, "Play")

    @app.callback(
        Output("run-day", "value", allow_duplicate=True),
        Input("run-tick", "n_intervals"),
        State("run-day", "value"),
        State("run-day", "max"),
        prevent_initial_call=True,
    )
    def advance(_: int, day: int | None, last: int | None) -> Any:
        last = int(last or 0)
        step = max(1, last // 120)
        nxt = int(day or 0) + step
        return 0 if nxt > last else nxt

    @app.callback(
        Output("run-job", "data"),
        Output("run-poll", "disabled"),
        Output("run-record-status", "children"),
        Input("run-record", "n_clicks"),
        State("run-id", "value"),
        prevent_initial_call=True,
    )
    def record(_: int, run_id: str | None) -> Any:
        if not run_id:
            return no_update, True, "choose a run first"
        if read_recording(context.gate.inside("runs", run_id)) is not None:
            return no_update, True, f"already recorded {run_id}"
        try:
            job = _submit_recording(context, run_id)
        except UprisingError as exc:
            return no_update, True, html.Span(f"cannot record: {exc}", className="bad")
        return job.job_id, False, f"recording {run_id}: queued"

    @app.callback(
        Output("run-record-status", "children", allow_duplicate=True),
        Output("run-poll", "disabled", allow_duplicate=True),
        Output("run-refresh", "data"),
        Input("run-poll", "n_intervals"),
        State("run-job", "data"),
        State("run-refresh", "data"),
        prevent_initial_call=True,
    )
    def poll(_: int, job_id: str | None, refresh: int) -> Any:
        job = context.jobs.get(job_id) if job_id else None
        if job is None:
            return "", True, no_update
        if job.state == "done":
            return f"recorded {job.result}", True, (refresh or 0) + 1
        if job.state == "failed":
            return html.Span(job.message, className="bad"), True, no_update
        return (
            [
                f"{job.label}: {job.state}, day {job.done} of {job.total} ",
                html.Progress(value=str(job.done), max=str(max(job.total, 1))),
            ],
            False,
            no_update,
        )


def _submit_recording(context: Any, run_id: str) -> Any:
    from uprising.dashboard.jobs import record_work
    from uprising.dashboard.recording import replay_scenario
    from uprising.scenarios import dumps_scenario

    store = context.gate.store
    runs = store.runs()
    row = runs[runs["run_id"] == run_id]
    if row.empty:
        raise UprisingError(f"no run {run_id} in the store")
    run = row.iloc[0]
    ensembles = store.ensembles()
    meta = ensembles[ensembles["ensemble_id"] == run["ensemble_id"]]
    if meta.empty:
        raise UprisingError(f"the ensemble of {run_id} is not registered in the store")
    scenario = replay_scenario(json.loads(meta["definition"].iloc[0]), run)
    folder = context.gate.inside("runs", run_id)
    arguments = {
        "scenario_toml": dumps_scenario(scenario),
        "seed": int(run["seed"]),
        "scale": float(run["scale"]),
        "days": int(run["days"]),
        "folder": str(folder),
        "run_id": run_id,
    }
    return context.jobs.submit(
        "record", f"record:{run_id}", f"record {run_id}", int(run["days"]), record_work(arguments)
    )


def _lattice_view(folder: Any, recording: Any, day: int, series: pd.DataFrame) -> Any:
    if recording is None:
        return html.Div(
            "The lattice is kept only for a recorded run (Record this run).", className="note"
        )
    if recording.get("lattice") != "kept":
        return html.Div(f"The lattice: {recording.get('lattice')}", className="note")
    found = read_lattice(folder, day)
    if found is None:
        return html.Div("The lattice file is missing from the recording.", className="bad")
    kept_day, kinds = found
    label = str(series["date"].iloc[min(kept_day, len(series) - 1)].date())
    return dcc.Graph(id="run-lattice-graph", figure=figures.lattice_figure(kinds, label))


@functools.lru_cache(maxsize=8)
def _cached_series(directory: str, run_id: str, store: Any) -> pd.DataFrame:
    return store.series(run_ids=[run_id])


def _series(context: Any, run_id: str) -> pd.DataFrame:
    series = _cached_series(str(context.gate.directory), run_id, context.gate.store)
    if series.empty:
        raise UprisingError(f"no series for run {run_id} (its shard is missing)")
    return series


@functools.lru_cache(maxsize=8)
def _regions(folder: str, run_id: str) -> pd.DataFrame:
    return read_regions(folder)


def _region_column(name: str) -> str:
    from uprising.outputs import region_column

    return region_column(name)
