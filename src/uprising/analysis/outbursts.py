"""Outburst statistics of a run's time series of active citizens.

Epstein (2002), Model I, Run 2 (PNAS 99 suppl. 3: 7243-7250, Figs 3-7, graded [S]):
long quiet stretches are interrupted by outbursts, "counted while actives are above
50"; the waiting times between outbursts have mean 60 and s.d. 55 with an exponential
tail (Fig 5-6); the total activation of an outburst, the sum of actives over its ticks,
has mean 708 and s.d. 230 (Fig 7).

Definitions used here (the paper gives no more than the sentence above):

* An **outburst** is a maximal run of consecutive ticks with actives strictly above
  ``threshold``. A tick exactly at the threshold is quiet.
* Its **start** and **end** are the first and last ticks of the run (inclusive), its
  **duration** the number of ticks, its **peak** the largest count of actives, its
  **activation** the sum of actives over its ticks.
* The **waiting time** after outburst k is the number of quiet ticks between its end
  and the start of outburst k + 1: start[k + 1] - end[k] - 1 (always >= 1).
* The **inter-onset interval** is start[k + 1] - start[k].

Censoring. An outburst that touches the first or the last tick of the series is counted
and included in every per-outburst list and summary (its duration, peak and activation
are then lower bounds); ``censored`` flags it, so callers can drop it. The quiet spells
before the first and after the last outburst are censored waiting times and are never
reported; waiting times between two observed outbursts are exact even when one of the
two is censored. An inter-onset interval that begins at a left-censored outburst (one
already in progress at the first tick, whose true onset is unknown) is excluded.

Undefined statistics are NaN on the dataclass and ``None`` in `OutburstStats.to_dict`:
means need at least one value, standard deviations (sample s.d., ddof = 1) at least
two, and the excess kurtosis of waiting times at least four values that are not all
equal. With no outburst, ``count`` is 0 and every tuple is empty.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

__all__ = ["OutburstStats", "outburst_stats"]

_NAN = float("nan")


@dataclass(frozen=True)
class OutburstStats:
    """Outbursts of one run: where they are, how big, and how far apart.

    Ticks are the labels of the series (``ticks`` argument of `outburst_stats`;
    by default 0, 1, ..., n_ticks - 1). Per-outburst tuples are in time order and all
    have length ``count``; ``waiting_times`` has ``count - 1`` entries (none if fewer
    than two outbursts). Values are Python ints when the actives are integers, floats
    otherwise. Summary statistics are floats, NaN when undefined (see module docs).

    Attributes:
        threshold: Actives must be strictly above this to count as an outburst.
        n_ticks: Length of the series.
        count: Number of outbursts, censored ones included.
        starts: First tick of each outburst.
        ends: Last tick of each outburst (inclusive).
        durations: Ticks per outburst, end - start + 1.
        peaks: Largest number of actives in each outburst.
        activations: Sum of actives over each outburst's ticks (Epstein's Fig 7).
        censored: Whether each outburst touches the first or last tick of the series.
        waiting_times: Quiet ticks between consecutive outbursts (Epstein's Fig 5).
        inter_onset_intervals: start[k + 1] - start[k], leaving out an interval that
            begins at a left-censored outburst.
        mean_waiting_time: Mean of ``waiting_times``.
        sd_waiting_time: Sample s.d. (ddof = 1) of ``waiting_times``.
        waiting_time_excess_kurtosis: Adjusted Fisher-Pearson excess kurtosis G2 of
            ``waiting_times`` (the estimator of ``scipy.stats.kurtosis(bias=False)``);
            needs >= 4 values, not all equal. An exponential distribution has 6.
        mean_inter_onset: Mean of ``inter_onset_intervals``.
        sd_inter_onset: Sample s.d. of ``inter_onset_intervals``.
        mean_duration: Mean of ``durations``.
        sd_duration: Sample s.d. of ``durations``.
        mean_peak: Mean of ``peaks``.
        sd_peak: Sample s.d. of ``peaks``.
        mean_activation: Mean of ``activations``.
        sd_activation: Sample s.d. of ``activations``.
    """

    threshold: float
    n_ticks: int
    count: int
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    durations: tuple[int, ...]
    peaks: tuple[float, ...]
    activations: tuple[float, ...]
    censored: tuple[bool, ...]
    waiting_times: tuple[int, ...]
    inter_onset_intervals: tuple[int, ...]
    mean_waiting_time: float
    sd_waiting_time: float
    waiting_time_excess_kurtosis: float
    mean_inter_onset: float
    sd_inter_onset: float
    mean_duration: float
    sd_duration: float
    mean_peak: float
    sd_peak: float
    mean_activation: float
    sd_activation: float

    def to_dict(self) -> dict[str, Any]:
        """Return the statistics as JSON-ready plain Python types.

        Tuples become lists, NaN becomes ``None``; everything else is already a Python
        ``int``, ``float`` or ``bool``. ``json.dumps(stats.to_dict(), allow_nan=False)``
        always works.
        """
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                out[f.name] = list(value)
            elif isinstance(value, float) and math.isnan(value):
                out[f.name] = None
            else:
                out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OutburstStats:
        """Rebuild from `to_dict` output (e.g. read back from ``summary.json``).

        Lists become tuples and ``None`` becomes NaN, so
        ``OutburstStats.from_dict(s.to_dict()).to_dict() == s.to_dict()``.

        Raises:
            ValueError: if a field is missing or unknown.
        """
        names = {f.name for f in fields(cls)}
        if set(data) != names:
            missing, unknown = sorted(names - set(data)), sorted(set(data) - names)
            raise ValueError(f"OutburstStats fields: missing {missing}, unknown {unknown}")
        kwargs: dict[str, Any] = {}
        for name, value in data.items():
            if isinstance(value, list):
                kwargs[name] = tuple(value)
            elif value is None:
                kwargs[name] = _NAN
            else:
                kwargs[name] = value
        return cls(**kwargs)


def _mean(values: np.ndarray) -> float:
    return float(np.mean(values)) if values.size >= 1 else _NAN


def _sd(values: np.ndarray) -> float:
    return float(np.std(values, ddof=1)) if values.size >= 2 else _NAN


def _excess_kurtosis(values: np.ndarray) -> float:
    """Adjusted Fisher-Pearson excess kurtosis G2; NaN for n < 4 or zero variance.

    ``scipy.stats.kurtosis(fisher=True, bias=False)`` (Joanes & Gill 1998, The
    Statistician 47(1): 183-189, G2).
    """
    from scipy import stats as scipy_stats

    if values.size < 4:
        return _NAN
    x = values.astype(np.float64)
    if float(np.ptp(x)) == 0.0:
        return _NAN
    return float(scipy_stats.kurtosis(x, fisher=True, bias=False))


def outburst_stats(
    active: np.ndarray, threshold: float = 50, ticks: np.ndarray | None = None
) -> OutburstStats:
    """Find the outbursts of a series of active citizens and summarise them.

    Find the outbursts of a run (maximal runs of ticks with actives strictly above
    ``threshold``) and summarise them as in Epstein (2002), Figs 3-7. See the module
    docstring for the definitions and for how censored outbursts are treated.

    Args:
        active: Number of active citizens at each tick, one-dimensional, finite and
            non-negative (integers or floats).
        threshold: An outburst needs actives strictly above this (default 50,
            Epstein's).
        ticks: Tick label of each entry of ``active`` (default ``0..n-1``). Must be
            integers increasing by exactly 1, so that differences count ticks; a
            series sampled with gaps is rejected rather than misread.

    Returns:
        A frozen `OutburstStats`.

    Raises:
        ValueError: if ``active`` is not 1-D, contains NaN, infinities or negative
            values, or ``ticks`` does not match it or is not consecutive.
    """
    x = np.asarray(active)
    if x.ndim != 1:
        raise ValueError(f"active must be one-dimensional, got shape {x.shape}")
    if not (np.issubdtype(x.dtype, np.integer) or np.issubdtype(x.dtype, np.floating)):
        raise TypeError(f"active must be numeric, got dtype {x.dtype}")
    if np.issubdtype(x.dtype, np.floating) and not np.isfinite(x).all():
        raise ValueError("active contains NaN or infinite values")
    if (x < 0).any():
        raise ValueError("active contains negative counts")
    if isinstance(threshold, np.generic):
        threshold = threshold.item()  # keep to_dict() JSON-ready
    if not math.isfinite(threshold):
        raise ValueError(f"threshold must be finite, got {threshold!r}")
    n = x.size

    if ticks is None:
        tick = np.arange(n, dtype=np.int64)
    else:
        tick = np.asarray(ticks)
        if tick.shape != x.shape:
            raise ValueError(f"ticks has shape {tick.shape}, active has {x.shape}")
        if n and not np.issubdtype(tick.dtype, np.integer):
            raise ValueError(f"ticks must be integers, got dtype {tick.dtype}")
        if n > 1 and not (np.diff(tick) == 1).all():
            raise ValueError("ticks must increase by exactly 1 (no gaps, no repeats)")
        tick = tick.astype(np.int64)

    above = x > threshold
    edges = np.diff(np.concatenate(([0], above.astype(np.int8), [0])))
    first = np.flatnonzero(edges == 1)  # index of each outburst's first tick
    last = np.flatnonzero(edges == -1) - 1  # index of its last tick (inclusive)
    count = int(first.size)

    if count:
        # Segments [first[k], first[k+1]) hold outburst k and the quiet spell after it;
        # masking the quiet ticks makes each segment's reduction that outburst's alone.
        peaks = np.maximum.reduceat(np.where(above, x, 0), first)
        activations = np.add.reduceat(np.where(above, x, 0), first)
    else:
        peaks = activations = x[:0]
    durations = last - first + 1
    censored = (first == 0) | (last == n - 1)
    waits = first[1:] - last[:-1] - 1
    onsets = np.diff(first)
    if count and first[0] == 0:
        onsets = onsets[1:]  # the first onset is unobserved: its interval is censored

    return OutburstStats(
        threshold=threshold,
        n_ticks=int(n),
        count=count,
        starts=tuple(tick[first].tolist()),
        ends=tuple(tick[last].tolist()),
        durations=tuple(durations.tolist()),
        peaks=tuple(peaks.tolist()),
        activations=tuple(activations.tolist()),
        censored=tuple(censored.tolist()),
        waiting_times=tuple(waits.tolist()),
        inter_onset_intervals=tuple(onsets.tolist()),
        mean_waiting_time=_mean(waits),
        sd_waiting_time=_sd(waits),
        waiting_time_excess_kurtosis=_excess_kurtosis(waits),
        mean_inter_onset=_mean(onsets),
        sd_inter_onset=_sd(onsets),
        mean_duration=_mean(durations),
        sd_duration=_sd(durations),
        mean_peak=_mean(peaks),
        sd_peak=_sd(peaks),
        mean_activation=_mean(activations),
        sd_activation=_sd(activations),
    )
