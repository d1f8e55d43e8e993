"""Compiled daily passes of the Belarus model over the lattice (the model's only hot code).

`daily_pass` visits every cell once a day, after the Epstein step, and applies the
mechanisms that act on individual citizens outside the street: identification of
participants, retroactive and targeted arrests, emigration and sabotage. It also
counts, per region, the citizens in the street, the quiet and the cops. The rules are
documented in `uprising.models.belarus.street` and docs/MODEL.md ("The Belarus layer").

One random stream per day (the pass is serial): results do not depend on threads.
"""

from __future__ import annotations

from numba import njit

from uprising.engine.kernels import (
    ACTIVE,
    EMPTY,
    KIND,
    QUIET,
    disc_add,
    grievance,
    two_tier_term,
    vector_layout,
)
from uprising.engine.rng import new_stream, uniform

# the pass's float parameters
PASS = vector_layout(
    "PassParams",
    "legitimacy",
    "opponent_legitimacy",
    "hardship_scale",
    "identify",  # probability that an active citizen is identified, per day
    "retro",  # daily probability that an identified citizen is arrested later
    "retro_criminal",  # share of retroactive arrests that are criminal cases
    "targeting",  # multiplier of identification and retroactive arrest for opinion leaders
    "emigrate",  # daily probability that an identified, aggrieved citizen leaves
    "emigrate_grievance",  # grievance above which an identified citizen may leave
    "sabotage",  # daily probability of an act of sabotage by a radical citizen
    "sabotage_grievance",  # grievance at or above which a citizen may commit sabotage
    "sabotage_risk",  # risk aversion at or below which a citizen may commit sabotage
    "sabotage_catch",  # probability that a saboteur is caught (a criminal case)
    "leader_rate",  # daily probability that an opinion leader is arrested (targeted)
)
N_PASS_PARAMS = len(PASS)

# the pass's national tallies
T_IDENTIFIED = 0
T_RETRO_ARRESTS = 1
T_LEADER_ARRESTS = 2
T_EMIGRANTS = 3
T_LEADER_EMIGRANTS = 4
T_SABOTAGE = 5
T_SABOTEURS_CAUGHT = 6
T_CRIMINAL_ADDED = 7
N_TALLIES = 8


@njit(inline="always", cache=True)
def _grievance(h, pf):
    """The engine's grievance with the day's values (`kernels.grievance`)."""
    return grievance(h, pf[PASS.legitimacy], pf[PASS.opponent_legitimacy], pf[PASS.hardship_scale])


@njit(cache=True)
def daily_pass(
    kind, hardship, risk, ident, region, actives_words, masks, width, height, cit_hw,
    identified, leader, emigrated, repression,
    jail_hardship, jail_risk, jail_ident, jail_time, jail_home, jail_tier, n_jailed,
    pf, iparams, key, tick, counts, tallies,
):  # fmt: skip
    """One day's individual mechanisms and census; returns the new jail-store size.

    Arguments (positional, compiled): ``kind``, ``hardship``, ``risk``, ``ident``: the
    engine's cell arrays (modified); ``region``: region code of every cell;
    ``actives_words``, ``masks``, ``width``, ``height``, ``cit_hw``: the engine's field of
    actives seen, kept exact when an active citizen leaves the lattice; ``identified``,
    ``leader``, ``emigrated``: per-identity flags (modified); ``repression``: today's
    level; ``jail_*``, ``n_jailed``: the engine's jail store (appended to); ``pf``: the
    pass's float parameters (`PASS` layout); ``iparams``: the engine's integer parameters
    (the two tiers' term ranges); ``key``, ``tick``: the day's
    random stream; ``counts``: (regions, 5), filled with the cells of each kind;
    ``tallies``: (N_TALLIES,), filled with the day's national tallies.

    Rules (each cited in uprising.models.belarus.street): identification of actives, then, for
    an identified citizen, a retroactive arrest, else emigration when aggrieved; any
    radical citizen (high grievance, low risk aversion) may commit sabotage and be caught.
    """
    state = new_stream(key, tick, 0)
    counts[:, :] = 0
    tallies[:] = 0
    p_identify = pf[PASS.identify]
    p_retro = pf[PASS.retro] * repression
    p_leader = pf[PASS.leader_rate] * repression
    p_emigrate = pf[PASS.emigrate]
    p_sabotage = pf[PASS.sabotage]
    targeting = pf[PASS.targeting]
    for c in range(kind.shape[0]):
        k = kind[c] & KIND
        if k == EMPTY:
            continue
        r = region[c]
        if k != QUIET and k != ACTIVE:
            counts[r, k] += 1
            continue
        who = ident[c]
        is_leader = leader[who] != 0
        boost = targeting if is_leader else 1.0
        if k == ACTIVE and identified[who] == 0 and uniform(state) < p_identify * boost:
            identified[who] = 1
            tallies[T_IDENTIFIED] += 1
        removed = False
        criminal = False
        h = hardship[c]
        if identified[who] != 0 or is_leader:
            # retroactive or targeted arrest (opinion leaders are known to the state)
            rate = p_retro if identified[who] != 0 else 0.0
            if is_leader and p_leader > rate:
                rate = p_leader
            if uniform(state) < rate:
                removed = True
                criminal = uniform(state) < pf[PASS.retro_criminal]
                tallies[T_RETRO_ARRESTS] += 1
                tallies[T_LEADER_ARRESTS] += is_leader
            elif _grievance(h, pf) > pf[PASS.emigrate_grievance] and uniform(state) < p_emigrate:
                emigrated[who] = 1
                tallies[T_EMIGRANTS] += 1
                tallies[T_LEADER_EMIGRANTS] += is_leader
                if k == ACTIVE:
                    disc_add(actives_words, c, width, height, cit_hw, masks, -1)
                kind[c] = EMPTY
                ident[c] = -1
                continue
        if not removed and risk[c] <= pf[PASS.sabotage_risk]:
            if _grievance(h, pf) >= pf[PASS.sabotage_grievance] and uniform(state) < p_sabotage:
                tallies[T_SABOTAGE] += 1
                if uniform(state) < pf[PASS.sabotage_catch]:
                    removed = True
                    criminal = True
                    tallies[T_SABOTEURS_CAUGHT] += 1
        if removed:
            if k == ACTIVE:
                disc_add(actives_words, c, width, height, cit_hw, masks, -1)
            jail_hardship[n_jailed] = h
            jail_risk[n_jailed] = risk[c]
            jail_ident[n_jailed] = who
            # the term as the engine draws it; the arrest comes after the day's countdown,
            # so it runs one day longer than a street arrest's
            jail_time[n_jailed] = two_tier_term(criminal, iparams, state)
            jail_home[n_jailed] = c
            jail_tier[n_jailed] = criminal
            tallies[T_CRIMINAL_ADDED] += criminal
            n_jailed += 1
            kind[c] = EMPTY
            ident[c] = -1
            continue
        counts[r, k] += 1
    return n_jailed


@njit(cache=True)
def count_criminal(jail_tier, n_jailed):
    """Citizens held on a criminal term (the political-prisoner stock)."""
    n = 0
    for i in range(n_jailed):
        n += jail_tier[i]
    return n


@njit(cache=True)
def count_jailed_leaders(jail_ident, n_jailed, leader):
    """Opinion leaders now in jail."""
    n = 0
    for i in range(n_jailed):
        n += leader[jail_ident[i]]
    return n
