"""Global sensitivity analysis: which varied inputs drive an outcome of an ensemble.

    result = sensitivity(store, "3f2a9c01b7de", "falls within 3 years")
    result.tables["sobol"]     # sobol designs: S1, S1_conf, ST, ST_conf per input
    result.tables["delta"]     # any design: delta, delta_conf
    result.top(3)              # the three inputs that matter most

Methods, by design of the ensemble (`uprising.experiment.design`):

- ``sobol``: first-order and total Sobol' indices (Saltelli et al. 2010, "Variance
  based sensitivity analysis of model output", Comput. Phys. Commun. 181, eqs. (b) and
  (f) of Table 2, as `SALib.analyze.sobol.analyze` computes them) with bootstrap
  confidence intervals (``*_conf``: half-width at ``conf_level``);
- ``morris``: the elementary effects' mean ``mu``, mean of absolute values ``mu_star``
  (Campolongo, Cariboni & Saltelli 2007, "An effective screening design for sensitivity
  analysis of large models", Environ. Model. Softw. 22) with its
  bootstrap interval, and standard deviation ``sigma`` (Morris 1991, "Factorial sampling
  plans for preliminary computational experiments", Technometrics 33)
  (`SALib.analyze.morris.analyze`);
- every design with varied inputs (``lhs``, ``sobol``, ``morris``, posterior draws):
  Borgonovo's moment-independent delta (Borgonovo 2007, "A new uncertainty importance
  measure", Reliab. Eng. Syst. Saf. 92: half the expected L1 distance between the
  outcome's density and its density given the input) by the given-data estimator of
  Plischke, Borgonovo & Smith (2013, "Global sensitivity measures from given data", Eur.
  J. Oper. Res. 226: the input's sorted values split into M classes of equal size), and
  PAWN (Pianosi & Wagener 2015, "A simple and efficient method for global sensitivity
  analysis based on cumulative distribution functions", Environ. Model. Softw. 67: the
  Kolmogorov-Smirnov distance between the outcome's unconditional distribution and its
  distributions over S slices of the input; `SALib.analyze.pawn.analyze`, which reports
  its minimum, mean, median, maximum and coefficient of variation over the slices).

Delta is computed here, not by `SALib.analyze.delta`: SALib 1.6 estimates every density
with a Gaussian kernel, which is undefined for a yes/no outcome (two point masses) and
took 95 to 210 s on 10,000 runs of 20 inputs on the project's machine (10 bootstrap
resamples; docs/ENSEMBLES.md, "Measured"). Here, for an
outcome with at most `DISCRETE_LEVELS` values the densities are the exact shares of each
value (the integral of the L1 distance becomes a sum); for other outcomes they are Gaussian
kernel estimates on a common grid of `GRID_BINS` bins (a binned kernel density, Silverman's
rule for the bandwidth with the class size), the same for the unconditional and the
conditional densities. Its interval is a bootstrap over runs.

The analyses refuse over failed runs unless ``allow_failed=True`` (`FailedRunsError`);
Sobol and Morris indices then use only the complete groups of the design (a Saltelli
block of D + 2 points, a trajectory of D + 1), since a partial group has no meaning.

Every index here mixes two sources of variation: the inputs, and chance (each run has
its own seed). An input that does not matter still gets a small positive delta and
PAWN from chance alone; compare it with the bootstrap interval.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Sequence
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from uprising.analysis.features import (
    describe_outcome,
    feature_table,
    latest_ensemble,
    outcome_column,
)
from uprising.errors import UprisingError
from uprising.store.results import ResultsStore

__all__ = [
    "DISCRETE_LEVELS",
    "GRID_BINS",
    "SensitivityResult",
    "delta_indices",
    "morris_indices",
    "pawn_indices",
    "sensitivity",
    "sobol_indices",
]

DISCRETE_LEVELS = 10
"""Outcomes with at most this many distinct values are treated as discrete by delta."""

GRID_BINS = 128
"""Bins of the outcome's grid for the kernel densities of delta."""

