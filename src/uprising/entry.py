"""The `uprising` executable: the command line with every failure as one ``error:`` line.

    uprising ...                      # console script: `main`
    python -m uprising.cli ...        # the same

`main` runs the Typer application (`uprising.cli.app`) and turns what would otherwise
print a box or a traceback into one line on stderr and an exit status:

- a usage error (an unknown option, a value out of an option's range): ``error:`` and
  click's message, exit 2;
- `uprising.errors.UprisingError` that escaped a command: its message, its
  ``exit_status``;
- the machine failing: out of memory, a full disk, a resource limit: exit 1.

Messages are folded onto one line and cut to `uprising.messages.MAX_MESSAGE`
characters. Other exceptions are bugs and keep their traceback.
"""

from __future__ import annotations

import errno
import sys
from collections.abc import Sequence
from importlib import import_module

import typer

from uprising.errors import UprisingError
from uprising.messages import one_line

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``uprising`` with ``argv`` (default: the process's arguments); the exit status.

    Args:
        argv: The arguments after the program name.

    Returns:
        0 on success, 1 when runs or the environment failed, 2 for bad input, 130 when
        interrupted (as each command documents).
    """
    from uprising.cli import app

    exits, aborts, usage = _click_exceptions()
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = app(args=args, prog_name="uprising", standalone_mode=False)
    except exits as done:
        return int(getattr(done, "exit_code", 0) or 0)
    except aborts:
        _error("interrupted")
        return 130
    except usage as exc:
        message = exc.format_message()
        if message.strip():  # no message: click printed the help (no arguments given)
            command = args[0] if args and not args[0].startswith("-") else ""
            _error(message + (f" (see uprising {command} --help)" if command else ""))
        return int(getattr(exc, "exit_code", 2) or 2)
    except UprisingError as exc:
        _error(str(exc))
        return exc.exit_status
    except MemoryError:
        _error("out of memory: the run is too large for this machine (lower the scale or grid)")
        return 1
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            _error(f"the disk is full: {exc}")
            return 1
        raise
    return int(result) if isinstance(result, int) else 0


def _click_exceptions() -> tuple[tuple[type[BaseException], ...], ...]:
    """Click's exit, abort and usage-error classes, also those Typer >= 0.22 vendors."""
    exits: list[type[BaseException]] = [typer.Exit]
    aborts: list[type[BaseException]] = [typer.Abort]
    usage: list[type[BaseException]] = []
    for name in ("click.exceptions", "typer._click.exceptions"):
        try:
            module = import_module(name)
        except ImportError:
            continue
        usage.append(module.ClickException)
        exits += [module.Exit] if hasattr(module, "Exit") else []
        aborts += [module.Abort] if hasattr(module, "Abort") else []
    return tuple(exits), tuple(aborts), tuple(usage)


def _error(message: str) -> None:
    sys.stderr.write(f"error: {one_line(message)}\n")
    sys.stderr.flush()
