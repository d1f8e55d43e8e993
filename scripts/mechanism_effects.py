"""Mechanism effects: P(fall within 3 years) and the fall-date shift with each one on and off.

    python scripts/mechanism_effects.py [--runs 8] [--scale 0.003] [--workers 2] [--out F]

For `belarus-2022` and `russia-defeat`, draws ``--runs`` points of the regime layer's
priors (every parameter of ``[economy]``, ``[regime]``, ``[fall]`` and the loyalty
parameters of ``[security]`` whose plausible range reads "a to b", uniform on it; the
other parameters keep the scenario's values), keeps only draws under which the regime
stands on day 0 as observed (`stands_on_day_0`), and runs each point with every mechanism
on and then with each mechanism off in turn, on the same seed (paired runs), for 1096
days (three years). For each mechanism it reports P(fall within 3 years) on and off,
the paired difference, and the mean shift of the fall day (the day of the fall, or 1096
for a run that holds: a lower bound on the shift where runs hold). Prints a Markdown
table and writes the records as JSON to ``--out`` (default
docs/figures/mechanism_effects.json). The JSON holds each scenario's prior draws once
(``points``, as overrides) and one short record per run. The probabilities come from
runs over a prior box, so they mix parameter uncertainty with chance; with a handful of
runs per cell their binomial error is large (the table states n).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

HORIZON_DAYS = 1096
SCENARIOS = ("belarus-2022", "russia-defeat")
PRIOR_SECTIONS = ("economy", "regime", "fall")
PRIOR_SECURITY = (
    "security.officer_cost_median",
    "security.officer_cost_sigma",
    "security.cost_per_legitimacy_loss",
    "security.cost_per_crowd",
    "security.cost_if_troops_abroad",
    "security.cost_cut_per_sabotage",
)
MECHANISMS: dict[str, tuple[str, ...]] = {
    "Russian money (subsidies, loans in revenue)": (
        "regime.russian_energy_subsidy_usd_bn=0",
        "regime.russian_loans_usd_bn=0",
    ),
    "Russian backstop in the defection calculus": ("regime.russian_backstop=0",),
    "economic hardship in grievance": ("mechanisms.economy=false",),
    "officers' defection cascade": ("mechanisms.security_loyalty=false",),
    "elite defection cascade": ("mechanisms.elite_loyalty=false",),
    "readiness in the loyalty costs": ("regime.cost_per_readiness=0",),
    "legitimacy feedback (backfire)": ("mechanisms.legitimacy_feedback=false",),
    "emigration and diaspora aid": ("mechanisms.emigration=false",),
}
_RANGE = re.compile(r"^\s*(-?[0-9.]+(?:e-?[0-9]+)?)\s+to\s+(-?[0-9.]+(?:e-?[0-9]+)?)\s*$")


def priors(name: str) -> list[tuple[str, float, float, bool]]:
    """The (path, low, high, integer) of every prior drawn for scenario ``name``."""
    from uprising.scenarios import load_scenario
    from uprising.scenarios.belarus.describe import describe_belarus_parameters

    scenario = load_scenario(name)
    out = []
    for row in describe_belarus_parameters(scenario):
        section = row.path.split(".")[0]
        if section not in PRIOR_SECTIONS and row.path not in PRIOR_SECURITY:
            continue
        match = _RANGE.match(row.plausible)
        if match is None or isinstance(row.value, bool):
            continue
        low, high = float(match.group(1)), float(match.group(2))
        out.append((row.path, low, high, isinstance(row.value, int)))
    return out


REST_DEFECTED_MAX = 0.05
"""Largest share of officers, and of the elite, out at the rest equilibrium of day 0 that a
prior draw may give: in 2020-22 about 1.5 % of officers quit (>700 of 46,128, calibration
CSV) and no elite member defected (Stykow 2022, CSV); 5 % leaves room for both."""


def stands_on_day_0(name: str, overrides: list[str]) -> bool:
    """Whether a draw is consistent with the regime standing as observed on the first day.

    The regime layer's rest cascades under the day-0 drivers (`initial_state` with
    ``settle``) must leave at most `REST_DEFECTED_MAX` of officers and of the elite out.
    """
    from uprising.models import regime as R
    from uprising.models.drivers import build_drivers
    from uprising.scenarios import apply_overrides, load_scenario
    from uprising.scenarios.belarus import drivers as driver_table

    scenario = apply_overrides(load_scenario(name), overrides)
    d0 = build_drivers(scenario.run.start, 1, driver_table.baseline(scenario), scenario.events).on(
        0
    )
    params = R.RegimeParams.from_scenario(scenario)
    try:
        state = R.initial_state(
            params,
            2000,
            0,
            russian_support=d0["russian_support"],
            sanctions=d0["sanctions"],
            western_recognition=d0["western_recognition"],
            readiness=d0["opposition_readiness"],
        )
    except ValueError:
        return False
    return max(state.defection_share, state.elite_share) <= REST_DEFECTED_MAX


def draw_points(name: str, runs: int, seed: int) -> tuple[list[list[str]], int]:
    """``runs`` prior draws as ``path=value`` overrides, and the number of draws made.

    Uniform on each plausible range, conditioned on the regime standing on day 0
    (`stands_on_day_0`: draws that fail are rejected and drawn again).
    """
    rng = np.random.default_rng([seed, runs])
    points, drawn = [], 0
    while len(points) < runs:
        overrides = []
        for path, low, high, integer in priors(name):
            value = rng.uniform(low, high)
            overrides.append(f"{path}={round(value) if integer else value!r}")
        drawn += 1
        if stands_on_day_0(name, overrides):
            points.append(overrides)
    return points, drawn


def run_one(job: tuple[str, int, list[str], float]) -> dict:
    """Run one (scenario, seed, overrides) for the horizon; return its outcome."""
    name, seed, overrides, scale = job
    from uprising.models.belarus import BelarusModel
    from uprising.scenarios import apply_overrides, load_scenario

    scenario = apply_overrides(load_scenario(name), overrides)
    result = BelarusModel(scenario, seed=seed, scale=scale, days=HORIZON_DAYS).run()
    out = result.outcome
    return {
        "scenario": name,
        "seed": seed,
        "overrides": overrides,
        "falls": out.status == "falls",
        "day": out.day if out.status == "falls" else HORIZON_DAYS,
        "channel": out.channel,
        "successor": out.successor,
    }


def main(argv: list[str] | None = None) -> None:
    """Run the paired ensembles, print the table, write the records."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=8, help="prior points per scenario")
    parser.add_argument("--scale", type=float, default=0.003)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("docs/figures/mechanism_effects.json"))
    args = parser.parse_args(argv)

    jobs, keys, drawn = [], [], {}
    for name in SCENARIOS:
        points, drawn[name] = draw_points(name, args.runs, args.seed)
        for k, point in enumerate(points):
            seed = args.seed * 1000 + k
            jobs.append((name, seed, point, args.scale))
            keys.append((name, k, "all on"))
            for mechanism, off in MECHANISMS.items():
                jobs.append((name, seed, [*point, *off], args.scale))
                keys.append((name, k, mechanism))
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        results = list(pool.map(run_one, jobs))
    table: dict[tuple[str, str], dict[int, dict]] = {}
    for key, record in zip(keys, results, strict=True):
        table.setdefault((key[0], key[2]), {})[key[1]] = record

    lines = [
        "| scenario | mechanism | P(fall in 3 y), on | off | on − off | mean fall-day shift "
        "(off − on), days | n |",
        "|---|---|---|---|---|---|---|",
    ]
    summary = []
    for name in SCENARIOS:
        on = table[(name, "all on")]
        p_on = np.mean([r["falls"] for r in on.values()])
        for mechanism in MECHANISMS:
            off = table[(name, mechanism)]
            p_off = np.mean([r["falls"] for r in off.values()])
            shift = np.mean([off[k]["day"] - on[k]["day"] for k in on])
            lines.append(
                f"| {name} | {mechanism} | {p_on:.2f} | {p_off:.2f} | {p_on - p_off:+.2f} | "
                f"{shift:+.0f} | {len(on)} |"
            )
            summary.append(
                {
                    "scenario": name,
                    "mechanism": mechanism,
                    "p_fall_on": p_on,
                    "p_fall_off": p_off,
                    "shift_days": shift,
                    "n": len(on),
                }
            )
    sys.stdout.write("\n".join(lines) + "\n")
    for name in SCENARIOS:
        sys.stdout.write(f"{name}: {args.runs} draws kept of {drawn[name]} made\n")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "command": " ".join(
                    [
                        "python",
                        "scripts/mechanism_effects.py",
                        *(sys.argv[1:] if argv is None else argv),
                    ]
                ),
                "runs": args.runs,
                "scale": args.scale,
                "seed": args.seed,
                "horizon_days": HORIZON_DAYS,
                "draws_made": drawn,
                "summary": summary,
                "points": {
                    name: [
                        r["overrides"]
                        for (n, _, m), r in zip(keys, results, strict=True)
                        if n == name and m == "all on"
                    ]
                    for name in SCENARIOS
                },
                "records": [
                    dict(zip(("scenario", "k", "mechanism"), key, strict=True))
                    | {f: r[f] for f in ("seed", "falls", "day", "channel", "successor")}
                    for key, r in zip(keys, results, strict=True)
                ],
            },
            indent=1,
            default=float,
        )
    )


if __name__ == "__main__":
    main()
