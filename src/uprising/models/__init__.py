"""Models built on the engine.

- `belarus`: `BelarusModel`, the Epstein core on a lattice laid out like the country,
  coupled to the regime layer, one day per step.
- `belarus_kernels`: the compiled daily pass over citizens and the moves of police.
- `regime`: the regime layer (economy, revenue, selectorate, loyalty cascades with
  Russia's backstop, policy, what follows a fall).
- `drivers`: a scenario's dated events as daily paths.
"""
