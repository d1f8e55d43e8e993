"""Dock the engine with Mesa 3.3.1's Epstein civil-violence example.

Runs Mesa's ``EpsteinCivilViolence`` and our ``epstein-mesa`` scenario (Mesa's rules:
round-half-even C/A, von Neumann vision, act then move, jailed occupy their cell,
per-cell draws, random activation) side by side at the same parameters over N seeds
each, and compares the distributions of per-run statistics with two-sample tests
(Mesa's deviations in docs/MODEL.md, section 7; results in docs/DOCKING.md).

    python benchmarks/dock_mesa.py [--seeds 10] [--steps 500] [--config both] [--json PATH]

Configurations:

* ``mesa-defaults``: Mesa's own defaults, L = 0.8, cop density 0.074, J = 1000.
  An independent reimplementation found no rebellion at all (no outburst above 50 actives).
* ``run2-params``: Mesa's rules with Epstein's Run-2 parameters, L = 0.82, cop
  density 0.04, J = 30, where there is real dynamics.

Every other parameter (40 x 40 torus, citizen density 0.7, vision 7, threshold 0.1,
k = 2.3, movement on) is read from the resolved ``epstein-mesa`` scenario and passed
to Mesa, so both models run the same numbers.

Statistics per run (ticks 1..steps; "after warm-up" means ticks > ``--warmup``):

* ``peak_active``: largest number of active citizens over the whole run.
* ``outbursts``: number of outbursts, maximal runs of ticks with more than 50
  actives (`uprising.analysis.outbursts.outburst_stats`).
* ``mean_active``: mean actives after warm-up.
* ``mean_jailed``: mean jailed after warm-up. Ours: the ``jailed`` column (citizens
  whose remaining term is > 0 after the end-of-tick countdown). Mesa: citizens with
  ``jail_sentence > 0``, the same definition (remaining term > 0). Mesa's own
  ``ARRESTED`` count also holds citizens whose term has run out (or was 0) but who have
  not yet had their next turn; it is reported as the diagnostic ``mean_arrested_state``.
* Pooled diagnostics: the peak, duration and activation of every outburst that touches
  neither end of a run, and the waiting times between outbursts, pooled over the seeds
  of each model. Values within one run are not independent, so the verdict on these
  rows uses a permutation test that reassigns whole runs to the two models (difference
  of pooled means, 10,000 permutations); the value-level MW and KS p-values are shown
  for reference only.
* Diagnostics (not in the overall verdict): ``peak_active_after_warmup``,
  ``arrests_per_tick`` after warm-up (Mesa: counted by wrapping the model RNG's
  ``randint``, which Mesa calls exactly once per arrest to draw the term; the wrapper
  returns the same numbers, so the run is unchanged), and ``mean_arrested_state``.
  When the jail can reach a steady state within the run (4 J <= steps - warm-up), also
  ``jailed_per_arrest`` and ``arrested_per_arrest``: mean jailed (or ARRESTED) divided
  by arrests per tick, i.e. by Little's law the ticks each arrest is counted as jailed.
  Both hardly vary between seeds, so they expose the jail-timing difference between
  the engines (docs/DOCKING.md) that the other statistics are too noisy to see.

Tests: Mann-Whitney U (two-sided) decides each statistic at ``--alpha``; the two-sample
Kolmogorov-Smirnov p-value is shown alongside. The overall verdict applies Holm's
correction over the four primary statistics: "equivalent" means that no primary
statistic differs significantly (a failure to reject, with the power that N seeds give).
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import pathlib
import platform
import sys
import time
import types
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from uprising.analysis.outbursts import outburst_stats
from uprising.engine.simulation import Simulation
from uprising.scenarios import apply_overrides, load_scenario, to_engine_config

CONFIGS: dict[str, dict[str, Any]] = {
    "mesa-defaults": {"legitimacy": 0.8, "cop_density": 0.074, "max_jail_term": 1000},
    "run2-params": {"legitimacy": 0.82, "cop_density": 0.04, "max_jail_term": 30},
}

PRIMARY = ("peak_active", "outbursts", "mean_active", "mean_jailed")
RESIDENCE = ("jailed_per_arrest", "arrested_per_arrest")
POOLED = ("outburst_peak", "outburst_duration", "outburst_activation", "waiting_time")
DIAGNOSTIC = ("peak_active_after_warmup", "arrests_per_tick", "mean_arrested_state")
LABELS = {
    "peak_active": "peak actives",
    "outbursts": "outbursts (>50)",
    "mean_active": "mean actives",
    "mean_jailed": "mean jailed",
    "peak_active_after_warmup": "peak actives after warm-up",
    "arrests_per_tick": "arrests per tick",
    "mean_arrested_state": "mean ARRESTED / ours jailed",
    "jailed_per_arrest": "jailed / arrests per tick",
    "arrested_per_arrest": "ARRESTED / arrests per tick",
    "outburst_peak": "peak per outburst",
    "outburst_duration": "duration per outburst",
    "outburst_activation": "activation per outburst",
    "waiting_time": "waiting time",
}
OUTBURST_THRESHOLD = 50


def load_mesa_epstein() -> tuple[types.ModuleType, types.ModuleType]:
    """Import Mesa's Epstein example: its ``agents`` and ``model`` modules.

    ``mesa.examples/__init__.py`` imports every example, some of which need optional
    packages (networkx) that the ``docking`` extra does not install. When that import
    fails, the two parent packages are registered as bare namespace modules so that
    only the Epstein example's own files are executed, unchanged.
    """
    try:
        from mesa.examples.advanced.epstein_civil_violence import agents, model
    except ImportError:
        import mesa

        base = pathlib.Path(mesa.__file__).parent / "examples"
        for name, path in (("mesa.examples", base), ("mesa.examples.advanced", base / "advanced")):
            module = types.ModuleType(name)
            module.__path__ = [str(path)]
            sys.modules[name] = module
        agents = importlib.import_module("mesa.examples.advanced.epstein_civil_violence.agents")
        model = importlib.import_module("mesa.examples.advanced.epstein_civil_violence.model")
    return agents, model


def scenario_for(config: str):
    """Our resolved ``epstein-mesa`` scenario with the configuration's parameters."""
    p = CONFIGS[config]
    return apply_overrides(
        load_scenario("epstein-mesa"),
        [
            f"rules.legitimacy={p['legitimacy']}",
            f"population.cop_density={p['cop_density']}",
            f"jail.max_term={p['max_jail_term']}",
        ],
    )


