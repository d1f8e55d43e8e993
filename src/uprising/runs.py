"""Runs as a library: one entry point for a run of any scenario, and one run record.

    from uprising.runs import run_scenario

    record = run_scenario("belarus-2020", seed=1, scale=0.01, steps=300, out="out/b2020")
    record.outcome, record.series["participants"], record.summary   # summary.json's content

    record = run_scenario("epstein-run2", overrides=["grid.width=60"], steps=500)
    record.summary["outbursts"]["count"]

`run_scenario` resolves the scenario (a built-in name, a TOML path or a validated
scenario), applies ``--set``-style overrides, then the seed, scale and length, builds
the family's model (`uprising.scenarios.families`) and runs it. ``uprising run`` and the
ensemble worker (`uprising.experiment.tasks.run_one`) run through it, so a run made from
a notebook with the same arguments is bit for bit the run the command makes.

`prepare_run` does the same in two steps, for callers that show progress or keep the
ticks done when interrupted (the CLI): the prepared run knows its length and label
before it starts. It can also continue from a checkpoint of the same run
(`PreparedRun.resume`) and save one every so many ticks (`PreparedRun.execute`), so that
a long run killed midway goes on from its last checkpoint, bit for bit
(`uprising.engine.checkpoint`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from uprising.errors import ScenarioError
from uprising.scenarios.families import Family, Runner, family_of

__all__ = ["PreparedRun", "RunRecord", "prepare_run", "run_scenario"]


@dataclass(frozen=True)
class RunRecord:
    """One run: the scenario as run, the series, the outcome and how it went.

    Attributes:
        scenario: The resolved scenario (overrides, seed, scale and length applied).
        family: The scenario's family name (``"epstein"``, ``"belarus"``).
        seed: The run's root seed.
        scale: Agents per person (None for a family without scale).
        steps: Ticks (days) run.
        steps_requested: Ticks (days) asked for.
        status: ``"completed"``, or ``"interrupted"`` when Ctrl-C stopped it early.
        wall_seconds: Wall-clock time of building and running the model.
        n_agents: Agents on the lattice at the end.
        series: The series, name -> array (columns: `uprising.outputs`).
        outcome: The Belarus `Outcome` (None for Epstein runs).
        paths: Where `write` put the files (None until written).
    """

    scenario: Any
    family: str
    seed: int
    scale: float | None
    steps: int
    steps_requested: int
    status: str
    wall_seconds: float
    n_agents: int
    series: dict[str, np.ndarray] = field(repr=False)
    outcome: Any = None
    paths: Any = None

    @functools.cached_property
    def summary(self) -> dict[str, Any]:
        """The JSON-ready summary (the content of ``summary.json``), made on first use."""
        return self.family_of.summary(self)

    @property
    def family_of(self) -> Family:
        """The `Family` of the run's scenario."""
        return family_of(self.scenario)

    def summary_lines(self) -> list[str]:
        """The summary as the lines ``uprising run`` prints."""
        return self.family_of.summary_lines(self)

    def write(self, directory: str | os.PathLike[str]) -> RunRecord:
        """Write ``series.parquet`` and ``summary.json`` into ``directory``.

        Returns:
            The record with `paths` set (`uprising.store.run_output.RunOutputPaths`).

        Raises:
            OSError: The folder or the files cannot be written.
        """
        from uprising.store.run_output import write_run_output

        paths = write_run_output(
            directory, summary=self.summary, columns=self.series, family=self.family
        )
        written = replace(self, paths=paths)
        written.__dict__["summary"] = self.summary  # the same summary, not a second one
        return written


