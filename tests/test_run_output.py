"""Run outputs: Parquet series, strict JSON summary, code version without git."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pyarrow.parquet as pq

from uprising.store import run_output
from uprising.store.run_output import build_summary, code_version, write_run_output


def columns(n: int = 4) -> dict[str, np.ndarray]:
    return {
        "tick": np.arange(1, n + 1, dtype=np.int64),
        "active": np.array([0, 60, 70, 10][:n], dtype=np.int64),
        "jailed": np.array([0, 1, 2, 3][:n], dtype=np.int64),
        "legitimacy": np.full(n, 0.82),
    }


def test_code_version_without_git(monkeypatch):
    def no_git(*args, **kwargs):
        raise FileNotFoundError("git")

    monkeypatch.setattr(run_output.subprocess, "run", no_git)
    version = code_version()
    assert version == {
        "package": run_output.uprising.__version__,
        "git_commit": None,
        "git_dirty": None,
    }


def test_code_version_when_git_fails(monkeypatch):
    def failing(*args, **kwargs):
        raise subprocess.TimeoutExpired("git", 10)

    monkeypatch.setattr(run_output.subprocess, "run", failing)
    assert code_version()["git_commit"] is None


def test_summary_is_strict_json_and_series_round_trips(tmp_path):
    summary = build_summary(
        scenario_name="x",
        scenario_hash="0" * 64,
        parameters={"rules": {"legitimacy": 0.82}},
        seed=3,
        steps=4,
        wall_seconds=0.5,
        columns=columns(),
        outbursts={"count": 1, "mean_waiting_time": float("nan"), "peaks": np.array([70])},
    )
    assert summary["outbursts"] == {"count": 1, "mean_waiting_time": None, "peaks": [70]}
    assert summary["series"]["peak_active"] == 70
    assert summary["series"]["mean_active"] == 35.0
    paths = write_run_output(tmp_path / "deep" / "out", summary=summary, columns=columns())
    assert json.loads(paths.summary.read_text()) == summary
    table = pq.read_table(paths.series)
    assert table.column_names == ["tick", "active", "jailed", "legitimacy"]
    assert table.column("active").to_pylist() == [0, 60, 70, 10]
    assert table.schema.metadata[b"uprising.seed"] == b"3"
    assert sorted(p.name for p in paths.directory.iterdir()) == ["series.parquet", "summary.json"]