PAWN_SLICES = 10
"""S, the slices of each input in PAWN (SALib's default)."""


@dataclasses.dataclass(frozen=True)
class SensitivityResult:
    """The sensitivity indices of one outcome of one scenario of an ensemble.

    Attributes:
        ensemble_id: The ensemble.
        scenario: The scenario.
        design: The ensemble's design (``lhs``, ``sobol``, ``morris``).
        outcome: The outcome column of `uprising.analysis.features.feature_table`.
        label: A phrase for the outcome, e.g. ``P(fall within 3 years)``.
        n_runs: Successful runs analysed (Sobol and Morris: those in complete groups).
        failed: Failed runs left out.
        tables: Method name (``sobol``, ``morris``, ``delta``, ``pawn``) -> one row per
            input (index: the input's name), columns as in the module docstring.
        ranking: One row per input, most influential first: ``input``, ``score``,
            ``method`` (the column ranked: ``ST``, ``mu_star`` or ``delta``).
        mean: The outcome's mean over the runs analysed.
        conf_level: Level of the bootstrap intervals.
    """

    ensemble_id: str
    scenario: str
    design: str
    outcome: str
    label: str
    n_runs: int
    failed: int
    tables: dict[str, pd.DataFrame]
    ranking: pd.DataFrame
    mean: float
    conf_level: float

    def top(self, n: int = 3) -> list[str]:
        """The names of the ``n`` most influential inputs (of `ranking`)."""
        return [str(name) for name in self.ranking["input"].head(n)]


def sensitivity(
    store: ResultsStore,
    ensemble_id: str | None = None,
    outcome: str = "falls within 3 years",
    *,
    scenario: str | None = None,
    allow_failed: bool = False,
    num_resamples: int = 100,
    conf_level: float = 0.95,
    seed: int = 0,
    table: pd.DataFrame | None = None,
) -> SensitivityResult:
    """Sensitivity indices of an outcome over the varied inputs of an ensemble.

    Args:
        store: The results store (records ingested).
        ensemble_id: The ensemble; default: the newest one with varied inputs.
        outcome: An outcome of `feature_table` (`outcome_column` reads it), e.g.
            ``"falls within 3 years"``, ``"peak participants"``, ``"days_to_fall"``.
        scenario: The scenario; None when the ensemble has one.
        allow_failed: Leave failed runs out (and incomplete design groups) instead of
            refusing.
        num_resamples: Bootstrap resamples of every interval.
        conf_level: Level of the intervals, in (0, 1).
        seed: Seed of the bootstrap (SALib's and delta's resampling).
        table: The ensemble's `feature_table` for that scenario and ``allow_failed``,
            when already built (it is not checked); default: built here.

    Returns:
        The `SensitivityResult`: Sobol (``sobol`` designs) or Morris (``morris``) indices,
        and delta and PAWN for every design.

    Raises:
        FailedRunsError: Some runs failed and ``allow_failed`` is False.
        UprisingError: No ensemble with varied inputs, an unknown outcome, an outcome that
            is the same in every run, or an incomplete Sobol or Morris design.
    """
    if ensemble_id is None:
        ensemble_id = latest_ensemble(store)
    if table is None:
        table = feature_table(store, ensemble_id, scenario, allow_failed=allow_failed)
    design = str(table.attrs["design"])
    inputs = list(table.attrs["inputs"])
    if not inputs:
        raise UprisingError(
            f"ensemble {ensemble_id} (design {design}) varies no parameter: there is no input "
            "to rank; run a design with --vary (lhs, sobol or morris)"
        )
    column = outcome_column(table, outcome)
    y = table[column].to_numpy(dtype=float)
    if np.isnan(y).any():
        raise UprisingError(f"outcome {column} is undefined (NaN) in some runs; choose another")
    if np.ptp(y) == 0:
        raise UprisingError(
            f"outcome {column} is {y[0]:g} in every run of ensemble {ensemble_id}: "
            "nothing varies, so no input can be ranked"
        )
    bounds = table.attrs["bounds"]
    problem = {
        "num_vars": len(inputs),
        "names": inputs,
        "bounds": [list(bounds[name]) for name in inputs],
    }
    x = table[inputs].to_numpy(dtype=float)
    tables: dict[str, pd.DataFrame] = {}
    n_runs = len(y)
    if design in ("sobol", "morris"):
        size = len(inputs) + (2 if design == "sobol" else 1)
        groups = _complete_groups(table, store, ensemble_id, size, allow_failed)
        rows = np.concatenate([np.arange(g * size, (g + 1) * size) for g in groups])
        by_point = pd.Series(np.arange(len(table)), index=table["design_point"].to_numpy())
        order = by_point.loc[rows].to_numpy()
        if np.ptp(y[order]) == 0:
            raise UprisingError(f"outcome {column} is the same in every complete design group")
        n_runs = len(order)
        if design == "sobol":
            tables["sobol"] = sobol_indices(
                problem, y[order], num_resamples=num_resamples, conf_level=conf_level, seed=seed
            )
        else:
            points = _morris_points(store, ensemble_id, problem, rows)
            tables["morris"] = morris_indices(
                problem,
                points,
                y[order],
                num_resamples=num_resamples,
                conf_level=conf_level,
                seed=seed,
            )
    tables["delta"] = delta_indices(
        x, y, inputs, num_resamples=num_resamples, conf_level=conf_level, seed=seed
    )
    tables["pawn"] = pawn_indices(problem, x, y, seed=seed)
    if "sobol" in tables:
        method, scores = "ST", tables["sobol"]["ST"]
    elif "morris" in tables:
        method, scores = "mu_star", tables["morris"]["mu_star"]
    else:
        method, scores = "delta", tables["delta"]["delta"]
    ranked = scores.sort_values(ascending=False, kind="stable")
    ranking = pd.DataFrame({"input": ranked.index, "score": ranked.to_numpy(), "method": method})
    return SensitivityResult(
        ensemble_id=ensemble_id,
        scenario=str(table.attrs["scenario"]),
        design=design,
        outcome=column,
        label=describe_outcome(column),
        n_runs=n_runs,
        failed=int(table.attrs["failed"]),
        tables=tables,
        ranking=ranking,
        mean=float(np.mean(y)),
        conf_level=conf_level,
    )


