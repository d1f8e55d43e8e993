"""The What-if page: change a base scenario's drivers and parameters, run an ensemble.

The form builds a request (`uprising.dashboard.whatif`); "Start" checks it, writes the
variant's scenario file into the store and queues the ensemble (`JobQueue`). The page
polls the job once a second and shows its progress; when it finishes, the fall
probabilities appear with a link to the Ensembles page. The jobs of every tab are
listed, since they share one queue.
"""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, dcc, html, no_update

from uprising.dashboard.pages.ensembles import CHANCE_ONLY
from uprising.dashboard.whatif import (
    KEY_PARAMETERS,
    LIMITS,
    PEOPLE,
    base_scenarios,
    check_request,
    parameter_bounds,
    write_scenario,
)
from uprising.errors import UprisingError


def _param_id(path: str) -> str:
    return "wi-p-" + path.replace(".", "-")


def _field(label: str, control: Any, hint: str = "") -> Any:
    children = [html.Span(label), control]
    if hint:
        children.append(html.Small(hint, style={"color": "#666"}))
    return html.Label(children, className="field")


def _number(id_: str, value: Any, step: Any = "any") -> Any:
    """A number field, unbounded in the browser: the server checks the range and says why."""
    return dcc.Input(id=id_, type="number", value=value, step=step, style={"width": "120px"})


def _date(id_: str, placeholder: str) -> Any:
    return dcc.Input(id=id_, type="text", placeholder=placeholder, style={"width": "120px"})


def layout(context: Any, search: str) -> Any:
    """The page."""
    bases = base_scenarios()
    default = "belarus-2022" if "belarus-2022" in bases else bases[0]
    limits = LIMITS
    parameters = []
    for path in KEY_PARAMETERS:
        bounds = parameter_bounds(path)
        hint = f"{bounds.unit}; allowed [{bounds.low:g}, {bounds.high:g}]"
        if bounds.plausible:
            hint += f"; plausible {bounds.plausible}"
        parameters.append(_field(path, _number(_param_id(path), None), hint))
    return html.Div(
        [
            html.H2("What if"),
            html.P(
                "Start from a built-in scenario, change what you want to ask about, and run "
                "an ensemble in the background. Leave a field empty to keep the base's value. "
                "The results are stored like any ensemble (the command line and the report "
                "see them)."
            ),
            html.Div(
                [
                    _field(
                        "base scenario",
                        dcc.Dropdown(
                            bases, default, id="wi-base", clearable=False, style={"width": "240px"}
                        ),
                    ),
                    _field(
                        "runs",
                        _number("wi-runs", 20, 1),
                        f"1 to {limits.max_runs}",
                    ),
                    _field(
                        "scale",
                        _number("wi-scale", 0.002),
                        f"agents per person, {limits.min_scale:g} to {limits.max_scale:g}",
                    ),
                    _field(
                        "days",
                        _number("wi-days", 730, 1),
                        f"{limits.min_days} to {limits.max_days}",
                    ),
                    _field("seed", _number("wi-seed", 0, 1), "root seed"),
                ],
                className="row",
            ),
            html.Small(
                f"At most {limits.max_agent_days:.0e} agent-days (runs x scale x "
                f"{PEOPLE:,} people x days)."
            ),
            html.H3("Drivers"),
            html.Div(id="wi-start-date"),
            html.Div(
                [
                    _field("Russian support", _number("wi-rs", None), "index, 0 to 3"),
                    _field("from", _date("wi-rs-date", "YYYY-MM-DD")),
                    _field(
                        "ramp until",
                        _date("wi-rs-until", "(optional)"),
                    ),
                    _field("sanctions", _number("wi-sa", None), "index, 0 to 5"),
                    _field("from", _date("wi-sa-date", "YYYY-MM-DD")),
                    _field(
                        "ramp until",
                        _date("wi-sa-until", "(optional)"),
                    ),
                ],
                className="row",
            ),
            html.Div(
                [
                    _field(
                        "repression policy",
                        dcc.Dropdown(
                            [
                                {"label": "(as the base)", "value": ""},
                                {"label": "optimise (the regime chooses)", "value": "optimise"},
                                {"label": "fixed (the path given)", "value": "fixed"},
                            ],
                            "",
                            id="wi-policy",
                            clearable=False,
                            style={"width": "260px"},
                        ),
                    ),
                    _field(
                        "repression level",
                        _number("wi-level", None),
                        "multiplier, 1 = 2020; 0 to 10",
                    ),
                    _field(
                        "call to protest on",
                        _date("wi-call-date", "YYYY-MM-DD"),
                    ),
                    _field(
                        "until",
                        _date("wi-call-until", "(optional)"),
                    ),
                    _field("strength", _number("wi-call", None), "0 to 1"),
                ],
                className="row",
            ),
            html.H3("Key parameters"),
            html.Div(parameters, className="row"),
            html.Div(
                [html.Button("Start the ensemble", id="wi-start", n_clicks=0)],
                style={"margin": "14px 0"},
            ),
            html.Div(id="wi-message"),
            html.Div(id="wi-progress"),
            html.Div(id="wi-result"),
            html.H3("Jobs"),
            html.Div(id="wi-jobs"),
            dcc.Store(id="wi-job"),
            dcc.Interval(id="wi-poll", interval=1000),
        ]
    )


