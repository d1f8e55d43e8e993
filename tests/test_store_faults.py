"""Fault injection on the results store: damaged and missing files, full disks, foreign
databases, glob characters, two coordinators, orphaned workers, a cluster without workers.

Each test breaks one thing the way a disk, a user or a crash would, and checks that the
store reports it in one line, takes nothing damaged into an analysis, loses nothing, and
that resuming the ensemble repairs it.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from uprising.analysis.horizons import horizon_table
from uprising.cli import app
from uprising.experiment import LocalExecutor, plan_ensemble, run_ensemble
from uprising.experiment.executors import DaskExecutor, NoWorkersError
from uprising.report import write_report
from uprising.store import ResultsStore, StoreError, duck
from uprising.store.lock import LOCKS_DIR, EnsembleBusy, EnsembleLock
from uprising.store.owned import MANIFEST, write_owned_files
from uprising.store.results import DATABASE_FILE, StoreUnavailable
from uprising.store.shards import file_sha256

SCALE = 0.002
DAYS = 40
RUNS = 4
runner = CliRunner()


def plan(seed: int = 3):
    return plan_ensemble(["belarus-2022"], runs=RUNS, seed=seed, scale=SCALE, days=DAYS)


def run(plan_, store: ResultsStore):
    with LocalExecutor(workers=1) as executor:
        return run_ensemble(plan_, store, executor)


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Path:
    """A store with two finished ensembles of four runs each (seeds 3 and 4)."""
    folder = tmp_path_factory.mktemp("finished") / "store"
    store = ResultsStore(folder)
    for seed in (3, 4):
        summary = run(plan(seed), store)
        assert summary.ok_total == RUNS
    return folder


@pytest.fixture
def copy(finished, tmp_path) -> Path:
    """A fresh copy of the finished store for one test to damage."""
    target = tmp_path / "store"
    shutil.copytree(finished, target)
    return target


def shard(folder: Path, eid: str, k: int) -> Path:
    return folder / "shards" / eid / f"{eid}-{k:06d}.parquet"


def one_error_line(result) -> str:
    assert "Traceback" not in result.output, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def overwrite(path: Path) -> None:
    path.write_bytes(b"not parquet at all " * 50)


def flip_bytes(path: Path) -> None:
    """Flip three bytes of the first data page (the footer is intact); keep size and mtime."""
    stat = path.stat()
    data = bytearray(path.read_bytes())
    for i in range(40, 43):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


# --- damaged and missing shards -----------------------------------------------------------


def test_records_carry_the_checksum_of_their_shard(finished):
    eid = plan().ensemble_id
    for k in range(RUNS):
        record = json.loads(shard(finished, eid, k).with_suffix(".json").read_text())
        assert record["shard_sha256"] == file_sha256(shard(finished, eid, k))
        assert record["shard_bytes"] == shard(finished, eid, k).stat().st_size


@pytest.mark.parametrize("damage", [truncate, overwrite, flip_bytes])
def test_damaged_shard_is_reported_taken_out_and_run_again(copy, damage):
    first, other = plan(3), plan(4)
    path = shard(copy, first.ensemble_id, 1)
    original = path.read_bytes()
    damage(path)
    store = ResultsStore(copy)
    store.ingest()
    if damage is flip_bytes:  # same size and mtime: only a full check sees it
        assert store.damaged == []
        assert [d.path for d in store.verify(first.ensemble_id)] == [path]
    (found,) = store.damaged
    assert found.run_id == f"{first.ensemble_id}-000001" and found.path == path
    assert str(path) in found.message() and "run again" in found.message()
    assert not path.exists() and (copy / "damaged" / first.ensemble_id / path.name).exists()
    # the rest of the store reads on: the other runs, the other ensemble, series, report
    assert len(store.runs(first.ensemble_id)) == RUNS - 1
    assert len(store.runs(other.ensemble_id)) == RUNS
    assert store.series(ensemble_ids=other.ensemble_id)["run_id"].nunique() == RUNS
    with store.connect() as con:
        assert con.execute("SELECT count(DISTINCT run_id) FROM series").fetchone()[0] == 7
    table = horizon_table(store, [first.ensemble_id], years=(1,))
    assert int(table["n"].iloc[0]) == RUNS - 1  # n is the runs used
    write_report(store, copy / "report.html")
    # resuming runs it again, bit for bit the same file
    summary = run(first, store)
    assert (summary.done, summary.skipped, summary.ok_total) == (1, RUNS - 1, RUNS)
    assert path.read_bytes() == original


def test_shard_damaged_before_its_first_ingest_is_caught_by_its_checksum(tmp_path):
    first = plan(3)
    store = ResultsStore(tmp_path / "store")
    run(first, store)
    # a fresh store over the same shards: every record is new, checked against its checksum
    (tmp_path / "store" / DATABASE_FILE).unlink()
    flip_bytes(shard(tmp_path / "store", first.ensemble_id, 2))
    fresh = ResultsStore(tmp_path / "store")
    assert fresh.ingest() == RUNS
    assert [d.run_id for d in fresh.damaged] == [f"{first.ensemble_id}-000002"]
    assert "sha256" in fresh.damaged[0].reason
    assert len(fresh.runs()) == RUNS - 1


def test_missing_shard_is_noticed_and_run_again(copy):
    first = plan(3)
    path = shard(copy, first.ensemble_id, 0)
    path.unlink()
    result = runner.invoke(app, ["report", "--store", str(copy), "--out", str(copy / "r.html")])
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and str(path) in result.stderr and "missing" in result.stderr
    assert f"(ensemble {first.ensemble_id}, {RUNS - 1} runs" in result.stdout  # the runs used
    store = ResultsStore(copy)
    summary = run(first, store)
    assert (summary.done, summary.ok_total) == (1, RUNS) and path.is_file()


def test_missing_record_drops_its_row_and_is_run_again(copy):
    first = plan(3)
    record = shard(copy, first.ensemble_id, 3).with_suffix(".json")
    record.unlink()
    store = ResultsStore(copy)
    store.ingest()
    assert len(store.runs(first.ensemble_id)) == RUNS - 1
    assert "record is missing" in store.damaged[0].reason
    assert run(first, store).done == 1


def test_cli_ensemble_warns_of_damage_and_repairs_it(copy):
    first = plan(3)
    truncate(shard(copy, first.ensemble_id, 2))
    args = ["ensemble", "belarus-2022", "--runs", str(RUNS), "--seed", "3", "--scale"]
    args += [str(SCALE), "--days", str(DAYS), "--workers", "1", "--store", str(copy)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "warning: run " in result.stderr and "truncated" in result.stderr
    assert f"{RUNS} runs: {RUNS} ok, 0 failed, 0 not run (1 run now" in result.stdout


# --- full disks ---------------------------------------------------------------------------


def ensemble_args(store: Path) -> list[str]:
    return [
        "ensemble",
        "belarus-2022",
        "--runs",
        str(RUNS),
        "--seed",
        "3",
        "--scale",
        str(SCALE),
        "--days",
        str(DAYS),
        "--workers",
        "1",
        "--store",
        str(store),
    ]


def test_simulated_full_disk_is_a_failure_not_a_success(tmp_path, monkeypatch):
    import uprising.experiment.tasks as tasks

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tasks, "write_shard", no_space)
    monkeypatch.setattr(tasks, "atomic_write", no_space)
    result = runner.invoke(app, ensemble_args(tmp_path / "store"))
    assert result.exit_code == 1, result.output
    line = one_error_line(result)
    assert f"{RUNS} run(s) ran but could not be recorded" in line
    assert "No space left on device" in line and "resume with the same command" in line


def _mount_tmpfs(folder: Path, size: str) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MiB tmpfs (skipped where this process cannot mount one)."""
    folder = tmp_path / "disk"
    if not _mount_tmpfs(folder, "4m"):
        pytest.skip("cannot mount a tmpfs here (needs root); the simulated ENOSPC test runs")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(folder: Path, leave: int) -> None:
    """Fill the file system of ``folder`` until ``leave`` bytes are free."""
    free = shutil.disk_usage(folder).free
    with (folder / "filler").open("wb") as handle:
        chunk = b"\0" * (1 << 16)
        while free - handle.tell() > leave + len(chunk):
            handle.write(chunk)
        handle.write(b"\0" * max(0, free - handle.tell() - leave))


