"""Synthetic population of Belarus on a lattice laid out like the country.

`load_regions` reads the census figures of Minsk city and the six oblasts (package file
``data/belarus_regions.csv``, BelTA census 2019); `build_layout` turns them into a
`Layout`: one entry per lattice cell, ready to be handed to the engine as its
``initial`` state (`uprising.engine.simulation.InitialState`).

Geometry: an abstraction, not a map.
    The lattice is a torus of ``width x height`` cells, close to square (width/height
    between 2/3 and 3/2). Each region is an axis-aligned rectangle, placed roughly where
    it lies on the map: three full-height columns side by side,

    - west: Grodno oblast (north) over Brest oblast (south);
    - middle: Minsk oblast, with Minsk city as a square in its centre (the oblast is its
      rectangle minus the city's square);
    - east: Vitebsk oblast (north) over Mogilev oblast over Gomel oblast (south).

    Column widths are proportional to the cells each column needs, and the rows of a
    column are shared out in proportion to each region's cells. Row ``y = 0`` is the
    north edge; cell ``(x, y)`` has the flat index ``y * width + x``. Being a torus, the
    lattice wraps: the west edge touches the east edge and north touches south, which
    no map does; neighbourhoods of a few cells (Epstein's vision of 7) only feel this on
    the border rows and columns.

Cells and densities.
    A region needs ``urban_agents / urban_density + rural_agents / rural_density``
    cells (each term rounded up), where its agents are its citizens plus its police
    officers, the officers split between town and country like the people, so that
    both zones hold people and police at the density asked. Rounding can leave spare
    cells (the column widths and row counts are integers, the city is a square): they
    are given to the region's rural zone, so a density is never exceeded, only
    undershot slightly. Within an oblast's rectangle the cells nearest its centre
    (Euclidean distance, ties by position in the rectangle) are urban, as many as its
    urban agents need: each oblast has one urban core standing for its capital and
    towns together. A region without rural agents, Minsk city (urban share 1), is all
    urban, its spare cells included.

Agents.
    Exact counts (as NetLogo's Rebellion, Wilensky 2004; docs/MODEL.md section 7): region ``r``
    holds ``round(scale * population_r)`` citizens and
    ``round(scale * police_per_100k / 1e5 * population_r)`` police officers, placed
    uniformly at random, without replacement, among the cells of their zone. Citizens
    draw Epstein's (2002) hardship H ~ U(0, 1) and risk aversion R ~ U(0, 1); each
    citizen is independently a convinced opponent with probability ``opponent_share``,
    else a convinced loyalist with probability ``loyalist_share``, else neutral; and
    independently of that an opinion leader with probability ``leader_share``.

Randomness.
    One `numpy.random.Generator` made from the given seed and nothing else (no global
    RNG), drawn in a fixed order: placement zone by zone (region code order, urban then
    rural), then H, R, disposition and leaders, one number per citizen each, citizens
    in cell order. Same seed, same arrays; and since the dispositions and leaders are
    drawn last, one number per citizen whatever the shares, changing a share leaves
    placement, H and R as they were (common random numbers across such variants). The
    seed is not spawned from, so a caller's `SeedSequence` is left unchanged; pass a
    child sequence reserved for the layout.
"""

from __future__ import annotations

import csv
import enum
import math
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from uprising.engine.kernels import COP, EMPTY, QUIET
from uprising.errors import ScenarioError

DATA_FILE = "belarus_regions.csv"
COLUMNS = ("code", "name", "population", "urban_share", "source", "note")

# region codes: the order of the data file
MINSK_CITY, BREST, GOMEL, GRODNO, MINSK_OBLAST, MOGILEV, VITEBSK = range(7)
REGION_NAMES = (
    "Minsk city",
    "Brest oblast",
    "Gomel oblast",
    "Grodno oblast",
    "Minsk oblast",
    "Mogilev oblast",
    "Vitebsk oblast",
)
WEST_COLUMN = (GRODNO, BREST)  # north to south
EAST_COLUMN = (VITEBSK, MOGILEV, GOMEL)  # north to south

# the lattice is kept between these width/height ratios (Belarus spans about 650 km
# west-east and 560 km north-south; the bounds only keep the torus square-ish)
MIN_ASPECT = 2 / 3
MAX_ASPECT = 3 / 2


