"""Synthetic populations: who lives where on the lattice.

- `belarus`: the census regions of Belarus (`Region`, `load_regions`, package data
  ``data/belarus_regions.csv``) and `build_layout`, a torus laid out like the country
  (`Layout`: region, urban zone, engine cell kind, H, R, disposition and opinion
  leaders per cell); `lattice_cells` and `lattice_shape`, the size of that torus
  without building it (for the scenario's bounds).
"""

from uprising.population.belarus import (
    REGION_NAMES,
    Disposition,
    Layout,
    Region,
    build_layout,
    lattice_cells,
    lattice_shape,
    load_regions,
)

__all__ = [
    "REGION_NAMES",
    "Disposition",
    "Layout",
    "Region",
    "build_layout",
    "lattice_cells",
    "lattice_shape",
    "load_regions",
]