@pytest.mark.parametrize("leave", [120_000, 4_000])
def test_real_full_disk_is_one_error_and_exit_1(small_disk, leave):
    store = small_disk / "store"
    ResultsStore(store)  # the database exists; then the disk fills up
    _fill(small_disk, leave)
    result = runner.invoke(app, ensemble_args(store))
    assert result.exit_code == 1, result.output
    line = one_error_line(result)
    assert "No space left on device" in line or "disk is full" in line
    assert "Traceback" not in result.output
    (small_disk / "filler").unlink()
    result = runner.invoke(app, ensemble_args(store))  # space again: resume completes it
    assert result.exit_code == 0, result.output
    assert f"{RUNS} runs: {RUNS} ok" in result.stdout


# --- foreign and damaged database files --------------------------------------------------


def test_sqlite_file_as_database_is_refused_before_duckdb_opens_it(tmp_path, monkeypatch):
    folder = tmp_path / "store"
    folder.mkdir()
    (folder / DATABASE_FILE).write_bytes(b"SQLite format 3\x00" + b"\x00" * 4096)
    opened = []
    monkeypatch.setattr(duck.duckdb, "connect", lambda *a, **k: opened.append(a))
    with pytest.raises(StoreError, match="SQLite database, not a DuckDB one"):
        ResultsStore(folder)
    assert opened == []
    monkeypatch.undo()
    result = runner.invoke(app, ["report", "--store", str(folder)])
    assert result.exit_code == 2 and "SQLite" in one_error_line(result)


