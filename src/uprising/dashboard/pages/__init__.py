"""The dashboard's pages: each has ``layout(context, search)`` and ``register(app, context)``.

- `ensembles`: ``/``, fall probabilities by horizon, survival, channels, fan charts.
- `one_run`: ``/run``, one run on the map of Belarus by date, its lattice and series.
- `what_if`: ``/whatif``, a variant of a scenario run as an ensemble in the background.
- `scenario`: ``/scenario``, every parameter with unit, range and source.
"""
