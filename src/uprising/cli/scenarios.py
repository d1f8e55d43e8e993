"""``uprising scenarios`` (the built-ins, one line each) and ``uprising show`` (parameters)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from uprising.cli.app import app, user_errors


@app.command("scenarios")
def scenarios_command() -> None:
    """List the built-in scenarios, one line each."""
    from uprising.scenarios import list_scenarios

    with user_errors():
        infos = list_scenarios()
    width = max(len(info.name) for info in infos)
    for info in infos:
        typer.echo(f"{info.name:<{width}}  {info.description}")


@app.command("show")
def show_command(
    scenario: Annotated[str, typer.Argument(help="Built-in scenario name or TOML path")],
    sets: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override a parameter first (repeatable)", metavar="NAME=VALUE"),
    ] = None,
) -> None:
    """Print a scenario's resolved parameters with units, ranges and sources."""
    from uprising.scenarios import apply_overrides, describe_parameters, load_scenario

    with user_errors():
        resolved = apply_overrides(load_scenario(scenario), sets or [])
        rows = describe_parameters(resolved)
    typer.echo(f"{resolved.name}: {resolved.summary}")
    typer.echo(f"source: {resolved.provenance.source}")
    section = None
    for row in rows:
        head = row.path.split(".")[0]
        if head != section:
            section = head
            typer.echo(f"\n[{section}]")
        plausible = f"; plausible {row.plausible}" if row.plausible else ""
        typer.echo(f"  {row.path} = {_show_value(row.value)} {row.unit}".rstrip())
        typer.echo(f"      allowed {row.allowed}{plausible}")
        typer.echo(f"      source: {row.source}")
    for index, event in enumerate(getattr(resolved, "events", ())):
        if section != "events":
            section = "events"
            typer.echo(
                "\n[events]  (--set/--vary address one as events.NAME.value or events.N.value)"
            )
        span = f" to {event.until}" if event.until else ""
        weekday = f", weekday {event.weekday}" if event.weekday is not None else ""
        typer.echo(
            f"  {event.date}{span}{weekday}: {event.variable} = {event.value:g} ({event.name})"
        )
        typer.echo(f"      address: events.{event.name}.value or events.{index}.value")
        typer.echo(f"      source: {event.source}")


def _show_value(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)
