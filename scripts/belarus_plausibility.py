"""Model against data for belarus-2020, before any fitting: the figure in docs/.

    python scripts/belarus_plausibility.py [--scale 0.01] [--seeds 1 2 3 4 5] [--out DIR]

Runs `belarus-2020` (its built-in parameters, nothing fitted) once per seed and draws,
against the observations shipped in `uprising/analysis/data/belarus_2020_observed.csv`
(each with its source): participants in Minsk city on the Sunday marches, monthly
detentions and the political-prisoner stock. Writes ``belarus_2020_plausibility.png``
and ``belarus_2020_plausibility.json`` (the plotted model figures, the seeds, the scale
and the command) into ``--out`` (default docs/figures). Uses matplotlib, a dependency
of the package.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from importlib import resources
from pathlib import Path

import numpy as np

from uprising.models.belarus import BelarusModel
from uprising.outputs import region_column
from uprising.scenarios import load_scenario


def observations() -> list[dict]:
    """The shipped observations, one dict per row (dates parsed, numbers as floats)."""
    text = resources.files("uprising.analysis").joinpath("data/belarus_2020_observed.csv")
    rows = []
    with text.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            row["date_start"] = dt.date.fromisoformat(row["date_start"])
            row["date_end"] = dt.date.fromisoformat(row["date_end"])
            for key in ("value", "low", "high"):
                row[key] = float(row[key]) if row[key] else None
            rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> None:
    """Run the seeds, draw the figure, write the figure and its numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--days", type=int, default=1250)
    parser.add_argument("--out", type=Path, default=Path("docs/figures"))
    args = parser.parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scenario = load_scenario("belarus-2020")
    runs = []
    for seed in args.seeds:
        result = BelarusModel(scenario, seed=seed, scale=args.scale, days=args.days).run()
        runs.append(result.series)
        print(f"seed {seed}: {result.outcome.as_dict()}", file=sys.stderr)
    dates = runs[0]["date"].astype(dt.date)
    index = {d: i for i, d in enumerate(dates)}
    obs = observations()
    minsk = region_column("Minsk city")

    def monthly(series: dict, start: dt.date, end: dt.date) -> float:
        return float(series["detentions"][index[start] : index[end] + 1].sum())

    fig, axes = plt.subplots(3, 1, figsize=(9, 11))
    ax = axes[0]
    for k, s in enumerate(runs):
        ax.plot(dates, s[minsk], lw=0.6, color="tab:blue", alpha=0.6,
                label="model, Minsk city (one line per seed)" if k == 0 else None)  # fmt: skip
    points = [o for o in obs if o["series"] == "participants"]
    ax.errorbar(
        [o["date_start"] for o in points], [o["value"] for o in points],
        yerr=[[o["value"] - o["low"] for o in points], [o["high"] - o["value"] for o in points]],
        fmt="o", color="black", label="reported, Minsk city Sunday marches (range)",
    )  # fmt: skip
    ax.set_xlim(dt.date(2020, 8, 1), dt.date(2021, 3, 31))
    ax.set_ylabel("people in the street")
    ax.set_title("belarus-2020 before fitting: participants")
    ax.legend(fontsize=8)

    ax = axes[1]
    months = [(o["date_start"], o["date_end"]) for o in obs if o["series"] == "detentions"]
    labels = [f"{a:%d %b}-{b:%d %b}" for a, b in months]
    model = np.array([[monthly(s, a, b) for a, b in months] for s in runs])
    data = [o for o in obs if o["series"] == "detentions"]
    x = np.arange(len(months))
    ax.bar(x - 0.2, model.mean(axis=0), width=0.4, yerr=model.std(axis=0), label="model (mean, sd)")
    ax.bar(x + 0.2, [o["value"] for o in data], width=0.4, color="black", alpha=0.6,
           label="reported (Viasna, UN SR)")  # fmt: skip
    ax.set_xticks(x, labels, fontsize=8)
    ax.set_ylabel("detentions")
    ax.legend(fontsize=8)

    ax = axes[2]
    for k, s in enumerate(runs):
        label = "model, criminal-tier prisoners (one line per seed)" if k == 0 else None
        ax.plot(dates, s["political_prisoners"], lw=0.8, color="tab:red", alpha=0.6, label=label)
    points = [o for o in obs if o["series"] == "political_prisoners"]
    ax.plot([o["date_start"] for o in points], [o["value"] for o in points], "o", color="black",
            label="Viasna, political prisoners held")  # fmt: skip
    ax.set_ylabel("political prisoners")
    ax.legend(fontsize=8)
    command = "python scripts/belarus_plausibility.py " + " ".join(argv or sys.argv[1:])
    fig.text(0.01, 0.005, f"{command.strip()} | seeds {args.seeds}, scale {args.scale:g}",
             fontsize=7)  # fmt: skip
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    args.out.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out / "belarus_2020_plausibility.png", dpi=110)
    figures = {
        "command": command.strip(),
        "seeds": args.seeds,
        "scale": args.scale,
        "days": args.days,
        "sunday_minsk_participants": {
            o["date_start"].isoformat(): [float(s[minsk][index[o["date_start"]]]) for s in runs]
            for o in obs
            if o["series"] == "participants"
        },
        "detentions": {lab: model[:, i].tolist() for i, lab in enumerate(labels)},
        "political_prisoners": {
            o["date_start"].isoformat(): [
                float(s["political_prisoners"][index[o["date_start"]]]) for s in runs
            ]
            for o in obs
            if o["series"] == "political_prisoners" and o["date_start"] in index
        },
        "emigrants_2020_09_30": [float(s["emigrants"][index[dt.date(2020, 9, 30)]]) for s in runs],
        "security_loyalty_end": [float(s["security_loyalty"][-1]) for s in runs],
    }
    (args.out / "belarus_2020_plausibility.json").write_text(json.dumps(figures, indent=1) + "\n")
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
