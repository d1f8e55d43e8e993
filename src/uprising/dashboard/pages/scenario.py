"""The Scenario page: every parameter with value, unit, range and source (`uprising show`).

The scenarios offered are the built-in ones and the what-if variants written into this
store (``<store>/dashboard/whatif/*.toml``), chosen by name; the server maps a name to
its file, so the browser never names a path.
"""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, dcc, html

from uprising.errors import UprisingError


def choices(context: Any) -> dict[str, str]:
    """Scenario name -> what `load_scenario` is given (a built-in name or a file path)."""
    from uprising.scenarios import builtin_names

    found = {name: name for name in builtin_names()}
    folder = context.gate.home / "whatif"
    if folder.is_dir():
        for path in sorted(folder.glob("whatif-*.toml")):
            found[path.stem] = str(path)
    return found


def layout(context: Any, search: str) -> Any:
    """The page."""
    names = list(choices(context))
    default = "belarus-2022" if "belarus-2022" in names else names[0]
    return html.Div(
        [
            html.H2("Scenario"),
            dcc.Dropdown(names, default, id="sc-name", clearable=False, style={"width": "360px"}),
            html.Div(id="sc-body"),
        ]
    )


def register(app: Dash, context: Any) -> None:
    """The page's callbacks."""

    @app.callback(Output("sc-body", "children"), Input("sc-name", "value"))
    def show(name: str) -> Any:
        from uprising.scenarios import describe_parameters, load_scenario

        source = choices(context).get(name)
        if source is None:
            return html.Div(f"no scenario {name!r}", className="bad")
        try:
            scenario = load_scenario(source)
        except UprisingError as exc:
            return html.Div(str(exc), className="bad")
        head = html.Tr(
            [html.Th(h) for h in ("parameter", "value", "unit", "allowed", "plausible", "source")]
        )
        rows = [head]
        for row in describe_parameters(scenario):
            rows.append(
                html.Tr(
                    [
                        html.Td(html.Code(row.path), title=row.description),
                        html.Td(str(row.value)),
                        html.Td(row.unit),
                        html.Td(row.allowed),
                        html.Td(row.plausible),
                        html.Td(row.source),
                    ]
                )
            )
        body = [
            html.H3(scenario.name),
            html.P(scenario.description),
            html.P(["source: ", scenario.provenance.source]),
            html.Table(rows, className="grid", id="sc-table"),
        ]
        events = getattr(scenario, "events", ())
        if events:
            body.append(html.H3("Events"))
            body.append(
                html.Table(
                    [
                        html.Tr(
                            [
                                html.Th(h)
                                for h in ("date", "until", "variable", "value", "name", "source")
                            ]
                        )
                    ]
                    + [
                        html.Tr(
                            [
                                html.Td(str(e.date)),
                                html.Td(str(e.until or "")),
                                html.Td(e.variable),
                                html.Td(f"{e.value:g}"),
                                html.Td(e.name),
                                html.Td(e.source),
                            ]
                        )
                        for e in events
                    ],
                    className="grid",
                )
            )
        return body