def mesa_kwargs(scenario) -> dict[str, Any]:
    """Keyword arguments of Mesa's ``EpsteinCivilViolence`` for a resolved scenario."""
    return {
        "width": scenario.grid.width,
        "height": scenario.grid.height,
        "citizen_density": scenario.population.citizen_density,
        "cop_density": scenario.population.cop_density,
        "citizen_vision": int(scenario.citizens.vision),
        "cop_vision": int(scenario.cops.vision),
        "legitimacy": scenario.rules.legitimacy,
        "max_jail_term": int(scenario.jail.max_term),
        "active_threshold": scenario.citizens.threshold,
        "arrest_prob_constant": scenario.rules.arrest_constant,
        "movement": scenario.citizens.movement,
        "max_iters": 10**9,
    }


@dataclass
class Run:
    """Per-tick record of one run (ticks 1..steps) and its stepping time."""

    active: np.ndarray
    jailed: np.ndarray
    arrested_state: np.ndarray
    arrests: np.ndarray
    n_agents: int
    seconds: float
    stats: dict[str, float] = field(default_factory=dict)
    pooled: dict[str, list[int]] = field(default_factory=dict)


def run_mesa(kwargs: dict[str, Any], seed: int, steps: int) -> Run:
    """Run Mesa's model as shipped (DataCollector included) and record each tick."""
    agents, model_module = load_mesa_epstein()
    model = model_module.EpsteinCivilViolence(seed=seed, **kwargs)
    citizens = list(model.agents_by_type[agents.Citizen])
    arrests = [0]
    randint = model.random.randint

    def counting_randint(a: int, b: int) -> int:
        arrests[0] += 1
        return randint(a, b)

    # Mesa draws randint only for a jail term (one per arrest); same numbers, same run.
    model.random.randint = counting_randint
    rec = {k: np.zeros(steps, dtype=np.int64) for k in ("active", "jailed", "arrested", "arrests")}
    seconds = 0.0
    for t in range(steps):
        t0 = time.perf_counter()
        model.step()
        seconds += time.perf_counter() - t0
        rec["active"][t] = model.ACTIVE
        rec["arrested"][t] = model.ARRESTED
        rec["jailed"][t] = sum(1 for c in citizens if c.jail_sentence > 0)
        rec["arrests"][t] = arrests[0]
        arrests[0] = 0
    return Run(
        rec["active"], rec["jailed"], rec["arrested"], rec["arrests"], len(model.agents), seconds
    )


