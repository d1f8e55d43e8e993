"""Vision and movement neighbourhoods on the torus (Epstein 2002; NetLogo; Mesa).

A neighbourhood of radius v is described row by row: for each row offset dy in
-R..R (R = floor(v)) the cells dx in [-h(dy), h(dy)] belong to it. Every shape of
docs/MODEL.md section 7 is such a symmetric span per row, which lets the kernels count kinds
with one contiguous scan per row.
"""

from __future__ import annotations

import math

import numpy as np

from uprising.engine.config import Neighbourhood


def row_half_widths(shape: Neighbourhood, radius: float) -> np.ndarray:
    """Half-width h(dy) of each row of the neighbourhood, for dy = -R..R.

    Args:
        shape: `Neighbourhood.EUCLID` (dx^2 + dy^2 <= v^2, NetLogo's ``in-radius``),
            `MANHATTAN` (|dx| + |dy| <= v), `CHEBYSHEV` (max(|dx|, |dy|) <= v) or
            `CROSS` (only north, south, east and west, up to v cells).
        radius: the vision v in cells, >= 1.

    Returns:
        int64 array of length 2R + 1.
    """
    r = math.floor(radius + 1e-9)
    widths = np.zeros(2 * r + 1, dtype=np.int64)
    for i, dy in enumerate(range(-r, r + 1)):
        if shape == Neighbourhood.EUCLID:
            h = 0
            while (h + 1) ** 2 + dy * dy <= radius * radius + 1e-9:
                h += 1
        elif shape == Neighbourhood.MANHATTAN:
            h = math.floor(radius - abs(dy) + 1e-9)
        elif shape == Neighbourhood.CHEBYSHEV:
            h = r
        elif shape == Neighbourhood.CROSS:
            h = r if dy == 0 else 0
        else:  # pragma: no cover - enum is closed
            raise ValueError(f"unknown neighbourhood {shape!r}")
        widths[i] = h
    return widths


def offsets(shape: Neighbourhood, radius: float) -> tuple[np.ndarray, np.ndarray]:
    """All (dx, dy) of the neighbourhood except (0, 0), row by row.

    Returns:
        Two int64 arrays ``dx`` and ``dy`` of equal length.
    """
    widths = row_half_widths(shape, radius)
    r = (len(widths) - 1) // 2
    dxs, dys = [], []
    for i, h in enumerate(widths):
        dy = i - r
        for dx in range(-int(h), int(h) + 1):
            if dx or dy:
                dxs.append(dx)
                dys.append(dy)
    return np.array(dxs, dtype=np.int64), np.array(dys, dtype=np.int64)


def size(shape: Neighbourhood, radius: float) -> int:
    """Number of cells in the neighbourhood, excluding the centre."""
    widths = row_half_widths(shape, radius)
    return int(np.sum(2 * widths + 1)) - 1


def lane_bits(half_widths: np.ndarray) -> int:
    """Bits per cell of a packed count field: 8 when a neighbourhood holds at most 255
    cells (centre included), else 16."""  # noqa: D205, D209
    cells = int(np.sum(2 * half_widths + 1))
    if cells <= 255:
        return 8
    if cells <= 65535:
        return 16
    raise ValueError(f"a neighbourhood of {cells} cells is too large for a 16-bit count")


def packed_words_per_row(radius_cells: int, bits: int) -> int:
    """Words written per row by a packed field update (a multiple of three)."""
    lanes = 64 // bits
    window = 2 * radius_cells + 1
    return 3 * -(-((window + lanes - 1 + lanes - 1) // lanes) // 3)


def packed_spill(radius_cells: int, bits: int = 16) -> int:
    """Cells beyond a row of the disc that a packed field update may write (adding 0).

    The row's window of 2R + 1 cells starts up to lanes - 1 cells into its first word
    and the update writes whole words, so it can touch lanes - 1 cells to the left and
    lanes * words - (2R + 1) cells to the right.
    """
    lanes = 64 // bits
    return max(lanes - 1, lanes * packed_words_per_row(radius_cells, bits) - (2 * radius_cells + 1))


def swar_masks(half_widths: np.ndarray) -> np.ndarray:
    """Word masks that add 1 to every cell of each row of a neighbourhood.

    A count field is packed into 64-bit words (`lane_bits` per cell). A row's window of
    2R + 1 cells starts at some lane s of a word. After a two-word header (log2 of the
    lanes per word, words per row), the array holds, for row i, start lane s and word k,
    the word to add: a 1 in every lane inside the row's span.

    Returns:
        uint64 array of length 2 + (2R + 1) * lanes * n_words.
    """
    bits = lane_bits(half_widths)
    lanes = 64 // bits
    rows = len(half_widths)
    r = (rows - 1) // 2
    n_words = packed_words_per_row(r, bits)
    masks = np.zeros((rows, lanes, n_words), dtype=np.uint64)
    for i, h in enumerate(half_widths):
        for lane in range(lanes):
            for cell in range(r - int(h), r + int(h) + 1):
                position = lane + cell
                masks[i, lane, position // lanes] += np.uint64(1) << np.uint64(
                    bits * (position % lanes)
                )
    header = np.array([lanes.bit_length() - 1, n_words], dtype=np.uint64)
    return np.concatenate([header, masks.reshape(-1)])
