"""Engine benchmark: agent-steps per second and memory per agent, by lattice size.

    python benchmarks/engine.py [--size 40|200|1000|national ...] [--threads N]
    python benchmarks/engine.py --model belarus [--scale S ...] [--threads N] [--steps N]

Prints a JSON list, one object per size, with keys ``size``, ``n_agents``, ``steps``,
``agent_steps_per_s``, ``bytes_per_agent``, ``peak_rss_mb`` (and the context needed to
read them: width, warm-up ticks, threads, the share of agents jailed, seconds per step).
Every size runs Epstein's Run 2 rules (vision 7, L = 0.82, J = 30, cops 0.04, citizen
density 0.7, floor ratio) with the default blocked schedule; ``national`` is 9.2 million
citizens on a 3,626 x 3,626 torus. Each size runs in its own process, so that its peak
resident memory is its own. Numba compilation and a warm-up (the opening transient, in
which almost half the citizens turn active at once) are excluded from the timing.

``--model belarus`` times the full Belarus model (every mechanism and the regime layer)
on `belarus-2020` at the given scales (default 1.0, one agent per person): the warm-up
runs its first days (to the election, 9 August 2020), the timed days follow it (the
August 2020 protests), so the step is timed while the street is busy.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

SIZES = {
    # name: (width, warm-up ticks, timed ticks)
    "40": (40, 200, 3000),
    "200": (200, 50, 500),
    "1000": (1000, 30, 50),
    "national": (3626, 30, 10),
}


def measure(size: str, threads: int | None, steps: int | None) -> dict:
    """Run one size in this process and return its figures."""
    from uprising.engine.simulation import Simulation, set_threads
    from uprising.scenarios import apply_overrides, load_scenario, to_engine_config

    if threads:
        set_threads(threads)
    import numba

    width, warmup, timed = SIZES[size]
    timed = steps or timed
    scenario = apply_overrides(
        load_scenario("epstein-run2"), [f"grid.width={width}", f"grid.height={width}"]
    )
    sim = Simulation(to_engine_config(scenario), seed=0)
    n_agents = sim.n_agents
    sim.run(warmup)
    start = time.perf_counter()
    series = sim.run(timed)
    seconds = time.perf_counter() - start
    jailed = series.jailed[-timed:].mean() / n_agents
    return {
        "size": size,
        "width": width,
        "n_agents": n_agents,
        "steps": timed,
        "warmup_steps": warmup,
        "threads": numba.get_num_threads(),
        "seconds_per_step": round(seconds / timed, 5),
        "agent_steps_per_s": round(n_agents * timed / seconds),
        "bytes_per_agent": round(sim.state_bytes() / n_agents, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "share_jailed": round(float(jailed), 3),
    }


def measure_belarus(scale: float, threads: int | None, steps: int | None) -> dict:
    """Run the Belarus model at one scale in this process and return its figures."""
    from uprising.engine.simulation import set_threads
    from uprising.models.belarus import BelarusModel
    from uprising.scenarios import load_scenario

    if threads:
        set_threads(threads)
    import numba

    warmup, timed = 10, steps or 20
    started = time.perf_counter()
    model = BelarusModel(load_scenario("belarus-2020"), seed=0, scale=scale, days=warmup + timed)
    build = time.perf_counter() - started
    model.run(warmup)
    n_agents = model.n_agents
    start = time.perf_counter()
    result = model.run(timed)
    seconds = time.perf_counter() - start
    return {
        "size": f"belarus scale {scale:g}",
        "model": "belarus",
        "scale": scale,
        "width": model.config.width,
        "height": model.config.height,
        "n_agents": n_agents,
        "steps": timed,
        "warmup_steps": warmup,
        "threads": numba.get_num_threads(),
        "build_seconds": round(build, 2),
        "seconds_per_step": round(seconds / timed, 5),
        "agent_steps_per_s": round(n_agents * timed / seconds),
        "bytes_per_agent": round(model.state_bytes() / n_agents, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "mean_participants": round(float(result.series["participants"][-timed:].mean())),
    }


def main(argv: list[str] | None = None) -> list[dict]:
    """Run the requested sizes, each in a fresh process, and print the JSON list."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", action="append", choices=list(SIZES), help="repeatable")
    parser.add_argument("--threads", type=int, default=None, help="Numba threads (default all)")
    parser.add_argument("--steps", type=int, default=None, help="timed ticks (default per size)")
    parser.add_argument("--model", choices=["epstein", "belarus"], default="epstein")
    parser.add_argument("--scale", action="append", type=float, help="belarus: repeatable")
    parser.add_argument("--one", choices=list(SIZES), help=argparse.SUPPRESS)
    parser.add_argument("--one-scale", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(measure(args.one, args.threads, args.steps)))
        return []
    if args.one_scale:
        print(json.dumps(measure_belarus(args.one_scale, args.threads, args.steps)))
        return []
    if args.model == "belarus":
        jobs = [["--one-scale", str(scale)] for scale in args.scale or [1.0]]
    else:
        jobs = [["--one", size] for size in args.size or list(SIZES)]
    results = []
    for job in jobs:
        command = [sys.executable, __file__, *job]
        if args.threads:
            command += ["--threads", str(args.threads)]
        if args.steps:
            command += ["--steps", str(args.steps)]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
        label = results[-1]["size"]
        print(f"# {label}: {results[-1]['agent_steps_per_s']:,} agent-steps/s", file=sys.stderr)
    print(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
