"""Theory that no model runs: exact results of the literature, kept as tested anchors.

- `thresholds`: Granovetter (1978) and Kuran (1991) threshold cascades
  (`cascade_equilibrium`, `public_opposition_equilibrium`, `crowd_equilibria`, ...).
- `global_game`: the global game of regime change, `global_game_cutoff`.
"""
