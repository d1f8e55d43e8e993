"""Scenario discovery: the region of the inputs in which the regime falls (PRIM, CART).

    found = discover(store, "3f2a9c01b7de", "falls within 3 years")
    found.sentence     # 'P(fall within 3 years) is 0.71 when population.threshold < 0.52 ...'
    found.trajectory   # the peeling trajectory: coverage, density, mass, res_dim per box
    found.limits       # the chosen box: low, high and quasi-p-values per restricted input
    found.stability    # per input: share of resamples that restrict it again
    found.cart         # CART's leaves: bounds, coverage, density, mass

PRIM, the Patient Rule Induction Method (Friedman & Fisher 1999, "Bump hunting in
high-dimensional data", Statistics and Computing 9: peeling then pasting), in the form
that Bryant & Lempert (2010, "Thinking inside the box: a participatory, computer-assisted
approach to scenario discovery", Technol. Forecast. Soc. Change 77) made the
standard of scenario discovery: a peeling trajectory of boxes that trade coverage (the
share of the cases of interest inside the box) against density (the share of the runs in
the box that are cases of interest), and quasi-p-values, a one-sided binomial test of
each restriction. The implementation is the EMA Workbench's
(`ema_workbench.analysis.prim.Prim`, Kwakkel 2017, Environ. Model. Softw. 96); why that
one is in docs/ENSEMBLES.md.

The box reported is the one of the trajectory with the highest density among those whose
coverage is at least ``min_coverage`` (default `MIN_COVERAGE`): a region that holds most
of the cases and in which they are likeliest. Bryant & Lempert (2010) leave
the choice to the analyst; this fixed rule lets a report be written without one. On
their biofuels data it picks box 22 of the trajectory, next to the box 21 that the
Workbench's example of that study inspects. The sentence names the restrictions whose
quasi-p-value is `SIGNIFICANT` or more: those may be chance.

Resampling stability (Bryant & Lempert 2010, reproducibility of a box): PRIM is run again on
``resamples`` random halves of the runs; for each input, the share of those runs in
which the box nearest in coverage (``reproduce_coverage``) or in density
(``reproduce_density``) to the chosen one restricts the input. This is the statistic of
the Workbench's ``PrimBox.resample``, computed here with a seeded generator (the
Workbench draws from NumPy's global generator).

CART (Breiman et al. 1984, "Classification and Regression Trees") as a second view: a
classification tree (scikit-learn's, built as the Workbench's ``CART`` builds it, seeded
here) whose leaves are boxes with their own coverage and density.

A box's density is a share of runs that differ in their inputs and in their seeds: it
mixes the inputs' effect with chance. The chance part alone is what runs at one
parameter point would show.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import warnings
from collections.abc import Iterator
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

__all__ = ["Discovery", "discover", "find_box"]

PEEL_ALPHA = 0.05
"""Share of the runs peeled off at each step of PRIM (Friedman & Fisher 1999: 0.05-0.1)."""

MIN_COVERAGE = 0.7
"""Lowest coverage of the reported box, by default."""

SIGNIFICANT = 0.05
"""Quasi-p-values at or above this are named as weak restrictions in the sentence."""

MASS_MIN = 0.05
"""Smallest share of the runs that a PRIM box or a CART leaf may hold."""


@dataclasses.dataclass(frozen=True)
class Discovery:
    """A PRIM box of the runs where the outcome happens, and CART's view of them.

    Attributes:
        outcome: The yes/no outcome column (with the channel, if one was asked).
        label: A phrase for it, e.g. ``P(fall within 3 years)``.
        n_runs: Runs analysed.
        cases: Runs with the outcome.
        base_rate: cases / n_runs.
        trajectory: The peeling trajectory: ``box`` (its index), ``coverage``,
            ``density``, ``mass``, ``res_dim``, ``n`` (runs in the box), ``k`` (cases in it).
        chosen: The index (``box``) of the reported box.
        limits: One row per restricted input of the chosen box (index: input):
            ``low``, ``high``, ``qp_low``, ``qp_high`` (quasi-p-value of the restriction of
            that side; NaN for a side left at the input's bound), ``full_low``,
            ``full_high`` (the range over all runs).
        stability: Index: every input; ``reproduce_coverage``, ``reproduce_density``
            (shares, 0-1, of the resamples restricting it); empty with no resamples.
        cart: One row per CART leaf: ``leaf``, ``coverage``, ``density``, ``mass``,
            ``rule`` (its bounds as text).
        sentence: The finding in one plain sentence.
        attrs: ``ensemble_id``, ``scenario``, ``failed``, ``channel`` when analysed
            from a store.
    """

    outcome: str
    label: str
    n_runs: int
    cases: int
    base_rate: float
    trajectory: pd.DataFrame
    chosen: int
    limits: pd.DataFrame
    stability: pd.DataFrame
    cart: pd.DataFrame
    sentence: str
    attrs: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def coverage(self) -> float:
        """Coverage of the chosen box."""
        return float(self.trajectory.loc[self.chosen, "coverage"])

    @property
    def density(self) -> float:
        """Density of the chosen box."""
        return float(self.trajectory.loc[self.chosen, "density"])


def discover(
    store: ResultsStore,
    ensemble_id: str | None = None,
    outcome: str = "falls within 3 years",
    *,
    channel: str | None = None,
    scenario: str | None = None,
    allow_failed: bool = False,
    min_coverage: float = MIN_COVERAGE,
    resamples: int = 10,
    seed: int = 0,
    table: pd.DataFrame | None = None,
) -> Discovery:
    """PRIM and CART on an ensemble: where in the inputs does a yes/no outcome happen?

    Args:
        store: The results store (records ingested).
        ensemble_id: The ensemble; default: the newest with varied inputs.
        outcome: A yes/no outcome of `uprising.analysis.features.feature_table`, e.g.
            ``"falls within 3 years"``.
        channel: Count only falls through this channel (``mobilisation``,
            ``security_defection``, ``elite_split``) as cases.
        scenario: The scenario; None when the ensemble has one.
        allow_failed: Leave failed runs out instead of refusing.
        min_coverage: The chosen box is the densest with at least this coverage.
        resamples: PRIM runs on random halves for the stability table (0: none).
        seed: Seed of the resampling and of CART.
        table: The ensemble's `feature_table` for that scenario and ``allow_failed``,
            when already built (it is not checked); default: built here.

    Raises:
        FailedRunsError: Some runs failed and ``allow_failed`` is False.
        UprisingError: No varied inputs, an outcome that is not yes/no, an unknown
            channel, or no run (or every run) with the outcome.
    """
    if ensemble_id is None:
        ensemble_id = latest_ensemble(store)
    if table is None:
        table = feature_table(store, ensemble_id, scenario, allow_failed=allow_failed)
    inputs = list(table.attrs["inputs"])
    if not inputs:
        raise UprisingError(
            f"ensemble {ensemble_id} (design {table.attrs['design']}) varies no parameter: "
            "there is no input to find a box in; run a design with --vary"
        )
    column = outcome_column(table, outcome)
    if not pd.api.types.is_bool_dtype(table[column].dtype):
        raise UprisingError(
            f"--outcome {outcome!r}: discovery needs a yes/no outcome such as "
            "'falls within 3 years'"
        )
    y = table[column].to_numpy(dtype=bool)
    label = describe_outcome(column)
    if channel is not None:
        from uprising.models.belarus import CHANNELS

        if channel not in CHANNELS:
            raise UprisingError(f"--channel {channel}: use one of {', '.join(CHANNELS)}")
        y = y & (table["channel"] == channel).to_numpy()
        label = f"{label[:-1]} through {channel.replace('_', ' ')})"
        column = f"{column}_{channel}"
    found = find_box(
        table[inputs],
        y,
        outcome=column,
        label=label,
        min_coverage=min_coverage,
        resamples=resamples,
        seed=seed,
    )
    found.attrs.update(
        ensemble_id=ensemble_id,
        scenario=table.attrs["scenario"],
        failed=table.attrs["failed"],
        channel=channel,
    )
    return found


def find_box(
    x: pd.DataFrame,
    y: np.ndarray,
    *,
    outcome: str = "y",
    label: str | None = None,
    threshold: float = 0.8,
    peel_alpha: float = PEEL_ALPHA,
    mass_min: float = MASS_MIN,
    min_coverage: float = MIN_COVERAGE,
    resamples: int = 10,
    seed: int = 0,
) -> Discovery:
    """PRIM (EMA Workbench) with the box choice, stability and CART of the module docs.

    Args:
        x: Inputs, one float column per input.
        y: Yes/no outcome per row of ``x``.
        outcome: Name of the outcome.
        label: Phrase for the sentence (default: ``P(<outcome>)``).
        threshold: PRIM's density threshold (the Workbench's argument: peeling goes on
            until ``mass_min`` whatever it is; it marks boxes as of interest).
        peel_alpha: Share peeled per step.
        mass_min: Smallest box (share of runs).
        min_coverage: Lowest coverage of the chosen box.
        resamples: PRIM runs on random halves (0: no stability table).
        seed: Seed of the resampling and of CART.

    Raises:
        UprisingError: No case, or every run a case (nothing to separate).
    """
    y = np.asarray(y, dtype=bool)
    x = x.reset_index(drop=True).astype(float)
    cases = int(y.sum())
    if cases == 0 or cases == len(y):
        which = "no run" if cases == 0 else "every run"
        raise UprisingError(
            f"{label or outcome}: {which} of the {len(y)} has the outcome; "
            "there is no region to find"
        )
    label = label or f"P({outcome})"
    with _quiet():
        from ema_workbench.analysis import prim

        algorithm = prim.Prim(
            x, y.astype(int), threshold=threshold, peel_alpha=peel_alpha, mass_min=mass_min
        )
        box = algorithm.find_box()
    trajectory = box.peeling_trajectory.rename(columns={"id": "box"})[
        ["box", "coverage", "density", "mass", "res_dim", "n", "k"]
    ].reset_index(drop=True)
    eligible = trajectory[trajectory["coverage"] >= min_coverage]
    if eligible.empty:
        eligible = trajectory.iloc[[0]]
    best = eligible.sort_values(["density", "coverage"], ascending=False, kind="stable")
    chosen = int(best.iloc[0]["box"])
    limits = _limits(box, chosen, x)
    stability = _stability(x, y, trajectory.loc[chosen], resamples, seed, peel_alpha)
    cart = _cart(x, y, mass_min, seed)
    sentence = _sentence(label, trajectory.loc[chosen], limits, cases / len(y))
    return Discovery(
        outcome=outcome,
        label=label,
        n_runs=len(y),
        cases=cases,
        base_rate=cases / len(y),
        trajectory=trajectory,
        chosen=chosen,
        limits=limits,
        stability=stability,
        cart=cart,
        sentence=sentence,
    )


# -- internals ------------------------------------------------------------------------------


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence the Workbench's import warnings (optional parallel back-ends) and logs."""
    logger = logging.getLogger("EMA")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _limits(box: Any, i: int, x: pd.DataFrame) -> pd.DataFrame:
    lims = box.box_lims[i]
    qp = box.qp[i]
    rows = []
    for name in qp:
        low_qp, high_qp = qp[name]
        rows.append(
            {
                "input": name,
                "low": float(lims.loc[0, name]),
                "high": float(lims.loc[1, name]),
                "qp_low": float(low_qp) if low_qp >= 0 else np.nan,
                "qp_high": float(high_qp) if high_qp >= 0 else np.nan,
                "full_low": float(x[name].min()),
                "full_high": float(x[name].max()),
            }
        )
    columns = ["input", "low", "high", "qp_low", "qp_high", "full_low", "full_high"]
    frame = pd.DataFrame(rows, columns=columns).set_index("input")
    return frame.loc[[c for c in x.columns if c in frame.index]]


