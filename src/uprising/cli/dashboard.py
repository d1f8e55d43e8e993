"""``uprising dashboard``: the web dashboard over a results store (`uprising.dashboard`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from uprising.cli.app import app, fail, user_errors

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@app.command("dashboard")
def dashboard_command(
    store: Annotated[
        Path, typer.Option(help="Results store folder (results.duckdb and shards/)")
    ] = Path("out/ensembles"),
    host: Annotated[
        str,
        typer.Option(help="Address to listen on; anything but loopback exposes the store"),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on", min=1, max=65535)] = 8050,
    workers: Annotated[
        int | None,
        typer.Option(help="Worker processes per what-if ensemble [default: up to 2]", min=1),
    ] = None,
) -> None:
    """Serve the dashboard (ensembles, a run on the map, what-if, scenarios) in a browser.

    It works with no network: every script and style is served by the app itself.
    """
    from uprising.dashboard.app import create_app, serve

    if store.exists() and not store.is_dir():
        fail(f"--store {store}: not a folder")
    with user_errors():
        app_ = create_app(store, workers=workers)
    if host not in LOOPBACK:
        typer.echo(
            f"warning: listening on {host}: anyone who can reach it can read the store and "
            "start ensembles",
            err=True,
        )
    typer.echo(
        f"uprising dashboard on http://{host}:{port}/ (store {app_.uprising.gate.directory})"
    )
    serve(app_, host=host, port=port)