def register(app: Dash, context: Any) -> None:
    """The page's callbacks."""
    parameter_inputs = [State(_param_id(path), "value") for path in KEY_PARAMETERS]

    @app.callback(
        Output("wi-start-date", "children"),
        *[Output(_param_id(path), "placeholder") for path in KEY_PARAMETERS],
        Input("wi-base", "value"),
    )
    def base_values(base: str) -> Any:
        from uprising.scenarios import load_scenario

        scenario = load_scenario(base)
        data = scenario.model_dump(mode="json")
        note = html.Small(
            f"{base} starts on {scenario.run.start} and runs {scenario.run.days} days; "
            "dates must fall on or after its start. Its events: "
            + "; ".join(f"{e.variable} {e.value:g} from {e.date}" for e in scenario.events)
        )
        placeholders = [str(data[p.split(".")[0]][p.split(".")[1]]) for p in KEY_PARAMETERS]
        return note, *placeholders

    @app.callback(
        Output("wi-message", "children"),
        Output("wi-job", "data"),
        Input("wi-start", "n_clicks"),
        State("wi-base", "value"),
        State("wi-runs", "value"),
        State("wi-scale", "value"),
        State("wi-days", "value"),
        State("wi-seed", "value"),
        State("wi-rs", "value"),
        State("wi-rs-date", "value"),
        State("wi-rs-until", "value"),
        State("wi-sa", "value"),
        State("wi-sa-date", "value"),
        State("wi-sa-until", "value"),
        State("wi-policy", "value"),
        State("wi-level", "value"),
        State("wi-call-date", "value"),
        State("wi-call-until", "value"),
        State("wi-call", "value"),
        *parameter_inputs,
        prevent_initial_call=True,
    )
    def start(_: int, base: str, runs: Any, scale: Any, days: Any, seed: Any, *rest: Any) -> Any:
        (
            rs,
            rs_date,
            rs_until,
            sa,
            sa_date,
            sa_until,
            policy,
            level,
            call_date,
            call_until,
            call,
        ) = rest[:11]
        values = rest[11:]
        request: dict[str, Any] = {
            "base": base,
            "runs": runs,
            "scale": scale,
            "days": days,
            "seed": 0 if seed is None else seed,
            "repression": {"policy": policy or None, "level": level},
            "parameters": dict(zip(KEY_PARAMETERS, values, strict=True)),
        }
        if rs is not None or rs_date:
            request["russian_support"] = {"value": rs, "date": rs_date, "until": rs_until}
        if sa is not None or sa_date:
            request["sanctions"] = {"value": sa, "date": sa_date, "until": sa_until}
        if call is not None or call_date:
            request["protest_call"] = {"strength": call, "date": call_date, "until": call_until}
        try:
            job = submit(context, request)
        except UprisingError as exc:
            return html.Div(f"Not started: {exc}", className="bad"), no_update
        return html.Div(f"Queued: {job.label}", className="note"), job.job_id

    @app.callback(
        Output("wi-progress", "children"),
        Output("wi-result", "children"),
        Output("wi-jobs", "children"),
        Input("wi-poll", "n_intervals"),
        Input("wi-job", "data"),
    )
    def poll(_: Any, job_id: str | None) -> Any:
        jobs = context.jobs.jobs()
        listing = (
            html.Table(
                [html.Tr([html.Th(h) for h in ("job", "what", "state", "done", "message")])]
                + [
                    html.Tr(
                        [
                            html.Td(j.job_id),
                            html.Td(j.label),
                            html.Td(j.state, className=f"state-{j.state}"),
                            html.Td(f"{j.done} / {j.total}"),
                            html.Td(j.message),
                        ]
                    )
                    for j in jobs
                ],
                className="grid",
            )
            if jobs
            else html.P("No job yet.")
        )
        job = context.jobs.get(job_id) if job_id else None
        if job is None:
            return None, None, listing
        bar = html.Div(
            [
                html.Span(
                    f"{job.label}: {job.state}, {job.done} of {job.total} runs "
                    f"({job.failed} failed) ",
                    id="wi-state",
                    **{"data-state": job.state},
                ),
                html.Progress(value=str(job.done), max=str(max(job.total, 1))),
            ]
        )
        if job.state == "failed":
            return [bar, html.Div(job.message, className="bad")], None, listing
        if job.state != "done":
            return bar, None, listing
        return bar, _result(context, job.result), listing


