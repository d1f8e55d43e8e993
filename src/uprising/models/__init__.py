"""Models built on the engine.

- `belarus`: the Belarus model (package): `BelarusModel`, the Epstein core on a lattice
  laid out like the country, coupled to the regime layer, one day per step; its
  compiled daily pass is `belarus.kernels`.
- `regime`: the regime layer (economy, revenue, selectorate, loyalty cascades with
  Russia's backstop, policy, what follows a fall).
- `drivers`: a scenario's dated events as daily paths.
"""
