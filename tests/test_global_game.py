"""The global game of regime change (uprising.theory.global_game): test GG1, EXACT.

Morris & Shin (1998): theta* = 1 - c, and the marginal attacker at x* is indifferent.
"""

from __future__ import annotations

from statistics import NormalDist

import pytest

from uprising.theory.global_game import global_game_cutoff


@pytest.mark.parametrize("c", [0.2, 0.5, 0.8])
@pytest.mark.parametrize("sigma", [0.01, 0.1])
def test_gg1_global_game_cutoff(c, sigma):
    theta_star, x_star = global_game_cutoff(c, sigma)
    phi = NormalDist()
    assert theta_star == pytest.approx(1 - c, abs=1e-12)
    assert phi.cdf((x_star - theta_star) / sigma) == pytest.approx(theta_star, abs=1e-9)
    assert phi.cdf((theta_star - x_star) / sigma) == pytest.approx(c, abs=1e-9)


def test_gg1_example_and_errors():
    theta_star, x_star = global_game_cutoff(0.2, 0.1)
    assert theta_star == pytest.approx(0.8)
    assert round(x_star, 4) == 0.8842
    with pytest.raises(ValueError):
        global_game_cutoff(1.0, 0.1)
    with pytest.raises(ValueError):
        global_game_cutoff(0.5, 0.0)