def run_ours(config, seed: int, steps: int) -> Run:
    """Run our engine and return its record (stepping time only)."""
    sim = Simulation(config, seed=seed)
    t0 = time.perf_counter()
    series = sim.run(steps)
    seconds = time.perf_counter() - t0
    c = series.columns()
    n_agents = int(c["cops"][0] + c["quiet"][0] + c["active"][0] + c["jailed"][0])
    return Run(c["active"], c["jailed"], c["jailed"], c["arrests"], n_agents, seconds)


def run_statistics(run: Run, warmup: int) -> dict[str, float]:
    """The per-run statistics compared between the two models.

    Also fills ``run.pooled`` with the run's per-outburst values (peak, duration and
    activation of every outburst that touches neither end of the run, and the waiting
    times between outbursts), which are pooled over seeds as diagnostics.
    """
    after = slice(warmup, None)
    ob = outburst_stats(run.active, threshold=OUTBURST_THRESHOLD)
    whole = [i for i, cut in enumerate(ob.censored) if not cut]
    run.pooled = {
        "outburst_peak": [int(ob.peaks[i]) for i in whole],
        "outburst_duration": [int(ob.durations[i]) for i in whole],
        "outburst_activation": [int(ob.activations[i]) for i in whole],
        "waiting_time": [int(w) for w in ob.waiting_times],
    }
    return {
        "peak_active": float(run.active.max()),
        "outbursts": float(ob.count),
        "mean_active": float(run.active[after].mean()),
        "mean_jailed": float(run.jailed[after].mean()),
        "peak_active_after_warmup": float(run.active[after].max()),
        "arrests_per_tick": float(run.arrests[after].mean()),
        "mean_arrested_state": float(run.arrested_state[after].mean()),
    }


def compare(mesa: list[float], ours: list[float], alpha: float) -> dict[str, Any]:
    """Means, standard errors and two-sample tests of one statistic."""
    a = np.asarray(mesa, dtype=np.float64)
    b = np.asarray(ours, dtype=np.float64)
    if np.all(a == a[0]) and np.all(b == a[0]):
        p_mw = p_ks = 1.0  # both samples are the same constant
    else:
        p_mw = float(stats.mannwhitneyu(a, b, alternative="two-sided").pvalue)
        p_ks = float(stats.ks_2samp(a, b).pvalue)

    def se(x: np.ndarray) -> float:
        return float(x.std(ddof=1) / math.sqrt(len(x))) if len(x) > 1 else math.nan

    mean_a, mean_b = float(a.mean()), float(b.mean())
    return {
        "mesa_mean": mean_a,
        "mesa_se": se(a),
        "ours_mean": mean_b,
        "ours_se": se(b),
        "relative_difference": (mean_b / mean_a - 1.0) if mean_a else None,
        "p_mannwhitney": p_mw,
        "p_ks": p_ks,
        "different": p_mw < alpha,
    }


def run_permutation_p(mesa: list[list[int]], ours: list[list[int]], n_perm: int = 10_000) -> float:
    """Two-sided p-value of the difference of pooled means, permuting whole runs.

    Values from one run are not independent (they share the run's population), so the
    model labels are permuted run by run rather than value by value.
    """
    runs = [np.asarray(r, dtype=np.float64) for r in mesa + ours]
    sums = np.array([r.sum() for r in runs])
    sizes = np.array([len(r) for r in runs], dtype=np.float64)
    labels = np.array([0] * len(mesa) + [1] * len(ours))

    def statistic(lab: np.ndarray) -> float:
        a, b = lab == 0, lab == 1
        if sizes[a].sum() == 0 or sizes[b].sum() == 0:
            return 0.0
        return sums[b].sum() / sizes[b].sum() - sums[a].sum() / sizes[a].sum()

    observed = abs(statistic(labels))
    rng = np.random.default_rng(0)
    hits = sum(abs(statistic(rng.permutation(labels))) >= observed - 1e-12 for _ in range(n_perm))
    return float((1 + hits) / (1 + n_perm))


def holm(pvalues: dict[str, float], alpha: float) -> dict[str, bool]:
    """Holm's step-down procedure: which hypotheses are rejected at family-wise alpha."""
    order = sorted(pvalues, key=pvalues.get)
    m = len(order)
    rejected = dict.fromkeys(pvalues, False)
    for i, name in enumerate(order):
        if pvalues[name] > alpha / (m - i):
            break
        rejected[name] = True
    return rejected