def test_connections_never_install_or_load_extensions(tmp_path):
    con = duck.connect()
    for name in ("autoinstall_known_extensions", "autoload_known_extensions"):
        assert con.execute(f"SELECT current_setting('{name}')").fetchone()[0] is False
    store = ResultsStore(tmp_path / "store")
    with store.connect() as con:
        assert (
            con.execute("SELECT current_setting('autoinstall_known_extensions')").fetchone()[0]
            is False
        )


def test_checksum_error_in_database_is_not_taken_for_a_lock(copy, monkeypatch):
    import uprising.store.database as opening

    database = copy / DATABASE_FILE
    data = bytearray(database.read_bytes())
    for i in range(12288 + 16, 12288 + 48):  # inside the first data block: its checksum fails
        data[i] ^= 0xFF
    database.write_bytes(bytes(data))

    def no_waiting(seconds):
        raise AssertionError("the store waited for a lock that nobody holds")

    monkeypatch.setattr(opening.time, "sleep", no_waiting)
    with pytest.raises(StoreError) as caught:
        ResultsStore(copy, lock_timeout=3600)
    assert not isinstance(caught.value, StoreUnavailable)
    assert "held by another process" not in str(caught.value)
    assert "damaged" in str(caught.value)


def test_truncated_database_is_one_error_line(copy):
    truncate(copy / DATABASE_FILE)
    result = runner.invoke(app, ["report", "--store", str(copy)])
    assert result.exit_code == 2, result.output
    line = one_error_line(result)
    assert str(copy / DATABASE_FILE) in line and len(line) < 1000


