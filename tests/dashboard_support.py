"""A small results store for the dashboard's tests: two scenarios and a design ensemble."""

from __future__ import annotations

from pathlib import Path

from uprising.experiment import LocalExecutor, plan_ensemble, run_ensemble
from uprising.store.results import ResultsStore

SCENARIOS = ("belarus-2022", "russia-defeat")
MC = {"runs": 2, "seed": 3, "scale": 0.001, "days": 400}
LHS = {"runs": 4, "seed": 5, "scale": 0.001, "days": 60}


def make_store(folder: Path) -> dict[str, str]:
    """Run the test ensembles into ``folder``; returns their ids (``mc``, ``lhs``)."""
    store = ResultsStore(folder)
    mc = plan_ensemble(list(SCENARIOS), **MC)
    lhs = plan_ensemble(["belarus-2022"], design="lhs", vary=["legitimacy.initial=0.5:0.7"], **LHS)
    with LocalExecutor(workers=1) as executor:
        run_ensemble(mc, store, executor)
        run_ensemble(lhs, store, executor)
    return {"mc": mc.ensemble_id, "lhs": lhs.ensemble_id}
