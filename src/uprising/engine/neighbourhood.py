"""Vision and movement neighbourhoods on the torus (MODEL_BRIEF.md 1.1, 1.5, E6).

A neighbourhood of radius v is described row by row: for each row offset dy in
-R..R (R = floor(v)) the cells dx in [-h(dy), h(dy)] belong to it. Every shape the
brief names is such a symmetric span per row, which lets the kernels count kinds
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
    return int(row_half_widths(shape, radius).sum() * 2 + len(row_half_widths(shape, radius)) - 1)


def packed_words_per_row(radius_cells: int) -> int:
    """Words written per row by a packed field update (a multiple of five)."""
    rows = 2 * radius_cells + 1
    return 5 * -(-((rows + 3 + 3) // 4) // 5)


def packed_spill(radius_cells: int) -> int:
    """Cells beyond a row of the disc that a packed field update may write (adding 0).

    The row's window of 2R + 1 cells starts up to 3 cells into its first word and the
    update writes whole words, so it can touch 3 cells to the left and
    4 * words - (2R + 1) cells to the right.
    """
    return max(3, 4 * packed_words_per_row(radius_cells) - (2 * radius_cells + 1))


def swar_masks(half_widths: np.ndarray) -> np.ndarray:
    """Word masks that add 1 to every cell of each row of a neighbourhood.

    A 16-bit field packed four cells to a 64-bit word is updated row by row: the row's
    window of 2R + 1 cells starts at some lane s (0..3) of a word. ``masks[i, s, k]``
    is the k-th word to add for row i: a 1 in every lane inside the row's span.

    Returns:
        uint64 array of length (2R + 1) * 4 * n_words, flattened from the shape
        (row, start lane, word); n_words is a multiple of 5 (the kernels update five
        words per step).
    """
    rows = len(half_widths)
    r = (rows - 1) // 2
    n_words = packed_words_per_row(r)
    masks = np.zeros((rows, 4, n_words), dtype=np.uint64)
    for i, h in enumerate(half_widths):
        for lane in range(4):
            for cell in range(r - int(h), r + int(h) + 1):
                position = lane + cell
                masks[i, lane, position // 4] += np.uint64(1) << np.uint64(16 * (position % 4))
    return masks.reshape(-1)