def dock(config: str, seeds: list[int], steps: int, warmup: int, alpha: float) -> dict[str, Any]:
    """Run one configuration with both models over the seeds and compare them."""
    scenario = scenario_for(config)
    engine_config = to_engine_config(scenario)
    kwargs = mesa_kwargs(scenario)
    Simulation(engine_config, seed=0).run(2)  # compile (or load the Numba cache) first
    runs: dict[str, list[Run]] = {"mesa": [], "ours": []}
    t0 = time.perf_counter()
    for seed in seeds:
        for name, runner, arg in (("mesa", run_mesa, kwargs), ("ours", run_ours, engine_config)):
            run = runner(arg, seed, steps)
            run.stats = run_statistics(run, warmup)
            runs[name].append(run)
        m, o = runs["mesa"][-1].stats, runs["ours"][-1].stats
        print(
            f"  [{config}] seed {seed}: Mesa peak {m['peak_active']:.0f} "
            f"outbursts {m['outbursts']:.0f} jailed {m['mean_jailed']:.1f} | ours peak "
            f"{o['peak_active']:.0f} outbursts {o['outbursts']:.0f} jailed {o['mean_jailed']:.1f}",
            file=sys.stderr,
            flush=True,
        )
    keys = PRIMARY + DIAGNOSTIC
    everyone = runs["mesa"] + runs["ours"]
    if CONFIGS[config]["max_jail_term"] * 4 <= steps - warmup and all(
        r.stats["arrests_per_tick"] > 0 for r in everyone
    ):
        # Little's law: jailed = arrests per tick x ticks counted per arrest.
        for r in everyone:
            r.stats["jailed_per_arrest"] = r.stats["mean_jailed"] / r.stats["arrests_per_tick"]
            r.stats["arrested_per_arrest"] = (
                r.stats["mean_arrested_state"] / r.stats["arrests_per_tick"]
            )
        keys += RESIDENCE
    comparisons = {
        key: compare(
            [r.stats[key] for r in runs["mesa"]], [r.stats[key] for r in runs["ours"]], alpha
        )
        for key in keys
    }
    pooled = {}
    for key in POOLED:
        a = [v for r in runs["mesa"] for v in r.pooled[key]]
        b = [v for r in runs["ours"] for v in r.pooled[key]]
        if len(a) >= 2 and len(b) >= 2:
            c = compare(a, b, alpha)
            c["p_run_permutation"] = run_permutation_p(
                [r.pooled[key] for r in runs["mesa"]], [r.pooled[key] for r in runs["ours"]]
            )
            c["different"] = c["p_run_permutation"] < alpha
            pooled[key] = {"n_mesa": len(a), "n_ours": len(b), **c}
    rejected = holm({k: comparisons[k]["p_mannwhitney"] for k in PRIMARY}, alpha)
    timing = {}
    for name, rs in runs.items():
        agent_steps = sum(r.n_agents * steps for r in rs)
        seconds = sum(r.seconds for r in rs)
        timing[name] = {"agent_steps": agent_steps, "seconds": seconds}
        timing[name]["agent_steps_per_s"] = agent_steps / seconds
    timing["ratio"] = timing["ours"]["agent_steps_per_s"] / timing["mesa"]["agent_steps_per_s"]
    return {
        "config": config,
        "parameters": CONFIGS[config],
        "mesa_kwargs": kwargs,
        "seeds": seeds,
        "steps": steps,
        "warmup": warmup,
        "alpha": alpha,
        "runs": {
            name: [
                {"seed": s, "n_agents": r.n_agents, **r.stats, "outbursts_detail": r.pooled}
                for s, r in zip(seeds, rs, strict=True)
            ]
            for name, rs in runs.items()
        },
        "comparisons": comparisons,
        "pooled_comparisons": pooled,
        "holm_rejected": rejected,
        "verdict": "different" if any(rejected.values()) else "equivalent",
        "timing": timing,
        "wall_s": time.perf_counter() - t0,
    }


def _fmt(mean: float, se: float) -> str:
    digits = 0 if abs(mean) >= 100 else 1 if abs(mean) >= 10 else 2
    if se > 0 and math.isfinite(se):  # show at least one significant digit of the SE
        digits = max(digits, min(3, -math.floor(math.log10(se))))
    return f"{mean:.{digits}f} ± {se:.{digits}f}"


