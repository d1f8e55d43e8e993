"""The Belarus model: the Epstein core on a lattice laid out like the country, coupled
to a regime layer, advanced in daily steps.

    model = BelarusModel(load_scenario("belarus-2020"), seed=1, scale=0.01)
    result = model.run()          # BelarusResult: daily series and the outcome

One day reads like the model (docs/MODEL.md, "The Belarus layer"; each rule's source is
in the docstring of the phase that applies it):

1. `update_legitimacy`: dated shocks (a rigged election, complicity in a war) and the
   feedback from visible repression;
2. `run_regime_day`: economy, revenue, the selectorate's slack, and the loyalty
   cascades of the security forces and of the elite (`uprising.models.regime`);
   defected officers leave the street;
3. `set_street_conditions`: what citizens know and face today (hardship, the media's
   national picture, calls to protest, the expected cost of arrest, repression);
4. `street_day`: the Epstein step (`Simulation.street_step`): every agent moves and
   acts once, cops detain;
5. `individual_mechanisms`: identification, retroactive and targeted arrests,
   emigration and sabotage (one compiled pass), and the census per region;
   then `prosecute`: the day's criminal cases in persons and the criminal pipeline;
6. `deploy_forces`: police surges and redeployment toward the biggest crowds;
7. `observe`: the day's row;
8. `check_fall`: whether the regime fell, and how;
9. `choose_policy`: the regime's repression and troops for tomorrow.

Modules:

- `model`: `BelarusModel`, the run's state and its step;
- `initial`: the lattice laid out like the country, the engine on it, the identity
  flags, the regime layer's parameters (`regime_params`);
- `regime_phases`: phases 1, 2, 8 and 9: legitimacy, the regime's day, the fall,
  tomorrow's policy;
- `street`: phases 3 to 6, on the lattice, and `arrest_cost`;
- `repression`: phase 5b, the criminal pipeline at national resolution
  (`CriminalPipeline`, `PipelineParams`, the `ProsecutionPhase` mixin);
- `observation`: phase 7, the day's row (columns named by `uprising.outputs`); the
  result;
- `outcome`: `Outcome`, `BelarusResult`, `CHANNELS`;
- `kernels`: the compiled daily pass and counts over the lattice (the model's only
  hot code).
"""  # noqa: D205

from uprising.models.belarus.initial import regime_params
from uprising.models.belarus.model import BelarusModel
from uprising.models.belarus.outcome import CHANNELS, BelarusResult, Outcome
from uprising.models.belarus.street import arrest_cost

__all__ = [
    "CHANNELS",
    "BelarusModel",
    "BelarusResult",
    "Outcome",
    "arrest_cost",
    "regime_params",
]
