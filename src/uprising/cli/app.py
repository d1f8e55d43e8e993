"""The typer app of the `uprising` command and the helpers its commands share.

Errors a user can fix print one line, ``error: ...``, and exit with status 2
(`user_errors`, `fail`); they never show a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn

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

__all__ = ["PROGRESS_MIN_STEPS", "app", "fail", "progress_bar", "user_errors"]

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
    """Turn an `UprisingError` into one ``error: ...`` line and exit status 2."""
    try:
        yield
    except UprisingError as exc:
        fail(str(exc))


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``error: message`` on stderr and exit with ``code``."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


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