def submit(context: Any, request: dict[str, Any]) -> Any:
    """Check a what-if request, write its scenario and queue its ensemble.

    Raises:
        UprisingError: The request is refused (the message says which field and why).
    """
    from uprising.dashboard.jobs import ensemble_work
    from uprising.experiment import EnsembleError, plan_ensemble

    whatif = check_request(request, context.gate.inside("whatif"))
    path = write_scenario(whatif)
    try:
        plan = plan_ensemble(
            [path], runs=whatif.runs, seed=whatif.seed, scale=whatif.scale, days=whatif.days
        )
    except EnsembleError as exc:
        raise UprisingError(str(exc)) from None
    label = (
        f"{whatif.scenario.name}: {whatif.runs} runs, scale {whatif.scale:g}, {whatif.days} days"
    )
    work = ensemble_work(plan, context.gate, context.workers, context.aggregates.get)
    return context.jobs.submit("whatif", plan.ensemble_id, label, plan.total, work)


def _result(context: Any, ensemble_id: str | None) -> Any:
    if not ensemble_id:
        return None
    try:
        data = context.aggregates.get(ensemble_id)
    except UprisingError as exc:
        return html.Div(str(exc), className="bad")
    blocks = [html.Div(CHANCE_ONLY.format(which=f"ensemble {ensemble_id}"), className="note")]
    for entry in data["scenarios"]:
        cells = [
            f"{h['years']} y: {h['p']:.2f} [{h['low']:.2f}, {h['high']:.2f}]"
            if h["observed"]
            else f"{h['years']} y: beyond the runs"
            for h in entry.get("horizons", [])
        ]
        blocks.append(
            html.P(
                f"{entry['scenario']} ({entry['n']} runs ok, {entry['failed']} failed): "
                + "; ".join(cells),
                id="wi-summary",
            )
        )
    blocks.append(
        dcc.Link("See it on the Ensembles page", href=f"/?ensemble={ensemble_id}", id="wi-link")
    )
    return blocks