def test_database_held_by_another_process_is_reported_after_the_wait(copy):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, duckdb; c = duckdb.connect(sys.argv[1]); print('held', "
            "flush=True); time.sleep(60)",
            str(copy / DATABASE_FILE),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(StoreUnavailable, match="held by another process"):
            ResultsStore(copy, lock_timeout=0.2)
    finally:
        holder.kill()
        holder.wait()


# --- paths, folders, locks -----------------------------------------------------------------


def test_glob_characters_in_the_store_path(tmp_path):
    bracketed, sibling = tmp_path / "runs[1]", tmp_path / "runs1"
    first, other = plan(3), plan(4)
    run(other, ResultsStore(sibling))  # '[1]' as a glob would match this folder
    store = ResultsStore(bracketed)
    assert run(first, store).ok_total == RUNS
    assert set(store.series()["run_id"].str[:12]) == {first.ensemble_id}
    with store.connect() as con:
        ids = {row[0][:12] for row in con.execute("SELECT DISTINCT run_id FROM series").fetchall()}
    assert ids == {first.ensemble_id}
    assert int(horizon_table(store, years=(1,))["n"].iloc[0]) == RUNS
    write_report(store, bracketed / "report[*].html")


def test_report_keeps_the_users_files_in_its_figures_folder(finished, tmp_path):
    out = tmp_path / "X" / "h.html"
    figures = tmp_path / "X" / "h_figures"
    figures.mkdir(parents=True)
    mine = {"01_mine.png": b"my own figure", "notes.txt": b"keep me"}
    for name, data in mine.items():
        (figures / name).write_bytes(data)
    write_report(ResultsStore(finished), out)
    written = json.loads((figures / MANIFEST).read_text())
    assert written and all((figures / name).is_file() for name in written)
    for name, data in mine.items():
        assert (figures / name).read_bytes() == data
    # a figure the first report wrote and the next one lacks is removed; nothing else
    write_owned_files(figures, {written[0]: b"new"})
    assert not (figures / written[1]).exists() and (figures / "01_mine.png").exists()


def test_second_coordinator_on_an_ensemble_says_so_and_stops(tmp_path):
    first = plan(3)
    store = ResultsStore(tmp_path / "store")
    lock_file = store.directory / LOCKS_DIR / f"{first.ensemble_id}.lock"
    script = textwrap.dedent(
        """
        import sys, time
        from pathlib import Path
        from uprising.store.lock import EnsembleLock
        lock = EnsembleLock(Path(sys.argv[1]))
        lock.acquire()
        print("held", flush=True)
        time.sleep(60)
        """
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script, str(lock_file)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(EnsembleBusy, match=f"pid {holder.pid}"):
            run(first, store)
        result = runner.invoke(app, ensemble_args(tmp_path / "store"))
        assert result.exit_code == 1
        assert "being run by another coordinator" in one_error_line(result)
        assert list((tmp_path / "store" / "shards" / first.ensemble_id).glob("*.json")) == []
    finally:
        holder.kill()
        holder.wait()
    assert run(first, store).ok_total == RUNS  # the lock went with its process


def test_lock_is_exclusive_within_one_process_too(tmp_path):
    path = tmp_path / "locks" / "e.lock"
    with EnsembleLock(path), pytest.raises(EnsembleBusy):
        EnsembleLock(path).acquire()
    with EnsembleLock(path):  # released
        pass


# --- workers and clusters ------------------------------------------------------------------


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in state


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_workers_end_with_a_killed_coordinator():
    script = textwrap.dedent(
        """
        import time
        from uprising.experiment import LocalExecutor
        executor = LocalExecutor(workers=2, in_process=False)
        results = executor.map_unordered(time.sleep, [300, 300])
        import threading
        threading.Thread(target=lambda: next(results), daemon=True).start()
        while len(getattr(executor._pool, "_processes", None) or {}) < 2:
            time.sleep(0.05)
        print(" ".join(map(str, executor._pool._processes)), flush=True)
        time.sleep(300)
        """
    )
    coordinator = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True
    )
    try:
        workers = [int(pid) for pid in coordinator.stdout.readline().split()]
        assert len(workers) == 2 and all(_alive(pid) for pid in workers)
    finally:
        coordinator.send_signal(signal.SIGKILL)
        coordinator.wait()
    deadline = time.monotonic() + 60  # they poll every second; 60 s is a generous bound
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in workers if _alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == []


def test_dask_cluster_without_workers_times_out_with_a_clear_message():
    from distributed import LocalCluster

    cluster = LocalCluster(n_workers=0, host="127.0.0.1", dashboard_address=None)
    try:
        with DaskExecutor(cluster.scheduler_address, no_worker_timeout=1.5) as executor:
            with pytest.raises(NoWorkersError, match=r"no worker for 1\.5 s") as caught:
                list(executor.map_unordered(abs, [-1, -2]))
        assert caught.value.exit_status == 1
    finally:
        cluster.close()


def test_ctrl_c_inside_a_duckdb_query_is_recognised():
    import threading

    con = duck.connect()
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        con.execute("SELECT count(*) FROM range(100000000000) t1").fetchall()
    except BaseException as exc:  # DuckDB turns the KeyboardInterrupt into its own error
        caught = exc
    else:  # pragma: no cover - the query takes minutes
        caught = None
    finally:
        timer.cancel()
    assert caught is not None and duck.is_interrupt(caught), repr(caught)
    assert not duck.is_interrupt(RuntimeError("something else"))
