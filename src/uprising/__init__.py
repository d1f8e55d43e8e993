"""uprising: a fast, validated agent-based simulator of civil resistance and repression.

Subpackages, in dependency order:

- `engine`: struct-of-arrays state and compiled step kernels of Epstein's Model I
  (`engine.config.EngineConfig`, `engine.simulation.Simulation`).
- `models`: the Belarus model built on the engine: its daily step, its regime layer
  (`models.regime`) and its dated driver paths.
- `theory`: exact results of the literature that no model runs (threshold cascades,
  the global game), kept as tested anchors.
- `scenarios`: the TOML scenario schema (units, ranges, sources), loader and built-ins.
- `analysis`: outcomes of runs, such as outburst statistics.
- `store`: run outputs (Parquet series, JSON summaries) and run records.
- `cli`: the `uprising` command.
- `errors`: the errors reported to users (`ScenarioError`).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("uprising")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
