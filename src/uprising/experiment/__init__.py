"""Ensembles: many runs of the Belarus model over seeds and parameter designs.

    from uprising.experiment import LocalExecutor, plan_ensemble, run_ensemble
    from uprising.store.results import ResultsStore

    plan = plan_ensemble(["belarus-2022"], runs=100, seed=1, scale=0.005, days=730)
    with LocalExecutor(workers=2) as executor:
        summary = run_ensemble(plan, ResultsStore("out/ensembles"), executor)

- `design`: the designs (``mc`` over seeds, ``lhs``, ``sobol``, ``morris`` over
  ``--vary name=low:high`` ranges): `make_design`, `parse_vary`, `design_size`,
  `salib_problem`, `MAX_RUNS`, and `EnsembleError` (a bad ensemble request).
- `tasks`: `RunTask`, one self-contained run, `run_one`, the worker function that
  runs it and writes its series (Parquet) and record (JSON) into the store's shards, and
  `compile_kernels` (compile once before the workers start).
- `executors`: the `Executor` interface, `LocalExecutor` (worker processes on this
  machine, which end with their coordinator) and `DaskExecutor` (a Dask cluster, or a
  local one on loopback; `NoWorkersError` when it has had no worker for too long).
- `ensemble`: `plan_ensemble` (ensemble id, run numbering, seeds, design points) and
  `run_ensemble` (skip what is on record, run the rest, ingest as results arrive; resume
  by running the same plan again), `Plan`, `Summary`, `EnsembleInterrupted`.

- `rerun`: `replan` (an ensemble's plan again, from the scenario texts kept in the
  store) and `rerun` (one run again, compared bit for bit with its stored series).

`run_seeds` (run k's seed from the root seed) is the seed rule of
`uprising.analysis.seeds`, imported here because plans use it.

The command line is ``uprising ensemble`` (`uprising.cli`); the results are read with
`uprising.store.results.ResultsStore` and `uprising.analysis.ensemble`.
"""

from uprising.analysis.seeds import run_seeds
from uprising.experiment.design import (
    DESIGNS,
    MAX_RUNS,
    EnsembleError,
    Vary,
    design_size,
    make_design,
    parse_vary,
    salib_problem,
)
from uprising.experiment.ensemble import (
    EnsembleInterrupted,
    Plan,
    Summary,
    ensemble_id,
    plan_ensemble,
    run_ensemble,
)
from uprising.experiment.executors import (
    DaskExecutor,
    Executor,
    LocalExecutor,
    NoWorkersError,
    make_executor,
)
from uprising.experiment.rerun import Rerun, replan, rerun
from uprising.experiment.tasks import RunTask, compile_kernels, run_one

__all__ = [
    "DESIGNS",
    "MAX_RUNS",
    "DaskExecutor",
    "EnsembleError",
    "EnsembleInterrupted",
    "Executor",
    "LocalExecutor",
    "NoWorkersError",
    "Plan",
    "Rerun",
    "RunTask",
    "Summary",
    "Vary",
    "compile_kernels",
    "design_size",
    "ensemble_id",
    "make_design",
    "make_executor",
    "parse_vary",
    "plan_ensemble",
    "replan",
    "rerun",
    "run_ensemble",
    "run_one",
    "run_seeds",
    "salib_problem",
]
