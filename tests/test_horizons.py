"""Horizon calendar, main channel and seed rule: the one home of each (`uprising.analysis`)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from uprising.analysis.horizons import add_years, horizon_end, horizon_years, main_channel
from uprising.analysis.seeds import SEED_RULE, check_seeds, run_seed, run_seeds
from uprising.models.belarus import CHANNELS


def test_horizon_calendar():
    assert horizon_end(dt.date(2022, 10, 1), 1) == dt.date(2023, 9, 30)
    assert horizon_end(dt.date(2022, 10, 1), 5) == dt.date(2027, 9, 30)
    assert add_years(dt.date(2020, 2, 29), 1) == dt.date(2021, 2, 28)
    assert add_years(dt.date(2020, 2, 29), 4) == dt.date(2024, 2, 29)
    assert horizon_end(dt.date(2020, 2, 29), 1) == dt.date(2021, 2, 27)
    assert horizon_years(400) == (1, 2, 3, 4, 5)
    assert horizon_years(1826) == (1, 2, 3, 4, 5)
    assert horizon_years(1827) == (1, 2, 3, 4, 5, 6)


def test_main_channel_ties_follow_the_order_of_channels():
    assert main_channel({"holds": 9}) is None
    assert main_channel({"elite_split": 2, "mobilisation": 1, "holds": 5}) == "elite_split"
    tied = dict.fromkeys(reversed(CHANNELS), 3)
    assert main_channel(tied) == CHANNELS[0]
    assert main_channel({"unknown": 2, "elite_split": 2}) == "elite_split"
    assert main_channel({"zz": 1, "aa": 1}) == "aa"
    labels = pd.Series(["holds", "security_defection", "elite_split", "security_defection"])
    assert main_channel(labels.value_counts()) == "security_defection"
    assert main_channel({"mobilisation": 0, "holds": 1}) is None


def test_seed_rule_is_child_k_of_the_root():
    for root in (0, 1, 2**40 + 7):
        children = np.random.SeedSequence(root).spawn(6)
        want = [int(c.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for c in children]
        assert run_seeds(root, 6) == want
        assert run_seed(root, 4) == want[4]
        assert all(0 <= seed < 2**63 for seed in want)
    seeds = run_seeds(5, 4)
    assert check_seeds(5, range(4), seeds) == 0
    assert check_seeds(5, range(4), [seeds[0], seeds[1] + 1, None, seeds[3]]) == 2
    assert "SeedSequence(s).spawn(total)[k]" in SEED_RULE
