"""Reports of ensembles: PNG figures and one self-contained HTML file.

- `figures`: matplotlib figures (Agg, no ``pyplot``) of the analyses of
  `uprising.analysis.ensemble`: survival of the regime, channels of fall, fan charts.
- `html`: `write_report`, the HTML report of the ensembles in a `ResultsStore`, with its
  figures inline and as PNG files (``uprising report`` on the command line).
"""

from uprising.report.html import write_report

__all__ = ["write_report"]
