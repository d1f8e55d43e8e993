"""Belarus mechanism switches: every mechanism of the layer can be turned off."""

from __future__ import annotations

from uprising.scenarios.belarus.sources import (
    SRC_SWITCH_BELARUS,
)
from uprising.scenarios.schema import _Section, param


def _switch(description: str) -> bool:
    """A mechanism's on/off switch (on by default) in `Mechanisms`."""
    return param(True, unit="-", source=SRC_SWITCH_BELARUS, description=description)


class Mechanisms(_Section):
    """Switches: every mechanism of the Belarus layer can be turned off (docs/MODEL.md)."""

    two_tier_repression: bool = _switch(
        "arrests are administrative (days) or criminal (years); off: administrative only"
    )
    criminal_pipeline: bool = _switch(
        "criminal cases, those held and recognised political prisoners are counted in "
        "persons through pre-trial detention, sentence, pardon and recognition; off: the "
        "political prisoners are the lattice's criminal jail"
    )
    retroactive_repression: bool = _switch("identified past participants are arrested later")
    targeted_repression: bool = _switch(
        "opinion leaders are singled out (identification and arrest x leader_targeting)"
    )
    legitimacy_feedback: bool = _switch(
        "visible repression lowers legitimacy, which recovers toward its level"
    )
    economy: bool = _switch(
        "hardship follows output and inflation (Russian support, sanctions); off: hardship index 1"
    )
    media: bool = _switch(
        "the opposition's channels tell citizens of the national crowd and carry calls to protest"
    )
    national_picture: bool = _switch(
        "citizens weigh the national cop-to-active ratio in their arrest probability"
    )
    emigration: bool = _switch(
        "exposed, aggrieved citizens leave; the diaspora's aid raises the opposition's readiness"
    )
    sabotage: bool = _switch(
        "radical citizens commit sabotage, a separate and riskier form of resistance"
    )
    security_loyalty: bool = _switch(
        "officers defect in a coordination cascade; off: no officer defects"
    )
    elite_loyalty: bool = _switch(
        "the winning coalition defects in a coordination cascade; off: none defects"
    )
    redeployment: bool = _switch("the regime moves police toward the biggest crowds")


__all__ = ["Mechanisms"]
