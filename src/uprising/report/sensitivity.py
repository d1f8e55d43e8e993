"""Sensitivity and scenario discovery in the report and on the terminal.

- `headline_analyses`: for each ensemble with varied inputs and each of its scenarios,
  the sensitivity of the headline outcome and a PRIM box of it (or the reason why not).
- `sensitivity_text`, `discovery_text`, `top_inputs_text`: plain-text tables and
  sentences for ``uprising sensitivity``, ``uprising discover`` and ``uprising report``.
- `analyses_section`: the report's section "Which inputs matter", with its figures.

The headline outcome is `uprising.analysis.features.headline_outcome` (fall within 3
years); when it is the same in every run, the days to the fall, then the peak of
participants, take its place, and the text says so.
"""

from __future__ import annotations

import base64
import dataclasses
import html
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from uprising.analysis.discovery import Discovery, discover
from uprising.analysis.features import describe_outcome, feature_table, headline_outcome
from uprising.analysis.sensitivity import SensitivityResult, sensitivity
from uprising.errors import UprisingError
from uprising.report import sensitivity_figures as figures
from uprising.store.atomic import atomic_write
from uprising.store.results import ResultsStore

__all__ = [
    "Headline",
    "analyses_section",
    "discovery_text",
    "headline_analyses",
    "sensitivity_text",
    "top_inputs_text",
    "write_pngs",
]

FALLBACK_OUTCOMES = ("days_to_fall", "peak_participants")
"""Outcomes ranked instead of the headline when it is the same in every run."""

CHANCE_NOTE = (
    "Each run has its own seed as well as its own inputs, so every index and every box "
    "density mixes the inputs' effect with chance; an input that does not matter still "
    "gets a small positive delta and PAWN."
)


@dataclasses.dataclass
class Headline:
    """The analyses of one scenario of one ensemble for the report."""

    ensemble_id: str
    scenario: str
    result: SensitivityResult | None = None
    found: Discovery | None = None
    notes: list[str] = dataclasses.field(default_factory=list)


def headline_analyses(
    store: ResultsStore, ensemble_ids: Iterable[str], *, seed: int = 0
) -> list[Headline]:
    """Sensitivity and PRIM of the headline outcome, per varied ensemble and scenario.

    Failed runs are left out (``allow_failed=True``) and a note says how many; ensembles
    of design ``mc`` are skipped (no input varies).
    """
    ensembles = store.ensembles().set_index("ensemble_id")
    runs = store.runs(list(ensemble_ids))
    found: list[Headline] = []
    for ensemble_id in dict.fromkeys(runs["ensemble_id"]):
        if ensemble_id not in ensembles.index:
            continue
        if (ensembles.loc[ensemble_id, "design"] or "mc") == "mc":
            continue
        mine = runs[runs["ensemble_id"] == ensemble_id]
        for scenario in dict.fromkeys(mine.sort_values("k")["scenario"]):
            found.append(_one(store, str(ensemble_id), str(scenario), seed))
    return found


def sensitivity_text(result: SensitivityResult) -> str:
    """The indices as plain-text tables, with the run counts and the chance caveat."""
    lines = [
        f"Sensitivity of {result.label} (outcome {result.outcome}), ensemble "
        f"{result.ensemble_id}, scenario {result.scenario}, design {result.design}: "
        f"{result.n_runs} runs, mean {result.mean:.3g}"
        + (f", {result.failed} failed runs left out" if result.failed else "")
        + f"; intervals: {result.conf_level:.0%} bootstrap half-widths.",
    ]
    titles = {
        "sobol": "Sobol' indices (first order S1, total ST)",
        "morris": "Morris screening (mu*, sigma)",
        "delta": "Borgonovo's delta (moment-independent)",
        "pawn": "PAWN (KS distance over slices)",
    }
    order = list(result.ranking["input"])
    for name, frame in result.tables.items():
        lines += ["", titles.get(name, name) + ":", frame.loc[order].to_string(float_format=_f)]
    lines += [
        "",
        f"Most influential ({result.ranking['method'].iloc[0]}): " + ", ".join(result.top(3)),
        CHANCE_NOTE,
    ]
    return "\n".join(lines)


