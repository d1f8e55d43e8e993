"""The measuring scripts run at a tiny size, so that they cannot rot.

`scripts/scale_convergence.py --quick` and `benchmarks/belarus_small.py --quick` run in a
subprocess each (the benchmark sets NUMBA_NUM_THREADS before Numba loads); the tests
check the files they write and the figures' consistency, never a wall-clock time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(script: str, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, str(ROOT / script), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_scale_convergence_quick(tmp_path):
    run("scripts/scale_convergence.py", "--quick", "--out", str(tmp_path))
    result = json.loads((tmp_path / "scale_convergence.json").read_text())
    assert result["scales"] == [0.001, 0.002] and result["reference"] == 0.002
    runs = sorted((tmp_path / "runs").glob("*.json"))
    assert [p.name for p in runs] == ["scale-0.001-seed-1.json", "scale-0.002-seed-1.json"]
    first = result["rows"][0]
    assert first["measure"].startswith("participants, Sun 16 Aug 2020")
    reference = first["by_scale"]["0.002"]
    assert reference["diff"] == 0.0 and reference["faithful"] is True
    small = first["by_scale"]["0.001"]
    record = json.loads(runs[0].read_text())
    assert small["mean"] == record["measures"][first["measure"]]
    assert small["diff"] == small["mean"] / reference["mean"] - 1
    # 40 days end on 9 September: later measures are missing, not zero
    late = next(r for r in result["rows"] if r["measure"].startswith("political prisoners"))
    assert late["by_scale"]["0.001"]["mean"] is None
    text = (tmp_path / "scale_convergence.md").read_text()
    assert "Smallest faithful scale" in text and "chance only" in text
    # a second call reuses the runs on disk
    again = run("scripts/scale_convergence.py", "--quick", "--out", str(tmp_path))
    assert "seed 1:" not in again.stderr


def test_belarus_small_benchmark_quick(tmp_path):
    out = run("benchmarks/belarus_small.py", "--quick", "--top", "5", "--out", str(tmp_path))
    report = json.loads((tmp_path / "belarus_small.json").read_text())
    assert report["threads"] == 1
    assert [(r["scale"], r["days"]) for r in report["results"]] == [(0.001, 30), (0.002, 20)]
    for r in report["results"]:
        assert r["citizens"] > 0 and r["days_s"] > 0 and r["setup_s"] > 0
        assert abs(r["ms_per_day"] - 1000 * r["days_s"] / r["days"]) < 1e-9
        assert len(r["profile_top"]) == 5 and 0 < r["profile"]["kernel_share"] < 1
        assert any(row["compiled"] for row in r["profile_top"])
        own = [row["tottime_s"] for row in r["profile_top"]]
        assert own == sorted(own, reverse=True)
        assert (tmp_path / f"belarus_small_{r['scale']:g}.prof").is_file()
    assert "ms a day" in out.stdout