@dataclass
class PreparedRun:
    """A run whose model is built and not yet run (`prepare_run`).

    Attributes:
        scenario: The resolved scenario.
        family: Its `Family`.
        runner: The built model (`uprising.scenarios.families.Runner`).
        started: ``time.perf_counter()`` before the model was built.
    """

    scenario: Any
    family: Family
    runner: Runner
    started: float

    @functools.cached_property
    def key(self) -> str:
        """A digest of the resolved scenario as data: the run a checkpoint belongs to."""
        data = json.dumps(self.family.toml_data(self.scenario), sort_keys=True, default=str)
        return f"{self.scenario.name}:{hashlib.sha256(data.encode()).hexdigest()[:20]}"

    def resume(self, path: str | os.PathLike[str]) -> int:
        """Continue from the checkpoint at ``path``, if there is one; returns ticks done.

        Raises:
            uprising.engine.checkpoint.CheckpointError: The file is damaged, or was
                saved by other code or for another run (scenario, seed, scale, length).
        """
        from uprising.engine.checkpoint import load_checkpoint

        if Path(path).exists():
            self.runner = load_checkpoint(path, key=self.key)
        return self.runner.done

    @property
    def total(self) -> int:
        """Ticks (days) the run will last."""
        return self.runner.total

    @property
    def label(self) -> str:
        """A short description, e.g. ``belarus-2020 (scale 0.01, seed 1)``."""
        return self.runner.label

    def execute(
        self,
        progress: Callable[[int], None] | None = None,
        *,
        interruptible: bool = False,
        checkpoint: str | os.PathLike[str] | None = None,
        checkpoint_every: int = 0,
    ) -> RunRecord:
        """Run the model to its horizon and return the record.

        Args:
            progress: Called with the number of ticks done in this call after each tick.
            interruptible: Catch Ctrl-C (``KeyboardInterrupt``) and return the ticks done
                so far with status ``"interrupted"``; otherwise it propagates.
            checkpoint: A file to save the run's whole state to (see `resume`).
            checkpoint_every: Save after every tick whose number is a multiple of this,
                and at the horizon (0: never).
        """
        if checkpoint is not None and checkpoint_every > 0:
            progress = self._saving(progress, Path(checkpoint), checkpoint_every)
        status = "completed"
        try:
            series, outcome = self.runner.run(progress)
        except KeyboardInterrupt:
            if not interruptible:
                raise
            status = "interrupted"
            series, outcome = self.runner.partial()
        wall = time.perf_counter() - self.started
        first = next(iter(series.values()), np.empty(0))
        return RunRecord(
            scenario=self.scenario,
            family=self.family.name,
            seed=self.runner.seed,
            scale=self.runner.scale,
            steps=len(first),
            steps_requested=self.total,
            status=status,
            wall_seconds=wall,
            n_agents=self.runner.n_agents,
            series=series,
            outcome=outcome,
        )

    def _saving(
        self, progress: Callable[[int], None] | None, path: Path, every: int
    ) -> Callable[[int], None]:
        """``progress``, preceded by a save of the checkpoint on every ``every``-th tick."""
        from uprising.engine.checkpoint import save_checkpoint

        def advance(done: int) -> None:
            ticks = self.runner.done
            if ticks % every == 0 or ticks == self.total:
                save_checkpoint(self.runner, path, key=self.key)
            if progress is not None:
                progress(done)

        return advance


def prepare_run(
    scenario: Any,
    *,
    seed: int | None = None,
    scale: float | None = None,
    steps: int | None = None,
    overrides: Sequence[str] = (),
) -> PreparedRun:
    """Resolve a scenario and build its model (see `run_scenario` for the arguments).

    Raises:
        ScenarioError: An unknown scenario, a bad file or override, a value out of range,
            or a scale for a family that has none.
    """
    from uprising.scenarios import apply_overrides, load_scenario, with_run

    resolved = load_scenario(scenario) if isinstance(scenario, str | os.PathLike) else scenario
    resolved = apply_overrides(resolved, list(overrides))
    family = family_of(resolved)
    if scale is not None:
        if not family.scaled:
            raise ScenarioError(
                f"--scale applies to Belarus scenarios; {resolved.name} is an Epstein run"
            )
        resolved = apply_overrides(resolved, [f"run.scale={scale!r}"])
    resolved = with_run(resolved, seed=seed, steps=steps)
    started = time.perf_counter()
    return PreparedRun(resolved, family, family.start(resolved), started)


def run_scenario(
    scenario: Any,
    *,
    seed: int | None = None,
    scale: float | None = None,
    steps: int | None = None,
    overrides: Sequence[str] = (),
    out: str | os.PathLike[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> RunRecord:
    """Run one scenario of any family and return its record.

    Args:
        scenario: A built-in name (``"belarus-2020"``), a TOML path, or a validated
            scenario (`uprising.scenarios.load_scenario`).
        seed: Root seed [default: the scenario's ``run.seed``].
        scale: Agents per person, for families with a scale (Belarus) [default:
            ``run.scale``].
        steps: Length of the run in ticks (Epstein) or days (Belarus) [default:
            ``run.steps`` / ``run.days``].
        overrides: ``name=value`` overrides, as ``uprising run --set`` takes them,
            applied before seed, scale and length.
        out: A folder to write ``series.parquet`` and ``summary.json`` into (None: write
            nothing).
        progress: Called with the number of ticks done after each tick.

    Returns:
        The `RunRecord`; with ``out``, its ``paths`` say where the files are.

    Raises:
        ScenarioError: As `prepare_run`.
        OSError: The outputs cannot be written.
    """
    record = prepare_run(
        scenario, seed=seed, scale=scale, steps=steps, overrides=overrides
    ).execute(progress)
    return record if out is None else record.write(Path(out))