def discovery_text(found: Discovery) -> str:
    """The PRIM box, its trajectory, stability and CART leaves as plain text."""
    where = found.attrs
    lines = [
        f"Scenario discovery of {found.label}"
        + (f", ensemble {where['ensemble_id']}, scenario {where['scenario']}" if where else "")
        + f": {found.n_runs} runs, {found.cases} cases"
        + (f", {where['failed']} failed runs left out" if where.get("failed") else "")
        + ".",
        "",
        found.sentence,
        "",
        f"Box {found.chosen} (the densest with coverage >= the minimum), its restrictions "
        "and quasi-p-values:",
        found.limits.to_string(float_format=_f),
        "",
        "Peeling trajectory (every 5th box and the last):",
        _thin(found.trajectory).to_string(index=False, float_format=_f),
    ]
    if len(found.stability):
        lines += [
            "",
            f"Resampling stability ({found.stability.attrs.get('resamples', 0)} halves): "
            "share of resampled PRIM runs that restrict each input",
            found.stability.to_string(float_format=_f),
        ]
    lines += [
        "",
        "CART leaves (densest first):",
        found.cart.head(8).to_string(index=False, float_format=_f),
        "",
        CHANCE_NOTE,
    ]
    return "\n".join(lines)


def top_inputs_text(headlines: Sequence[Headline]) -> list[str]:
    """One line per analysed scenario: the three inputs that matter most, and why not."""
    lines = []
    for item in headlines:
        head = f"  {item.scenario} ({item.ensemble_id})"
        if item.result is None:
            lines.append(f"{head}: no ranking ({'; '.join(item.notes)})")
            continue
        result = item.result
        scores = result.ranking.head(3)
        ranked = ", ".join(
            f"{row.input} ({row.method} {row.score:.2f})" for row in scores.itertuples()
        )
        lines.append(f"{head}, {result.label}, {result.n_runs} runs: {ranked}")
    return lines


def analyses_section(headlines: Sequence[Headline]) -> tuple[str, list[tuple[str, bytes]]]:
    """The report's section on the inputs, and its PNG figures ``(file name, bytes)``.

    Returns an empty section when no ensemble varies inputs.
    """
    if not headlines:
        return "", []
    parts = [
        '<h2 id="inputs">Which inputs matter</h2>',
        "<p>For each ensemble that varies parameters: the sensitivity of the headline "
        "outcome to each varied input (Sobol' indices for Sobol designs, Morris screening for "
        "Morris designs, Borgonovo's delta and PAWN for any design) and the region of the "
        "inputs where the regime falls (PRIM, with CART as a second view). "
        f"{_e(CHANCE_NOTE)}</p>",
    ]
    pngs: list[tuple[str, bytes]] = []
    for number, item in enumerate(headlines, start=1):
        parts.append(f"<h3>{_e(item.scenario)} <code>{_e(item.ensemble_id)}</code></h3>")
        for note in item.notes:
            parts.append(f'<p class="note">{_e(note)}</p>')
        result = item.result
        if result is not None:
            parts.append(
                f"<p><strong>The three inputs that matter most for {_e(result.label)}:</strong> "
                + ", ".join(f"<code>{_e(name)}</code>" for name in result.top(3))
                + f" (ranked by {_e(result.ranking['method'].iloc[0])}; {result.n_runs} runs, "
                f"mean {_f(result.mean)}"
                + (f", {result.failed} failed runs left out" if result.failed else "")
                + ").</p>"
            )
            for name, frame in result.tables.items():
                parts.append(_frame_table(name, frame.loc[result.top(len(frame))]))
            figure = figures.indices_figure(result)
            pngs.append((f"inputs_{number:02d}_indices.png", _png(figure)))
            parts.append(
                _img(
                    pngs[-1],
                    f"Sensitivity indices of {result.label}, with their "
                    f"{result.conf_level:.0%} bootstrap intervals.",
                )
            )
            if "morris" in result.tables:
                pngs.append(
                    (f"inputs_{number:02d}_morris.png", _png(figures.morris_figure(result)))
                )
                parts.append(_img(pngs[-1], "Morris mu* against sigma."))
        found = item.found
        if found is not None:
            parts.append(f"<p><strong>PRIM:</strong> {_e(found.sentence)}</p>")
            parts.append(_frame_table("box", found.limits))
            if len(found.stability):
                parts.append(_frame_table("stability", found.stability))
            parts.append(_frame_table("CART leaves", found.cart.head(8).set_index("leaf")))
            pngs.append(
                (f"inputs_{number:02d}_prim_tradeoff.png", _png(figures.tradeoff_figure(found)))
            )
            parts.append(
                _img(
                    pngs[-1],
                    "PRIM's peeling trajectory: each box's coverage "
                    "against its density; the reported box circled.",
                )
            )
            pngs.append((f"inputs_{number:02d}_prim_box.png", _png(figures.box_figure(found))))
            parts.append(
                _img(
                    pngs[-1],
                    "The reported box: the range kept of each restricted "
                    "input within its full range, with the quasi-p-values.",
                )
            )
    return "\n".join(parts), pngs


