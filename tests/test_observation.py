"""The observation model: every calibration row accounted for; the measures on known series."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from uprising.analysis.belarus_observations import (
    NOT_MAPPED,
    OBSERVATIONS,
    not_mapped_reason,
    unmatched_rows,
)
from uprising.analysis.compare import compare_series, default_days
from uprising.analysis.observation import (
    Observation,
    calibration_rows,
    consistent,
    measure,
    reported,
    row_key,
)

SHARED = Path(__file__).resolve().parents[1] / "shared" / "data" / "belarus_calibration.csv"


def synthetic(start: str = "2020-08-01", days: int = 200) -> dict[str, np.ndarray]:
    """A run's series with known values: day d (0-based) has flow d + 1 and stock 10 d."""
    dates = np.arange(np.datetime64(start), np.datetime64(start) + days)
    d = np.arange(days, dtype=float)
    return {
        "date": dates,
        "detentions": d + 1.0,
        "emigrants": 10.0 * d,
        "participants_minsk_city": 1000.0 * (d % 7 == 0),
        "inflation": np.full(days, 10.0),
    }


def test_every_calibration_row_is_mapped_or_listed_once():
    rows = calibration_rows()
    assert len(rows) == 146
    assert unmatched_rows() == []
    keys = [obs.key for obs in OBSERVATIONS]
    assert len(keys) == len(set(keys)), "a row is matched twice"
    table = {row_key(row) for row in rows}
    assert set(keys) <= table, "an observation names no row of the table"
    for row in rows:
        if row_key(row) in set(keys):
            assert not_mapped_reason(row) is None, f"{row_key(row)} is mapped and not mapped"
    listed = [name for names in NOT_MAPPED.values() for name in names]
    assert len(listed) == len(set(listed)), "a quantity is listed under two reasons"
    names = {row["quantity"] for row in rows} | {f"{r['quantity']} {r['date']}" for r in rows}
    assert set(listed) <= names, "a not-mapped entry names no row"


def test_the_packaged_table_is_the_shared_one():
    if not SHARED.is_file():
        pytest.skip("no shared/ checkout next to the tests")
    with SHARED.open(encoding="utf-8", newline="") as handle:
        assert list(csv.DictReader(handle)) == calibration_rows()


def test_every_observation_reads_a_real_series_of_the_right_kind():
    from uprising.analysis.observation import HOW_KINDS
    from uprising.outputs import belarus_columns, column
    from uprising.population.belarus import load_regions

    outputs = set(belarus_columns(r.name for r in load_regions()))
    for obs in OBSERVATIONS:
        assert obs.column in outputs, obs
        assert column("belarus", obs.column).kind in HOW_KINDS[obs.how], obs
        assert obs.first_day <= obs.last_day
        report = reported(obs)
        assert report["low"] <= report["value"] <= report["high"]
        assert report["source"].startswith("http")


def test_at_reads_the_day():
    series = synthetic()
    obs = Observation("q", "d", "g", "1", "participants_minsk_city", "at", "2020-08-15")
    assert measure(obs, series) == 1000.0  # day 14: a multiple of 7
    obs = Observation("q", "d", "g", "1", "participants_minsk_city", "at", "2020-08-16")
    assert measure(obs, series) == 0.0


def test_sum_covers_both_ends():
    series = synthetic()
    # 1 August is day 0 (flow 1), 31 August day 30 (flow 31): 1 + ... + 31 = 496
    obs = Observation("q", "d", "g", "1", "detentions", "sum", "2020-08-31", "2020-08-01")
    assert measure(obs, series) == 496.0
    # September: days 31..60, flows 32..61
    obs = Observation("q", "d", "g", "1", "detentions", "sum", "2020-09-30", "2020-09-01")
    assert measure(obs, series) == sum(range(32, 62))
    offset = Observation("q", "d", "g", "1", "detentions", "sum", "2020-08-31", "2020-08-01",
                         offset=1500.0)  # fmt: skip
    assert measure(offset, series) == 1996.0


