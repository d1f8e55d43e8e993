"""The typer app of the `uprising` command and the helpers its commands share.

Errors a user can fix print one line, ``error: ...``, and exit with status 2
(`user_errors`, `fail`); a failed environment (`uprising.errors.EnvironmentFailure`)
exits with status 1. They never show a traceback, and a long message is cut short
(`uprising.messages.one_line`). `warn_damaged` prints the runs a store took out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from uprising.errors import UprisingError
from uprising.messages import one_line

__all__ = ["PROGRESS_MIN_STEPS", "app", "fail", "progress_bar", "user_errors", "warn_damaged"]

PROGRESS_MIN_STEPS = 200
"""Runs shorter than this many ticks show no progress bar."""

app = typer.Typer(
    name="uprising",
    help="Agent-based simulator of civil resistance, repression and regime stability.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


@app.callback()
def main() -> None:
    """Agent-based simulator of civil resistance, repression and regime stability."""


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn an `UprisingError` into one ``error: ...`` line and its exit status (2 or 1)."""
    try:
        yield
    except UprisingError as exc:
        fail(str(exc), code=exc.exit_status)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``error: message`` on stderr (one line, cut short) and exit with ``code``."""
    typer.echo(f"error: {one_line(message)}", err=True)
    raise typer.Exit(code)


def warn_damaged(damaged: Iterable[Any]) -> None:
    """One ``warning:`` line per run a store took out as damaged or missing."""
    for damage in damaged:
        typer.echo(f"warning: {one_line(damage.message())}", err=True)


@contextmanager
def progress_bar(
    total: int, label: str, unit: str = "ticks"
) -> Iterator[Callable[[int], None] | None]:
    """A rich progress bar on stderr for long runs in a terminal; None otherwise."""
    console = Console(stderr=True)
    if total < PROGRESS_MIN_STEPS or not console.is_terminal:
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done: bar.update(task, completed=done)
