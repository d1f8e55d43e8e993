"""Compiled daily passes of the Belarus model over the lattice (the model's only hot code).

`daily_pass` visits every cell once a day, after the Epstein step, and applies the
mechanisms that act on individual citizens outside the street: identification of
participants, retroactive and targeted arrests, emigration and sabotage. It also
counts, per region, the citizens in the street, the quiet and the cops. The rules are
documented in `uprising.models.belarus` and docs/MODEL.md ("The Belarus layer").

One random stream per day (the pass is serial): results do not depend on threads.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from uprising.engine.kernels import (
    ACTIVE,
    COP,
    EMPTY,
    KIND,
    QUIET,
    _random_empty_cell,
    disc_add,
    grievance,
    two_tier_term,
)
from uprising.engine.rng import below, new_stream, uniform

# indices into the pass's float parameters
P_LEGITIMACY = 0
P_OPPONENT_LEGITIMACY = 1
P_HARDSHIP_SCALE = 2
P_IDENTIFY = 3  # probability that an active citizen is identified, per day
P_RETRO = 4  # daily probability that an identified citizen is arrested later
P_RETRO_CRIMINAL = 5  # share of retroactive arrests that are criminal cases
P_TARGETING = 6  # multiplier of identification and retroactive arrest for opinion leaders
P_EMIGRATE = 7  # daily probability that an identified, aggrieved citizen leaves
P_EMIGRATE_GRIEVANCE = 8  # grievance above which an identified citizen may leave
P_SABOTAGE = 9  # daily probability of an act of sabotage by a radical citizen
P_SABOTAGE_GRIEVANCE = 10  # grievance at or above which a citizen may commit sabotage
P_SABOTAGE_RISK = 11  # risk aversion at or below which a citizen may commit sabotage
P_SABOTAGE_CATCH = 12  # probability that a saboteur is caught (a criminal case)
P_LEADER_RATE = 13  # daily probability that an opinion leader is arrested (targeted)
N_PASS_PARAMS = 14

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
    return grievance(h, pf[P_LEGITIMACY], pf[P_OPPONENT_LEGITIMACY], pf[P_HARDSHIP_SCALE])


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
    pass's float parameters (P_* indices); ``iparams``: the engine's integer parameters
    (the two tiers' term ranges); ``key``, ``tick``: the day's
    random stream; ``counts``: (regions, 5), filled with the cells of each kind;
    ``tallies``: (N_TALLIES,), filled with the day's national tallies.

    Rules (each cited in uprising.models.belarus): identification of actives, then, for
    an identified citizen, a retroactive arrest, else emigration when aggrieved; any
    radical citizen (high grievance, low risk aversion) may commit sabotage and be caught.
    """
    state = new_stream(key, tick, 0)
    counts[:, :] = 0
    tallies[:] = 0
    p_identify = pf[P_IDENTIFY]
    p_retro = pf[P_RETRO] * repression
    p_leader = pf[P_LEADER_RATE] * repression
    p_emigrate = pf[P_EMIGRATE]
    p_sabotage = pf[P_SABOTAGE]
    targeting = pf[P_TARGETING]
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
                criminal = uniform(state) < pf[P_RETRO_CRIMINAL]
                tallies[T_RETRO_ARRESTS] += 1
                tallies[T_LEADER_ARRESTS] += is_leader
            elif _grievance(h, pf) > pf[P_EMIGRATE_GRIEVANCE] and uniform(state) < p_emigrate:
                emigrated[who] = 1
                tallies[T_EMIGRANTS] += 1
                tallies[T_LEADER_EMIGRANTS] += is_leader
                if k == ACTIVE:
                    disc_add(actives_words, c, width, height, cit_hw, masks, -1)
                kind[c] = EMPTY
                ident[c] = -1
                continue
        if not removed and risk[c] <= pf[P_SABOTAGE_RISK]:
            if _grievance(h, pf) >= pf[P_SABOTAGE_GRIEVANCE] and uniform(state) < p_sabotage:
                tallies[T_SABOTAGE] += 1
                if uniform(state) < pf[P_SABOTAGE_CATCH]:
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


@njit(cache=True)
def redeploy_cops(
    kind, ident, region, cops_words, width, height, cit_hw, masks, source, target, n_move,
    first_ident, stamp, key, tick,
):  # fmt: skip
    """Move up to ``n_move`` random cops of region ``source`` to random empty cells of
    region ``target``; returns how many moved.

    The moved cops get new identities from ``first_ident`` on (an identity is a cell
    occupant's label, not a person's record, for cops).
    """  # noqa: D205
    state = new_stream(key, tick, 3)
    n_source = 0
    n_target_empty = 0
    for c in range(kind.shape[0]):
        if region[c] == source and (kind[c] & KIND) == COP:
            n_source += 1
        elif region[c] == target and kind[c] == EMPTY:
            n_target_empty += 1
    n_move = min(n_move, n_source, n_target_empty)
    if n_move <= 0:
        return 0
    cells = np.empty(n_source, dtype=np.int64)
    empties = np.empty(n_target_empty, dtype=np.int64)
    i = 0
    j = 0
    for c in range(kind.shape[0]):
        if region[c] == source and (kind[c] & KIND) == COP:
            cells[i] = c
            i += 1
        elif region[c] == target and kind[c] == EMPTY:
            empties[j] = c
            j += 1
    for m in range(n_move):
        a = m + below(state, n_source - m)
        tmp = cells[m]
        cells[m] = cells[a]
        cells[a] = tmp
        b = m + below(state, n_target_empty - m)
        tmp = empties[m]
        empties[m] = empties[b]
        empties[b] = tmp
        old = cells[m]
        new = empties[m]
        kind[old] = EMPTY
        ident[old] = -1
        disc_add(cops_words, old, width, height, cit_hw, masks, -1)
        kind[new] = COP | stamp
        ident[new] = first_ident + m
        disc_add(cops_words, new, width, height, cit_hw, masks, 1)
    return n_move


@njit(cache=True)
def add_cops_in(
    kind, ident, region, cops_words, width, height, cit_hw, masks, target, n_add,
    first_ident, stamp, key, tick,
):  # fmt: skip
    """Put up to ``n_add`` new cops on random empty cells of region ``target`` (any
    region when ``target`` < 0); returns how many were placed."""  # noqa: D205, D209
    state = new_stream(key, tick, 4)
    placed = 0
    for _ in range(n_add):
        c = -1
        for _try in range(256):
            cand = _random_empty_cell(kind, state)
            if cand < 0:
                break
            if target < 0 or region[cand] == target:
                c = cand
                break
        if c < 0:
            break
        kind[c] = COP | stamp
        ident[c] = first_ident + placed
        disc_add(cops_words, c, width, height, cit_hw, masks, 1)
        placed += 1
    return placed
