"""Many short runs: the time of small `belarus-2020` runs on one thread, and where it goes.

    python benchmarks/belarus_small.py [--repeats 3] [--top 25] [--out out/bench] [--quick]

Times two runs of `belarus-2020` (built-in parameters, seed 1), each single-threaded
(``NUMBA_NUM_THREADS=1``, set before Numba loads):

- 1,250 days at scale 0.001 (about 9,000 agents), the whole scenario;
- 334 days at scale 0.01 (about 94,000 agents), 1 August 2020 to 30 June 2021.

Compilation is excluded: a short warm-up run at each scale first loads or compiles
every kernel. Each configuration is then run ``--repeats`` times; the set-up (building
the population and the model) and the days are timed apart, and the best of the
repeats is reported, in total and per day, in wall-clock and in CPU time
(``time.process_time``; on a shared machine the CPU time is the steadier figure). One
more run of each is profiled with cProfile, timed by CPU time; the functions with the
most own time (and their cumulative time) and the share of the time spent inside
compiled Numba kernels are printed and written, with the timings,
to ``OUT/belarus_small.json`` and the full profile to ``OUT/belarus_small_<scale>.prof``.
Compiled kernels show in the profile as the Python call that enters them.

``--quick`` runs a tiny version (30 days at scale 0.001, 20 days at 0.002, one repeat)
for the test suite.
"""

from __future__ import annotations

import os

os.environ["NUMBA_NUM_THREADS"] = "1"  # before anything imports Numba

import argparse
import cProfile
import json
import platform
import pstats
import sys
import time
from pathlib import Path

CONFIGS = ((0.001, 1250), (0.01, 334))
"""(scale, days) of the timed runs."""

QUICK = ((0.001, 30), (0.002, 20))
"""(scale, days) of ``--quick``."""

WARMUP_DAYS = 15
"""Days of the warm-up run at each scale (past the election, so every kernel runs)."""


def build(scale: float, days: int, seed: int = 1):
    """A fresh `BelarusModel` of belarus-2020."""
    from uprising.models.belarus import BelarusModel
    from uprising.scenarios import load_scenario

    return BelarusModel(load_scenario("belarus-2020"), seed=seed, scale=scale, days=days)


def time_config(scale: float, days: int, repeats: int) -> dict:
    """Best-of-``repeats`` set-up and day-loop times of one configuration."""
    build(scale, WARMUP_DAYS).run()
    setups, loops, cpus = [], [], []
    n_agents = 0
    for _ in range(repeats):
        clock = time.perf_counter()
        model = build(scale, days)
        setups.append(time.perf_counter() - clock)
        clock, cpu = time.perf_counter(), time.process_time()
        model.run()
        loops.append(time.perf_counter() - clock)
        cpus.append(time.process_time() - cpu)
        n_agents = model.n_citizens_start
    best = min(loops)
    return {
        "scale": scale,
        "days": days,
        "citizens": int(n_agents),
        "setup_s": min(setups),
        "days_s": best,
        "total_s": min(setups) + best,
        "ms_per_day": 1000.0 * best / days,
        "days_cpu_s": min(cpus),
        "cpu_ms_per_day": 1000.0 * min(cpus) / days,
        "days_s_all": loops,
        "setup_s_all": setups,
    }


def _kernel_code() -> set[tuple[str, int]]:
    """(file, first line) of the Python source of every loaded Numba dispatcher."""
    from numba.core.dispatcher import Dispatcher

    found = set()
    for module in list(sys.modules.values()):
        if not (getattr(module, "__name__", "") or "").startswith("uprising"):
            continue
        for value in list(vars(module).values()):
            if isinstance(value, Dispatcher):
                code = value.py_func.__code__
                found.add((code.co_filename, code.co_firstlineno))
    return found


def profile_config(scale: float, days: int, top: int, out: Path) -> dict:
    """Profile one set-up and run: the ``top`` functions by own time, the kernels' share."""
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    build(scale, days).run()
    profiler.disable()
    out.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(out / f"belarus_small_{scale:g}.prof")
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    kernels = _kernel_code()
    rows = []
    for (filename, line, name), (_, calls, tottime, cumtime, _) in stats.stats.items():
        rows.append(
            {
                "function": f"{Path(filename).name}:{line}({name})",
                "compiled": (filename, line) in kernels,
                "calls": calls,
                "tottime_s": tottime,
                "cumtime_s": cumtime,
                "share_of_total": tottime / total if total else 0.0,
            }
        )
    rows.sort(key=lambda row: -row["tottime_s"])
    in_kernels = sum(row["tottime_s"] for row in rows if row["compiled"])
    return {
        "total_s": total,
        "kernels_s": in_kernels,
        "kernel_share": in_kernels / total if total else 0.0,
        "top": rows[:top],
    }


def main(argv: list[str] | None = None) -> dict:
    """Time and profile the configurations; print and write the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--out", type=Path, default=Path("out/bench"))
    parser.add_argument("--quick", action="store_true", help="tiny run for the test suite")
    args = parser.parse_args(argv)
    configs = QUICK if args.quick else CONFIGS
    repeats = 1 if args.quick else args.repeats
    import numba

    results = []
    for scale, days in configs:
        timing = time_config(scale, days, repeats)
        profile = profile_config(scale, days, args.top, args.out)
        timing["profile"] = {k: v for k, v in profile.items() if k != "top"}
        timing["profile_top"] = profile["top"]
        results.append(timing)
        print(
            f"belarus-2020, scale {scale:g}, {days} days ({timing['citizens']:,} citizens), "
            f"1 thread: set-up {timing['setup_s']:.2f} s, days {timing['days_s']:.2f} s "
            f"({timing['ms_per_day']:.2f} ms a day; CPU {timing['cpu_ms_per_day']:.2f} ms a day), "
            f"total {timing['total_s']:.2f} s (best of {repeats})"
        )
        print(
            f"  profile (one more run, set-up included, CPU time): {profile['total_s']:.2f} s, "
            f"of which compiled kernels {profile['kernels_s']:.2f} s "
            f"({profile['kernel_share']:.0%}); top {args.top} functions by own time "
            "(* = compiled kernel):"
        )
        print(f"  {'own s':>8} {'cum s':>8} {'share':>6} {'calls':>9}  function")
        for row in timing["profile_top"]:
            star = "*" if row["compiled"] else " "
            print(
                f"  {row['tottime_s']:>8.3f} {row['cumtime_s']:>8.3f} "
                f"{row['share_of_total']:>6.1%} {row['calls']:>9} {star}{row['function']}"
            )
    report = {
        "benchmark": "belarus_small",
        "threads": numba.get_num_threads(),
        "python": platform.python_version(),
        "numba": numba.__version__,
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "results": results,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "belarus_small.json").write_text(json.dumps(report, indent=1) + "\n")
    return report


if __name__ == "__main__":
    main()