def test_change_is_the_increase_over_the_window():
    series = synthetic()
    # emigrants 10 d: 30 Sep is day 60 (600), 8 Aug day 7 (70)
    obs = Observation("q", "d", "g", "1", "emigrants", "change", "2020-09-30", "2020-08-09")
    assert measure(obs, series) == 530.0
    from_start = Observation("q", "d", "g", "1", "emigrants", "change", "2020-08-11",
                             "2020-08-01")  # fmt: skip
    assert measure(from_start, series) == 100.0  # no day before the run: 0 before


def test_compound_matches_the_models_price_index():
    series = synthetic("2021-01-01", 365)
    obs = Observation("q", "d", "g", "1", "inflation", "compound", "2021-12-31", "2021-01-01")
    assert measure(obs, series) == pytest.approx(10.0, abs=1e-9)  # 365 days at 10 % a year


def test_days_outside_the_run_give_nan():
    series = synthetic("2020-08-10", 30)
    before = Observation("q", "d", "g", "1", "detentions", "sum", "2020-08-31", "2020-08-01")
    after = Observation("q", "d", "g", "1", "detentions", "at", "2020-09-09")
    assert math.isnan(measure(before, series)) and math.isnan(measure(after, series))
    inside = Observation("q", "d", "g", "1", "detentions", "at", "2020-09-08")
    assert measure(inside, series) == 30.0


def test_relations():
    est = Observation("q", "d", "g", "1", "detentions", "at", "2020-08-01")
    low = Observation("q", "d", "g", "1", "detentions", "at", "2020-08-01", relation="at_least")
    high = Observation("q", "d", "g", "1", "detentions", "at", "2020-08-01", relation="at_most")
    assert consistent(est, 5, 10, 7) and not consistent(est, 5, 10, 11)
    assert consistent(low, 5, 10, 9) and not consistent(low, 5, 10, 11)
    assert consistent(high, 5, 10, 6) and not consistent(high, 5, 10, 4)
    with pytest.raises(ValueError):
        Observation("q", "d", "g", "1", "detentions", "sum", "2020-08-01")  # no start


def test_compare_series_summarises_over_runs():
    """Three runs whose August sums are known: the median, the band and the verdict."""
    month = next(o for o in OBSERVATIONS if o.quantity == "detentions during month")
    assert month.window == "2020-08-01..2020-08-31" and reported(month)["value"] == 7500
    runs = {}
    for k, level in enumerate((100.0, 200.0, 300.0)):  # daily detentions: sums 3100, 6200, 9300
        base = synthetic()
        base["detentions"] = np.full(len(base["date"]), level)
        runs[f"r{k}"] = base
    table, per_run = compare_series(runs, [month])
    row = table.iloc[0]
    assert row["n"] == 3 and row["median"] == 6200.0
    assert row["q05"] == pytest.approx(3100 + 0.1 * 3100) and row["q95"] == pytest.approx(8990.0)
    assert row["verdict"] == "inside band" and bool(row["agrees"])
    assert sorted(per_run["model"]) == [3100.0, 6200.0, 9300.0]
    beyond = next(o for o in OBSERVATIONS if o.date == "2020-12-31" and o.column == "detentions")
    short = {k: {c: v[:100] for c, v in series.items()} for k, series in runs.items()}
    table, _ = compare_series(short, [beyond])  # 100 days: to 8 November
    assert table.iloc[0]["verdict"] == "beyond the run" and table.iloc[0]["n"] == 0


def test_default_days_reach_the_last_measured_day():
    import datetime as dt

    days = default_days(dt.date(2020, 8, 1))
    last = max(o.last_day for o in OBSERVATIONS)
    assert dt.date(2020, 8, 1) + dt.timedelta(days=days - 1) == last


def test_model_md_lists_every_match_and_every_unmapped_quantity():
    """docs/MODEL.md, B4.3, stays true to the code: one table line per match, in order."""
    text = (Path(__file__).resolve().parents[1] / "docs" / "MODEL.md").read_text()
    for i, obs in enumerate(OBSERVATIONS):
        offset = f", + {obs.offset:,.0f}" if obs.offset else ""
        line = (
            f"| {i} | {obs.quantity}; {obs.geography}; {obs.date} | {float(obs.value):,.10g} | "
            f"`{obs.column}` | {obs.how}{offset}, {obs.window} | {obs.relation} | {obs.note} |"
        )
        assert line in text, line
    for names in NOT_MAPPED.values():
        for name in names:
            assert name in text, name
