"""uprising: a fast, validated agent-based simulator of civil resistance and repression.

Subpackages, in dependency order:

- `engine`: struct-of-arrays state and compiled step kernels of Epstein's Model I
  (`engine.config.EngineConfig`, `engine.simulation.Simulation`).
- `models`: the Belarus model built on the engine: its daily step, its regime layer
  (`models.regime`) and its dated driver paths.
- `theory`: exact results of the literature that no model runs (threshold cascades,
  the global game), kept as tested anchors.
- `outputs`: the table of each family's output series (name, unit, kind, meaning).
- `scenarios`: the TOML scenario schema (units, ranges, sources), the registry of
  scenario families (`scenarios.families`), the loader and the built-ins.
- `runs`: `run_scenario`, one run of any scenario from Python, and its `RunRecord`.
- `analysis`: outcomes of runs: outburst statistics, ensemble analyses, horizon tables,
  the seed rule.
- `store`: run outputs (Parquet series, JSON summaries) and the results store.
- `experiment`: ensembles (designs, executors, the worker that runs one task).
- `report`: the HTML report of ensembles (Jinja2 templates) and its figures.
- `cli`: the `uprising` command, one module per command group; `entry`: its
  executable (`entry.main`), every failure one ``error:`` line.
- `errors`: the errors reported to users (`ScenarioError`, `EnvironmentFailure`) and
  their exit statuses; `messages`: one-line, length-bounded messages.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("uprising")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
