"""How fast the dashboard's Ensembles page renders over a store of 1,000 runs.

    python benchmarks/dashboard.py                 # 1,000 runs, 1,826 days each
    python benchmarks/dashboard.py --runs 1000 --browser

The store: ``--seed-runs`` real runs of ``belarus-2022`` (scale 0.001, ``--days`` days)
are run once; their shards are then copied into one ensemble of ``--runs`` runs, two
scenarios, each copy with its own run id, seed and an outcome drawn at random (a fall
on a random day through a random channel, or none), so that the store has the size,
columns and days of a real one without an hour of simulation. Then it times:

- cold: the first summary of the ensemble (`Aggregates.get`: horizon table, survival,
  channels, six fan charts over every shard), done once per ensemble and cached;
- page: the Ensembles page's server work for one view: its layout, which carries the
  horizon table and every figure, JSON-encoded as the browser receives it; from the
  cache file (a new dashboard process) and from memory;
- with ``--browser``: headless Chromium's load of the page until every figure is drawn
  (needs chromium and chromedriver), median of ``--repeat`` loads.

Prints one line per measure (median of ``--repeat`` for the warm ones).
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq


def build_store(folder: Path, runs: int, seed_runs: int, days: int) -> str:
    """A store of ``runs`` runs cloned from ``seed_runs`` real ones; returns the ensemble id."""
    from uprising.experiment import LocalExecutor, plan_ensemble, run_ensemble
    from uprising.models.belarus import CHANNELS
    from uprising.store.results import ResultsStore
    from uprising.store.shards import write_shard

    seeds = ResultsStore(folder.parent / (folder.name + "-seed-runs"))
    plan = plan_ensemble(["belarus-2022"], runs=seed_runs, seed=1, scale=0.001, days=days)
    with LocalExecutor(workers=2) as executor:
        run_ensemble(plan, seeds, executor)
    real = [seeds.shard_path(t.run_id) for t in plan.tasks]
    records = [json.loads(seeds.record_path(t.run_id).read_text()) for t in plan.tasks]
    store = ResultsStore(folder)
    eid = "bench" + plan.ensemble_id[:7]
    target = store.shard_dir(eid)
    rng = np.random.default_rng(0)
    start = np.datetime64(str(pq.read_table(real[0], columns=["date"])["date"][0]))
    for k in range(runs):
        run_id = f"{eid}-{k:06d}"
        table = pq.read_table(real[k % seed_runs])
        table = table.set_column(0, "run_id", pa.array([run_id] * table.num_rows))
        digest = write_shard(target / f"{run_id}.parquet", table)
        record = dict(records[k % seed_runs])
        falls = rng.random() < 0.4
        record.update(
            run_id=run_id,
            ensemble_id=eid,
            k=k,
            scenario="belarus-2022" if k < runs // 2 else "bench-variant",
            seed=int(rng.integers(2**62)),
            outcome="falls" if falls else "holds",
            fall_date=str(start + int(rng.integers(days))) if falls else None,
            channel=str(rng.choice(CHANNELS)) if falls else None,
            shard_sha256=digest.sha256,
            shard_bytes=digest.size,
        )
        (target / f"{run_id}.json").write_text(json.dumps(record))
    store.register_ensemble({"ensemble_id": eid, "design": "mc", "runs": runs // 2})
    store.ingest(eid)
    shutil.rmtree(seeds.directory)
    return eid


def page_view(app, context) -> None:
    """The server's work for one view of the Ensembles page, JSON encoding included.

    The page's layout carries its first figures (its callbacks do not fire on load).
    """
    from dash._utils import to_json

    from uprising.dashboard.pages import ensembles

    to_json(ensembles.layout(context, ""))


def browser_view(url: str, repeat: int) -> list[float]:
    """Seconds from navigation to every figure drawn, in headless Chromium."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    profile = tempfile.mkdtemp()
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--window-size=1400,1100",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
    times = []
    try:
        for _ in range(repeat + 1):  # the first load fills the browser's cache: not counted
            started = time.perf_counter()
            driver.get(url)
            while True:
                drawn = [
                    driver.find_elements(By.CSS_SELECTOR, f"#{g} .main-svg")
                    for g in ("ens-horizons", "ens-survival", "ens-channels", "ens-fan")
                ]
                if all(drawn) and driver.find_elements(By.CSS_SELECTOR, "#ens-table table"):
                    break
                time.sleep(0.02)
            times.append(time.perf_counter() - started)
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    return times[1:]


def _spread(times: list[float]) -> str:
    return f"median {statistics.median(times):.3f} s, max {max(times):.3f} s ({len(times)} views)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--seed-runs", type=int, default=10)
    parser.add_argument("--days", type=int, default=1826)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--browser", action="store_true")
    parser.add_argument("--store", type=Path, help="keep the store here (default: a temp dir)")
    parser.add_argument(
        "--reuse", action="store_true", help="use the store left by an earlier --store run"
    )
    args = parser.parse_args()

    from uprising.dashboard.app import create_app

    folder = args.store or Path(tempfile.mkdtemp(prefix="uprising-dashboard-bench-"))
    started = time.perf_counter()
    if args.reuse:
        from uprising.store.results import ResultsStore

        eid = str(ResultsStore(folder).ensembles()["ensemble_id"].iloc[-1])
        for path in (folder / "dashboard" / "aggregates").glob("*.json"):
            path.unlink()  # measure the cold summary again
    else:
        eid = build_store(folder, args.runs, args.seed_runs, args.days)
    built = time.perf_counter() - started
    print(f"store: {args.runs} runs x {args.days} days in {folder} ({built:.1f} s to build)")
    app = create_app(folder, warm=False)
    context = app.uprising
    started = time.perf_counter()
    context.aggregates.get(eid)
    cold = time.perf_counter() - started
    print(f"cold: first summary of the ensemble (computed once, cached): {cold:.2f} s")
    times = []
    for _ in range(args.repeat):
        fresh = create_app(folder, warm=False).uprising  # the cache file, not memory
        started = time.perf_counter()
        page_view(app, fresh)
        times.append(time.perf_counter() - started)
    print(f"page, from the cache file: {_spread(times)}")
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        page_view(app, context)
        times.append(time.perf_counter() - started)
    print(f"page, warm (in memory): {_spread(times)}")
    if args.browser:
        from werkzeug.serving import make_server

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        httpd = make_server("127.0.0.1", 0, app.server, threaded=True)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        times = browser_view(f"http://127.0.0.1:{httpd.server_port}/", args.repeat)
        httpd.shutdown()
        print(f"browser: load to every figure drawn: {_spread(times)}")
    if args.store is None:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