def write_pngs(folder: Path, pngs: Sequence[tuple[str, bytes]]) -> None:
    """Write the section's PNG files into ``folder``, removing older ``inputs_*.png``."""
    folder.mkdir(parents=True, exist_ok=True)
    keep = {name for name, _ in pngs}
    for old in folder.glob("inputs_*.png"):
        if old.name not in keep:
            old.unlink()
    for name, data in pngs:
        atomic_write(folder / name, lambda tmp, data=data: tmp.write_bytes(data))


# -- internals ------------------------------------------------------------------------------


def _one(store: ResultsStore, ensemble_id: str, scenario: str, seed: int) -> Headline:
    item = Headline(ensemble_id, scenario)
    try:
        table = feature_table(store, ensemble_id, scenario, allow_failed=True)
    except UprisingError as exc:
        item.notes.append(str(exc))
        return item
    if table.attrs["failed"]:
        item.notes.append(f"{table.attrs['failed']} failed runs are left out of these analyses.")
    headline = headline_outcome(table)
    candidates = [headline, *(c for c in FALLBACK_OUTCOMES if c != headline)]
    for column in candidates:
        if column not in table.columns or table[column].nunique() < 2:
            continue
        if column != headline:
            item.notes.append(
                f"{describe_outcome(headline)} is the same in every run; "
                f"the inputs are ranked by {describe_outcome(column)} instead."
            )
        try:
            item.result = sensitivity(
                store,
                ensemble_id,
                column,
                scenario=scenario,
                allow_failed=True,
                seed=seed,
                table=table,
            )
        except UprisingError as exc:
            item.notes.append(f"No sensitivity analysis: {exc}")
        break
    else:
        item.notes.append(
            f"{describe_outcome(headline)} and its fallbacks are the same in "
            "every run: no input can be ranked."
        )
    if headline.startswith("falls_within") and table[headline].nunique() == 2:
        try:
            item.found = discover(
                store,
                ensemble_id,
                headline,
                scenario=scenario,
                allow_failed=True,
                seed=seed,
                table=table,
            )
        except UprisingError as exc:
            item.notes.append(f"No scenario discovery: {exc}")
    return item


def _frame_table(title: str, frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in [frame.index.name or "", *frame.columns])
    rows = []
    for index, row in frame.iterrows():
        cells = [f"<td><code>{_e(index)}</code></td>"]
        for value in row:
            if isinstance(value, float):
                cells.append(f'<td class="num">{_e(_f(value))}</td>')
            else:
                cells.append(f"<td>{_e(value)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<p class="meta">{_e(title)}</p><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _img(png: tuple[str, bytes], caption: str) -> str:
    name, data = png
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{encoded}" alt="{_e(caption)}">'
        f'<figcaption>{_e(caption)} <span class="meta">(<code>{_e(name)}</code>)</span>'
        "</figcaption></figure>"
    )


def _png(figure: object) -> bytes:
    from uprising.report.figures import png_bytes

    return png_bytes(figure)  # type: ignore[arg-type]


def _thin(trajectory: pd.DataFrame) -> pd.DataFrame:
    keep = sorted({*range(0, len(trajectory), 5), len(trajectory) - 1})
    return trajectory.iloc[keep]


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _f(value: float) -> str:
    if pd.isna(value):
        return "-"
    return f"{value:.3g}" if abs(value) >= 1e-3 or value == 0 else f"{value:.2e}"
