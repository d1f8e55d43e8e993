"""Exact tests of the rules and neighbourhoods (Epstein 2002; E1-E6 of docs/VALIDATION.md)."""

import math

import pytest

from uprising.engine.config import Neighbourhood, RatioRule
from uprising.engine.neighbourhood import lane_bits, offsets, row_half_widths, size, swar_masks
from uprising.engine.rules import arrest_probability, cop_to_active_ratio, is_active

LITERAL, FLOOR, ROUND = int(RatioRule.LITERAL), int(RatioRule.FLOOR), int(RatioRule.ROUND_HALF_EVEN)


def test_e1_arrest_probability_one_cop_one_active():
    # E1: P(C=1, A=1) = 1 - exp(-2.3) under every ratio rule (C/A = 1 exactly).
    for rule in (LITERAL, FLOOR, ROUND):
        assert arrest_probability(1, 1, 2.3, rule) == pytest.approx(0.899741, abs=1e-6)


def test_e4_floor_rule_two_cops_three_actives_is_zero():
    assert arrest_probability(2, 3, 2.3, FLOOR) == 0.0
    # floor(C/A) = 0 exactly when C < A; otherwise P >= 1 - e^-2.3
    for cops in range(0, 12):
        for actives in range(1, 12):
            p = arrest_probability(cops, actives, 2.3, FLOOR)
            if cops < actives:
                assert p == 0.0
            else:
                assert p >= 1 - math.exp(-2.3) - 1e-12


def test_e5_round_half_even_rule():
    assert arrest_probability(1, 2, 2.3, ROUND) == 0.0  # round(0.5) = 0
    assert arrest_probability(3, 2, 2.3, ROUND) == pytest.approx(1 - math.exp(-4.6), abs=1e-9)
    # banker's rounding matches Python's round() on every small ratio
    for cops in range(0, 30):
        for actives in range(1, 30):
            assert cop_to_active_ratio(cops, actives, ROUND) == round(cops / actives)


def test_literal_rule_is_the_plain_ratio():
    assert cop_to_active_ratio(2, 3, LITERAL) == pytest.approx(2 / 3)
    assert arrest_probability(2, 3, 2.3, LITERAL) == pytest.approx(1 - math.exp(-2.3 * 2 / 3))


def test_rule_a_is_strict_and_uses_grievance_minus_net_risk():
    # G - R P > T with G = H (1 - L): equality is quiet (Epstein 2002, rule A).
    assert not is_active(0.5, 0.8, 0.0, 0.0, 0.1)  # G = 0.1 exactly
    assert is_active(0.51, 0.8, 0.0, 0.0, 0.1)
    assert not is_active(1.0, 0.5, 0.5, 0.8, 0.1)  # 0.5 - 0.4 = 0.1: quiet
    assert is_active(1.0, 0.5, 0.5, 0.79, 0.1)


@pytest.mark.parametrize(
    ("shape", "radius", "expected"),
    [
        (Neighbourhood.EUCLID, 1.7, 8),
        (Neighbourhood.EUCLID, 7, 148),
        (Neighbourhood.MANHATTAN, 7, 112),
        (Neighbourhood.CHEBYSHEV, 7, 224),
        (Neighbourhood.CROSS, 7, 28),
        (Neighbourhood.EUCLID, 1, 4),
    ],
)
def test_e6_neighbourhood_sizes(shape, radius, expected):
    assert size(shape, radius) == expected
    dx, dy = offsets(shape, radius)
    assert len(dx) == expected
    assert len(set(zip(dx.tolist(), dy.tolist(), strict=True))) == expected
    assert (0, 0) not in set(zip(dx.tolist(), dy.tolist(), strict=True))


def test_euclidean_neighbourhood_is_the_disc():
    dx, dy = offsets(Neighbourhood.EUCLID, 7)
    brute = {(x, y) for x in range(-7, 8) for y in range(-7, 8) if x * x + y * y <= 49 and (x or y)}
    assert set(zip(dx.tolist(), dy.tolist(), strict=True)) == brute


@pytest.mark.parametrize(("radius", "bits"), [(7, 8), (1.7, 8), (12, 16)])
def test_packed_field_masks_cover_each_row_once(radius, bits):
    widths = row_half_widths(Neighbourhood.EUCLID, radius)
    assert lane_bits(widths) == bits
    flat = swar_masks(widths)
    lanes, words = 1 << int(flat[0]), int(flat[1])
    masks = flat[2:].reshape(len(widths), lanes, words)
    r = (len(widths) - 1) // 2
    for i, h in enumerate(widths):
        for lane in range(lanes):
            covered = []
            for k, word in enumerate(masks[i, lane]):
                for j in range(lanes):
                    if (int(word) >> (bits * j)) & ((1 << bits) - 1):
                        covered.append(lanes * k + j - lane)
            assert covered == list(range(r - int(h), r + int(h) + 1))