class Disposition(enum.IntEnum):
    """A cell's political disposition (`Layout.disposition`): int8 codes."""

    NOT_CITIZEN = -1
    NEUTRAL = 0
    OPPONENT = 1  # convinced opponent of the regime
    LOYALIST = 2  # convinced loyalist


@dataclass(frozen=True)
class Region:
    """One census region: Minsk city or an oblast.

    Attributes:
        code: 0..6, the region's row in the data file (`MINSK_CITY`, `BREST`, ...).
        name: "Minsk city", "Brest oblast", ...
        population: persons at the 2019 census (BelTA).
        urban_share: share of the population living in towns, 0..1.
        source: where the figures come from (a URL).
    """

    code: int
    name: str
    population: int
    urban_share: float
    source: str


@dataclass(frozen=True, eq=False)
class Layout:
    """A lattice laid out like Belarus, one entry per cell (flat index ``y * width + x``).

    The arrays are read-only; copy one to change it. ``kind``, ``hardship`` and
    ``risk_aversion`` are what the engine's ``initial`` state needs.

    Attributes:
        width: cells west to east (the torus wraps).
        height: cells north to south; row 0 is the north edge.
        region: uint8, the region code of the cell.
        urban: bool, the cell belongs to its region's urban zone.
        kind: uint8, engine codes: 0 empty (`kernels.EMPTY`), 1 citizen
            (`kernels.QUIET`), 3 police officer (`kernels.COP`).
        hardship: float32, Epstein's H ~ U(0, 1) for citizens, 0 elsewhere.
        risk_aversion: float32, Epstein's R ~ U(0, 1) for citizens, 0 elsewhere.
        disposition: int8 `Disposition`: 0 neutral, 1 convinced opponent, 2 convinced
            loyalist, -1 not a citizen.
        leader: bool, the citizen is an opinion leader (journalist, scholar, ...).
        regions: the regions, indexed by code.
        scale: agents per person.
        bounds: per region code, its rectangle ``(x0, y0, width, height)``; Minsk
            oblast's rectangle contains Minsk city's square, which is not part of it.
    """

    width: int
    height: int
    region: np.ndarray
    urban: np.ndarray
    kind: np.ndarray
    hardship: np.ndarray
    risk_aversion: np.ndarray
    disposition: np.ndarray
    leader: np.ndarray
    regions: tuple[Region, ...]
    scale: float
    bounds: tuple[tuple[int, int, int, int], ...]

    @property
    def n_cells(self) -> int:
        """Cells of the lattice, ``width * height``."""
        return self.width * self.height

    @property
    def n_citizens(self) -> int:
        """Citizens on the lattice."""
        return int(np.count_nonzero(self.kind == QUIET))

    @property
    def n_cops(self) -> int:
        """Police officers on the lattice."""
        return int(np.count_nonzero(self.kind == COP))

    def count_by_region(self, mask: np.ndarray) -> np.ndarray:
        """Return, per region code, the number of cells where ``mask`` (bool per cell) holds.

        For example ``layout.count_by_region(layout.kind == kernels.COP)``.
        """
        return np.bincount(self.region[mask], minlength=len(self.regions))


# ----------------------------------------------------------------------- data file


def load_regions(path: str | os.PathLike[str] | None = None) -> tuple[Region, ...]:
    """Read and validate the census regions (by default the package's data file).

    The file has the columns ``code,name,population,urban_share,source,note`` and one
    row per region in code order, named as in `REGION_NAMES` (the layout's geography
    depends on the names). Populations: BelTA census 2019; urban shares: Minsk city 1,
    the oblasts the share DERIVED from the national figure (see the file's notes).

    Args:
        path: a CSV file to read instead of ``population/data/belarus_regions.csv``.

    Returns:
        The seven regions, indexed by code.

    Raises:
        ScenarioError: naming the file, line and column of the first bad entry
            (missing field, population not a positive integer, share outside 0..1,
            wrong code or name).
    """
    if path is None:
        resource = resources.files("uprising.population").joinpath("data", DATA_FILE)
        label, text = DATA_FILE, resource.read_text(encoding="utf-8")
    else:
        label = Path(path).name
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as error:
            raise ScenarioError(f"{label}: cannot read: {error.strerror}") from None
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != COLUMNS:
        raise ScenarioError(f"{label}, line 1: header must be {','.join(COLUMNS)}")
    regions = []
    for row in reader:
        line = reader.line_num
        if not any(field.strip() for field in row):
            continue
        regions.append(_parse_region(row, len(regions), f"{label}, line {line}"))
    if len(regions) != len(REGION_NAMES):
        raise ScenarioError(f"{label}: {len(regions)} regions, expected {len(REGION_NAMES)}")
    return tuple(regions)


