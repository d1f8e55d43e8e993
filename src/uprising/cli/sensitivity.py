"""``uprising sensitivity`` and ``uprising discover``: which inputs matter, and where.

Also `print_top_inputs`, the lines ``uprising report`` prints after the fall
probabilities: the three inputs that matter most per ensemble with varied inputs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from uprising.cli.app import app, fail, user_errors, warn_damaged

__all__ = ["print_top_inputs"]

_STORE_OPTION = typer.Option(help="Results store folder (results.duckdb and shards/)")
_ENSEMBLE_OPTION = typer.Option(
    "--ensemble",
    help="Ensemble id [default: the newest ensemble with varied inputs]",
    metavar="ID",
)
_SCENARIO_OPTION = typer.Option(help="Scenario of the ensemble [default: its only one]")
_ALLOW_FAILED_OPTION = typer.Option(
    "--allow-failed", help="Analyse the successful runs when some failed (default: refuse)"
)
_SEED_OPTION = typer.Option(help="Seed of the bootstrap and resampling")


@app.command("sensitivity")
def sensitivity_command(
    store: Annotated[Path, _STORE_OPTION] = Path("out/ensembles"),
    ensemble: Annotated[str | None, _ENSEMBLE_OPTION] = None,
    outcome: Annotated[
        str,
        typer.Option(
            help="Outcome: 'falls within N years', days_to_fall, peak_participants, "
            "final_political_prisoners, ... (the error lists them all)"
        ),
    ] = "falls within 3 years",
    scenario: Annotated[str | None, _SCENARIO_OPTION] = None,
    allow_failed: Annotated[bool, _ALLOW_FAILED_OPTION] = False,
    seed: Annotated[int, _SEED_OPTION] = 0,
) -> None:
    """Rank an ensemble's varied inputs by their effect on an outcome.

    Sobol' indices (sobol designs) or Morris screening (morris designs), and Borgonovo's
    delta and PAWN (any design with varied inputs), with bootstrap intervals.
    """
    from uprising.analysis.sensitivity import sensitivity
    from uprising.report.sensitivity import sensitivity_text

    with user_errors():
        result = sensitivity(
            _open_store(store),
            ensemble,
            outcome,
            scenario=scenario,
            allow_failed=allow_failed,
            seed=seed,
        )
    typer.echo(sensitivity_text(result))


@app.command("discover")
def discover_command(
    store: Annotated[Path, _STORE_OPTION] = Path("out/ensembles"),
    ensemble: Annotated[str | None, _ENSEMBLE_OPTION] = None,
    outcome: Annotated[
        str, typer.Option(help="A yes/no outcome, e.g. 'falls within 3 years'")
    ] = "falls within 3 years",
    channel: Annotated[
        str | None,
        typer.Option(
            help="Count only falls through this channel (mobilisation, "
            "security_defection, elite_split)"
        ),
    ] = None,
    scenario: Annotated[str | None, _SCENARIO_OPTION] = None,
    min_coverage: Annotated[
        float,
        typer.Option(
            help="Report the densest PRIM box with at least this coverage", min=0.0, max=1.0
        ),
    ] = 0.7,
    allow_failed: Annotated[bool, _ALLOW_FAILED_OPTION] = False,
    seed: Annotated[int, _SEED_OPTION] = 0,
) -> None:
    """Find the region of the inputs where an outcome happens (PRIM, and CART).

    Prints a plain sentence, the box's bounds with quasi-p-values, the peeling
    trajectory, the resampling stability and CART's leaves.
    """
    from uprising.analysis.discovery import discover
    from uprising.report.sensitivity import discovery_text

    with user_errors():
        found = discover(
            _open_store(store),
            ensemble,
            outcome,
            channel=channel,
            scenario=scenario,
            allow_failed=allow_failed,
            min_coverage=min_coverage,
            seed=seed,
        )
    typer.echo(discovery_text(found))


def _open_store(store: Path) -> Any:
    """The results store at ``store``, its records ingested; exit 2 if there is none."""
    from uprising.store.results import ResultsStore

    if not (store / "results.duckdb").is_file():
        fail(f"--store {store}: no results store there (no results.duckdb)")
    opened = ResultsStore(store)
    opened.ingest()
    warn_damaged(opened.damaged)
    return opened


def print_top_inputs(store: Path, ensemble_ids: list[str] | None) -> None:
    """Print, per ensemble with varied inputs, the three inputs that matter most."""
    from uprising.report.sensitivity import headline_analyses, top_inputs_text
    from uprising.store.results import ResultsStore

    opened = ResultsStore(store)
    ids = ensemble_ids or list(opened.ensembles()["ensemble_id"])
    lines = top_inputs_text(headline_analyses(opened, ids))
    if lines:
        typer.echo(
            "The three inputs that matter most (failed runs left out; every index mixes "
            "the inputs' effect with chance, each run having its own seed):"
        )
        for line in lines:
            typer.echo(line)
