"""The series tables (`uprising.outputs`): the observers write exactly the tables' columns,
the docs show exactly the tables, and the run summary reads kinds from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from uprising import outputs
from uprising.engine.simulation import SERIES_COLUMNS
from uprising.runs import run_scenario
from uprising.scenarios import FAMILIES

MODEL_MD = Path(__file__).resolve().parents[1] / "docs" / "MODEL.md"


@pytest.fixture(scope="module")
def belarus_run():
    return run_scenario("belarus-2020", seed=2, scale=0.002, steps=45)


def test_every_family_has_a_table_of_valid_rows():
    assert set(outputs.SERIES) == set(FAMILIES)
    for family in FAMILIES:
        table = outputs.series_table(family)
        names = [entry.name for entry in table]
        assert len(names) == len(set(names)), family
        for entry in table:
            assert entry.kind in outputs.KINDS, entry
            assert entry.unit and entry.description, entry
        assert table[0].kind == "time"


def test_epstein_observer_writes_exactly_the_table():
    record = run_scenario("epstein-run2", steps=20, overrides=["grid.width=30", "grid.height=30"])
    names = [entry.name for entry in outputs.series_table("epstein")]
    assert list(record.series) == names == list(SERIES_COLUMNS)
    assert all(len(values) == 20 for values in record.series.values())


def test_belarus_observer_writes_exactly_the_table(belarus_run):
    from uprising.population import load_regions

    regions = [region.name for region in load_regions()]
    assert len(regions) == 7
    assert list(belarus_run.series) == outputs.belarus_columns(regions)
    assert "participants_minsk_city" in belarus_run.series
    assert all(len(values) == 45 for values in belarus_run.series.values())


def test_summary_sums_flows_over_30_days_and_takes_stocks_on_the_day(belarus_run):
    series = belarus_run.series
    rows = belarus_run.summary["at_dates"]
    assert rows[0]["date"] == str(series["date"][0])
    assert rows[-1]["date"] == str(series["date"][-1])
    keys = outputs.key_columns("belarus")
    assert {entry.name for entry in keys} == set(rows[0]) - {"date"}
    last = len(series["day"]) - 1
    for entry in keys:
        values = series[entry.name]
        want = values[last - 29 : last + 1].sum() if entry.kind == "flow" else values[last]
        assert rows[-1][entry.name] == pytest.approx(float(want), rel=0, abs=0)
    assert any(entry.kind == "flow" for entry in keys)


def test_model_md_shows_exactly_the_tables():
    documented = outputs.documented_tables(MODEL_MD.read_text(encoding="utf-8"))
    assert set(documented) == set(outputs.SERIES)
    for family in outputs.SERIES:
        assert documented[family] == outputs.markdown_table(family), (
            f"docs/MODEL.md's {family} series table is stale: "
            "run `python -m uprising.outputs docs/MODEL.md`"
        )


def test_update_docs_rewrites_a_stale_table(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("intro\n<!-- series:epstein -->\n| old |\n<!-- /series:epstein -->\nend\n")
    assert outputs.update_docs(page) == ["epstein"]
    text = page.read_text()
    assert outputs.documented_tables(text) == {"epstein": outputs.markdown_table("epstein")}
    assert text.startswith("intro\n") and text.endswith("end\n")


def test_fan_charts_take_titles_and_units_from_the_table():
    from uprising.report.figures import FAN_COLUMNS, FAN_WINDOWS, FLOW_WINDOW

    for name, (title, unit) in FAN_COLUMNS.items():
        entry = outputs.column("belarus", name)
        if entry.kind == "flow":  # shown as a rolling sum over FLOW_WINDOW days
            assert FAN_WINDOWS[name] == FLOW_WINDOW
            assert title == f"{entry.title}, {FLOW_WINDOW}-day sum"
            assert unit == entry.unit.replace("per day", f"per {FLOW_WINDOW} days") != entry.unit
        else:
            assert FAN_WINDOWS[name] == 1
            assert (title, unit) == (entry.title, entry.unit)
        assert title


def test_region_column_names():
    assert outputs.region_column("Minsk City") == "participants_minsk_city"
    assert outputs.belarus_columns(["A b"]).count("participants_a_b") == 1
    assert outputs.column("belarus", "participants_x").name == outputs.REGION_COLUMN
    with pytest.raises(KeyError):
        outputs.column("epstein", "participants")


def test_series_files_say_each_column_s_unit_and_kind(belarus_run, tmp_path):
    import pyarrow.parquet as pq

    from uprising.experiment.tasks import series_table

    written = belarus_run.write(tmp_path)
    for table in (pq.read_table(written.paths.series), series_table("r", belarus_run.series)):
        for name in belarus_run.series:
            meta = table.schema.field(name).metadata
            entry = outputs.column("belarus", name)
            assert meta[b"uprising.unit"].decode() == entry.unit, name
            assert meta[b"uprising.kind"].decode() == entry.kind, name
