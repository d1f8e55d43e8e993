"""The HTML report of ensembles (`uprising.report`) and `uprising report`.

The stores are fabricated: run records and Parquet shards written directly in the
format workers write (no simulation), so the expected numbers are known exactly.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from uprising.analysis.ensemble import fall_probability, fan_chart, wilson_interval
from uprising.cli import app
from uprising.errors import UprisingError
from uprising.report import FIGURE_SUFFIX, write_report
from uprising.report import figures as report_figures
from uprising.scenarios import load_scenario, scenario_hash
from uprising.store.results import ResultsStore

START = dt.date(2022, 10, 1)
DAYS = 400  # one whole year (to 2023-09-30) and the last day, 2023-11-04
SCALE = 0.002
ROOT_SEED = 7
VARIED = "legitimacy.initial"
FAN_COLUMNS = list(report_figures.FAN_COLUMNS)
TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "tasks.py", line 1, in run_one\n'
    "ValueError: fabricated failure for the report test\n"
)
CODE = {"package": "0.1.0", "git_commit": "0123456789abcdef0123", "git_dirty": False}

# Per scenario: k -> (status, fall date or None, channel or None). Ensemble A.
PLAN_A = {
    "belarus-2022": {
        0: ("ok", dt.date(2023, 3, 1), "mobilisation"),
        1: ("ok", dt.date(2023, 10, 20), "elite_split"),
        2: ("ok", None, None),
        3: ("failed", None, None),
        4: ("ok", None, None),
        5: ("ok", None, None),
    },
    "russia-defeat": {
        6: ("ok", dt.date(2022, 12, 1), "security_defection"),
        7: ("ok", dt.date(2022, 12, 2), "security_defection"),
        8: ("ok", dt.date(2023, 1, 15), "mobilisation"),
        9: ("ok", None, None),
        10: ("ok", None, None),
        11: ("ok", None, None),
    },
}


def run_seed(root: int, k: int) -> int:
    child = np.random.SeedSequence(root).spawn(k + 1)[k]
    return int(child.generate_state(1, dtype=np.uint64)[0] >> 1)


def make_ensemble(
    store: ResultsStore,
    ensemble_id: str,
    plan: dict[str, dict[int, tuple]],
    *,
    root_seed: int = ROOT_SEED,
    hashes: dict[str, str] | None = None,
    sources: dict[str, str] | None = None,
) -> None:
    """Register an ensemble and write its records and shards as workers would.

    ``hashes``: recorded scenario hashes to use instead of the true ones; ``sources``:
    the file a scenario was loaded from (default: its name, a built-in).
    """
    folder = store.shard_dir(ensemble_id)
    dates = np.arange(np.datetime64(START), np.datetime64(START) + DAYS, dtype="datetime64[D]")
    entries = []
    for scenario, runs in plan.items():
        source = (sources or {}).get(scenario, scenario)
        digest = (hashes or {}).get(scenario) or scenario_hash(load_scenario(source))
        entries.append(
            {
                "name": scenario,
                "source": source,
                "scenario_hash": digest,
                "scale": SCALE,
                "days": DAYS,
                "points": len(runs),
            }
        )
        for point, (k, (status, fall, channel)) in enumerate(sorted(runs.items())):
            run_id = f"{ensemble_id}-{k:06d}"
            value = round(0.5 + 0.2 * point / max(1, len(runs) - 1), 4)
            record = {
                "run_id": run_id,
                "ensemble_id": ensemble_id,
                "k": k,
                "scenario": scenario,
                "scenario_hash": digest,
                "seed": run_seed(root_seed, k),
                "scale": SCALE,
                "days": DAYS,
                "design_point": point,
                "parameters": {VARIED: value},
                "code_version": CODE,
                "status": status,
                "error": TRACEBACK if status == "failed" else None,
                "started_at": "2024-05-01T12:00:00+00:00",
                "seconds": 0.5,
                "outcome": None,
                "fall_date": None,
                "channel": None,
                "readiness": None,
                "series_rows": 0,
            }
            if status == "ok":
                ramp = np.linspace(0.0, 1.0, DAYS)
                table = pa.table(
                    {
                        "run_id": pa.array([run_id] * DAYS, pa.string()),
                        "date": pa.array(dates, pa.date32()),
                        "day": np.arange(DAYS, dtype=np.int64),
                        "participants": 1000.0 * (k + 1) * ramp,
                        "political_prisoners": 100.0 + k + 10.0 * ramp,
                        "detentions": np.full(DAYS, 5.0 * k),
                        "emigrants": 50.0 * k * ramp,
                        "legitimacy": value - 0.1 * ramp,
                        "security_loyalty": 1.0 - 0.01 * k * ramp,
                    }
                )
                pq.write_table(table, folder / f"{run_id}.parquet")
                record.update(
                    outcome="falls" if fall else "holds",
                    fall_date=fall.isoformat() if fall else None,
                    channel=channel,
                    readiness=0.5,
                    series_rows=DAYS,
                )
            (folder / f"{run_id}.json").write_text(json.dumps(record), encoding="utf-8")
    store.register_ensemble(
        {
            "ensemble_id": ensemble_id,
            "command": f"uprising ensemble {' '.join(plan)} --runs 6 --design lhs "
            f"--vary {VARIED}=0.5:0.7 --seed {root_seed}",
            "scenarios": entries,
            "design": "lhs",
            "vary": [{"name": VARIED, "low": 0.5, "high": 0.7}],
            "runs": 6,
            "seed": root_seed,
            "scale": SCALE,
            "days": DAYS,
            "code_version": CODE,
        }
    )


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """Ensemble A (two scenarios, one failed run) in a store, and its report."""
    folder = tmp_path_factory.mktemp("report")
    store = ResultsStore(folder / "store")
    make_ensemble(store, "aaaaaaaaaaaa", PLAN_A)
    assert store.runs().empty  # written as workers write them, not ingested yet
    out = folder / "out" / "ensemble.html"
    path = write_report(store, out)
    return {"store": store, "path": path, "html": path.read_text(encoding="utf-8")}


def percent(x: float) -> str:
    # fewer than 10,000 runs: whole percentage points (report.format.share_digits)
    return f"{100 * x:.0f} %"


def interval(fallen: int, n: int) -> str:
    low, high = wilson_interval(fallen, n)
    return f"{percent(float(low))} to {percent(float(high))}"


def row_cells(page: str, *fragments: str) -> list[str]:
    """The cells of the one table row that contains every fragment."""
    rows = [
        row for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page) if all(f in row for f in fragments)
    ]
    assert len(rows) == 1, (fragments, rows)
    return re.findall(r"<td[^>]*>(.*?)</td>", rows[0])


def test_report_is_self_contained(report):
    page = report["html"]
    assert report["path"].name == "ensemble.html"
    assert page.startswith("<!DOCTYPE html>")
    for forbidden in ("http://", "https://", "<script", "<link", "<iframe", "url(", "@import"):
        assert forbidden not in page.lower(), forbidden
    assert not re.search(r"<script[^>]*src", page) and not re.search(r"<link[^>]*href", page)
    for attribute, value in re.findall(r'\b(src|href)="([^"]*)"', page):
        assert value.startswith("data:image/png;base64," if attribute == "src" else "#"), value
    assert "<style>" in page


def test_report_embeds_every_figure_and_writes_the_pngs(report):
    page = report["html"]
    uris = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    folder = report["path"].parent / f"ensemble{FIGURE_SUFFIX}"
    numbered = sorted(folder.glob("[0-9][0-9]_*.png"))
    names = ["01_survival.png", "02_channels.png"] + [
        f"{i:02d}_fan_{column}.png" for i, column in enumerate(FAN_COLUMNS, start=3)
    ]
    assert [f.name for f in numbered] == names
    # The section "Which inputs matter" follows, with its own files (inputs_*.png), in the
    # order they are embedded.
    section = page.index('<h2 id="inputs">') if '<h2 id="inputs">' in page else len(page)
    inputs = [f for f in sorted(folder.glob("inputs_*.png"))]
    inputs.sort(key=lambda f: page.index(f"<code>{f.name}</code>"))
    assert all(page.index(f"<code>{f.name}</code>") > section for f in inputs)
    files = numbered + inputs
    assert len(uris) == len(files) == 8 + len(inputs)
    for file, uri in zip(files, uris, strict=True):
        data = file.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 5000
        assert base64.b64decode(uri) == data
        assert f"<code>{file.name}</code>" in page
        assert b"matplotlib.org" not in data  # no tool metadata with a web address


def test_report_captions(report):
    page = report["html"]
    assert "<strong>Figure 1.</strong> Survival of the regime" in page
    assert "<strong>Figure 2.</strong> How the runs end" in page
    for number, column in enumerate(FAN_COLUMNS, start=3):
        title = report_figures.FAN_COLUMNS[column][0].lower()
        assert f"<strong>Figure {number}.</strong> Fan chart of {title}" in page
        assert f"series <code>{column}</code>" in page
    assert "belarus-2022: n = 5, russia-defeat: n = 6" in page
    assert "12 runs recorded" in page


def test_outcome_table_values(report):
    page = report["html"]
    # belarus-2022: 5 ok runs; one fall within the first year, two by the last day.
    cells = row_cells(page, "belarus-2022", "1 year")
    assert cells[2:7] == ["2023-09-30", percent(1 / 5), interval(1, 5), "1 of 5", "mobilisation"]
    assert cells[7] == "<strong>1 left out</strong>"
    cells = row_cells(page, "belarus-2022", "end of run (400 days)")
    # a tie between mobilisation and elite_split goes to the order of CHANNELS
    assert cells[2:7] == ["2023-11-04", percent(2 / 5), interval(2, 5), "2 of 5", "mobilisation"]
    cells = row_cells(page, "russia-defeat", "1 year")
    assert cells[3:7] == [percent(3 / 6), interval(3, 6), "3 of 6", "security_defection"]
    assert cells[7] == "0"
    # years 2-5 are beyond the runs: not in the table
    assert "2 years" not in page


def test_failed_runs_are_stated_prominently(report):
    page = report["html"]
    box = page.index('<div class="warning" id="failed-warning">')
    assert box < page.index('<h2 id="outcomes">')
    assert "1 of 12 runs failed" in page
    assert "allow_failed=True" in page
    assert "belarus-2022</strong> (ensemble <code>aaaaaaaaaaaa</code>): 1 of 6 runs failed" in page
    assert "ValueError: fabricated failure for the report test" in page
    assert "Failed runs are left out of this table" in page
    assert "Failed runs are left out (belarus-2022: 1)" in page
    # the traceback itself, escaped
    assert "File &quot;tasks.py&quot;, line 1, in run_one" in page


def test_parameters_with_units_sources_and_varied_ranges(report):
    page = report["html"]
    from uprising.scenarios import apply_overrides, describe_parameters

    assert page.count("its hash equals the recorded <code>scenario_hash</code>") == 2
    scenario = apply_overrides(
        load_scenario("russia-defeat"), [f"run.scale={SCALE!r}", f"run.days={DAYS}"]
    )
    rows = {row.path: row for row in describe_parameters(scenario)}
    police = [
        re.findall(r"<td[^>]*>(.*?)</td>", row)
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page)
        if "<code>security.police_per_100k</code>" in row
    ]
    assert len(police) == 2  # one table per scenario
    for cells in police:
        assert cells[1:3] == ["491", "officers per 100,000 people"]
        assert cells[4] == html.escape(rows["security.police_per_100k"].source)
    days = [r for r in re.findall(r"<tr[^>]*>(.*?)</tr>", page) if "<code>run.days</code>" in r]
    assert len(days) == 2 and all("<td>400</td>" in r for r in days)
    varied = re.findall(r'<tr class="varied">(.*?)</tr>', page)
    assert len(varied) == 2 and all(f"<code>{VARIED}</code>" in r for r in varied)
    assert "varied (see above)" in varied[0]
    assert page.count("<td>per run (see Seeds and reproduction)</td>") == 2  # run.seed
    # Outside the section "Which inputs matter", whose index tables list the input too.
    if '<h2 id="inputs">' in page:
        page = page[: page.index('<h2 id="inputs">')] + page[page.index('<h2 id="parameters">') :]
    ranges = [
        r for r in re.findall(r"<tr>(.*?)</tr>", page) if r.startswith(f"<td><code>{VARIED}</code>")
    ]
    assert ranges and all('<td class="num">0.5</td><td class="num">0.7</td>' in r for r in ranges)


def test_seeds_code_version_and_reproduction(report):
    page = report["html"]
    assert "yes (all 12 checked)" in page
    seed0 = run_seed(ROOT_SEED, 0)
    assert (
        f"uprising run belarus-2022 --seed {seed0} --scale {SCALE!r} --days {DAYS} "
        f"--set {VARIED}=0.5" in page
    )
    assert "0.1.0 (git 0123456789ab)" in page
    assert "different code versions" not in page
    cells = row_cells(page, "aaaaaaaaaaaa-000006")
    assert cells[1:9] == [
        "russia-defeat",
        "0",
        f"{VARIED}=0.5",
        str(run_seed(ROOT_SEED, 6)),
        "ok",
        "falls",
        "2022-12-01",
        "security_defection",
    ]


def test_figures_from_analysis_frames(report):
    store = report["store"]
    curves = {s: fall_probability(store, "aaaaaaaaaaaa", s, allow_failed=True) for s in PLAN_A}
    figure = report_figures.survival_figure(curves)
    (axes,) = figure.axes
    assert [line.get_label() for line in axes.lines] == [
        "belarus-2022 (n = 5)",
        "russia-defeat (n = 6)",
    ]
    survival = axes.lines[1].get_ydata()
    assert survival[0] == 1.0 and survival[-1] == pytest.approx(0.5)
    fan = fan_chart(store, "aaaaaaaaaaaa", "russia-defeat", "participants")
    figure = report_figures.fan_figure({"a": fan, "b": fan, "c": fan}, "participants")
    panels = [a for a in figure.axes if a.get_visible() and a.get_title()]
    assert len(panels) == 3  # and each has a twin axis: the runs still going
    assert len([a for a in figure.axes if a.get_visible()]) == 6
    with pytest.raises(ValueError, match="q95"):
        report_figures.fan_figure({"a": fan.drop(columns="q95")}, "participants")


def test_two_ensembles_unrebuildable_and_all_failed_scenarios(tmp_path):
    store = ResultsStore(tmp_path / "store")
    make_ensemble(store, "aaaaaaaaaaaa", PLAN_A)
    plan_b = {
        "belarus-2022": {0: ("ok", dt.date(2023, 1, 1), "mobilisation"), 1: ("ok", None, None)},
        "russia-stalemate": {2: ("failed", None, None), 3: ("failed", None, None)},
        "my-variant": {4: ("ok", dt.date(2023, 2, 1), "elite_split")},
    }
    variant = tmp_path / "my variant.toml"
    variant.write_text(
        'base = "belarus-2022"\nname = "my-variant"\ndescription = "test"\n'
        "[legitimacy]\ninitial = 0.55\n",
        encoding="utf-8",
    )
    make_ensemble(
        store,
        "bbbbbbbbbbbb",
        plan_b,
        root_seed=3,
        hashes={"belarus-2022": "f" * 64},
        sources={"my-variant": str(variant)},
    )
    path = write_report(store, tmp_path / "two.html", ["bbbbbbbbbbbb", "aaaaaaaaaaaa"])
    page = path.read_text(encoding="utf-8")
    # the same scenario in two ensembles: labelled with the ensemble id
    assert "belarus-2022 [bbbbbbbbbbbb]" in page and "belarus-2022 [aaaaaaaaaaaa]" in page
    outcomes = page.split('<h2 id="outcomes">')[1].split('<h2 id="figures">')[0]
    first_b = outcomes.index("belarus-2022 [bbbbbbbbbbbb]")
    assert first_b < outcomes.index("belarus-2022 [aaaaaaaaaaaa]")
    assert "3 of 17 runs failed" in page
    assert "every run failed: it is left out of the analyses and figures" in page
    assert "differs from the recorded <code>ffffffffffffffff</code>" in page
    cells = row_cells(page, "belarus-2022 [bbbbbbbbbbbb]", "1 year")
    assert cells[3:7] == [percent(1 / 2), interval(1, 2), "1 of 2", "mobilisation"]
    assert "russia-stalemate" in page and "russia-stalemate" not in outcomes
    assert "yes (all 5 checked)" in page and "yes (all 12 checked)" in page
    # a scenario from a file: rebuilt from it, and the command to reproduce names it
    assert f"Rebuilt from <code>{html.escape(str(variant))}</code>; its hash equals" in page
    seed = run_seed(3, 4)
    assert f"uprising run &#x27;{variant}&#x27; --seed {seed} --scale 0.002 --days 400" in page
    cells = row_cells(page, "my-variant", "end of run")
    assert cells[3:7] == [percent(1.0), interval(1, 1), "1 of 1", "elite_split"]
    # only ensemble B
    page = write_report(store, tmp_path / "b.html", "bbbbbbbbbbbb").read_text(encoding="utf-8")
    assert "aaaaaaaaaaaa" not in page and "belarus-2022 [" not in page


def test_cli_report(report, tmp_path):
    runner = CliRunner()
    store = report["store"].directory
    out = tmp_path / "cli" / "r.html"
    result = runner.invoke(app, ["report", "--store", str(store), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"report: {out}" in result.stdout
    assert out.is_file() and len(list((tmp_path / "cli" / "r_figures").glob("[0-9]*.png"))) == 8
    # Two scenarios of a varied ensemble: a sensitivity figure and two PRIM figures each.
    assert len(list((tmp_path / "cli" / "r_figures").glob("inputs_*.png"))) == 6
    assert "The three inputs that matter most" in result.stdout
    printed = result.stdout
    assert "each horizon counted from the scenario's first day" in printed
    assert "belarus-2022 (ensemble aaaaaaaaaaaa, 5 runs, 1 failed runs left out, 2022-10-01 to" in (
        printed
    )
    assert "within 1 y (by 2023-09-30): 1 of 5 fell = 20 % (95 % interval" in printed
    assert "within 3 y (by 2025-09-30): not known, the runs end on 2023-11-04" in printed
    assert "by the runs' last day (2023-11-04): 2 of 5 fell = 40 %" in printed
    assert "mix chance" not in printed and "nan" not in printed
    assert "lhs, sobol, morris" in printed  # the ensemble is an lhs design

    result = runner.invoke(
        app, ["report", "--store", str(store), "--ensemble", "cccccccccccc", "--out", str(out)]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("error: no ensemble cccccccccccc")
    assert "aaaaaaaaaaaa" in result.stderr and result.stderr.count("\n") == 1

    result = runner.invoke(app, ["report", "--store", str(tmp_path / "none"), "--out", str(out)])
    assert result.exit_code == 2
    assert "no results store at" in result.stderr
    assert not (tmp_path / "none").exists()


def test_empty_store_is_a_user_error(tmp_path):
    from uprising.errors import UprisingError

    store = ResultsStore(tmp_path / "empty")
    with pytest.raises(UprisingError, match="no runs recorded"):
        write_report(store, tmp_path / "r.html")
    assert not (tmp_path / "r.html").exists()


def test_fan_chart_over_runs_still_going_and_flows_as_window_sums(report):
    store = report["store"]
    runs = store.runs("aaaaaaaaaaaa")
    ok = runs[(runs["scenario"] == "russia-defeat") & (runs["status"] == "ok")]
    falls = pd.to_datetime(ok["fall_date"])
    fan = fan_chart(store, "aaaaaaaaaaaa", "russia-defeat", "participants", holding=True)
    for row in fan.itertuples():
        assert row.n == int(((falls > row.date) | falls.isna()).sum()), row.date
    # ends on the last day some run holds
    if falls.notna().all():
        assert fan["date"].iloc[-1] == falls.max() - pd.Timedelta(days=1)
    series = store.series(list(ok["run_id"]), columns=["detentions"])
    window = fan_chart(store, "aaaaaaaaaaaa", "russia-defeat", "detentions", window=30)
    assert window["date"].iloc[0] == pd.Timestamp(START) + pd.Timedelta(days=29)
    sums = series.sort_values("date").groupby("run_id")["detentions"].rolling(30).sum()
    by_date = sums.droplevel(0).groupby(series.sort_values("date")["date"]).median().dropna()
    assert np.allclose(window["q50"].to_numpy(), by_date.to_numpy())
    with pytest.raises(UprisingError, match="window"):
        fan_chart(store, "aaaaaaaaaaaa", "russia-defeat", "detentions", window=0)


def test_report_fan_charts_state_flows_and_runs_still_going(report):
    page = report["html"]
    assert "Fan chart of detentions, 30-day sum, in persons per 30 days" in page
    assert "runs in which the regime still holds that day" in page
    text = re.sub(r"<[^>]*>|data:image/png;base64,[A-Za-z0-9+/=]+", " ", page)
    assert not re.search(r"\bnan\b", text, re.IGNORECASE)


def test_report_states_each_scenarios_assumptions_and_their_differences(report):
    page = report["html"]
    defeat = load_scenario("russia-defeat")
    assert html.escape(defeat.description) in page
    event = next(e for e in defeat.events if e.name == "Russia defeated")
    cells = row_cells(page, "<td>Russia defeated</td>")
    assert cells[:2] == [event.date.isoformat(), event.until.isoformat()]
    assert cells[4] == f"{event.value:g}" and cells[7] == html.escape(event.source)
    differs = page.split('id="differences"')[1].split("<h3>")[0]
    cells = row_cells(differs, "event: Russia defeated")
    assert cells[1] == "absent" and cells[2].startswith(event.date.isoformat())
    # the two scenarios share every other event: no row for them
    assert "event: sanctions in force" not in differs