def _parse_region(row: list[str], index: int, where: str) -> Region:
    """One data row as a `Region`, or a `ScenarioError` saying ``where`` it is wrong."""
    fields = {}
    for i, column in enumerate(COLUMNS):
        value = row[i].strip() if i < len(row) else ""
        if value == "" and column != "note":
            raise ScenarioError(f"{where}, column {column}: missing")
        fields[column] = value
    if len(row) > len(COLUMNS):
        raise ScenarioError(f"{where}: {len(row)} fields, expected {len(COLUMNS)}")

    def bad(column: str, rule: str) -> ScenarioError:
        return ScenarioError(f"{where}, column {column}: {fields[column]!r}: {rule}")

    try:
        code = int(fields["code"])
    except ValueError:
        raise bad("code", "must be an integer") from None
    if code != index:
        raise bad("code", f"must be {index} (codes follow the order of the file)")
    if fields["name"] != REGION_NAMES[index]:
        raise bad("name", f"must be {REGION_NAMES[index]!r} (row {index})")
    try:
        population = int(fields["population"])
    except ValueError:
        raise bad("population", "must be an integer number of persons") from None
    if population <= 0:
        raise bad("population", "must be > 0")
    try:
        urban_share = float(fields["urban_share"])
    except ValueError:
        raise bad("urban_share", "must be a number") from None
    if not 0.0 <= urban_share <= 1.0:
        raise bad("urban_share", "must be in [0, 1]")
    return Region(code, fields["name"], population, urban_share, fields["source"])


# ---------------------------------------------------------------------- the layout


