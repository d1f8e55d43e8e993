"""Where the engine's time goes: the activation kernel with parts of the model switched off.

    python benchmarks/ablation.py [--width 3626] [--threads 1]

Prints a JSON list: for each configuration, nanoseconds per agent per tick spent in
`Simulation.activate` (best of three ticks after three warm-up ticks). L = 0.95 makes
everyone quiet for ever (E2, docs/VALIDATION.md), so the first three rows isolate the schedule, cop
movement (with its field updates) and citizen movement; the last row is Run 2.
"""

from __future__ import annotations

import argparse
import json
import time

CONFIGURATIONS = {
    "nobody moves": {"legitimacy": 0.95, "citizens_move": False,
                     "cops_move_when_citizens_frozen": False},
    "cops move": {"legitimacy": 0.95, "citizens_move": False},
    "everybody moves": {"legitimacy": 0.95},
    "run 2": {},
}  # fmt: skip


def main(argv: list[str] | None = None) -> list[dict]:
    """Time each configuration and print the JSON list."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=3626, help="torus side in cells")
    parser.add_argument("--threads", type=int, default=1, help="Numba threads")
    args = parser.parse_args(argv)

    from uprising.engine.config import EngineConfig
    from uprising.engine.simulation import Simulation, set_threads

    set_threads(args.threads)
    results = []
    for name, overrides in CONFIGURATIONS.items():
        sim = Simulation(EngineConfig(width=args.width, height=args.width, **overrides), 0)
        sim.run(3)
        n_agents = sim.n_agents
        best = float("inf")
        for _ in range(3):
            legitimacy, max_jail_term = sim.apply_timeline()
            start = time.perf_counter()
            sim.activate(legitimacy, max_jail_term)
            best = min(best, time.perf_counter() - start)
            sim.serve_jail_terms()
            sim.tick += 1
            sim.observe(legitimacy)
        results.append({"configuration": name, "ns_per_agent": round(best * 1e9 / n_agents, 1)})
    print(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
