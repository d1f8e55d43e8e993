"""Political prisoners and criminal cases of belarus-2020 against Viasna's counts.

Runs seeds 0..N-1 of belarus-2020 to 31 March 2021 with the criminal pipeline on and off
(the pipeline does not touch the lattice, so "off" is the street's own criminal jail) and
prints, per reported date, the median and the 5-95 % range over seeds. Runs share one
parameter point: the spread measures chance only.

    python scripts/criminal_pipeline_check.py [--seeds 10] [--scale 0.01]
"""

from __future__ import annotations

import argparse

import numpy as np

from uprising.models.belarus import BelarusModel
from uprising.scenarios import load_scenario
from uprising.scenarios.overrides import apply_overrides

PRISONERS = {"2020-09-30": 74, "2020-10-31": 101, "2020-11-30": 146, "2020-12-31": 169,
             "2021-03-31": 325}  # fmt: skip
CASES = {"2020-09-30": 242, "2020-10-31": 700, "2020-12-31": 900}
DAYS = 243  # 1 Aug 2020 to 31 Mar 2021


def _at(series: dict, name: str, dates: dict) -> list[float]:
    days = [str(d) for d in series["date"]]
    return [float(series[name][days.index(d)]) for d in dates]


def main() -> None:
    """Run the seeds with the pipeline on and off and print the comparison."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--scale", type=float, default=0.01)
    args = parser.parse_args()
    base = load_scenario("belarus-2020")
    found: dict[str, list[list[float]]] = {"on": [], "off": [], "cases": []}
    for label, sets in (("on", []), ("off", ["mechanisms.criminal_pipeline=false"])):
        scenario = apply_overrides(base, sets)
        for seed in range(args.seeds):
            series = BelarusModel(scenario, seed=seed, scale=args.scale, days=DAYS).run().series
            found[label].append(_at(series, "political_prisoners", PRISONERS))
            if label == "on":
                found["cases"].append(_at(series, "criminal_cases", CASES))
    print(f"belarus-2020, {args.seeds} seeds, scale {args.scale}: median [5 %, 95 %]")
    for label, dates in (("on", PRISONERS), ("off", PRISONERS), ("cases", CASES)):
        values = np.asarray(found[label])
        for i, (date, reported) in enumerate(dates.items()):
            lo, med, hi = np.percentile(values[:, i], [5, 50, 95])
            inside = "in" if lo <= reported <= hi else "out"
            print(f"{label:5s} {date} reported {reported:5d}  model {med:6.0f} "
                  f"[{lo:6.0f}, {hi:6.0f}] {inside}")  # fmt: skip


if __name__ == "__main__":
    main()
