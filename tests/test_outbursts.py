"""Outburst statistics (Epstein 2002, PNAS 99 suppl. 3, Figs 3-7)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from uprising.analysis.outbursts import OutburstStats, outburst_stats


def _nan(x):
    return isinstance(x, float) and math.isnan(x)


def test_no_outburst():
    s = outburst_stats(np.array([0, 10, 50, 50, 3]))  # 50 is not above 50
    assert s.count == 0
    assert s.starts == s.ends == s.durations == s.peaks == s.activations == ()
    assert s.waiting_times == s.inter_onset_intervals == s.censored == ()
    for name in (
        "mean_waiting_time",
        "sd_waiting_time",
        "waiting_time_excess_kurtosis",
        "mean_duration",
        "sd_duration",
        "mean_peak",
        "sd_peak",
        "mean_activation",
        "sd_activation",
        "mean_inter_onset",
        "sd_inter_onset",
    ):
        assert _nan(getattr(s, name)), name
    d = s.to_dict()
    assert d["count"] == 0 and d["mean_peak"] is None and d["starts"] == []


def test_empty_series():
    s = outburst_stats(np.array([], dtype=np.int64))
    assert s.count == 0 and s.n_ticks == 0


def test_exactly_at_threshold_is_quiet():
    s = outburst_stats(np.array([50, 51, 50, 50, 51, 50]))
    assert s.count == 2
    assert s.starts == (1, 4) and s.ends == (1, 4)
    assert s.waiting_times == (2,)
    assert outburst_stats(np.array([5, 7, 7, 5]), threshold=7).count == 0
    assert outburst_stats(np.array([5, 7, 7, 5]), threshold=6).count == 1


def test_one_outburst():
    active = np.array([0, 20, 60, 100, 70, 40, 0])
    s = outburst_stats(active)
    assert s.count == 1
    assert (s.starts, s.ends, s.durations) == ((2,), (4,), (3,))
    assert s.peaks == (100,)
    assert s.activations == (230,)
    assert s.censored == (False,)
    assert s.waiting_times == () and s.inter_onset_intervals == ()
    assert s.mean_duration == 3.0 and s.mean_peak == 100.0 and s.mean_activation == 230.0
    assert _nan(s.sd_peak) and _nan(s.mean_waiting_time)
    assert all(type(v) is int for v in (*s.peaks, *s.activations, *s.starts))


def test_several_outbursts():
    #         0  1   2   3  4  5  6   7  8  9  10  11  12  13 14 15
    active = [0, 60, 80, 0, 0, 0, 55, 0, 0, 0, 0, 90, 70, 52, 0, 0]
    s = outburst_stats(np.array(active))
    assert s.count == 3
    assert s.starts == (1, 6, 11)
    assert s.ends == (2, 6, 13)
    assert s.durations == (2, 1, 3)
    assert s.peaks == (80, 55, 90)
    assert s.activations == (140, 55, 212)
    assert s.censored == (False, False, False)
    assert s.waiting_times == (3, 4)  # ticks 3-5 and 7-10
    assert s.inter_onset_intervals == (5, 5)
    assert s.mean_waiting_time == 3.5
    assert s.sd_waiting_time == pytest.approx(math.sqrt(0.5))
    assert s.mean_activation == pytest.approx(407 / 3)
    assert s.sd_activation == pytest.approx(float(np.std([140, 55, 212], ddof=1)))
    assert s.mean_inter_onset == 5.0 and s.sd_inter_onset == 0.0
    assert _nan(s.waiting_time_excess_kurtosis)  # fewer than 4 waiting times


def test_outbursts_touching_both_ends_are_counted_not_their_quiet_spells():
    #         0   1  2  3   4  5  6  7   8
    active = [70, 90, 0, 0, 60, 0, 0, 0, 80]
    s = outburst_stats(np.array(active))
    assert s.count == 3
    assert s.starts == (0, 4, 8) and s.ends == (1, 4, 8)
    assert s.censored == (True, False, True)
    assert s.peaks == (90, 60, 80) and s.activations == (160, 60, 80)
    # Waiting times between observed outbursts are exact, even next to censored ones.
    assert s.waiting_times == (2, 3)
    # The first onset is unobserved, so only the interval 4 -> 8 is kept.
    assert s.inter_onset_intervals == (4,)
    # Quiet spells at the ends are censored waiting times and are not reported.
    s2 = outburst_stats(np.array([0, 0, 60, 0, 0, 0]))
    assert s2.count == 1 and s2.waiting_times == () and s2.censored == (False,)
    whole = outburst_stats(np.array([60, 61, 62]))
    assert whole.count == 1 and whole.censored == (True,) and whole.durations == (3,)


def test_ticks_label_the_series():
    active = np.array([0, 60, 0, 0, 70, 70])
    s = outburst_stats(active, ticks=np.arange(100, 106))
    assert s.starts == (101, 104) and s.ends == (101, 105)
    assert s.waiting_times == (2,) and s.inter_onset_intervals == (3,)
    with pytest.raises(ValueError, match="increase by exactly 1"):
        outburst_stats(active, ticks=np.arange(0, 12, 2))
    with pytest.raises(ValueError):
        outburst_stats(active, ticks=np.arange(5))


def test_waiting_time_kurtosis_matches_scipy():
    scipy_stats = pytest.importorskip("scipy.stats")
    waits = [3, 10, 4, 25, 7, 60]
    pieces = []
    for w in waits:
        pieces += [80, 0] + [0] * (w - 1)
    active = np.array([0, *pieces, 80, 0])
    s = outburst_stats(active)
    assert s.waiting_times == tuple(waits)
    want = scipy_stats.kurtosis(waits, fisher=True, bias=False)
    assert s.waiting_time_excess_kurtosis == pytest.approx(want, rel=1e-12)
    same = outburst_stats(np.array([0, 80, 0, 80, 0, 80, 0, 80, 0, 80, 0]))
    assert same.waiting_times == (1, 1, 1, 1) and _nan(same.waiting_time_excess_kurtosis)


def test_float_series_and_custom_threshold():
    s = outburst_stats(np.array([0.0, 2.5, 3.5, 0.0]), threshold=2)
    assert s.count == 1 and s.peaks == (3.5,) and s.activations == (6.0,)
    assert type(s.peaks[0]) is float


def test_rejects_bad_series():
    with pytest.raises(ValueError):
        outburst_stats(np.array([0.0, math.nan]))
    with pytest.raises(ValueError):
        outburst_stats(np.array([[1, 2]]))
    with pytest.raises(ValueError):
        outburst_stats(np.array([1, -2]))


@pytest.mark.parametrize(
    "active",
    [
        [0, 1, 2],
        [0, 60, 80, 0, 0, 0, 55, 0, 0, 0, 0, 90, 70, 52, 0, 0],
        [70, 90, 0, 0, 60, 0, 0, 0, 80],
        [0, 80, 0, 0, 80, 0, 0, 0, 80, 0, 80, 0, 0, 0, 0, 0, 80, 0],
    ],
)
def test_json_round_trip(active):
    s = outburst_stats(np.array(active, dtype=np.int64), threshold=np.int64(50))
    d = s.to_dict()
    text = json.dumps(d, allow_nan=False)  # no NaN, no numpy scalars
    back = json.loads(text)
    assert back == d
    assert OutburstStats.from_dict(back).to_dict() == d
    rebuilt = OutburstStats.from_dict(back)
    assert rebuilt.starts == s.starts and rebuilt.count == s.count
    with pytest.raises(ValueError):
        OutburstStats.from_dict({**d, "bogus": 1})


def test_stats_are_frozen():
    s = outburst_stats(np.array([0, 60]))
    with pytest.raises(AttributeError):
        s.count = 3  # type: ignore[misc]