def build_layout(
    scale: float,
    *,
    urban_density: float,
    rural_density: float,
    police_per_100k: float,
    opponent_share: float,
    loyalist_share: float,
    leader_share: float,
    seed: np.random.SeedSequence | int,
) -> Layout:
    """Lay Belarus out on a torus: regions, urban cores, citizens and police, one per cell.

    See the module docstring for the geometry, the placement and the order of the
    random draws. Plausible ranges and sources are those of the Belarus scenario
    schema (`[population]`, `[security]`).

    Args:
        scale: agents per person (1 = one citizen per inhabitant, 9.41 million; the
            scenarios default to 0.01). Must be in (0, 1.5].
        urban_density: agents per cell in urban zones, citizens and police together.
            Assumption, 0.8 (plausible 0.6-0.9). Must be in (0, 1].
        rural_density: agents per cell in rural zones. Assumption, 0.3 (plausible
            0.1-0.5). Must be in (0, 1].
        police_per_100k: police officers per 100,000 inhabitants, the same in every
            region. 491 (BYPOL-leaked MVD count of 46,128 certified employees; plausible
            405-1442; calibration CSV). Must be in [0, 100000].
        opponent_share: probability that a citizen is a convinced opponent. 0.2
            (Manaev, IISEPS: 15-20 % opposition-minded and willing to protest; Chatham
            House Sep 2020: 43 % of urban respondents support the protests; plausible
            0.15-0.45). Must be in [0, 1].
        loyalist_share: probability that a citizen is a convinced loyalist. 0.25
            (Chatham House Sep 2020: 20.6 % self-reported Lukashenka vote, 23.1 % oppose
            the protests; Astapenia about 1/3; plausible 0.2-0.35). Must be in [0, 1],
            with ``opponent_share + loyalist_share <= 1``.
        leader_share: probability that a citizen is an opinion leader (journalist,
            scholar, ...). Assumption, 0.0005 (BAJ: 477 journalists detained in 2020
            gives the order of magnitude; plausible 0.0001-0.002). Must be in [0, 1].
        seed: a `SeedSequence` (preferably one reserved for the layout) or a
            non-negative integer; the only source of randomness.

    Returns:
        The `Layout`; at scale 1 about 9.4 million citizens and 46,000 officers.

    Raises:
        ScenarioError: a one-line message naming the parameter out of range.
    """
    _check_range("scale", scale, 0.0, 1.5, low_open=True)
    _check_range("urban_density", urban_density, 0.0, 1.0, low_open=True)
    _check_range("rural_density", rural_density, 0.0, 1.0, low_open=True)
    _check_range("police_per_100k", police_per_100k, 0.0, 1e5)
    _check_range("opponent_share", opponent_share, 0.0, 1.0)
    _check_range("loyalist_share", loyalist_share, 0.0, 1.0)
    _check_range("leader_share", leader_share, 0.0, 1.0)
    if opponent_share + loyalist_share > 1.0 + 1e-12:
        raise ScenarioError(
            f"build_layout: opponent_share + loyalist_share = "
            f"{opponent_share + loyalist_share:g}: must be <= 1"
        )
    if not isinstance(seed, np.random.SeedSequence):
        if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
            raise ScenarioError(
                f"build_layout: seed = {seed!r}: must be a SeedSequence or an integer >= 0"
            )
    scale, urban_density, rural_density, police_per_100k = (
        float(x) for x in (scale, urban_density, rural_density, police_per_100k)
    )
    rng = np.random.default_rng(seed)
    regions = load_regions()

    demand = [
        _demand(region, scale, police_per_100k, urban_density, rural_density) for region in regions
    ]
    width, height, bounds = _plan([d.cells for d in demand], demand[MINSK_CITY].cells)
    n_cells = width * height

    region = np.empty((height, width), dtype=np.uint8)
    for code in (*WEST_COLUMN, MINSK_OBLAST, *EAST_COLUMN, MINSK_CITY):  # city last
        x0, y0, w, h = bounds[code]
        region[y0 : y0 + h, x0 : x0 + w] = code
    region = region.ravel()
    urban = np.zeros(n_cells, dtype=bool)
    kind = np.full(n_cells, EMPTY, dtype=np.uint8)

    for code, need in enumerate(demand):
        if need.rural_agents == 0:  # Minsk city: all urban, spare cells included
            urban_cells = _rectangle_cells(bounds[code], width)
            urban_cells = urban_cells[region[urban_cells] == code]
            rural_cells = urban_cells[:0]
        else:
            urban_cells, rural_cells = _split_urban(region, bounds[code], width, code, need)
        urban[urban_cells] = True
        for zone, citizens, cops in (
            (urban_cells, need.urban_citizens, need.urban_cops),
            (rural_cells, need.citizens - need.urban_citizens, need.cops - need.urban_cops),
        ):
            occupied = zone[_random_subset(rng, zone.size, citizens + cops)]
            is_cop = _random_subset(rng, occupied.size, cops)
            kind[occupied] = QUIET
            kind[occupied[is_cop]] = COP

    citizen_cells = np.flatnonzero(kind == QUIET)
    n = citizen_cells.size
    hardship = np.zeros(n_cells, dtype=np.float32)
    hardship[citizen_cells] = rng.random(n, dtype=np.float32)
    risk_aversion = np.zeros(n_cells, dtype=np.float32)
    risk_aversion[citizen_cells] = rng.random(n, dtype=np.float32)
    draw = rng.random(n)
    disposition = np.full(n_cells, Disposition.NOT_CITIZEN, dtype=np.int8)
    # 1 (opponent) where draw < opponent_share, 2 (loyalist) where it is below the sum
    opponent = (draw < opponent_share).view(np.int8)
    opponent_or_loyalist = (draw < opponent_share + loyalist_share).view(np.int8)
    disposition[citizen_cells] = 2 * opponent_or_loyalist - opponent
    leader = np.zeros(n_cells, dtype=bool)
    leader[citizen_cells] = rng.random(n) < leader_share

    arrays = (region, urban, kind, hardship, risk_aversion, disposition, leader)
    for array in arrays:
        array.flags.writeable = False
    return Layout(width, height, *arrays, regions=regions, scale=scale, bounds=bounds)


