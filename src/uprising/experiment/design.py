"""Designs of an ensemble: which parameter values each run uses.

    vary = [parse_vary("legitimacy.initial=0.5:0.7"), parse_vary("media.reach=0.1:0.3")]
    points = make_design("lhs", vary, runs=64, seed=1)    # 64 x 2 array of values

Five designs, after the ``--design`` option of ``uprising ensemble``:

- ``mc``: Monte Carlo over seeds only: ``runs`` points with no varied parameter (an
  array of shape ``(runs, 0)``); every run uses the scenario's own values and differs
  by its seed alone. Takes no ``--vary``.
- ``lhs``: a Latin hypercube of ``runs`` points in the box of the ``--vary`` ranges
  (`scipy.stats.qmc.LatinHypercube`, seeded with the root seed).
- ``sobol``: Saltelli's scheme for first- and total-order Sobol' indices
  (`SALib.sample.sobol.sample`, ``calc_second_order=False``): ``runs * (D + 2)`` points
  for D varied parameters. Its balance properties need ``runs`` to be a power of 2.
- ``morris``: ``runs`` Morris trajectories on a 4-level grid
  (`SALib.sample.morris.sample`): ``runs * (D + 1)`` points.
- ``grid``: the full factorial of ``--vary name=low:high:K`` (K evenly spaced values from
  low to high, both included), every combination repeated ``runs`` times with distinct
  seeds (the habit of NetLogo's BehaviorSpace and Mesa's ``batch_run``): ``runs * K1 *
  K2 * ...`` points, the repetitions of a combination next to each other, the last
  parameter varying fastest.

The rows are analysed with SALib in the same order (``SALib.analyze.sobol.analyze`` or
``SALib.analyze.morris.analyze`` with `salib_problem`), design point by design point.
Every value lies within its ``[low, high]`` range. A parameter that is an integer in
the scenario (``regime.elite_size``) takes the design value rounded to the nearest
integer (`point_overrides`), and the run records the value it used.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from uprising.errors import UprisingError

DESIGNS = ("mc", "lhs", "sobol", "morris", "grid")
"""The designs `make_design` knows, in the order of the ``--design`` help."""

MORRIS_LEVELS = 4
"""Grid levels of the Morris design (SALib's default)."""


class EnsembleError(UprisingError, ValueError):
    """An ensemble cannot be planned as asked: bad ``--vary``, design or run count."""


class Vary(NamedTuple):
    """One varied parameter: its dotted path and the range of its values."""

    name: str
    low: float
    high: float
    levels: int = 0
    """Values of the ``grid`` design (0: not given, the other designs)."""

    def spec(self) -> str:
        """The parameter as ``name=low:high`` or ``name=low:high:K`` (``--vary``)."""
        levels = f":{self.levels}" if self.levels else ""
        return f"{self.name}={self.low!r}:{self.high!r}{levels}"

    def identity(self) -> list[Any]:
        """``[name, low, high]``, with ``levels`` appended when given (the ensemble id)."""
        return [self.name, self.low, self.high] + ([self.levels] if self.levels else [])


def parse_vary(text: str) -> Vary:
    """Parse a ``--vary`` option, ``name=low:high`` or, for the grid, ``name=low:high:K``.

    Args:
        text: e.g. ``"legitimacy.initial=0.5:0.7"``, ``"regime.elite_size=100:300"`` or
            ``"events.Russia defeated.value=0.2:0.6:5"`` (5 grid values).

    Returns:
        The parsed `Vary`. Whether ``name`` exists in a scenario is checked when the
        ensemble is planned (`uprising.experiment.ensemble.plan_ensemble`).

    Raises:
        EnsembleError: Not of the form ``name=low:high``, bounds that are not finite
            numbers, or ``low >= high``.
    """
    name, sep, bounds = text.partition("=")
    name = name.strip()
    low_text, colon, high_text = bounds.partition(":")
    high_text, _, levels_text = high_text.partition(":")
    example = "e.g. --vary legitimacy.initial=0.5:0.7"
    if not sep or not colon or not name or any(not part for part in name.split(".")):
        raise EnsembleError(f"--vary {text}: expected name=low:high, {example}")
    values = []
    for label, raw in (("low", low_text), ("high", high_text)):
        try:
            value = float(raw.strip())
        except ValueError:
            raise EnsembleError(
                f"--vary {text}: {label} bound {raw.strip()!r} is not a number"
            ) from None
        if not math.isfinite(value):
            raise EnsembleError(f"--vary {text}: {label} bound must be a finite number")
        values.append(value)
    low, high = values
    if low >= high:
        raise EnsembleError(f"--vary {text}: low ({low:g}) must be below high ({high:g})")
    levels = 0
    if levels_text.strip():
        if not levels_text.strip().isdigit() or int(levels_text) < 2:
            raise EnsembleError(f"--vary {text}: K in name=low:high:K must be an integer >= 2")
        levels = int(levels_text)
    return Vary(name, low, high, levels)


def design_size(kind: str, runs: int, dimensions: int, levels: Sequence[int] = ()) -> int:
    """Number of design points (runs per scenario) of a design.

    Args:
        kind: One of `DESIGNS`.
        runs: The ``--runs`` value N.
        dimensions: Number of varied parameters D.
        levels: The grid's values per parameter (``grid`` only).

    Returns:
        N for ``mc`` and ``lhs``, N (D + 2) for ``sobol``, N (D + 1) for ``morris``,
        N K1 K2 ... for ``grid``.
    """
    _check(kind, runs, dimensions, levels)
    if kind == "grid":
        return runs * math.prod(levels)
    if kind == "sobol":
        return runs * (dimensions + 2)
    if kind == "morris":
        return runs * (dimensions + 1)
    return runs


def salib_problem(vary: Sequence[Vary | tuple[str, float, float]]) -> dict[str, Any]:
    """The SALib ``problem`` dict of the varied parameters (for sampling and analysis)."""
    items = [Vary(*item) for item in vary]
    return {
        "num_vars": len(items),
        "names": [item.name for item in items],
        "bounds": [[item.low, item.high] for item in items],
    }


def make_design(
    kind: str, vary: Sequence[Vary | tuple[str, float, float]], runs: int, seed: int
) -> np.ndarray:
    """Make the design points of an ensemble.

    Args:
        kind: ``"mc"``, ``"lhs"``, ``"sobol"`` or ``"morris"`` (see the module docstring).
        vary: The varied parameters as ``(name, low, high)``, in order; empty for ``mc``.
        runs: N: points (``mc``, ``lhs``), base samples (``sobol``) or trajectories
            (``morris``).
        seed: Seed of the design's random numbers (the ensemble's root seed).

    Returns:
        A float array of shape ``(design_size(kind, runs, len(vary)), len(vary))``: one
        row per design point, one column per varied parameter, in parameter units.

    Raises:
        EnsembleError: Unknown design, ``runs < 1``, ``--vary`` given for ``mc`` or
            missing for the other designs, or a bad range.
    """
    items = [Vary(*item) for item in vary]
    _check(kind, runs, len(items), [item.levels for item in items])
    for item in items:
        if not (math.isfinite(item.low) and math.isfinite(item.high) and item.low < item.high):
            raise EnsembleError(f"--vary {item.spec()}: low must be below high, both finite")
    dims = len(items)
    if kind == "mc":
        return np.empty((runs, 0), dtype=np.float64)
    low = np.array([item.low for item in items])
    high = np.array([item.high for item in items])
    if kind == "grid":
        axes = [np.linspace(item.low, item.high, item.levels) for item in items]
        combinations = np.array(list(itertools.product(*axes)), dtype=np.float64)
        points = np.repeat(combinations, runs, axis=0)
    elif kind == "lhs":
        from scipy.stats import qmc

        try:
            sampler = qmc.LatinHypercube(d=dims, rng=np.random.default_rng(seed))
        except TypeError:  # scipy < 1.15 names it seed
            sampler = qmc.LatinHypercube(d=dims, seed=np.random.default_rng(seed))
        unit = sampler.random(runs)
        points = low + unit * (high - low)
    elif kind == "sobol":
        from SALib.sample import sobol

        with warnings.catch_warnings():  # N not a power of 2: documented, not an error
            warnings.filterwarnings("ignore", message=".*balance properties.*")
            points = sobol.sample(salib_problem(items), runs, calc_second_order=False, seed=seed)
    else:
        from SALib.sample import morris

        points = morris.sample(salib_problem(items), runs, num_levels=MORRIS_LEVELS, seed=seed)
    points = np.clip(np.asarray(points, dtype=np.float64), low, high)
    expected = design_size(kind, runs, dims, [item.levels for item in items])
    if points.shape != (expected, dims):  # pragma: no cover - a change in SALib
        raise RuntimeError(f"{kind} design has shape {points.shape}, expected {(expected, dims)}")
    return points


def point_overrides(
    names: Sequence[str], values: Sequence[float], integer: Sequence[bool]
) -> tuple[dict[str, int | float], list[str]]:
    """The parameter values of one design point and their ``--set`` overrides.

    Args:
        names: The varied parameters' dotted paths.
        values: The design point (one value per name).
        integer: Per name, whether the scenario's field is an integer (rounded then).

    Returns:
        ``({name: value}, ["name=value", ...])``: plain Python numbers, written with
        ``repr`` so that the override parses back to the same float.
    """
    parameters: dict[str, int | float] = {}
    for name, value, is_int in zip(names, values, integer, strict=True):
        parameters[name] = round(float(value)) if is_int else float(value)
    return parameters, [f"{name}={value!r}" for name, value in parameters.items()]


MAX_RUNS = 100_000
"""Most runs in one ensemble (and the largest ``--runs``): the plan holds every run's
scenario in memory, about 30 kB each for a varied design, so 100,000 runs take ~3 GB."""


def _check(kind: str, runs: int, dimensions: int, levels: Sequence[int] = ()) -> None:
    if kind not in DESIGNS:
        raise EnsembleError(f"--design {kind}: unknown design; use one of {', '.join(DESIGNS)}")
    if isinstance(runs, bool) or not isinstance(runs, int | np.integer) or runs < 1:
        raise EnsembleError(f"--runs {runs}: must be a positive integer")
    if runs > MAX_RUNS:
        raise EnsembleError(f"--runs {runs}: at most {MAX_RUNS:,} runs in one ensemble")
    if kind == "mc" and dimensions:
        raise EnsembleError(
            "--design mc varies seeds only and takes no --vary; use --design lhs, sobol or morris"
        )
    if kind != "mc" and not dimensions:
        raise EnsembleError(f"--design {kind} needs at least one --vary name=low:high")
    if kind == "grid" and (len(levels) != dimensions or not all(k >= 2 for k in levels)):
        raise EnsembleError(
            "--design grid needs the number of values of each parameter: "
            "--vary name=low:high:K, e.g. --vary legitimacy.initial=0.5:0.7:5"
        )
    if kind != "grid" and any(levels):
        raise EnsembleError(f"--design {kind}: name=low:high:K (grid values) is for --design grid")