def sobol_indices(
    problem: dict[str, Any],
    y: np.ndarray,
    *,
    num_resamples: int = 100,
    conf_level: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """First-order and total Sobol' indices of a Saltelli design's outputs.

    Args:
        problem: SALib's problem dict (``num_vars``, ``names``, ``bounds``).
        y: Outputs in the order of `SALib.sample.sobol.sample` with
            ``calc_second_order=False`` (N (D + 2) values).
        num_resamples: Bootstrap resamples.
        conf_level: Level of the intervals.
        seed: Seed of the bootstrap.

    Returns:
        Index: the input names; columns ``S1``, ``S1_conf``, ``ST``, ``ST_conf``.
    """
    from SALib.analyze import sobol

    result = sobol.analyze(
        problem,
        np.asarray(y, dtype=float),
        calc_second_order=False,
        num_resamples=num_resamples,
        conf_level=conf_level,
        print_to_console=False,
        seed=seed,
    )
    return _frame(problem["names"], result, ["S1", "S1_conf", "ST", "ST_conf"])


def morris_indices(
    problem: dict[str, Any],
    x: np.ndarray,
    y: np.ndarray,
    *,
    num_levels: int = 4,
    num_resamples: int = 100,
    conf_level: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Morris screening indices of a trajectory design's outputs.

    Args:
        problem: SALib's problem dict.
        x: The design points (``r (D + 1)`` rows, trajectories in order).
        y: The outputs, one per row of ``x``.
        num_levels: Grid levels of the design (`uprising.experiment.design.MORRIS_LEVELS`).
        num_resamples: Bootstrap resamples of ``mu_star``'s interval.
        conf_level: Level of the interval.
        seed: Seed of the bootstrap.

    Returns:
        Index: the input names; columns ``mu``, ``mu_star``, ``mu_star_conf``, ``sigma``.
    """
    from SALib.analyze import morris

    result = morris.analyze(
        problem,
        np.asarray(x, dtype=float),
        np.asarray(y, dtype=float),
        num_resamples=num_resamples,
        conf_level=conf_level,
        num_levels=num_levels,
        print_to_console=False,
        seed=seed,
    )
    return _frame(problem["names"], result, ["mu", "mu_star", "mu_star_conf", "sigma"])


def pawn_indices(
    problem: dict[str, Any],
    x: np.ndarray,
    y: np.ndarray,
    *,
    slices: int = PAWN_SLICES,
    seed: int = 0,
) -> pd.DataFrame:
    """PAWN indices (SALib) of any sample of inputs and outputs.

    Returns:
        Index: the input names; columns ``minimum``, ``mean``, ``median``, ``maximum``,
        ``CV`` (statistics of the KS distance over the ``slices`` slices of each input).
    """
    from SALib.analyze import pawn

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # CV of all-zero distances
        result = pawn.analyze(
            problem,
            np.asarray(x, dtype=float),
            np.asarray(y, dtype=float),
            S=slices,
            print_to_console=False,
            seed=seed,
        )
    return _frame(problem["names"], result, ["minimum", "mean", "median", "maximum", "CV"])


def delta_indices(
    x: np.ndarray,
    y: np.ndarray,
    names: Sequence[str],
    *,
    classes: int | None = None,
    num_resamples: int = 100,
    conf_level: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Borgonovo's delta of each input by the given-data estimator (module docstring).

    delta_i = 1/2 E_{X_i}[ integral |f_Y(y) - f_{Y|X_i}(y)| dy ], with X_i's runs split by
    rank into M classes of equal size, M = min(48, ceil(N ** (2 / (7 + tanh((1500 - N) /
    500))))) (the class count that SALib's delta uses).

    Args:
        x: Inputs, shape (N, D).
        y: Outputs, shape (N,).
        names: The D input names.
        classes: M; default: the formula above.
        num_resamples: Bootstrap resamples (rows drawn with replacement) of the interval.
        conf_level: Level of the interval (normal approximation, as SALib's).
        seed: Seed of the bootstrap (`numpy.random.default_rng`).

    Returns:
        Index: the input names; columns ``delta``, ``delta_conf``.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = len(y)
    if n < 4:
        raise UprisingError(f"delta needs at least 4 runs, not {n}")
    m = classes or int(min(48, math.ceil(n ** (2.0 / (7.0 + math.tanh((1500.0 - n) / 500.0))))))
    m = max(2, min(m, n // 2))
    levels = np.unique(y)
    discrete = len(levels) <= DISCRETE_LEVELS
    if discrete:
        codes = np.searchsorted(levels, y)
        width = len(levels)
        kernel = None
    else:
        low, high = float(y.min()), float(y.max())
        sd = float(np.std(y))
        bandwidth = 1.06 * sd * (n / m) ** -0.2  # Silverman's rule for one class
        pad = 3.0 * bandwidth
        edges = np.linspace(low - pad, high + pad, GRID_BINS + 1)
        step = edges[1] - edges[0]
        codes = np.clip(np.searchsorted(edges, y, side="right") - 1, 0, GRID_BINS - 1)
        width = GRID_BINS
        half = math.ceil(4.0 * bandwidth / step)
        offsets = np.arange(-half, half + 1) * step
        kernel = np.exp(-0.5 * (offsets / bandwidth) ** 2)
        kernel /= kernel.sum()
    rng = np.random.default_rng(seed)
    cls = _classes(x, m)
    point = _delta(cls, codes, m, width, kernel)
    # The bootstrap redraws runs and keeps each run's class from the whole sample, so
    # that a resample needs no new sort.
    boot = np.empty((num_resamples, x.shape[1]))
    for b in range(num_resamples):
        rows = rng.integers(0, n, size=n)
        boot[b] = _delta(cls[rows], codes[rows], m, width, kernel)
    z = NormalDist().inv_cdf(0.5 + conf_level / 2.0)
    conf = z * boot.std(axis=0, ddof=1) if num_resamples > 1 else np.full(len(point), np.nan)
    return pd.DataFrame({"delta": point, "delta_conf": conf}, index=pd.Index(names, name="input"))


# -- internals ------------------------------------------------------------------------------


def _classes(x: np.ndarray, m: int) -> np.ndarray:
    """Per run and input, its class 0 .. m - 1 by the input's rank (equal-size classes)."""
    n, d = x.shape
    cls = np.empty((n, d), dtype=np.int64)
    for j in range(d):
        rank = np.empty(n, dtype=np.int64)
        rank[np.argsort(x[:, j], kind="stable")] = np.arange(n)
        cls[:, j] = rank * m // n
    return cls


def _delta(
    cls: np.ndarray, codes: np.ndarray, m: int, width: int, kernel: np.ndarray | None
) -> np.ndarray:
    """Delta of each input, given the runs' classes and binned outcomes (`delta_indices`)."""
    from scipy.ndimage import convolve1d

    n, d = cls.shape
    uncond = np.bincount(codes, minlength=width) / n
    if kernel is not None:
        uncond = convolve1d(uncond, kernel, mode="constant")
    out = np.empty(d)
    for j in range(d):
        counts = np.bincount(cls[:, j] * width + codes, minlength=m * width).reshape(m, width)
        sizes = counts.sum(axis=1).astype(float)
        present = sizes > 0
        cond = counts[present] / sizes[present, None]
        if kernel is not None:
            cond = convolve1d(cond, kernel, axis=1, mode="constant")
        distance = 0.5 * np.abs(cond - uncond).sum(axis=1)
        out[j] = float((sizes[present] / n * distance).sum())
    return out


def _complete_groups(
    table: pd.DataFrame, store: ResultsStore, ensemble_id: str, size: int, allow_failed: bool
) -> list[int]:
    """The design groups (Saltelli blocks, Morris trajectories) with every point ok."""
    ensembles = store.ensembles()
    row = ensembles[ensembles["ensemble_id"] == ensemble_id].iloc[0]
    runs = int(row["runs"])
    points = set(int(p) for p in table["design_point"])
    complete = [g for g in range(runs) if all(g * size + i in points for i in range(size))]
    if len(complete) < runs and not allow_failed:
        raise UprisingError(
            f"ensemble {ensemble_id}: {runs - len(complete)} of its {runs} design groups lack "
            "runs (not run yet: run the ensemble again to finish it)"
        )
    if len(complete) < 2:
        raise UprisingError(f"ensemble {ensemble_id}: fewer than 2 complete design groups")
    return complete


def _morris_points(
    store: ResultsStore, ensemble_id: str, problem: dict[str, Any], rows: np.ndarray
) -> np.ndarray:
    """The Morris design's points, remade from the ensemble's definition.

    The recorded values of integer parameters are rounded, which can hide the one step
    of a trajectory; the design itself keeps it.
    """
    from uprising.experiment.design import make_design

    ensembles = store.ensembles()
    row = ensembles[ensembles["ensemble_id"] == ensemble_id].iloc[0]
    vary = [
        (name, low, high)
        for name, (low, high) in zip(problem["names"], problem["bounds"], strict=True)
    ]
    design = make_design("morris", vary, int(row["runs"]), int(row["seed"]))
    return design[rows]


def _frame(names: Sequence[str], result: Any, columns: Sequence[str]) -> pd.DataFrame:
    data = {column: np.asarray(result[column], dtype=float) for column in columns}
    return pd.DataFrame(data, index=pd.Index(list(names), name="input"))