def lattice_cells(
    scale: float, *, urban_density: float, rural_density: float, police_per_100k: float
) -> int:
    """Cells the regions need at these settings: a lower bound of the torus's size.

    Cheap (no lattice is built); `build_layout` arguments of the same names.
    """
    regions = load_regions()
    return sum(
        _demand(region, scale, police_per_100k, urban_density, rural_density).cells
        for region in regions
    )


def lattice_shape(
    scale: float, *, urban_density: float, rural_density: float, police_per_100k: float
) -> tuple[int, int]:
    """Width and height of the torus `build_layout` lays out at these settings.

    No agent is placed; the time taken grows with the square root of `lattice_cells`,
    so check that first for extreme settings.
    """
    demand = [
        _demand(region, scale, police_per_100k, urban_density, rural_density)
        for region in load_regions()
    ]
    width, height, _ = _plan([d.cells for d in demand], demand[MINSK_CITY].cells)
    return width, height


def _check_range(
    name: str, value: float, low: float, high: float, *, low_open: bool = False
) -> None:
    """Raise `ScenarioError` unless ``low <(=) value <= high`` (NaN fails)."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ScenarioError(f"build_layout: {name} = {value!r}: must be a number") from None
    inside = (low < x if low_open else low <= x) and x <= high
    if not inside:
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}]"
        raise ScenarioError(f"build_layout: {name} = {value!r}: must be in {interval}")


@dataclass(frozen=True)
class _Demand:
    """What one region must hold: agents per zone and the cells they need."""

    citizens: int
    cops: int
    urban_citizens: int
    urban_cops: int
    urban_cells: int
    cells: int  # urban + rural cells, at least 1

    @property
    def rural_agents(self) -> int:
        """Citizens and police officers of the rural zone."""
        return self.citizens - self.urban_citizens + self.cops - self.urban_cops


def _demand(
    region: Region, scale: float, police_per_100k: float, urban_density: float, rural_density: float
) -> _Demand:
    """Agents of ``region`` and the cells they need at the given densities (module docstring)."""
    citizens = round(scale * region.population)
    cops = round(scale * police_per_100k / 1e5 * region.population)
    urban_citizens = round(citizens * region.urban_share)
    urban_cops = round(cops * region.urban_share)
    urban_cells = math.ceil((urban_citizens + urban_cops) / urban_density)
    rural_agents = citizens - urban_citizens + cops - urban_cops
    rural_cells = math.ceil(rural_agents / rural_density)
    return _Demand(
        citizens, cops, urban_citizens, urban_cops, urban_cells, max(1, urban_cells + rural_cells)
    )


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _side_width(needs: list[int], height: int) -> int | None:
    """Narrowest column in which regions stacked as full-width row bands fit ``height``."""
    if height < len(needs):
        return None
    width = max(1, _ceil_div(sum(needs), height))
    while sum(_ceil_div(n, width) for n in needs) > height:
        width += 1
    return width


def _middle_width(city_side: int, oblast_cells: int, height: int) -> int | None:
    """Narrowest middle column: Minsk oblast around Minsk city's square, a ring >= 1 cell."""
    if height < city_side + 2:
        return None
    return max(city_side + 2, _ceil_div(oblast_cells + city_side**2, height))


def _rows(needs: list[int], width: int, height: int) -> list[int]:
    """Rows of each region in a column: enough for its cells, spares by largest deficit."""
    rows = [_ceil_div(n, width) for n in needs]
    total = sum(needs)
    while sum(rows) < height:
        i = max(range(len(needs)), key=lambda i: (height * needs[i] / total - rows[i], -i))
        rows[i] += 1
    return rows