def print_report(result: dict[str, Any]) -> None:
    """Print one configuration's table, verdicts and timing."""
    p = result["parameters"]
    n = len(result["seeds"])
    print(
        f"\n== {result['config']}: L={p['legitimacy']} cops={p['cop_density']} "
        f"J={p['max_jail_term']}, 40x40, {n} seeds per model ({result['seeds'][0]}.."
        f"{result['seeds'][-1]}), {result['steps']} steps, warm-up {result['warmup']}"
    )
    head = f"{'statistic':<38}{'Mesa mean±SE':>16}{'ours mean±SE':>16}{'diff':>8}"
    print(head + f"{'MW p':>8}{'KS p':>8}  verdict")
    for key, c in result["comparisons"].items():
        rel = c["relative_difference"]
        rel_s = "n/a" if rel is None else f"{100 * rel:+.0f}%"
        verdict = f"different at alpha={result['alpha']}" if c["different"] else "equivalent"
        tag = "" if key in PRIMARY else " (diag.)"
        print(
            f"{LABELS[key] + tag:<38}{_fmt(c['mesa_mean'], c['mesa_se']):>16}"
            f"{_fmt(c['ours_mean'], c['ours_se']):>16}{rel_s:>8}"
            f"{c['p_mannwhitney']:>8.3f}{c['p_ks']:>8.3f}  {verdict}"
        )
    if result["pooled_comparisons"]:
        print(
            "pooled over outbursts of all seeds (MW and KS p treat values as independent; "
            "the verdict uses p of a permutation of whole runs):"
        )
    for key, c in result["pooled_comparisons"].items():
        verdict = f"different at alpha={result['alpha']}" if c["different"] else "equivalent"
        print(
            f"{LABELS[key] + ' (pooled)':<38}{_fmt(c['mesa_mean'], c['mesa_se']):>16}"
            f"{_fmt(c['ours_mean'], c['ours_se']):>16}{100 * c['relative_difference']:>+7.0f}%"
            f"{c['p_mannwhitney']:>8.3f}{c['p_ks']:>8.3f}  {verdict} "
            f"(perm p {c['p_run_permutation']:.3f}; n = {c['n_mesa']} / {c['n_ours']})"
        )
    t = result["timing"]
    print(
        f"overall ({result['config']}): {result['verdict'].upper()} "
        f"(Holm over {len(PRIMARY)} primary statistics, family-wise alpha={result['alpha']})"
    )
    print(
        f"speed: Mesa {t['mesa']['agent_steps_per_s']:,.0f} agent-steps/s, ours "
        f"{t['ours']['agent_steps_per_s']:,.0f} agent-steps/s (x{t['ratio']:,.0f}); "
        f"wall {result['wall_s']:.0f} s"
    )


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the docking comparison; returns the JSON-ready result.

    Args:
        argv: command-line arguments (default ``sys.argv[1:]``).
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="seeds per model (default 10)")
    parser.add_argument("--first-seed", type=int, default=0, help="first seed (default 0)")
    parser.add_argument("--steps", type=int, default=500, help="ticks per run (default 500)")
    parser.add_argument(
        "--warmup", type=int, default=100, help="ticks left out of means (default 100)"
    )
    parser.add_argument("--config", choices=[*CONFIGS, "both"], default="both", help="default both")
    parser.add_argument("--alpha", type=float, default=0.05, help="test level (default 0.05)")
    parser.add_argument("--json", type=pathlib.Path, help="also write the result as JSON here")
    args = parser.parse_args(argv)
    if args.seeds < 2 or not 0 <= args.warmup < args.steps:
        parser.error("need --seeds >= 2 and 0 <= --warmup < --steps")
    import mesa

    import uprising

    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    configs = list(CONFIGS) if args.config == "both" else [args.config]
    t0 = time.perf_counter()
    results = []
    for config in configs:
        result = dock(config, seeds, args.steps, args.warmup, args.alpha)
        print_report(result)
        results.append(result)
    overall = "different" if any(r["verdict"] == "different" for r in results) else "equivalent"
    wall = time.perf_counter() - t0
    print(f"\nOVERALL: {overall.upper()} ({', '.join(configs)}); total wall {wall:.0f} s")
    out = {
        "argv": sys.argv[1:] if argv is None else list(argv),
        "mesa_version": mesa.__version__,
        "uprising_version": uprising.__version__,
        "python": platform.python_version(),
        "overall": overall,
        "wall_s": wall,
        "results": results,
    }
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=1, allow_nan=False) + "\n")
    return out


if __name__ == "__main__":
    main()
