"""The dashboard's web app: its pages, the shared state they use, and how it is served.

    app = create_app("out/ensembles")
    serve(app, host="127.0.0.1", port=8050)

`create_app` builds a Dash app over one results store. Dash serves its JavaScript and
CSS from the Python packages themselves (``serve_locally``); the app adds no external
script, style sheet or font, and its figures use no geographic traces (whose outlines
Plotly would fetch from a CDN), so it works with no network.

Pages (`uprising.dashboard.pages`): ``/`` Ensembles, ``/run`` A run, ``/whatif``
What if, ``/scenario`` Scenario. Browser input never names a file: pages choose
ensembles, runs and scenarios by id or name from lists the server made, and every
file the dashboard writes is under ``<store>/dashboard`` (`StoreGate.inside`).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dash import Dash, Input, Output, dcc, html

from uprising.dashboard.aggregates import Aggregates
from uprising.dashboard.gate import StoreGate
from uprising.dashboard.jobs import JobQueue

PAGES = (
    ("/", "Ensembles"),
    ("/run", "A run"),
    ("/whatif", "What if"),
    ("/scenario", "Scenario"),
)

STYLE = """
body { font-family: system-ui, sans-serif; margin: 0; color: #1b2631; background: #fafafa; }
header { background: #1b2631; color: #fff; padding: 10px 20px; display: flex; gap: 24px;
         align-items: baseline; }
header a { color: #d6eaf8; text-decoration: none; font-weight: 600; }
header a:hover { text-decoration: underline; }
main { padding: 12px 20px 40px; max-width: 1400px; }
.note { background: #fef9e7; border-left: 4px solid #d68910; padding: 6px 10px;
        margin: 8px 0; }
.bad { background: #fdedec; border-left: 4px solid #c0392b; padding: 6px 10px;
       margin: 8px 0; }
.row { display: flex; gap: 16px; flex-wrap: wrap; align-items: flex-end; }
.cell { flex: 1 1 560px; min-width: 420px; }
.field { display: flex; flex-direction: column; margin: 4px 8px 4px 0; font-size: 13px; }
table.grid { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
table.grid td, table.grid th { border: 1px solid #d5d8dc; padding: 3px 6px;
                               vertical-align: top; text-align: left; }
table.grid th { background: #eaecee; }
button { padding: 6px 14px; font-size: 14px; cursor: pointer; }
progress { width: 320px; height: 16px; }
"""


@dataclass
class Context:
    """What the pages share: the store, its cached summaries and the job queue.

    Attributes:
        gate: The door to the results store.
        aggregates: Cached ensemble summaries.
        jobs: Background jobs (what-if ensembles, recordings).
        workers: Worker processes a what-if ensemble uses.
    """

    gate: StoreGate
    aggregates: Aggregates
    jobs: JobQueue
    workers: int


def create_app(
    store: str | os.PathLike[str], *, workers: int | None = None, warm: bool = True
) -> Dash:
    """The dashboard over the results store at ``store`` (created if absent).

    Args:
        store: The results store's folder.
        workers: Worker processes per what-if ensemble (default: up to 2, the CPUs).
        warm: Compute the ensembles' summaries in the background at start.

    Returns:
        The Dash app; ``app.server`` is its Flask server and ``app.uprising`` its
        `Context`.
    """
    from uprising.dashboard.pages import ensembles, one_run, scenario, what_if

    gate = StoreGate(store)
    aggregates = Aggregates(gate)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    context = Context(gate, aggregates, JobQueue(gate), workers or max(1, min(2, cpus or 1)))
    app = Dash(
        __name__,
        title="uprising dashboard",
        update_title=None,
        serve_locally=True,
        suppress_callback_exceptions=True,
        assets_folder=str(gate.home / "no-assets"),
        external_scripts=[],
        external_stylesheets=[],
    )
    app.index_string = _INDEX.replace("{style}", STYLE)
    app.layout = html.Div(
        [
            dcc.Location(id="url"),
            html.Header(
                [html.Strong("uprising")]
                + [
                    dcc.Link(name, href=path, id=f"nav-{path.strip('/') or 'ensembles'}")
                    for path, name in PAGES
                ]
                + [html.Span(_shown(gate.directory), style={"fontSize": "12px", "opacity": 0.7})]
            ),
            html.Main(id="page"),
        ]
    )
    pages = {"/": ensembles, "/run": one_run, "/whatif": what_if, "/scenario": scenario}
    for module in pages.values():
        module.register(app, context)

    @app.callback(Output("page", "children"), Input("url", "pathname"), Input("url", "search"))
    def show_page(pathname: str | None, search: str | None) -> Any:
        module = pages.get(pathname or "/")
        if module is None:
            return html.P(f"No page {pathname}: the pages are " + ", ".join(p for p, _ in PAGES))
        return module.layout(context, search or "")

    app.uprising = context  # type: ignore[attr-defined]
    if warm:
        threading.Thread(target=_warm, args=(aggregates,), daemon=True).start()
    return app


def serve(app: Dash, host: str = "127.0.0.1", port: int = 8050) -> None:
    """Serve the app until interrupted (Werkzeug's threaded server)."""
    app.run(host=host, port=port, debug=False, dev_tools_ui=False, dev_tools_hot_reload=False)


def _shown(directory: Path) -> str:
    """The store's folder as shown in the header: relative to the working folder if inside."""
    try:
        return str(directory.relative_to(Path.cwd()))
    except ValueError:
        return str(directory)


def _warm(aggregates: Aggregates) -> None:
    try:
        aggregates.warm()
    except Exception:  # a page view computes what is missing and says why
        pass


_INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
{%metas%}
<title>{%title%}</title>
{%favicon%}
{%css%}
<style>{style}</style>
</head>
<body>
{%app_entry%}
<footer>
{%config%}
{%scripts%}
{%renderer%}
</footer>
</body>
</html>
"""