def _plan(
    cells: list[int], city_cells: int
) -> tuple[int, int, tuple[tuple[int, int, int, int], ...]]:
    """Torus size and region rectangles for the cells each region needs.

    Tries every height that can give a width/height ratio in [`MIN_ASPECT`,
    `MAX_ASPECT`] and keeps the one with the fewest cells (spare cells lower the
    density the user asked for); ties go to the squarer lattice. Heights outside the
    ratio bounds are used only if no height inside them is feasible.
    """
    city_side = math.isqrt(city_cells - 1) + 1
    west = [cells[c] for c in WEST_COLUMN]
    east = [cells[c] for c in EAST_COLUMN]
    total = sum(cells) - cells[MINSK_CITY] + city_side**2
    lowest = max(len(EAST_COLUMN), city_side + 2)
    first = max(lowest, math.isqrt(int(total / MAX_ASPECT)))
    last = max(first, math.isqrt(int(total / MIN_ASPECT)) + 2)
    best = None
    for height in range(first, last + 1):
        widths = (
            _side_width(west, height),
            _middle_width(city_side, cells[MINSK_OBLAST], height),
            _side_width(east, height),
        )
        if None in widths:
            continue
        width = sum(widths)
        aspect = width / height
        outside = max(0.0, aspect - MAX_ASPECT, MIN_ASPECT - aspect)
        key = (outside, width * height, abs(math.log(aspect)), height)
        if best is None or key < best[0]:
            best = (key, height, widths)
    assert best is not None  # height = last >= city_side + 2 and >= 3 is always feasible
    _, height, (w_west, w_mid, w_east) = best

    bounds: list[tuple[int, int, int, int]] = [(0, 0, 0, 0)] * len(cells)
    for codes, x0, w in ((WEST_COLUMN, 0, w_west), (EAST_COLUMN, w_west + w_mid, w_east)):
        y0 = 0
        for code, h in zip(codes, _rows([cells[c] for c in codes], w, height), strict=True):
            bounds[code] = (x0, y0, w, h)
            y0 += h
    bounds[MINSK_OBLAST] = (w_west, 0, w_mid, height)
    bounds[MINSK_CITY] = (
        w_west + (w_mid - city_side) // 2,
        (height - city_side) // 2,
        city_side,
        city_side,
    )
    return w_west + w_mid + w_east, height, tuple(bounds)


def _rectangle_cells(bound: tuple[int, int, int, int], width: int) -> np.ndarray:
    """Flat indices of the cells of a rectangle, row by row."""
    x0, y0, w, h = bound
    rows = np.arange(y0, y0 + h, dtype=np.int64) * width
    return (rows[:, None] + np.arange(x0, x0 + w, dtype=np.int64)[None, :]).ravel()


def _split_urban(
    region: np.ndarray, bound: tuple[int, int, int, int], width: int, code: int, need: _Demand
) -> tuple[np.ndarray, np.ndarray]:
    """Split an oblast's cells into its urban zone and the rest, each in cell order.

    The urban zone is the ``need.urban_cells`` cells of region ``code`` nearest the
    centre of its rectangle ``bound`` (Minsk oblast: its rectangle less the city's
    square): Euclidean distance between cell centres, ties broken by position in the
    rectangle, so the split is a pure function of the geometry.
    """
    _, _, w, h = bound
    cells = _rectangle_cells(bound, width)
    ours = region[cells] == code
    n_urban = need.urban_cells
    # doubled offsets from the centre keep the squared distance an exact integer
    dtype = np.int32 if 2 * max(w, h) ** 2 < np.iinfo(np.int32).max else np.int64
    dx = 2 * np.arange(w, dtype=dtype) - (w - 1)
    dy = 2 * np.arange(h, dtype=dtype) - (h - 1)
    distance = ((dy * dy)[:, None] + (dx * dx)[None, :]).ravel()
    distance[~ours] = np.iinfo(dtype).max  # another region's cell is never urban here
    if n_urban == 0:
        urban = np.zeros(cells.size, dtype=bool)
    else:
        edge = np.partition(distance, n_urban - 1)[n_urban - 1]
        urban = distance < edge
        # the ring at distance ``edge``: its first cells in rectangle order, as needed
        ring = np.flatnonzero(distance == edge)
        urban[ring[: n_urban - int(np.count_nonzero(urban))]] = True
    return cells[urban], cells[ours & ~urban]


def _random_subset(rng: np.random.Generator, n: int, m: int) -> np.ndarray:
    """A uniformly random set of ``m`` of ``n`` items, as a bool mask.

    Draws the smaller of the set and its complement (a partial shuffle costs time in
    proportion to the items drawn), so placing 80 % of a zone costs a 20 % draw.
    """
    mask = np.zeros(n, dtype=bool)
    if 2 * m <= n:
        mask[rng.choice(n, size=m, replace=False)] = True
    else:
        mask[:] = True
        mask[rng.choice(n, size=n - m, replace=False)] = False
    return mask
