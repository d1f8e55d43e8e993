"""The schematic map of Belarus: the model's own layout of the regions on its lattice.

The map is the region of every cell of a small Belarus lattice
(`uprising.population.build_layout` at `MAP_SCALE`): the same placement of Minsk city,
the oblasts' columns and their proportions that every run uses, at a resolution fit for
the screen. It is an abstraction of the country, as the model's geometry is (see
`uprising.population.belarus`), not a map of its borders.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

MAP_SCALE = 0.0003
"""Agents per person of the lattice drawn as the map (about 87 x 59 cells)."""


@dataclass(frozen=True, eq=False)
class RegionGrid:
    """Region codes on a grid, with each region's name and label position.

    Attributes:
        region: (height, width) region codes, row 0 the north edge.
        names: Region names by code (``REGION_NAMES``).
        centres: (x, y) of each region's label: the centre of its cells.
        borders: (xs, ys) of the borders between regions, as line segments separated
            by None (a Plotly line trace).
    """

    region: np.ndarray
    names: tuple[str, ...]
    centres: tuple[tuple[float, float], ...]
    borders: tuple[list[float | None], list[float | None]]


@functools.cache
def region_grid() -> RegionGrid:
    """The map's grid (built once per process)."""
    from uprising.population import REGION_NAMES, build_layout

    layout = build_layout(
        MAP_SCALE,
        urban_density=0.8,
        rural_density=0.3,
        police_per_100k=491.0,
        opponent_share=0.2,
        loyalist_share=0.25,
        leader_share=0.0,
        seed=0,
    )
    return grid_of(layout.region.reshape(layout.height, layout.width), tuple(REGION_NAMES))


def grid_of(region: np.ndarray, names: tuple[str, ...]) -> RegionGrid:
    """A `RegionGrid` of a (height, width) array of region codes."""
    centres = []
    for code in range(len(names)):
        ys, xs = np.nonzero(region == code)
        if not len(xs):
            centres.append((0.0, 0.0))
            continue
        x, y = float(xs.mean()), float(ys.mean())
        if region[round(y), round(x)] != code:  # a ring (Minsk oblast around the city)
            y = float(np.quantile(ys, 0.12))
        centres.append((x, y))
    xs_out: list[float | None] = []
    ys_out: list[float | None] = []
    for y, x in zip(*np.nonzero(region[:, 1:] != region[:, :-1]), strict=True):
        xs_out += [float(x) + 0.5, float(x) + 0.5, None]
        ys_out += [float(y) - 0.5, float(y) + 0.5, None]
    for y, x in zip(*np.nonzero(region[1:, :] != region[:-1, :]), strict=True):
        xs_out += [float(x) - 0.5, float(x) + 0.5, None]
        ys_out += [float(y) + 0.5, float(y) + 0.5, None]
    return RegionGrid(
        region=np.asarray(region),
        names=names,
        centres=tuple(centres),
        borders=(xs_out, ys_out),
    )
