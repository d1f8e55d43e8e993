"""Agent-steps per second of Mesa 3.3.1 and of our engine on Run 2 at 200 x 200.

    python benchmarks/vs_mesa.py [--mesa-steps 3] [--steps 1000] [--json PATH]

One invocation runs both (issue 2, item 8; target: ours >= 1000 x Mesa):

* **Mesa**: its ``EpsteinCivilViolence`` example (Mesa's rules) with Run-2 parameters:
  200 x 200 torus, citizen density 0.7, cop density 0.04, vision 7, L = 0.82, J = 30.
  One untimed step first (it fills Mesa's neighbourhood cache), then ``--mesa-steps``
  timed steps as shipped (``DataCollector`` included), then as many with the
  ``DataCollector`` switched off (the model's dynamics do not depend on it).
* **Ours**: the ``epstein-run2`` scenario with ``--set grid.width=200 grid.height=200``
  (its default schedule and rules). A short untimed warm-up run compiles the Numba
  kernels (or loads them from the cache); the timed run then advances ``--steps`` ticks
  in ``--repeats`` equal chunks, and the median chunk rate is reported.
* **Ours with Mesa's rules** (like for like): the ``epstein-mesa`` scenario (random
  activation, round-half-even, von Neumann vision, act then move, jailed occupy their
  cells) with the same Run-2 parameters at 200 x 200.

An agent-step is one agent (citizen, jailed or not, or cop) advanced by one tick, so a
rate is (citizens + cops) x ticks / seconds for every model. Ours is timed with one
Numba thread and with Numba's default number; the faster is reported as ``ours`` (and
the ratio), both are in ``ours_by_threads`` (rate and ratio to Mesa). On a
shared machine the parallel kernel can be far slower than one thread (OpenMP threads
spin while waiting for descheduled partners; docs/DOCKING.md), hence both. The load
average before and after is recorded. Prints a JSON object and a human line.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import pathlib
import platform
import statistics
import sys
import time
from typing import Any

import numba

from uprising.engine.simulation import Simulation, set_threads
from uprising.scenarios import apply_overrides, load_scenario, to_engine_config

SIZE = 200
RUN2 = {
    "citizen_density": 0.7,
    "cop_density": 0.04,
    "citizen_vision": 7,
    "cop_vision": 7,
    "legitimacy": 0.82,
    "max_jail_term": 30,
}
TARGET_RATIO = 1000


def _load_dock_mesa():
    """The sibling ``dock_mesa`` module (it knows how to import Mesa's example)."""
    path = pathlib.Path(__file__).with_name("dock_mesa.py")
    spec = importlib.util.spec_from_file_location("dock_mesa", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("dock_mesa", module)  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def bench_mesa(seed: int, steps: int) -> dict[str, Any]:
    """Time Mesa's model at Run 2, 200 x 200, with and without its DataCollector."""
    _, model_module = _load_dock_mesa().load_mesa_epstein()
    t0 = time.perf_counter()
    model = model_module.EpsteinCivilViolence(width=SIZE, height=SIZE, seed=seed, **RUN2)
    build_s = time.perf_counter() - t0
    n_agents = len(model.agents)
    t0 = time.perf_counter()
    model.step()  # untimed: fills the neighbourhood cache
    first_step_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in range(steps):
        model.step()
    shipped_s = time.perf_counter() - t0
    model.datacollector.collect = lambda _model: None
    t0 = time.perf_counter()
    for _ in range(steps):
        model.step()
    bare_s = time.perf_counter() - t0
    return {
        "model": "mesa EpsteinCivilViolence (Mesa rules), Run-2 parameters",
        "n_agents": n_agents,
        "steps": steps,
        "build_s": build_s,
        "first_step_s": first_step_s,
        "seconds": shipped_s,
        "agent_steps_per_s": n_agents * steps / shipped_s,
        "seconds_no_datacollector": bare_s,
        "agent_steps_per_s_no_datacollector": n_agents * steps / bare_s,
    }


def bench_ours(scenario: str, extra: list[str], seed: int, steps: int, repeats: int, threads: int):
    """Time our engine on a scenario at 200 x 200 (after a compile warm-up)."""
    set_threads(threads)
    sc = apply_overrides(
        load_scenario(scenario), [f"grid.width={SIZE}", f"grid.height={SIZE}", *extra]
    )
    config = to_engine_config(sc)
    t0 = time.perf_counter()
    Simulation(config, seed=seed + 1).run(3)
    warmup_s = time.perf_counter() - t0
    sim = Simulation(config, seed=seed)
    chunk = max(1, steps // repeats)
    rates = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        series = sim.run(chunk)
        seconds = time.perf_counter() - t0
        c = series.columns()
        n_agents = int(c["cops"][0] + c["quiet"][0] + c["active"][0] + c["jailed"][0])
        rates.append(n_agents * chunk / seconds)
    return {
        "model": f"uprising {scenario}" + (f" --set {' '.join(extra)}" if extra else ""),
        "n_agents": n_agents,
        "steps": chunk * repeats,
        "repeats": repeats,
        "warmup_s": warmup_s,
        "agent_steps_per_s": statistics.median(rates),
        "agent_steps_per_s_chunks": rates,
        "numba_threads": numba.get_num_threads(),
        "numba_threading_layer": numba.threading_layer(),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run both benchmarks; print and return the JSON-ready result.

    Args:
        argv: command-line arguments (default ``sys.argv[1:]``).
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mesa-steps", type=int, default=3, help="timed Mesa steps (3)")
    parser.add_argument("--steps", type=int, default=1000, help="timed steps of ours (1000)")
    parser.add_argument("--repeats", type=int, default=5, help="chunks of ours' steps (5)")
    parser.add_argument("--seed", type=int, default=0, help="seed of every run (0)")
    parser.add_argument("--json", type=pathlib.Path, help="also write the result here")
    parser.add_argument(
        "--skip-mesa-rules", action="store_true", help="leave out ours with Mesa's rules"
    )
    args = parser.parse_args(argv)
    import mesa

    import uprising

    t0 = time.perf_counter()
    load_before = os.getloadavg()
    mesa_result = bench_mesa(args.seed, args.mesa_steps)
    default_threads = numba.get_num_threads()
    by_threads = {
        n: bench_ours("epstein-run2", [], args.seed, args.steps, args.repeats, n)
        for n in sorted({1, default_threads})
    }
    set_threads(default_threads)
    ours = max(by_threads.values(), key=lambda r: r["agent_steps_per_s"])
    result: dict[str, Any] = {
        "size": f"{SIZE}x{SIZE}",
        "parameters": RUN2,
        "mesa": mesa_result,
        "ours": ours,
        "ours_by_threads": {
            str(n): {
                "agent_steps_per_s": r["agent_steps_per_s"],
                "ratio": r["agent_steps_per_s"] / mesa_result["agent_steps_per_s"],
            }
            for n, r in by_threads.items()
        },
        "ratio": ours["agent_steps_per_s"] / mesa_result["agent_steps_per_s"],
        "ratio_vs_mesa_no_datacollector": ours["agent_steps_per_s"]
        / mesa_result["agent_steps_per_s_no_datacollector"],
        "target_ratio": TARGET_RATIO,
    }
    result["meets_target"] = result["ratio_vs_mesa_no_datacollector"] >= TARGET_RATIO
    if not args.skip_mesa_rules:
        like = bench_ours(
            "epstein-mesa",
            ["rules.legitimacy=0.82", "population.cop_density=0.04", "jail.max_term=30"],
            args.seed,
            args.steps,
            args.repeats,
            default_threads,
        )
        result["ours_mesa_rules"] = like
        result["ratio_mesa_rules"] = like["agent_steps_per_s"] / mesa_result["agent_steps_per_s"]
    result["versions"] = {
        "mesa": mesa.__version__,
        "uprising": uprising.__version__,
        "python": platform.python_version(),
    }
    result["load_average_1_5_15"] = {"before": load_before, "after": os.getloadavg()}
    result["cpus"] = os.cpu_count()
    result["wall_s"] = time.perf_counter() - t0
    text = json.dumps(result, indent=1)
    print(text)
    print(
        f"Run 2 at {SIZE}x{SIZE}: Mesa {mesa_result['agent_steps_per_s']:,.0f} agent-steps/s "
        f"({mesa_result['agent_steps_per_s_no_datacollector']:,.0f} without DataCollector), "
        f"ours {ours['agent_steps_per_s']:,.0f} ({ours['numba_threads']} thread(s)) "
        f"-> x{result['ratio']:,.0f} "
        f"(x{result['ratio_vs_mesa_no_datacollector']:,.0f} vs Mesa without DataCollector; "
        f"target x{TARGET_RATIO}: {'met' if result['meets_target'] else 'NOT met'})"
    )
    if "ours_mesa_rules" in result:
        print(
            f"like for like (ours with Mesa's rules, random activation): "
            f"{result['ours_mesa_rules']['agent_steps_per_s']:,.0f} agent-steps/s "
            f"-> x{result['ratio_mesa_rules']:,.0f} Mesa"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text + "\n")
    return result


if __name__ == "__main__":
    main()
