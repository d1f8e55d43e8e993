"""Each ensemble's summaries, computed once and kept in the store.

The Ensembles page never scans the series shards itself. For an ensemble, `Aggregates`
computes with `uprising.analysis` (over the successful runs, failed ones counted):

- the probability of a fall within 1-5 years with its 95 % Wilson interval
  (`horizon_table`), per scenario;
- the survival curve, P(fallen by each day) with its interval (`fall_probability`);
- the channels of fall at the end of the runs (`channel_split`);
- fan charts (5 %, 25 %, 50 %, 75 %, 95 % across runs, day by day) of `FAN_COLUMNS`
  (`fan_chart`);
- for experiment designs (``lhs``, ``sobol``, ``morris``), each run's varied values and
  whether it fell, for the what-decides-it scatter.

The result is written to ``<store>/dashboard/aggregates/<ensemble_id>.json`` with a
fingerprint of the ensemble's run records (ids, status, outcome, fall date); it is
computed again only when the fingerprint changes (new or re-run runs), and is also held
in memory. The run table itself is read again only when the database file changed
(its size or modification time), so a page view usually costs no query at all.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from typing import Any

import pandas as pd

from uprising.analysis import channel_split, fall_probability, fan_chart, horizon_table
from uprising.dashboard.gate import StoreGate
from uprising.errors import UprisingError

FAN_COLUMNS = (
    "participants",
    "political_prisoners",
    "detentions",
    "emigrants",
    "legitimacy",
    "security_loyalty",
)
"""Series shown as fan charts (those of the HTML report)."""

YEARS = (1, 2, 3, 4, 5)
"""Horizons of the fall-probability table, in years."""

CACHE_VERSION = 1
"""Bumped when the cached layout changes, so that older cache files are recomputed."""


class Aggregates:
    """Cached summaries of the ensembles in a store (see the module docstring).

    Args:
        gate: The dashboard's door to the store.
    """

    def __init__(self, gate: StoreGate) -> None:
        self.gate = gate
        self.folder = gate.home / "aggregates"
        self.folder.mkdir(parents=True, exist_ok=True)
        self._memory: dict[str, dict[str, Any]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._tables: tuple[Any, pd.DataFrame, pd.DataFrame] | None = None

    def tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The store's ``runs`` and ``ensembles`` tables, read again when the file changed."""
        database = self.gate.store.database
        stamp = tuple(
            (path.stat().st_mtime_ns, path.stat().st_size) if path.exists() else None
            for path in (database, database.with_name(database.name + ".wal"))
        )
        with self._guard:
            held = self._tables
        if held is not None and held[0] == stamp:
            return held[1], held[2]
        runs, registered = self.gate.store.runs(), self.gate.store.ensembles()
        with self._guard:
            self._tables = (stamp, runs, registered)
        return runs, registered

    def ensembles(self) -> pd.DataFrame:
        """The store's ensembles that have recorded runs, oldest first.

        Columns: ``ensemble_id``, ``design``, ``created_at``, ``command``, ``runs``
        (recorded), ``scenarios`` (list of names in run order).
        """
        runs, registered = self.tables()
        if runs.empty:
            return pd.DataFrame(
                columns=["ensemble_id", "design", "created_at", "command", "runs", "scenarios"]
            )
        rows = []
        present = list(dict.fromkeys(runs["ensemble_id"]))
        order = [e for e in registered["ensemble_id"] if e in present]
        order += [e for e in present if e not in order]
        info = registered.set_index("ensemble_id") if len(registered) else None
        for eid in order:
            mine = runs[runs["ensemble_id"] == eid].sort_values("k")
            meta = info.loc[eid] if info is not None and eid in info.index else None
            rows.append(
                {
                    "ensemble_id": eid,
                    "design": None if meta is None else meta["design"],
                    "created_at": None if meta is None else meta["created_at"],
                    "command": None if meta is None else meta["command"],
                    "runs": len(mine),
                    "scenarios": list(dict.fromkeys(mine["scenario"])),
                }
            )
        return pd.DataFrame(rows)

    def get(self, ensemble_id: str) -> dict[str, Any]:
        """The summaries of one ensemble, from memory, the cache file or computed now.

        Raises:
            UprisingError: The ensemble has no recorded runs.
        """
        every, _ = self.tables()
        runs = every[every["ensemble_id"] == ensemble_id]
        if runs.empty:
            raise UprisingError(f"no runs of ensemble {ensemble_id} in {self.gate.directory}")
        fingerprint = _fingerprint(runs)
        with self._guard:
            lock = self._locks.setdefault(ensemble_id, threading.Lock())
        with lock:
            held = self._memory.get(ensemble_id)
            if held is not None and held["fingerprint"] == fingerprint:
                return held
            path = self.gate.inside("aggregates", f"{ensemble_id}.json")
            if path.is_file():
                try:
                    saved = json.loads(path.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    saved = None
                if (
                    isinstance(saved, dict)
                    and saved.get("fingerprint") == fingerprint
                    and saved.get("version") == CACHE_VERSION
                ):
                    self._memory[ensemble_id] = saved
                    return saved
            data = self._compute(ensemble_id, runs, fingerprint)
            tmp = path.with_suffix(".json.tmp")
            tmp.write_text(json.dumps(data, allow_nan=True), encoding="utf-8")
            tmp.replace(path)
            self._memory[ensemble_id] = data
            return data

    def warm(self) -> None:
        """Compute (or load) the summaries of every ensemble in the store."""
        for eid in self.ensembles()["ensemble_id"]:
            try:
                self.get(str(eid))
            except UprisingError:
                continue

    def _compute(self, eid: str, runs: pd.DataFrame, fingerprint: str) -> dict[str, Any]:
        store = self.gate.store
        _, registered = self.tables()
        meta = registered[registered["ensemble_id"] == eid]
        design = str(meta["design"].iloc[0]) if len(meta) and meta["design"].iloc[0] else "mc"
        scenarios = []
        for scenario in dict.fromkeys(runs.sort_values("k")["scenario"]):
            entry: dict[str, Any] = {"scenario": str(scenario)}
            mine = runs[runs["scenario"] == scenario]
            entry["recorded"] = len(mine)
            entry["failed"] = int((mine["status"] == "failed").sum())
            entry["n"] = int((mine["status"] == "ok").sum())
            try:
                entry.update(_scenario_summaries(store, eid, str(scenario)))
            except UprisingError as exc:
                entry["error"] = str(exc)
            if design != "mc":
                entry["design_points"] = _design_points(mine)
            scenarios.append(entry)
        return {
            "version": CACHE_VERSION,
            "fingerprint": fingerprint,
            "ensemble_id": eid,
            "design": design,
            "command": str(meta["command"].iloc[0]) if len(meta) else None,
            "chance_only": design == "mc",
            "scenarios": scenarios,
        }


def _scenario_summaries(store: Any, eid: str, scenario: str) -> dict[str, Any]:
    horizons = horizon_table(store, eid, years=YEARS, allow_failed=True)
    horizons = horizons[horizons["scenario"] == scenario]
    survival = fall_probability(store, eid, scenario, allow_failed=True)
    channels = channel_split(store, eid, scenario, allow_failed=True)
    fans = {}
    for column in FAN_COLUMNS:
        try:
            fan = fan_chart(store, eid, scenario, column, allow_failed=True)
        except UprisingError:
            continue
        fans[column] = _columns(fan)
    return {
        "horizons": [
            {
                "years": int(row.years),
                "date": row.date.date().isoformat(),
                "observed": bool(row.observed),
                "fallen": None if pd.isna(row.fallen) else int(row.fallen),
                "p": _number(row.p),
                "low": _number(row.low),
                "high": _number(row.high),
                "main_channel": row.main_channel,
            }
            for row in horizons.itertuples()
        ],
        "survival": _columns(survival[["date", "p", "low", "high"]]),
        "channels": [
            {"channel": str(row.channel), "count": int(row.count), "share": float(row.share)}
            for row in channels.itertuples()
        ],
        "fans": fans,
    }


def _design_points(runs: pd.DataFrame) -> dict[str, Any]:
    ok = runs[runs["status"] == "ok"]
    values: dict[str, list[float]] = {}
    for text in ok["parameters"]:
        point = json.loads(text) if isinstance(text, str) and text else {}
        for name, value in point.items():
            values.setdefault(name, []).append(float(value))
    return {"values": values, "fell": [bool(o == "falls") for o in ok["outcome"]]}


def _columns(frame: pd.DataFrame) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for name in frame.columns:
        if name == "date":
            out[name] = [d.date().isoformat() for d in pd.to_datetime(frame[name])]
        else:
            out[name] = [_number(v) for v in frame[name]]
    return out


def _number(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def _fingerprint(runs: pd.DataFrame) -> str:
    text = runs[["run_id", "status", "outcome", "fall_date", "channel"]].to_csv(index=False)
    return hashlib.sha256(f"{CACHE_VERSION}\n{text}".encode()).hexdigest()[:20]
