"""Checkpoints: a run saved at a day and continued is the uninterrupted run, bit for bit."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from uprising.engine.checkpoint import (
    CheckpointError,
    load_checkpoint,
    save_checkpoint,
)
from uprising.engine.checkpoint import (
    state_fingerprint as _fingerprint,
)
from uprising.engine.config import EngineConfig
from uprising.engine.simulation import Simulation
from uprising.models.belarus import BelarusModel
from uprising.scenarios import load_scenario

SCALE = 0.001  # 9,000 agents: small enough for a test, with every mechanism active


def _model(days: int = 100, seed: int = 3) -> BelarusModel:
    return BelarusModel(load_scenario("belarus-2020"), seed=seed, scale=SCALE, days=days)


@pytest.fixture(scope="module")
def straight() -> BelarusModel:
    model = _model()
    model.run()
    return model


# the engine's arrest buffers: made with numpy.empty every tick and read only up to the
# tick's counts, so their other entries are whatever the memory held, not state
SCRATCH = ("run.sim._buf", "run._buf")


def _differences(a: dict[str, str], b: dict[str, str]) -> list[str]:
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))


def state_fingerprint(obj):
    return _fingerprint(obj, skip=SCRATCH)


def test_save_load_continue_is_the_uninterrupted_run(straight, tmp_path):
    """100 days straight == 60 days, save, load in a fresh object, 40 days: every series
    and every piece of final state (the fingerprint walks all attributes, so state that
    a save did not carry over shows up as a difference)."""
    first = _model()
    first.run(60)
    path = save_checkpoint(first, tmp_path / "day60.pkl", key="b2020/3")
    del first
    resumed = load_checkpoint(path, key="b2020/3")
    assert resumed.day == 60
    result = resumed.run()
    expected = straight.result()
    assert result.series.keys() == expected.series.keys()
    for name, values in expected.series.items():
        np.testing.assert_array_equal(result.series[name], values, err_msg=name)
    assert result.outcome == expected.outcome
    assert _differences(state_fingerprint(resumed), state_fingerprint(straight)) == []


def test_restored_state_is_every_attribute_of_the_saved_one(tmp_path):
    model = _model(days=30)
    model.run(12)
    restored = load_checkpoint(save_checkpoint(model, tmp_path / "c.pkl"))
    before, after = state_fingerprint(model), state_fingerprint(restored)
    assert len(before) > 60  # the walk reaches the engine, the jail and the regime layer
    assert any(p.startswith("run.sim.jail.") for p in before)
    assert any(p.startswith("run.regime.") for p in before)
    assert _differences(before, after) == []


def test_fingerprint_names_state_not_carried_over(tmp_path):
    """A state attribute lost by a save (here dropped by hand) is a difference."""
    model = _model(days=10)
    model.run(5)
    restored = load_checkpoint(save_checkpoint(model, tmp_path / "c.pkl"))
    del restored.sim.jail.time
    restored.tallies = restored.tallies.copy()
    restored.tallies[0] += 1
    diff = _differences(state_fingerprint(model), state_fingerprint(restored))
    assert "run.sim.jail.time" in diff
    assert "run.tallies" in diff


def test_views_still_share_memory_after_a_load(tmp_path):
    model = _model(days=5)
    restored = load_checkpoint(save_checkpoint(model, tmp_path / "c.pkl"))
    sim = restored.sim
    assert np.shares_memory(sim.cops_seen, sim._cops_words)
    assert np.shares_memory(sim.actives_seen, sim._actives_words)
    assert sim.lattice.kind is sim.cells
    assert sim.lattice.cops_words is sim._cops_words
    assert sim.fields_consistent()


def test_engine_simulation_resumes_bit_for_bit(tmp_path):
    config = EngineConfig(width=30, height=30)
    straight = Simulation(config, seed=5)
    straight.run(80)
    part = Simulation(config, seed=5)
    part.run(35)
    resumed = load_checkpoint(save_checkpoint(part, tmp_path / "sim.pkl"))
    resumed.run(45)
    for name, values in straight.series().columns().items():
        np.testing.assert_array_equal(resumed.series().columns()[name], values, err_msg=name)
    assert _differences(state_fingerprint(resumed), state_fingerprint(straight)) == []


def test_refuses_other_runs_other_code_and_other_files(tmp_path, monkeypatch):
    model = _model(days=3)
    path = save_checkpoint(model, tmp_path / "c.pkl", key="a")
    with pytest.raises(CheckpointError, match="another run"):
        load_checkpoint(path, key="b")
    junk = tmp_path / "junk.pkl"
    junk.write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="not an uprising checkpoint"):
        load_checkpoint(junk)
    truncated = tmp_path / "cut.pkl"
    truncated.write_bytes(path.read_bytes()[:-1000])
    with pytest.raises(CheckpointError, match="damaged"):
        load_checkpoint(truncated)
    import uprising.engine.checkpoint as C

    monkeypatch.setattr(C, "code_digest", lambda: "0" * 64)
    with pytest.raises(CheckpointError, match="other code"):
        load_checkpoint(path)


def test_a_checkpoint_is_not_a_plain_pickle_of_copies(tmp_path):
    """A plain pickle would make the field views independent copies; ours keeps them."""
    model = _model(days=3)
    plain = pickle.loads(pickle.dumps(model))
    assert not np.shares_memory(plain.sim.cops_seen, plain.sim._cops_words)
    ours = load_checkpoint(save_checkpoint(model, tmp_path / "c.pkl"))
    assert np.shares_memory(ours.sim.cops_seen, ours.sim._cops_words)


# -- a long run resumable after a kill ----------------------------------------------------

RUN = {"seed": 2, "scale": SCALE, "steps": 50}


class _Killed(Exception):
    """A kill of the process, simulated after a given tick."""


def _kill_after(runner_day, day):
    def advance(done):
        if runner_day() >= day:
            raise _Killed

    return advance


def test_a_killed_run_resumes_from_its_last_checkpoint(tmp_path):
    from uprising.runs import prepare_run

    straight = prepare_run("belarus-2020", **RUN).execute()
    path = tmp_path / "checkpoint.pkl"
    first = prepare_run("belarus-2020", **RUN)
    with pytest.raises(_Killed):
        first.execute(
            _kill_after(lambda: first.runner.done, 27), checkpoint=path, checkpoint_every=10
        )
    second = prepare_run("belarus-2020", **RUN)
    assert second.resume(path) == 20  # the last multiple of 10 before the kill
    record = second.execute(checkpoint=path, checkpoint_every=10)
    assert record.steps == 50 and record.status == "completed"
    for name, values in straight.series.items():
        np.testing.assert_array_equal(record.series[name], values, err_msg=name)
    assert record.outcome == straight.outcome
    assert load_checkpoint(path, key=second.key).done == 50  # saved at the horizon too


def test_a_checkpoint_of_another_run_is_refused(tmp_path):
    from uprising.runs import prepare_run

    path = tmp_path / "checkpoint.pkl"
    prepare_run("belarus-2020", **RUN).execute(checkpoint=path, checkpoint_every=25)
    other = prepare_run("belarus-2020", **{**RUN, "seed": 9})
    with pytest.raises(CheckpointError, match="another run"):
        other.resume(path)


def test_cli_run_resumes_after_an_interruption(tmp_path):
    """The command with --checkpoint-every, run again after a kill, continues and writes
    the outputs of an uninterrupted run."""
    import pyarrow.parquet as pq
    from typer.testing import CliRunner

    from uprising.cli import app
    from uprising.runs import prepare_run

    out = tmp_path / "run"
    args = ["run", "belarus-2020", "--seed", "2", "--scale", str(SCALE), "--days", "50"]
    args += ["--out", str(out), "--checkpoint-every", "10"]
    killed = prepare_run("belarus-2020", **RUN)  # what the command prepares
    with pytest.raises(_Killed):
        killed.execute(
            _kill_after(lambda: killed.runner.done, 34),
            checkpoint=out / "checkpoint.pkl",
            checkpoint_every=10,
        )
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "resumed from" in result.stderr and "at 30 of 50 days" in result.stderr
    resumed = pq.read_table(out / "series.parquet").to_pydict()
    straight = CliRunner().invoke(app, [*args[:8], "--out", str(tmp_path / "straight")])
    assert straight.exit_code == 0, straight.output
    assert pq.read_table(tmp_path / "straight" / "series.parquet").to_pydict() == resumed


def test_cli_checkpoint_needs_out():
    from typer.testing import CliRunner

    from uprising.cli import app

    result = CliRunner().invoke(app, ["run", "belarus-2020", "--checkpoint-every", "5"])
    assert result.exit_code == 2
    assert "error: --checkpoint-every needs --out" in result.stderr


def test_an_unwritable_checkpoint_is_an_environment_failure(tmp_path):
    from uprising.errors import EnvironmentFailure

    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(EnvironmentFailure, match="cannot write checkpoint"):
        save_checkpoint(_model(days=2), blocker / "c.pkl")
