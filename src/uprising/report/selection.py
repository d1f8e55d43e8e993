"""Which runs a report covers: the ensembles asked for, and their runs per scenario."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from uprising.errors import UprisingError
from uprising.store.results import ResultsStore

__all__ = ["Group", "groups", "open_store", "select"]


@dataclasses.dataclass
class Group:
    """The runs of one scenario of one ensemble, and how they are labelled."""

    label: str
    ensemble_id: str
    scenario: str
    runs: pd.DataFrame
    ok: int
    failed: int

    @property
    def analysed(self) -> bool:
        """Whether it has a successful run to analyse."""
        return self.ok > 0


def open_store(store: ResultsStore | str | os.PathLike[str]) -> ResultsStore:
    """The store, or the store in a folder that must exist."""
    if isinstance(store, ResultsStore):
        return store
    folder = Path(store)
    if not folder.is_dir():
        raise UprisingError(f"no results store at {folder}: the folder does not exist")
    return ResultsStore(folder)


def select(
    store: ResultsStore, ensemble_ids: str | Iterable[str] | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ensembles' rows (in report order) and their runs."""
    registered = store.ensembles()
    runs = store.runs()
    present = list(dict.fromkeys(runs["ensemble_id"]))
    known = list(dict.fromkeys([*registered["ensemble_id"], *present]))
    if ensemble_ids is None:
        wanted = [e for e in registered["ensemble_id"] if e in present]
        wanted += [e for e in present if e not in wanted]
        if not wanted:
            raise UprisingError(f"no runs recorded in the results store {store.directory}")
    else:
        wanted = [ensemble_ids] if isinstance(ensemble_ids, str) else list(ensemble_ids)
        wanted = list(dict.fromkeys(wanted))
        unknown = [e for e in wanted if e not in known]
        if unknown:
            listed = ", ".join(known) or "none"
            raise UprisingError(
                f"no ensemble {', '.join(unknown)} in {store.directory} (ensembles: {listed})"
            )
        empty = [e for e in wanted if e not in present]
        if len(empty) == len(wanted):
            raise UprisingError(
                f"no runs recorded for ensemble {', '.join(empty)} in {store.directory}"
            )
    rows = []
    for ensemble_id in wanted:
        match = registered[registered["ensemble_id"] == ensemble_id]
        rows.append(match.iloc[0].to_dict() if len(match) else {"ensemble_id": ensemble_id})
    ensembles = pd.DataFrame(rows)
    runs = runs[runs["ensemble_id"].isin(wanted)].copy()
    order = {e: i for i, e in enumerate(wanted)}
    runs["_order"] = runs["ensemble_id"].map(order)
    runs = runs.sort_values(["_order", "k"]).drop(columns="_order").reset_index(drop=True)
    return ensembles, runs


def groups(runs: pd.DataFrame) -> list[Group]:
    """The runs per (ensemble, scenario), labelled by the scenario (and ensemble if needed)."""
    pairs = list(dict.fromkeys(zip(runs["ensemble_id"], runs["scenario"], strict=True)))
    names = [scenario for _, scenario in pairs]
    found = []
    for ensemble_id, scenario in pairs:
        mine = runs[(runs["ensemble_id"] == ensemble_id) & (runs["scenario"] == scenario)]
        label = str(scenario) if names.count(scenario) == 1 else f"{scenario} [{ensemble_id}]"
        failed = int((mine["status"] == "failed").sum())
        found.append(
            Group(label, str(ensemble_id), str(scenario), mine, len(mine) - failed, failed)
        )
    return found
