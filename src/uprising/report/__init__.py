"""Reports of ensembles: PNG figures and one self-contained HTML file.

- `build`: `write_report`, the HTML report of the ensembles in a `ResultsStore`, with its
  figures inline and as PNG files (``uprising report`` on the command line): gathers the
  analyses (`uprising.analysis`) and figures, writes the files.
- `selection`: which ensembles and runs a report covers, grouped per scenario.
- `assumptions`: each scenario's description and events, and what differs between scenarios.
- `rebuild`: the scenario the runs used, rebuilt and checked against the recorded hash.
- `html`: the page's sections as data, rendered by the Jinja2 templates.
- `format`: escaping and the text of numbers, dates and versions.
- `figures`: matplotlib figures (Agg, no ``pyplot``) of the analyses of
  `uprising.analysis.ensemble`: survival of the regime, channels of fall, fan charts.
- `sensitivity_figures`: figures of sensitivity indices, Morris screening and PRIM boxes.
- `sensitivity`: the report's section "Which inputs matter" and the terminal text of
  ``uprising sensitivity`` and ``uprising discover``.
- `comparison`: `comparison_figure`, the forest plot of a comparison of runs with the
  calibration table (`uprising.analysis.compare`, ``uprising compare``).
- `run_plot`: one run at a glance (``uprising plot``): its key series and regions.
- `templates/`: ``report.html.j2``, ``macros.html.j2`` and ``style.css`` (package data).
"""

from uprising.report.build import FIGURE_SUFFIX, write_report

__all__ = ["FIGURE_SUFFIX", "write_report"]
