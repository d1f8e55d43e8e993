"""A local web dashboard over a results store; the command is `uprising.cli.dashboard`.

- `app`: `create_app` (the Dash app over one store) and `serve`.
- `gate`: `StoreGate`, the process's one door to the store (one lock, one writer).
- `aggregates`: `Aggregates`, each ensemble's summaries computed once and cached.
- `jobs`: `JobQueue`, background what-if ensembles and run recordings.
- `whatif`: what-if requests: checks, bounds (`LIMITS`) and the variant scenario.
- `recording`: `record_run`, a run kept by region and, when small, cell by cell.
- `geography`: the schematic map of Belarus (the model's layout of its regions).
- `figures`: the Plotly figures.
- `pages`: the four pages (Ensembles, A run, What if, Scenario).
"""
