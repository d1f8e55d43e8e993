"""Synthetic population and lattice layout of Belarus (`uprising.population.belarus`).

Exact checks: the census figures, the counts of citizens and police per region, the
geometry (region rectangles, Minsk city's square, urban cores), one agent per cell,
determinism and the errors. Statistical checks (shares of dispositions and leaders)
allow 5 binomial standard deviations, |count - n p| <= 5 sqrt(n p (1 - p)): a false
alarm has probability below 1e-6 per check, so they pass for any seed.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
from dataclasses import replace
from importlib import resources

import numpy as np
import pytest

from uprising.engine import kernels
from uprising.errors import ScenarioError
from uprising.population import REGION_NAMES, Disposition, Layout, build_layout, load_regions
from uprising.population import belarus as B

CENSUS = {  # BelTA census 2019, persons (../shared/data/belarus_calibration.csv)
    "Minsk city": 2_018_300,
    "Brest oblast": 1_348_100,
    "Gomel oblast": 1_388_500,
    "Grodno oblast": 1_026_800,
    "Minsk oblast": 1_471_200,
    "Mogilev oblast": 1_024_800,
    "Vitebsk oblast": 1_135_700,
}
BELARUS_2020 = dict(  # defaults of the Belarus scenarios ([population], [security])
    urban_density=0.8,
    rural_density=0.3,
    police_per_100k=491.0,
    opponent_share=0.2,
    loyalist_share=0.25,
    leader_share=0.0005,
)
SIGMAS = 5.0  # tolerance of the statistical checks, in binomial standard deviations


def layout(scale: float = 0.01, seed: int = 7, **changes) -> Layout:
    return build_layout(scale, **{**BELARUS_2020, **changes}, seed=seed)


@pytest.fixture(scope="module")
def small() -> Layout:
    return layout(0.01)


@pytest.fixture(scope="module")
def medium() -> Layout:
    return layout(0.05, seed=3)


def within_binomial(count: int, n: int, p: float) -> bool:
    return abs(count - n * p) <= SIGMAS * math.sqrt(n * p * (1 - p)) + 1e-9


def bounding_box(mask2d: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(mask2d)
    return int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)


# ------------------------------------------------------------------------ the data


def test_regions_are_the_census_figures():
    regions = load_regions()
    assert [r.name for r in regions] == list(REGION_NAMES) == list(CENSUS)
    assert [r.code for r in regions] == list(range(7))
    assert {r.name: r.population for r in regions} == CENSUS
    assert sum(r.population for r in regions) == 9_413_400  # census total 9,413,446
    assert all(r.source.startswith("https://eng.belta.by/") for r in regions)


def test_urban_shares_reproduce_the_national_figure():
    regions = load_regions()
    assert regions[B.MINSK_CITY].urban_share == 1.0
    city = regions[B.MINSK_CITY].population
    derived = (7.3e6 - city) / (9_413_400 - city)
    oblasts = [r for r in regions if r.code != B.MINSK_CITY]
    assert all(r.urban_share == pytest.approx(derived, abs=1e-4) for r in oblasts)
    urban = sum(r.population * r.urban_share for r in regions)
    assert urban == pytest.approx(7.3e6, abs=1e3)  # 77.5 % of the census population


def data_lines() -> list[str]:
    folder = resources.files("uprising.population").joinpath("data")
    return folder.joinpath(B.DATA_FILE).read_text(encoding="utf-8").splitlines()


def write_with(tmp_path, line: int, column: str, value: str):
    """The data file with one field replaced (``line`` counted from 1, header included)."""
    rows = list(csv.reader(data_lines()))
    if value is None:
        del rows[line - 1][B.COLUMNS.index(column) :]
    else:
        rows[line - 1][B.COLUMNS.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path = tmp_path / "regions.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("line", "column", "value", "message"),
    [
        (3, "population", "-1348100", "must be > 0"),
        (4, "population", "many", "must be an integer"),
        (5, "urban_share", "1.2", "must be in [0, 1]"),
        (6, "urban_share", "-0.1", "must be in [0, 1]"),
        (7, "source", "", "missing"),
        (2, "name", "Minsk", "must be 'Minsk city'"),
        (8, "code", "9", "must be 6"),
    ],
)
def test_bad_data_names_file_line_and_column(tmp_path, line, column, value, message):
    path = write_with(tmp_path, line, column, value)
    with pytest.raises(ScenarioError) as error:
        load_regions(path)
    text = str(error.value)
    assert text.startswith(f"regions.csv, line {line}, column {column}")
    assert message in text
    assert "\n" not in text


def test_missing_fields_and_rows(tmp_path):
    with pytest.raises(ScenarioError, match=r"regions\.csv, line 4, column urban_share: missing"):
        load_regions(write_with(tmp_path, 4, "urban_share", None))
    path = tmp_path / "short.csv"
    path.write_text("\n".join(data_lines()[:-1]) + "\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"short\.csv: 6 regions, expected 7"):
        load_regions(path)
    path.write_text("code,name,people\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"short\.csv, line 1: header"):
        load_regions(path)


# ---------------------------------------------------------------------- the counts


@pytest.mark.parametrize(
    ("scale", "changes"),
    [(0.01, {}), (0.003, {"police_per_100k": 1441.6}), (0.007, {"police_per_100k": 0.0})],
)
def test_counts_per_region_are_exact(scale, changes):
    lay = layout(scale, **changes)
    police = {**BELARUS_2020, **changes}["police_per_100k"]
    citizens = [round(scale * r.population) for r in lay.regions]
    cops = [round(scale * police / 1e5 * r.population) for r in lay.regions]
    assert lay.count_by_region(lay.kind == kernels.QUIET).tolist() == citizens
    assert lay.count_by_region(lay.kind == kernels.COP).tolist() == cops
    assert lay.n_citizens == sum(citizens)
    assert lay.n_cops == sum(cops)


def test_full_scale_counts_without_building():
    # the demand at scale 1 (the lattice itself is built in the benchmark, not here)
    regions = load_regions()
    demand = [B._demand(r, 1.0, 491.0, 0.8, 0.3) for r in regions]
    assert sum(d.citizens for d in demand) == 9_413_400
    assert sum(d.cops for d in demand) == sum(round(491.0 / 1e5 * r.population) for r in regions)
    width, height, _ = B._plan([d.cells for d in demand], demand[B.MINSK_CITY].cells)
    assert width * height >= sum(d.cells for d in demand)
    assert B.MIN_ASPECT <= width / height <= B.MAX_ASPECT


def test_arrays_match_the_engine(small):
    n = small.width * small.height
    assert small.n_cells == n
    expected = dict(
        region=np.uint8,
        urban=np.bool_,
        kind=np.uint8,
        hardship=np.float32,
        risk_aversion=np.float32,
        disposition=np.int8,
        leader=np.bool_,
    )
    for name, dtype in expected.items():
        array = getattr(small, name)
        assert array.shape == (n,), name
        assert array.dtype == dtype, name
        assert not array.flags.writeable, name
    assert (kernels.EMPTY, kernels.QUIET, kernels.COP) == (0, 1, 3)
    assert set(np.unique(small.kind).tolist()) == {kernels.EMPTY, kernels.QUIET, kernels.COP}


def test_one_agent_per_cell_and_attributes_only_on_citizens(small):
    # a cell holds one kind, so no collision can hide: the occupied cells must number
    # exactly the agents asked for
    occupied = np.count_nonzero(small.kind != kernels.EMPTY)
    citizens = sum(round(0.01 * r.population) for r in small.regions)
    cops = sum(round(0.01 * 491.0 / 1e5 * r.population) for r in small.regions)
    assert occupied == small.n_citizens + small.n_cops == citizens + cops
    citizen = small.kind == kernels.QUIET
    for name in ("hardship", "risk_aversion"):
        values = getattr(small, name)
        assert np.all(values[~citizen] == 0), name
        assert np.all((values[citizen] >= 0) & (values[citizen] < 1)), name
    assert np.all((small.disposition == Disposition.NOT_CITIZEN) == ~citizen)
    assert not np.any(small.leader & ~citizen)


# -------------------------------------------------------------------- the geometry


@pytest.mark.parametrize("fixture", ["small", "medium"])
def test_regions_are_rectangles_laid_out_like_the_map(fixture, request):
    lay = request.getfixturevalue(fixture)
    grid = lay.region.reshape(lay.height, lay.width)
    assert set(np.unique(grid).tolist()) == set(range(7))  # every cell has a region
    box = {}
    for code in range(7):
        box[code] = bounding_box(grid == code)
        x0, y0, w, h = box[code]
        inside = grid[y0 : y0 + h, x0 : x0 + w]
        if code == B.MINSK_OBLAST:
            continue
        assert np.all(inside == code), REGION_NAMES[code]  # contiguous rectangle
    # Minsk oblast: its rectangle less Minsk city's square, strictly inside it
    ox, oy, ow, oh = box[B.MINSK_OBLAST]
    cx, cy, cw, ch = box[B.MINSK_CITY]
    assert cw == ch  # a square
    assert ox < cx and cx + cw < ox + ow and oy < cy and cy + ch < oy + oh
    oblast = grid[oy : oy + oh, ox : ox + ow]
    city = np.zeros_like(oblast, dtype=bool)
    city[cy - oy : cy - oy + ch, cx - ox : cx - ox + cw] = True
    assert np.all(oblast[city] == B.MINSK_CITY) and np.all(oblast[~city] == B.MINSK_OBLAST)
    # columns: west, middle, east side by side, each region of a column full-height
    # bands stacked north to south in the map's order
    west, east = B.WEST_COLUMN, B.EAST_COLUMN
    assert box[west[0]][0] == 0 and box[B.MINSK_OBLAST][0] == box[west[0]][2]
    assert box[east[0]][0] == ox + ow and ox + ow + box[east[0]][2] == lay.width
    assert oy == 0 and oh == lay.height
    for column in (west, east):
        assert box[column[0]][1] == 0
        for upper, lower in itertools.pairwise(column):
            assert box[upper][0] == box[lower][0] and box[upper][2] == box[lower][2]
            assert box[upper][1] + box[upper][3] == box[lower][1]
        assert box[column[-1]][1] + box[column[-1]][3] == lay.height
    assert lay.bounds == tuple(box[code] for code in range(7))
    assert B.MIN_ASPECT <= lay.width / lay.height <= B.MAX_ASPECT


@pytest.mark.parametrize("fixture", ["small", "medium"])
def test_urban_cells_are_denser_and_never_overfilled(fixture, request):
    lay = request.getfixturevalue(fixture)
    occupied = lay.kind != kernels.EMPTY
    for region in lay.regions:
        mine = lay.region == region.code
        urban = mine & lay.urban
        rural = mine & ~lay.urban
        urban_density = occupied[urban].mean()
        assert urban_density <= BELARUS_2020["urban_density"]
        if region.code == B.MINSK_CITY:
            assert not rural.any()  # Minsk city is all urban
            assert urban_density > 0.97 * BELARUS_2020["urban_density"]  # spare: square
            continue
        # the urban zone is exactly as large as needed: its density is the one asked
        assert urban_density == pytest.approx(BELARUS_2020["urban_density"], abs=1e-3)
        rural_density = occupied[rural].mean()
        assert rural_density <= BELARUS_2020["rural_density"]
        assert rural_density > 0.9 * BELARUS_2020["rural_density"]  # few spare cells
        assert urban_density > rural_density
        # cops live in both zones, split like the people
        cops = lay.kind == kernels.COP
        assert np.count_nonzero(cops & urban) >= np.count_nonzero(cops & rural)


def test_urban_cells_are_those_nearest_the_centre(small):
    grid_urban = small.urban.reshape(small.height, small.width)
    grid_region = small.region.reshape(small.height, small.width)
    for code in range(7):
        if code == B.MINSK_CITY:
            continue
        x0, y0, w, h = small.bounds[code]
        ys, xs = np.mgrid[y0 : y0 + h, x0 : x0 + w]
        distance = (xs - (x0 + (w - 1) / 2)) ** 2 + (ys - (y0 + (h - 1) / 2)) ** 2
        mine = grid_region[y0 : y0 + h, x0 : x0 + w] == code
        urban = grid_urban[y0 : y0 + h, x0 : x0 + w]
        assert distance[mine & urban].max() <= distance[mine & ~urban].min()


# -------------------------------------------------------------------- dispositions


def test_disposition_shares_are_binomial(medium):
    citizen = medium.kind == kernels.QUIET
    n = int(np.count_nonzero(citizen))
    counts = {d: int(np.count_nonzero(medium.disposition == d)) for d in Disposition}
    assert counts[Disposition.NOT_CITIZEN] == medium.n_cells - n
    assert within_binomial(counts[Disposition.OPPONENT], n, 0.2)
    assert within_binomial(counts[Disposition.LOYALIST], n, 0.25)
    assert within_binomial(counts[Disposition.NEUTRAL], n, 0.55)
    assert within_binomial(int(np.count_nonzero(medium.leader)), n, 0.0005)


def test_leaders_are_independent_of_disposition():
    lay = layout(0.01, seed=11, leader_share=0.3)
    for d in (Disposition.NEUTRAL, Disposition.OPPONENT, Disposition.LOYALIST):
        group = lay.disposition == d
        assert within_binomial(int(np.count_nonzero(lay.leader & group)), int(group.sum()), 0.3)


@pytest.mark.parametrize(
    ("opponents", "loyalists"), [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (0.4, 0.6)]
)
def test_extreme_shares(opponents, loyalists):
    lay = layout(0.002, opponent_share=opponents, loyalist_share=loyalists, leader_share=1.0)
    citizen = lay.kind == kernels.QUIET
    n = int(citizen.sum())
    counts = [int(np.count_nonzero(lay.disposition == d)) for d in (1, 2)]
    if opponents in (0.0, 1.0) and loyalists in (0.0, 1.0):
        assert counts == [round(n * opponents), round(n * loyalists)]
    else:
        assert sum(counts) == n  # no neutral citizen left
    assert np.array_equal(lay.leader, citizen)


# ------------------------------------------------------------------ reproducibility


def test_same_seed_same_layout():
    first, second = layout(0.005, seed=42), layout(0.005, seed=np.random.SeedSequence(42))
    for name in ("region", "urban", "kind", "hardship", "risk_aversion", "disposition", "leader"):
        assert np.array_equal(getattr(first, name), getattr(second, name)), name
    other = layout(0.005, seed=43)
    assert not np.array_equal(first.kind, other.kind)
    assert np.array_equal(first.region, other.region)  # the geometry has no randomness
    assert np.array_equal(first.urban, other.urban)


def test_seed_sequence_is_not_consumed():
    sequence = np.random.SeedSequence(5)
    layout(0.002, seed=sequence)
    assert sequence.n_children_spawned == 0
    assert np.array_equal(
        layout(0.002, seed=sequence).kind, layout(0.002, seed=np.random.SeedSequence(5)).kind
    )


def test_shares_do_not_move_people():
    # dispositions and leaders are drawn last, one number per citizen: common random
    # numbers across variants that only change the shares
    base = layout(0.005, seed=9)
    variant = layout(0.005, seed=9, opponent_share=0.4, loyalist_share=0.1, leader_share=0.01)
    for name in ("kind", "hardship", "risk_aversion"):
        assert np.array_equal(getattr(base, name), getattr(variant, name)), name
    # raising the opponent share only turns citizens into opponents
    assert np.all(variant.disposition[base.disposition == Disposition.OPPONENT] == 1)


# -------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("scale", 0.0),
        ("scale", -0.01),
        ("scale", 1.6),
        ("scale", float("nan")),
        ("urban_density", 0.0),
        ("urban_density", 1.01),
        ("rural_density", -0.3),
        ("rural_density", 2.0),
        ("police_per_100k", -1.0),
        ("police_per_100k", 2e5),
        ("opponent_share", -0.1),
        ("opponent_share", 1.5),
        ("loyalist_share", 1.1),
        ("leader_share", -0.001),
        ("leader_share", float("inf")),
        ("seed", -1),
        ("seed", 1.5),
    ],
)
def test_parameters_out_of_range(name, value):
    arguments = {"scale": 0.001, **BELARUS_2020, "seed": 0, name: value}
    scale = arguments.pop("scale")
    with pytest.raises(ScenarioError) as error:
        build_layout(scale, **arguments)
    text = str(error.value)
    assert f"{name} = " in text
    assert "\n" not in text


def test_shares_must_not_exceed_one():
    with pytest.raises(ScenarioError, match=r"opponent_share \+ loyalist_share = 1\.1: must be"):
        layout(0.001, opponent_share=0.6, loyalist_share=0.5)
    layout(0.001, opponent_share=0.7, loyalist_share=0.3)  # exactly 1 is allowed


def test_regions_are_frozen(small):
    region = small.regions[0]
    with pytest.raises(AttributeError):
        region.population = 1  # type: ignore[misc]
    assert replace(region, population=1).population == 1