def _stability(
    x: pd.DataFrame,
    y: np.ndarray,
    chosen: pd.Series,
    resamples: int,
    seed: int,
    peel_alpha: float,
) -> pd.DataFrame:
    columns = ["reproduce_coverage", "reproduce_density"]
    if resamples <= 0:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="input"), dtype=float)
    from ema_workbench.analysis import prim

    rng = np.random.default_rng(seed)
    counts = {name: np.zeros(2) for name in x.columns}
    done = 0
    for _ in range(resamples):
        rows = rng.choice(len(y), size=len(y) // 2, replace=False)
        y_half = y[rows]
        if not y_half.any() or y_half.all():
            continue
        with _quiet():
            other = prim.Prim(
                x.iloc[rows].reset_index(drop=True),
                y_half.astype(int),
                threshold=0.1,
                peel_alpha=peel_alpha,
            ).find_box()
        path = other.peeling_trajectory
        near = [
            int((path["coverage"] - chosen["coverage"]).abs().idxmin()),
            int((path["density"] - chosen["density"]).abs().idxmin()),
        ]
        for side, index in enumerate(near):
            for name in other.qp[index]:
                counts[name][side] += 1
        done += 1
    data = np.array([counts[name] for name in x.columns]) / max(done, 1)
    frame = pd.DataFrame(data, columns=columns, index=pd.Index(list(x.columns), name="input"))
    frame.attrs["resamples"] = done
    return frame.sort_values(columns, ascending=False, kind="stable")


def _cart(x: pd.DataFrame, y: np.ndarray, mass_min: float, seed: int) -> pd.DataFrame:
    """CART's leaves as boxes: bounds, coverage, density and mass of each leaf.

    scikit-learn's tree as the Workbench's ``CART`` builds it (leaves of at least
    ``mass_min`` of the runs), seeded, and read here: the Workbench's reading of the
    leaves fails for a tree over a single input.
    """
    from sklearn.tree import DecisionTreeClassifier

    leaf_size = max(1, int(mass_min * len(y)))
    clf = DecisionTreeClassifier(min_samples_leaf=leaf_size, random_state=seed)
    values = x.to_numpy(dtype=float)
    clf.fit(values, y.astype(int))
    tree = clf.tree_
    leaves: list[tuple[int, list[str]]] = []

    def walk(node: int, rules: dict[int, list[float | None]]) -> None:
        if tree.children_left[node] == -1:
            text = []
            for j, (low, high) in sorted(rules.items()):
                name = x.columns[j]
                if low is not None and high is not None:
                    text.append(f"{_num(low)} < {name} <= {_num(high)}")
                elif low is not None:
                    text.append(f"{name} > {_num(low)}")
                elif high is not None:
                    text.append(f"{name} <= {_num(high)}")
            leaves.append((node, text))
            return
        j, cut = int(tree.feature[node]), float(tree.threshold[node])
        low, high = rules.get(j, [None, None])
        walk(tree.children_left[node], {**rules, j: [low, cut]})
        walk(tree.children_right[node], {**rules, j: [cut, high]})

    walk(0, {})
    where = clf.apply(values)
    cases = max(int(y.sum()), 1)
    rows = []
    for number, (node, text) in enumerate(leaves):
        inside = where == node
        k = int(y[inside].sum())
        rows.append(
            {
                "leaf": number,
                "coverage": k / cases,
                "density": k / int(inside.sum()),
                "mass": float(inside.mean()),
                "rule": " and ".join(text) or "all runs",
            }
        )
    frame = pd.DataFrame(rows, columns=["leaf", "coverage", "density", "mass", "rule"])
    return frame.sort_values(["density", "coverage"], ascending=False, kind="stable").reset_index(
        drop=True
    )


def _sentence(label: str, box: pd.Series, limits: pd.DataFrame, base: float) -> str:
    parts = []
    for name, row in limits.iterrows():
        lo_cut = row["low"] > row["full_low"]
        hi_cut = row["high"] < row["full_high"]
        if lo_cut and hi_cut:
            parts.append(f"{_num(row['low'])} <= {name} <= {_num(row['high'])}")
        elif lo_cut:
            parts.append(f"{name} > {_num(row['low'])}")
        elif hi_cut:
            parts.append(f"{name} < {_num(row['high'])}")
    where = " and ".join(parts) if parts else "anywhere in the inputs"
    weak = [
        str(name)
        for name, row in limits.iterrows()
        if not np.nanmin([row["qp_low"], row["qp_high"], np.inf]) < SIGNIFICANT
    ]
    caveat = (
        f" Restrictions with a quasi-p-value of {SIGNIFICANT} or more: {', '.join(weak)}."
        if weak
        else ""
    )
    return (
        f"{label} is {box['density']:.2f} when {where} "
        f"(coverage {box['coverage']:.2f}, density {box['density']:.2f}, "
        f"{int(box['n'])} runs); over all runs it is {base:.2f}.{caveat}"
    )


def _num(value: float) -> str:
    return f"{value:.3g}"
