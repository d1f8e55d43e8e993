"""The `uprising` command: a typer app and one module per group of commands.

    uprising scenarios
    uprising show belarus-2022
    uprising run epstein-run2 --seed 1 --steps 500 --set grid.width=200 --out out/run2
    uprising run belarus-2020 --scale 0.01 --seed 1 --days 500 --out out/belarus-2020
    uprising ensemble belarus-2022 russia-defeat --runs 10 --scale 0.005
    uprising report --store out/ensembles
    uprising sensitivity --store out/ensembles --outcome "falls within 3 years"
    uprising discover --store out/ensembles --outcome "falls within 3 years"
    uprising compare belarus-2020 --runs 10 --scale 0.01 --out out/compare
    uprising rerun --store out/ensembles --ensemble 3f2a9c01b7de --run 7

Modules:

- `app`: the typer `app` and what every command shares: `user_errors`, `fail` (one
  ``error: ...`` line, exit status 2 for input, 1 for a failed environment),
  `warn_damaged`, progress bars. The executable wraps the app in `uprising.entry.main`.
- `scenarios`: ``uprising scenarios`` and ``uprising show``.
- `run`: ``uprising run`` (through `uprising.runs.prepare_run`).
- `ensemble`: ``uprising ensemble``.
- `report`: ``uprising report``.
- `plot`: ``uprising plot`` (one run's key series as a PNG, or ``--format csv``).
- `rerun`: ``uprising rerun`` (runs of a stored ensemble again, checked bit for bit).
- `sensitivity`: ``uprising sensitivity`` and ``uprising discover``.
- `compare`: ``uprising compare`` (through `uprising.analysis.compare`).
- `dashboard`: ``uprising dashboard`` (the web app of `uprising.dashboard`).

Adding a command is a one-file job: write a module in this package that imports `app`
from `uprising.cli.app` and decorates its function with ``@app.command("name")``. Every
module of the package is imported below (in alphabetical order), which registers its
commands; nothing else needs to change. Errors a user can fix (unknown scenario, bad
file, bad ``--set``) go through `user_errors`/`fail`, never a traceback.
"""

from __future__ import annotations

import pkgutil
from importlib import import_module

from uprising.cli.app import app

COMMAND_MODULES = tuple(
    sorted(
        info.name
        for info in pkgutil.iter_modules(__path__)
        if info.name != "app" and not info.name.startswith("_")
    )
)
"""The modules of the package that define commands (all but `app` and ``__main__``)."""

for _name in COMMAND_MODULES:
    import_module(f"{__name__}.{_name}")

__all__ = ["COMMAND_MODULES", "app"]
