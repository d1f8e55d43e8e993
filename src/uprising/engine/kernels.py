"""Compiled kernels of the Epstein core: the only hot code of the project.

State is cell-major struct-of-arrays: for every lattice cell, its ``kind`` (empty,
quiet citizen, active citizen, cop, jailed citizen who occupies the cell) and the
attributes of whoever stands on it. Moving an agent copies its few attributes to
the target cell, so an activation touches only memory near the agent: this is what
keeps a 9-million-agent lattice in cache while agents are activated one by one.

The rules are Epstein (2002) Model I (docs/MODEL.md §3.3); every rule variant (the
paper's, NetLogo's, Mesa's; docs/MODEL.md §7) is an integer code from
`uprising.engine.config`. The kernels read their parameters from two vectors whose
layouts, `IPARAM` and `FPARAM`, are each one list of names.

This file is longer than the project's other modules on purpose: it is the hot code,
and Numba inlines only what it compiles together. The activation kernel and the
helpers it inlines (moves, decisions, arrests, field updates, the borrowed views) have
to stay visible to one another, and splitting them across modules would also put the
inlined helpers where Numba's cache cannot see their edits (`numba_cache`).
"""

from __future__ import annotations

import collections
import types

import numpy as np
from numba import njit, prange
from numba.core import cgutils
from numba.extending import intrinsic

from uprising.engine.config import JailedOnGrid, JailTerm, Order, RatioRule, SelfCount
from uprising.engine.rng import below, new_stream, next_u64, uniform
from uprising.engine.rules import arrest_probability, cop_to_active_ratio

# cell kinds
EMPTY = 0
QUIET = 1
ACTIVE = 2
COP = 3
JAILED = 4  # a jailed citizen that stays on its cell (JailedOnGrid.OCCUPIES)
KIND = 7  # a cell's byte holds its kind in the low bits ...
ACTED = 0x80  # ... and in its top bit the parity of the last tick its agent acted in

INFINITE_TERM = -1  # jail time left for a citizen who is never released


def vector_layout(name: str, *fields: str) -> tuple:
    """The layout of a parameter vector: a named tuple whose field ``f`` is the index of
    entry ``f`` in the vector, in the order given (the one list of its names).

    A global named tuple is a compile-time constant for Numba: ``vector[LAYOUT.f]``
    compiles to the same load as a literal index.
    """  # noqa: D205
    return collections.namedtuple(name, fields)(*range(len(fields)))


# The integer parameter vector (`Simulation` writes it by name, kernels read it by name)
IPARAM = vector_layout(
    "IntParams",
    "width",
    "height",
    "ratio_rule",  # RatioRule
    "self_count",  # SelfCount
    "order",  # Order
    "jailed_mode",  # JailedOnGrid
    "jail_term",  # JailTerm
    "citizens_move",
    "cops_move",
    "cop_to_arrestee",
    "same_vision",  # cops see as far as citizens: their count of actives is a field read
    "media_actives",  # actives every citizen adds to its own count A (Modifiers.media_actives)
    "admin_min",  # JailTerm.TWO_TIER: inclusive ranges of the two tiers' terms, ticks
    "admin_max",
    "criminal_min",
    "criminal_max",
    "release_home",  # a released citizen goes back to its cell, or near it (REMOVED mode)
)
N_IPARAMS = len(IPARAM)

# The float parameter vector; the table of P for integer ratios starts at `p_table`
FPARAM = vector_layout(
    "FloatParams",
    "legitimacy",
    "threshold",
    "arrest_constant",
    "max_jail_term",
    "hardship_scale",  # Modifiers: see uprising.engine.config.Modifiers
    "opponent_legitimacy",
    "penalty_weight",
    "arrest_rate",
    "criminal_share",
    "peer_count",
    "peer_floor",
    "media_weight",
    "national_ratio",
    "p_table",  # then P(q) = 1 - exp(-k q) for integer ratios q = 0..P_TABLE_SIZE - 1
)
P_TABLE_SIZE = 256
N_FPARAMS = FPARAM.p_table + P_TABLE_SIZE


def write_params(vector: np.ndarray, layout: tuple, **values: float) -> None:
    """Write ``values`` into ``vector`` by the names of its ``layout`` (unknown names raise)."""
    for name, value in values.items():
        vector[getattr(layout, name)] = value


_TWICE_IF_ACTIVE = int(SelfCount.TWICE_IF_ACTIVE)
_LITERAL = int(RatioRule.LITERAL)
_MOVE_THEN_ACT = int(Order.MOVE_THEN_ACT)
_OCCUPIES = int(JailedOnGrid.OCCUPIES)
_TRANSPARENT = int(JailedOnGrid.TRANSPARENT)
_U0J = int(JailTerm.UNIFORM_0_TO_J)
_U0J1 = int(JailTerm.UNIFORM_0_TO_J_MINUS_1)
_U1J = int(JailTerm.UNIFORM_1_TO_J)
_TWO_TIER = int(JailTerm.TWO_TIER)
_REJECTION_TRIES = 16
_U1 = np.uint64(1)
_U2 = np.uint64(2)
_U3 = np.uint64(3)
_U4 = np.uint64(4)
_LOW32 = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)


def _named(function, name):
    """A copy of ``function`` under another name, so that Numba caches each compiled
    variant in its own file (the cache is keyed by qualified name)."""  # noqa: D205, D209
    copy = types.FunctionType(
        function.__code__, function.__globals__, name, function.__defaults__, function.__closure__
    )
    copy.__qualname__ = name
    return copy


@intrinsic
def _borrowed(typingctx, array):
    """The same array without its reference count (a null meminfo), to be used only while
    the original is alive: Numba's inlined helpers then increment and decrement no
    shared counter (an atomic operation, contended between threads) on every call."""  # noqa: D205, D209

    def codegen(context, builder, signature, args):
        view = context.make_array(signature.args[0])(context, builder, value=args[0])
        view.meminfo = cgutils.get_null_value(view.meminfo.type)
        view.parent = cgutils.get_null_value(view.parent.type)
        return view._getvalue()

    return array(array), codegen


@njit(inline="always", cache=True)
def _wrap(v, n):
    if v < 0:
        return v + n
    if v >= n:
        return v - n
    return v


@njit(inline="always", cache=True)
def field_at(words, c, masks):
    """Value of a packed field at cell ``c`` (lane layout in the header of ``masks``)."""
    log2_lanes = masks[0]
    lane_bits = np.uint64(64) >> log2_lanes
    lane = np.uint64(c) & ((_U1 << log2_lanes) - _U1)
    value = words[np.uint64(c) >> log2_lanes] >> (lane * lane_bits)
    return np.int64(value & ((_U1 << lane_bits) - _U1))


@njit(inline="always", cache=True)
def disc_add(words, c, width, height, half_widths, masks, delta):
    """Add ``delta`` (+1 or -1) to a packed field on the neighbourhood of ``c``, centre included.

    The field is packed 8 (8-bit counts) or 4 (16-bit counts) cells to a 64-bit word,
    so one word addition updates several cells at once (SWAR). Lanes never carry into
    each other: a count stays within its lane because it never exceeds the size of the
    neighbourhood (the lane width is chosen for that) and every subtraction removes an
    earlier addition. ``masks`` starts with a header (log2 of the lanes per word, words
    per row), then holds, flattened by (row, start lane, word), the words to add for
    row ``i`` when the row's window starts at lane ``s`` of a word.
    """
    x = c % width
    y = c // width
    r = (half_widths.shape[0] - 1) // 2
    log2_lanes = masks[0]
    lanes = np.int64(_U1 << log2_lanes)
    n_words = np.int64(masks[1])
    if x >= r and x + r < width:
        # Three words per step, written out: LLVM does not unroll a loop of unknown
        # length, and the unrolled form is several times faster (docs/PERFORMANCE.md).
        n_chunks = n_words // 3
        for i in range(half_widths.shape[0]):
            start = _wrap(y + i - r, height) * width + x - r
            w = np.uint64(start) >> log2_lanes
            m = np.uint64(2 + (i * lanes + (start & (lanes - 1))) * n_words)
            for _ in range(n_chunks):
                if delta > 0:
                    words[w] += masks[m]
                    words[w + _U1] += masks[m + _U1]
                    words[w + _U2] += masks[m + _U2]
                else:
                    words[w] -= masks[m]
                    words[w + _U1] -= masks[m + _U1]
                    words[w + _U2] -= masks[m + _U2]
                w += _U3
                m += _U3
        return
    lane_bits = np.uint64(64) >> log2_lanes
    for i in range(half_widths.shape[0]):
        base = _wrap(y + i - r, height) * width
        h = half_widths[i]
        for d in range(-h, h + 1):
            cell = base + _wrap(x + d, width)
            one = _U1 << ((np.uint64(cell) & np.uint64(lanes - 1)) * lane_bits)
            if delta > 0:
                words[np.uint64(cell) >> log2_lanes] += one
            else:
                words[np.uint64(cell) >> log2_lanes] -= one


@njit(inline="always", cache=True)
def _disc_add_deep(words, c, width, half_widths, masks, delta):
    """`disc_add` for a cell whose neighbourhood crosses no seam of the torus: the rows'
    starts follow from ``c`` without a division (the same words, the same result)."""  # noqa: D205, D209
    r = (half_widths.shape[0] - 1) // 2
    log2_lanes = masks[0]
    lanes = np.int64(_U1 << log2_lanes)
    n_words = np.int64(masks[1])
    n_chunks = n_words // 3
    start = c - r * width - r
    for i in range(half_widths.shape[0]):
        w = np.uint64(start) >> log2_lanes
        m = np.uint64(2 + (i * lanes + (start & (lanes - 1))) * n_words)
        for _ in range(n_chunks):
            if delta > 0:
                words[w] += masks[m]
                words[w + _U1] += masks[m + _U1]
                words[w + _U2] += masks[m + _U2]
            else:
                words[w] -= masks[m]
                words[w + _U1] -= masks[m + _U1]
                words[w + _U2] -= masks[m + _U2]
            w += _U3
            m += _U3
        start += width


@njit(inline="always", cache=True)
def _disc(words, c, width, height, half_widths, masks, delta, deep):
    """`disc_add`; ``deep``: the neighbourhood of ``c`` is known to cross no seam."""
    if deep:
        _disc_add_deep(words, c, width, half_widths, masks, delta)
    else:
        disc_add(words, c, width, height, half_widths, masks, delta)


@njit(inline="always", cache=True)
def count_in_vision(kind, c, width, height, half_widths):
    """Cops and active citizens in the neighbourhood of cell ``c``, excluding ``c``."""
    x = c % width
    y = c // width
    r = (half_widths.shape[0] - 1) // 2
    cops = 0
    actives = 0
    for i in range(half_widths.shape[0]):
        base = _wrap(y + i - r, height) * width
        h = half_widths[i]
        lo = x - h
        hi = x + h
        if lo >= 0 and hi < width:
            for cell in range(base + lo, base + hi + 1):
                k = kind[cell] & KIND
                cops += k == COP
                actives += k == ACTIVE
        else:
            for d in range(-h, h + 1):
                k = kind[base + _wrap(x + d, width)] & KIND
                cops += k == COP
                actives += k == ACTIVE
    own = kind[c] & KIND
    if own == ACTIVE:
        actives -= 1
    elif own == COP:
        cops -= 1
    return cops, actives


@njit(inline="always", cache=True)
def _nth_active(kind, c, width, height, half_widths, n, deep):
    """The cell of the n-th active citizen (0-based, scan order) around ``c``.

    ``deep``: the neighbourhood of ``c`` is known to cross no seam of the torus.
    """
    if deep:
        r = (half_widths.shape[0] - 1) // 2
        base = c - r * width
        for i in range(half_widths.shape[0]):
            h = half_widths[i]
            for cell in range(base - h, base + h + 1):
                if (kind[cell] & KIND) == ACTIVE and cell != c:
                    if n == 0:
                        return cell
                    n -= 1
            base += width
        return -1
    x = c % width
    y = c // width
    r = (half_widths.shape[0] - 1) // 2
    for i in range(half_widths.shape[0]):
        base = _wrap(y + i - r, height) * width
        h = half_widths[i]
        for d in range(-h, h + 1):
            cell = base + _wrap(x + d, width)
            if (kind[cell] & KIND) == ACTIVE and cell != c:
                if n == 0:
                    return cell
                n -= 1
    return -1


@njit(inline="always", cache=True)
def _random_empty_neighbour(kind, c, width, height, dx, dy, delta, reach, state, deep=False):
    """A uniformly random empty cell among the offsets around ``c``, or -1 if none.

    Rejection sampling with a few tries, then exact enumeration: both stages pick
    uniformly among the empty cells, so the mixture does too. ``delta`` holds the
    offsets as flat index steps, valid away from the seams of the torus; ``deep``: the
    offsets around ``c`` are known to cross no seam (no division needed).
    """
    n = dx.shape[0]
    if deep:
        interior = True
    else:
        x = c % width
        y = c // width
        interior = x >= reach and x < width - reach and y >= reach and y < height - reach
    un = np.uint64(n)
    for _ in range(_REJECTION_TRIES // 2):
        bits = next_u64(state)
        # two offsets from one draw: 32-bit multiply-shift (bias below n / 2**32)
        for half in (bits & _LOW32, bits >> _S32):
            j = np.int64((half * un) >> _S32)
            if interior:
                cell = c + delta[j]
            else:
                cell = _wrap(y + dy[j], height) * width + _wrap(x + dx[j], width)
            if kind[cell] == EMPTY:
                return cell
    x = c % width
    y = c // width
    empties = 0
    for j in range(n):
        if kind[_wrap(y + dy[j], height) * width + _wrap(x + dx[j], width)] == EMPTY:
            empties += 1
    if empties == 0:
        return -1
    pick = below(state, empties)
    for j in range(n):
        cell = _wrap(y + dy[j], height) * width + _wrap(x + dx[j], width)
        if kind[cell] == EMPTY:
            if pick == 0:
                return cell
            pick -= 1
    return -1


@njit(inline="always", cache=True)
def _relocate(kind, hardship, risk, ident, source, target):
    kind[target] = kind[source]
    hardship[target] = hardship[source]
    risk[target] = risk[source]
    ident[target] = ident[source]
    kind[source] = EMPTY
    ident[source] = -1


@njit(inline="always", cache=True)
def _move_cop(
    kind, hardship, risk, ident, cops_seen, width, height, cit_hw, masks, c, target, deep
):  # fmt: skip
    """Move the cop on ``c`` to ``target``, carrying its mark in the cops field; returns it."""
    _relocate(kind, hardship, risk, ident, c, target)
    _disc(cops_seen, c, width, height, cit_hw, masks, -1, deep)
    _disc(cops_seen, target, width, height, cit_hw, masks, 1, deep)
    return target


@njit(inline="always", cache=True)
def _target_or_stay(kind, c, width, height, dx, dy, delta, reach, state, deep):
    """Rule M's destination: a random empty cell within vision, or ``c`` if none is empty."""
    target = _random_empty_neighbour(kind, c, width, height, dx, dy, delta, reach, state, deep)
    return c if target < 0 else target


@njit(inline="always", cache=True)
def two_tier_term(criminal, iparams, state):
    """Jail time left at arrest under JailTerm.TWO_TIER: a term drawn uniformly from the
    criminal or the administrative range (`Modifiers`), plus the arrest tick."""  # noqa: D205, D209
    if criminal:
        low = iparams[IPARAM.criminal_min]
        high = iparams[IPARAM.criminal_max]
    else:
        low = iparams[IPARAM.admin_min]
        high = iparams[IPARAM.admin_max]
    return low + below(state, high - low + 1) + 1


@njit(inline="always", cache=True)
def draw_jail_term(term_rule, max_term, state, iparams, fparams):
    """Jail time left at arrest: the term j plus the arrest tick (see JailTerm)."""
    if term_rule == _TWO_TIER:
        return two_tier_term(uniform(state) < fparams[FPARAM.criminal_share], iparams, state)
    if term_rule == _U0J:
        return below(state, max_term + 1) + 1
    if term_rule == _U0J1:
        if max_term <= 0:
            return 1
        return below(state, max_term) + 1
    if term_rule == _U1J:
        if max_term <= 0:
            return 1
        return below(state, max_term) + 2
    return INFINITE_TERM


@njit(inline="always", cache=True)
def grievance(h, legitimacy, opponent_legitimacy, hardship_scale):
    """G = H (1 - L) times the economy's hardship scale (Epstein 2002, rule A); a
    convinced opponent's hardship is stored negated, and it sees its own legitimacy."""  # noqa: D205, D209
    if h >= 0:
        return h * (1.0 - legitimacy) * hardship_scale
    return -h * (1.0 - opponent_legitimacy) * hardship_scale


@njit(inline="always", cache=True)
def _decide(hardship, risk, cops_seen, actives_seen, masks, c, where, was_active, iparams, fparams):
    """Agent rule A for the citizen on cell ``c``, looking around cell ``where``.

    ``where`` is within the citizen's vision of ``c``, so ``actives_seen[where]``
    counts the citizen itself when it was active; that count is taken out.

    Epstein (2002): active iff G - R P > T, G = H (1 - L), P = 1 - exp(-k C/A). The
    `Modifiers` extend it, each a no-op at its default: a convinced opponent (negative
    H) sees its own L; G is scaled by the economy; actives reported by the media join
    the count; G is weighted by peer pressure min(1, others seen / count) (Chenoweth,
    Hocking & Marks 2022, rule 5), never below the day's floor (a call heard: the
    assurance that others will come, Schelling 1960, ch. 3; Lohmann 1994); the ratio
    C/A is blended with the national one by the media's weight (Lemos et al.'s "news
    impact"); R P is weighted by the expected cost of an arrest (Chenoweth, Hocking &
    Marks 2022, rule 2).
    """
    threshold = fparams[FPARAM.threshold]
    g = grievance(
        hardship[c],
        fparams[FPARAM.legitimacy],
        fparams[FPARAM.opponent_legitimacy],
        fparams[FPARAM.hardship_scale],
    )
    # G <= T means G - R P <= T for every P >= 0 (and peer pressure is at most 1):
    # quiet without looking around.
    if g <= threshold:
        return False
    others = field_at(actives_seen, where, masks) - was_active + iparams[IPARAM.media_actives]
    peer_count = fparams[FPARAM.peer_count]
    if peer_count > 0:
        g *= max(fparams[FPARAM.peer_floor], min(1.0, others / peer_count))
        if g <= threshold:
            return False
    a = 1 + others
    if iparams[IPARAM.self_count] == _TWICE_IF_ACTIVE:
        a += was_active
    cops = field_at(cops_seen, where, masks)
    rule = iparams[IPARAM.ratio_rule]
    media = fparams[FPARAM.media_weight]
    if media > 0:
        ratio = (1.0 - media) * cop_to_active_ratio(cops, a, rule)
        ratio += media * fparams[FPARAM.national_ratio]
        p = 1.0 - np.exp(-fparams[FPARAM.arrest_constant] * ratio)
    elif rule == _LITERAL:
        p = arrest_probability(cops, a, fparams[FPARAM.arrest_constant], rule)
    else:  # an integer ratio: read P from the run's table (the same function filled it)
        q = np.int64(cop_to_active_ratio(cops, a, rule))
        if q < P_TABLE_SIZE:
            p = fparams[FPARAM.p_table + q]
        else:
            p = arrest_probability(cops, a, fparams[FPARAM.arrest_constant], rule)
    # rules.is_active's inequality, written out: calling it here measured ~6 % slower at
    # national scale (benchmarks/engine.py, paired runs)
    return g - risk[c] * (p * fparams[FPARAM.penalty_weight]) > threshold


@njit(cache=True)
def _process_block(
    b,
    kind,
    hardship,
    risk,
    ident,
    jail_left,
    cops_seen,
    actives_seen,
    masks,
    x_edges,
    y_edges,
    tick,
    tick_stamp,
    key,
    iparams,
    fparams,
    cit_hw,
    cit_dx,
    cit_dy,
    cit_delta,
    cop_hw,
    cop_dx,
    cop_dy,
    cop_delta,
    buf_offset,
    buf_count,
    buf_hardship,
    buf_risk,
    buf_ident,
    buf_left,
    buf_home,
    arrests,
    switches,
):
    """Activate, in random order, every agent standing in block ``b`` at its start.

    ``cops_seen`` and ``actives_seen`` are maintained fields: for every cell, the cops
    and the active citizens within a citizen's vision of it (the cell included). Every
    change of a cop's cell or of an active citizen's cell or state updates them, so a
    citizen's decision reads C and A instead of counting them.
    """
    width = iparams[IPARAM.width]
    height = iparams[IPARAM.height]
    nbx = x_edges.shape[0] - 1
    bx = b % nbx
    by = b // nbx
    x0 = x_edges[bx]
    x1 = x_edges[bx + 1]
    y0 = y_edges[by]
    y1 = y_edges[by + 1]
    stream = new_stream(key, tick, b)
    cells_store = np.empty((x1 - x0) * (y1 - y0), dtype=np.int32)
    # borrowed views: the activations below touch no reference count (see _borrowed)
    state = _borrowed(stream)
    cells = _borrowed(cells_store)
    kind = _borrowed(kind)
    hardship = _borrowed(hardship)
    risk = _borrowed(risk)
    ident = _borrowed(ident)
    jail_left = _borrowed(jail_left)
    cops_seen = _borrowed(cops_seen)
    actives_seen = _borrowed(actives_seen)
    masks = _borrowed(masks)
    iparams = _borrowed(iparams)
    fparams = _borrowed(fparams)
    cit_hw = _borrowed(cit_hw)
    cit_dx = _borrowed(cit_dx)
    cit_dy = _borrowed(cit_dy)
    cit_delta = _borrowed(cit_delta)
    cop_hw = _borrowed(cop_hw)
    cop_dx = _borrowed(cop_dx)
    cop_dy = _borrowed(cop_dy)
    cop_delta = _borrowed(cop_delta)
    buf_hardship = _borrowed(buf_hardship)
    buf_risk = _borrowed(buf_risk)
    buf_ident = _borrowed(buf_ident)
    buf_left = _borrowed(buf_left)
    buf_home = _borrowed(buf_home)
    n = 0
    for y in range(y0, y1):
        for x in range(x0, x1):
            c = y * width + x
            cells[n] = c
            n += np.uint8((kind[c] & KIND) - np.uint8(1)) < np.uint8(3)  # quiet, active or cop
    for i in range(n - 1, 0, -1):  # Fisher-Yates
        j = below(state, i + 1)
        tmp = cells[i]
        cells[i] = cells[j]
        cells[j] = tmp

    move_then_act = iparams[IPARAM.order] == _MOVE_THEN_ACT
    citizens_move = iparams[IPARAM.citizens_move] != 0
    cops_move = iparams[IPARAM.cops_move] != 0
    jailed_mode = iparams[IPARAM.jailed_mode]
    term_rule = iparams[IPARAM.jail_term]
    to_arrestee = iparams[IPARAM.cop_to_arrestee] != 0
    max_term = np.int64(0)
    if fparams[FPARAM.max_jail_term] < 1e18:
        max_term = np.int64(fparams[FPARAM.max_jail_term])
    cit_reach = (cit_hw.shape[0] - 1) // 2
    cop_reach = (cop_hw.shape[0] - 1) // 2
    same_vision = iparams[IPARAM.same_vision] != 0
    # Every cell this block's activations touch lies within `margin` of the block (a cop
    # moves, arrests and moves to the arrestee, each within its vision, and the fields
    # are updated within a citizen's vision of that): a block that far from the seams of
    # the torus needs no wrapping, hence no division.
    margin = 3 * max(cit_reach, cop_reach) + cit_reach + 1
    deep = x0 >= margin and x1 + margin <= width and y0 >= margin and y1 + margin <= height
    arrest_rate = fparams[FPARAM.arrest_rate]
    n_arrests = 0
    n_switches = 0
    n_buffered = 0
    for i in range(n):
        c = np.int64(cells[i])
        if (kind[c] & ACTED) == tick_stamp:
            continue  # an agent that moved here after its own activation
        k = kind[c] & KIND
        if k != QUIET and k != ACTIVE and k != COP:
            continue  # arrested before its turn
        kind[c] = k | tick_stamp
        if k != COP:
            # Rules M and A. The target is drawn first; the decision is taken where the
            # citizen stands when it acts (after moving, or before, by `order`).
            was_active = 1 if k == ACTIVE else 0
            target = c
            if citizens_move and move_then_act:
                target = _target_or_stay(
                    kind, c, width, height, cit_dx, cit_dy, cit_delta, cit_reach, state, deep
                )
            active = _decide(
                hardship,
                risk,
                cops_seen,
                actives_seen,
                masks,
                c,
                target,
                was_active,
                iparams,
                fparams,
            )
            if citizens_move and not move_then_act:
                target = _target_or_stay(
                    kind, c, width, height, cit_dx, cit_dy, cit_delta, cit_reach, state, deep
                )
            if target != c:
                _relocate(kind, hardship, risk, ident, c, target)
            if was_active and (not active or target != c):
                _disc(actives_seen, c, width, height, cit_hw, masks, -1, deep)
            if active and (not was_active or target != c):
                _disc(actives_seen, target, width, height, cit_hw, masks, 1, deep)
            kind[target] = (ACTIVE if active else QUIET) | tick_stamp
            if active != (was_active == 1):
                n_switches += 1
            continue
        # Cop rule C: inspect all sites within vision and arrest a random active agent.
        if move_then_act and cops_move:
            target = _random_empty_neighbour(
                kind, c, width, height, cop_dx, cop_dy, cop_delta, cop_reach, state, deep
            )
            if target >= 0:
                c = _move_cop(
                    kind, hardship, risk, ident, cops_seen, width, height, cit_hw, masks, c, target,
                    deep,
                )  # fmt: skip
        if same_vision:
            actives = field_at(actives_seen, c, masks)
        else:
            _, actives = count_in_vision(kind, c, width, height, cop_hw)
        if actives > 0 and (arrest_rate >= 1.0 or uniform(state) < arrest_rate):
            suspect = _nth_active(kind, c, width, height, cop_hw, below(state, actives), deep)
            left = draw_jail_term(term_rule, max_term, state, iparams, fparams)
            _disc(actives_seen, suspect, width, height, cit_hw, masks, -1, deep)
            if jailed_mode == _OCCUPIES:
                kind[suspect] = JAILED
                jail_left[suspect] = left
            else:
                slot = buf_offset[b] + n_buffered
                n_buffered += 1
                buf_hardship[slot] = hardship[suspect]
                buf_risk[slot] = risk[suspect]
                buf_ident[slot] = ident[suspect]
                buf_left[slot] = left
                buf_home[slot] = suspect
                kind[suspect] = EMPTY
                ident[suspect] = -1
                if to_arrestee:
                    c = _move_cop(
                        kind, hardship, risk, ident, cops_seen, width, height, cit_hw, masks, c,
                        suspect, deep,
                    )  # fmt: skip
            n_arrests += 1
        if (not move_then_act) and cops_move:
            target = _random_empty_neighbour(
                kind, c, width, height, cop_dx, cop_dy, cop_delta, cop_reach, state, deep
            )
            if target >= 0:
                _move_cop(
                    kind, hardship, risk, ident, cops_seen, width, height, cit_hw, masks, c, target,
                    deep,
                )  # fmt: skip
    arrests[b] = n_arrests
    switches[b] = n_switches
    buf_count[b] = n_buffered
    # keep the owners of the borrowed views alive to the end
    stream[0] = state[0]
    cells_store[0] = cells[0] if cells.shape[0] > 0 else 0


def _activate_tick(
    phase_order,
    phase_ptr,
    phase_blocks,
    kind,
    hardship,
    risk,
    ident,
    jail_left,
    cops_seen,
    actives_seen,
    masks,
    x_edges,
    y_edges,
    tick,
    tick_stamp,
    key,
    iparams,
    fparams,
    cit_hw,
    cit_dx,
    cit_dy,
    cit_delta,
    cop_hw,
    cop_dx,
    cop_dy,
    cop_delta,
    buf_offset,
    buf_count,
    buf_hardship,
    buf_risk,
    buf_ident,
    buf_left,
    buf_home,
    arrests,
    switches,
):
    """Run the phases of one tick in the given order; a phase's blocks never interact."""
    for p in phase_order:
        start = phase_ptr[p]
        stop = phase_ptr[p + 1]
        for i in prange(stop - start):
            _process_block(
                phase_blocks[start + i],
                kind,
                hardship,
                risk,
                ident,
                jail_left,
                cops_seen,
                actives_seen,
                masks,
                x_edges,
                y_edges,
                tick,
                tick_stamp,
                key,
                iparams,
                fparams,
                cit_hw,
                cit_dx,
                cit_dy,
                cit_delta,
                cop_hw,
                cop_dx,
                cop_dy,
                cop_delta,
                buf_offset,
                buf_count,
                buf_hardship,
                buf_risk,
                buf_ident,
                buf_left,
                buf_home,
                arrests,
                switches,
            )


activate_tick_serial = njit(cache=True)(_named(_activate_tick, "activate_tick_serial"))
activate_tick_parallel = njit(cache=True, parallel=True)(
    _named(_activate_tick, "activate_tick_parallel")
)


def _cops_per_block(kind, width, x_edges, y_edges):
    """Number of cops standing in each block (an upper bound on its arrests this tick)."""
    nbx = x_edges.shape[0] - 1
    nby = y_edges.shape[0] - 1
    out = np.zeros(nbx * nby, dtype=np.int64)
    # by rows of blocks, each lattice row read whole (contiguous memory)
    for by in prange(nby):
        for y in range(y_edges[by], y_edges[by + 1]):
            row = y * width
            for bx in range(nbx):
                n = 0
                for c in range(row + x_edges[bx], row + x_edges[bx + 1]):
                    n += (kind[c] & KIND) == COP
                out[by * nbx + bx] += n
    return out


cops_per_block_serial = njit(cache=True)(_named(_cops_per_block, "cops_per_block_serial"))
cops_per_block_parallel = njit(cache=True, parallel=True)(
    _named(_cops_per_block, "cops_per_block_parallel")
)


@njit(cache=True)
def shuffled_phases(n_phases, key, tick):
    """The order of the tick's phases, uniformly random."""
    state = new_stream(key, tick, 0)
    order = np.arange(n_phases)
    for i in range(n_phases - 1, 0, -1):
        j = below(state, i + 1)
        tmp = order[i]
        order[i] = order[j]
        order[j] = tmp
    return order


@njit(cache=True)
def _random_empty_cell(kind, state):
    n_cells = kind.shape[0]
    for _ in range(64):
        c = below(state, n_cells)
        if kind[c] == EMPTY:
            return c
    empties = 0
    for c in range(n_cells):
        empties += kind[c] == EMPTY
    if empties == 0:
        return -1
    pick = below(state, empties)
    for c in range(n_cells):
        if kind[c] == EMPTY:
            if pick == 0:
                return c
            pick -= 1
    return -1


@njit(cache=True)
def serve_jail_terms(
    kind,
    hardship,
    risk,
    ident,
    jail_left,
    iparams,
    tick_stamp,
    buf_offset,
    buf_count,
    buf_hardship,
    buf_risk,
    buf_ident,
    buf_left,
    buf_home,
    jail_hardship,
    jail_risk,
    jail_ident,
    jail_time,
    jail_home,
    jail_tier,
    n_jailed,
    key,
    tick,
    cit_dx,
    cit_dy,
):
    """End of tick: jail this tick's arrestees, count down terms, release who is done.

    ``jail_tier`` marks criminal terms (JailTerm.TWO_TIER: a term longer than the longest
    administrative one). Returns the new number of citizens held off the lattice.
    """
    width = iparams[IPARAM.width]
    height = iparams[IPARAM.height]
    if iparams[IPARAM.jailed_mode] == _OCCUPIES:
        for c in range(kind.shape[0]):
            if (kind[c] & KIND) == JAILED and jail_left[c] > 0:
                jail_left[c] -= 1
                if jail_left[c] == 0:
                    kind[c] = QUIET | tick_stamp
        return n_jailed
    two_tier = iparams[IPARAM.jail_term] == _TWO_TIER
    tier_cut = iparams[IPARAM.admin_max] + 1
    for b in range(buf_count.shape[0]):
        for s in range(buf_offset[b], buf_offset[b] + buf_count[b]):
            jail_hardship[n_jailed] = buf_hardship[s]
            jail_risk[n_jailed] = buf_risk[s]
            jail_ident[n_jailed] = buf_ident[s]
            jail_time[n_jailed] = buf_left[s]
            jail_home[n_jailed] = buf_home[s]
            jail_tier[n_jailed] = two_tier and buf_left[s] > tier_cut
            n_jailed += 1
    state = new_stream(key, tick, 0)
    near_home = iparams[IPARAM.jailed_mode] == _TRANSPARENT or iparams[IPARAM.release_home] != 0
    # Count every term down; a released citizen's slot is filled with the last entry,
    # which is then served in its turn (the order of the store is deterministic).
    i = 0
    while i < n_jailed:
        left = jail_time[i]
        if left > 0:
            left -= 1
        jail_time[i] = left
        if left != 0:  # still serving (or never released: INFINITE_TERM)
            i += 1
            continue
        home = jail_home[i]
        target = -1
        if near_home:
            if kind[home] == EMPTY:
                target = home
            else:
                target = _random_empty_neighbour(
                    kind, home, width, height, cit_dx, cit_dy, cit_dx, width + height, state
                )
        if target < 0:
            target = _random_empty_cell(kind, state)
        if target < 0:  # a full lattice: stay in jail and try again next tick
            i += 1
            continue
        kind[target] = QUIET | tick_stamp
        hardship[target] = jail_hardship[i]
        risk[target] = jail_risk[i]
        ident[target] = jail_ident[i]
        n_jailed -= 1
        jail_hardship[i] = jail_hardship[n_jailed]
        jail_risk[i] = jail_risk[n_jailed]
        jail_ident[i] = jail_ident[n_jailed]
        jail_time[i] = jail_time[n_jailed]
        jail_home[i] = jail_home[n_jailed]
        jail_tier[i] = jail_tier[n_jailed]
    return n_jailed


def _count_kinds(kind):
    """Numbers of cells of each kind, indexed by kind code."""
    n_chunks = 64
    partial = np.zeros((n_chunks, 8), dtype=np.int64)
    size = (kind.shape[0] + n_chunks - 1) // n_chunks
    for chunk in prange(n_chunks):
        for c in range(chunk * size, min((chunk + 1) * size, kind.shape[0])):
            partial[chunk, kind[c] & KIND] += 1
    return partial.sum(axis=0)[:5]


count_kinds = njit(cache=True)(_named(_count_kinds, "count_kinds"))
count_kinds_parallel = njit(cache=True, parallel=True)(_named(_count_kinds, "count_kinds_parallel"))


@njit(cache=True)
def populate(kind, hardship, risk, ident, n_cops, n_citizens, citizen_p, cop_p, exact, key):
    """Place the initial population; returns the number of agents placed.

    ``exact``: ``n_cops`` cops and ``n_citizens`` citizens on distinct uniformly random
    cells (NetLogo). Otherwise each cell is independently a citizen with probability
    ``citizen_p``, else a cop with probability ``cop_p`` (Mesa's ``random.choices``
    with cumulative weights [citizen, citizen + cop, 1]). Hardship H and risk aversion R
    are U(0, 1) (Epstein 2002); everyone starts quiet.
    """
    n_cells = kind.shape[0]
    state = new_stream(key, 0, 0)
    if exact:
        for c in range(n_cells):
            if c < n_cops:
                kind[c] = COP
            elif c < n_cops + n_citizens:
                kind[c] = QUIET
            else:
                kind[c] = EMPTY
        for i in range(n_cells - 1, 0, -1):
            j = below(state, i + 1)
            tmp = kind[i]
            kind[i] = kind[j]
            kind[j] = tmp
    else:
        for c in range(n_cells):
            u = uniform(state)
            if u < citizen_p:
                kind[c] = QUIET
            elif u < citizen_p + cop_p:
                kind[c] = COP
            else:
                kind[c] = EMPTY
    state = new_stream(key, 1, 0)
    n = 0
    for c in range(n_cells):
        if kind[c] == EMPTY:
            ident[c] = -1
            continue
        ident[c] = n
        n += 1
        if kind[c] == QUIET:
            hardship[c] = uniform(state)
            risk[c] = uniform(state)
        kind[c] = kind[c] | ACTED  # as if it acted in tick 0, of the other parity than tick 1
    return n


@njit(cache=True)
def build_fields(kind, width, height, half_widths, cops_seen, actives_seen):
    """Compute the fields of cops and actives seen from every cell from scratch."""
    cops_seen[:] = 0
    actives_seen[:] = 0
    r = (half_widths.shape[0] - 1) // 2
    for c in range(kind.shape[0]):
        k = kind[c] & KIND
        if k != COP and k != ACTIVE:
            continue
        field = cops_seen if k == COP else actives_seen
        x = c % width
        y = c // width
        for i in range(half_widths.shape[0]):
            base = _wrap(y + i - r, height) * width
            for d in range(-half_widths[i], half_widths[i] + 1):
                field[base + _wrap(x + d, width)] += 1


@njit(cache=True)
def remove_cops(kind, ident, cops_seen, width, height, half_widths, masks, n_remove, key, a, b):
    """Take up to ``n_remove`` uniformly chosen cops off the lattice, drawing from the
    stream (key, a, b); returns how many were removed."""  # noqa: D205, D209
    n_cops = 0
    for c in range(kind.shape[0]):
        n_cops += (kind[c] & KIND) == COP
    cells = np.empty(n_cops, dtype=np.int64)
    n = 0
    for c in range(kind.shape[0]):
        if (kind[c] & KIND) == COP:
            cells[n] = c
            n += 1
    state = new_stream(key, a, b)
    n_removed = min(n_remove, n)
    for i in range(n_removed):
        j = i + below(state, n - i)
        tmp = cells[i]
        cells[i] = cells[j]
        cells[j] = tmp
        kind[cells[i]] = EMPTY
        ident[cells[i]] = -1
        disc_add(cops_seen, cells[i], width, height, half_widths, masks, -1)
    return n_removed


@njit(cache=True)
def add_cops(
    kind, ident, cops_seen, width, height, half_widths, masks, zones, zone, n_add,
    first_ident, stamp, key, a, b,
):  # fmt: skip
    """Put up to ``n_add`` new cops on uniformly random empty cells (of zone ``zone``
    when it is >= 0: ``zones`` labels every cell), drawing from the stream (key, a, b);
    returns how many were placed.

    A cell of the zone is looked for among up to 256 random empty cells per cop; the
    new cops get the identities ``first_ident`` on and the ACTED bit ``stamp``.
    """  # noqa: D205
    state = new_stream(key, a, b)
    placed = 0
    for _ in range(n_add):
        c = -1
        for _try in range(256):
            cand = _random_empty_cell(kind, state)
            if cand < 0:
                break
            if zone < 0 or zones[cand] == zone:
                c = cand
                break
        if c < 0:
            break
        kind[c] = COP | stamp
        ident[c] = first_ident + placed
        disc_add(cops_seen, c, width, height, half_widths, masks, 1)
        placed += 1
    return placed


@njit(cache=True)
def move_cops(
    kind, ident, zones, cops_seen, width, height, half_widths, masks, source, target, n_move,
    first_ident, stamp, key, a, b,
):  # fmt: skip
    """Move up to ``n_move`` random cops of zone ``source`` to random empty cells of zone
    ``target`` (``zones`` labels every cell), drawing from the stream (key, a, b);
    returns how many moved.

    The moved cops get the identities ``first_ident`` on (an identity is a cell
    occupant's label, not a person's record, for cops) and the ACTED bit ``stamp``.
    """  # noqa: D205
    state = new_stream(key, a, b)
    n_source = 0
    n_target_empty = 0
    for c in range(kind.shape[0]):
        if zones[c] == source and (kind[c] & KIND) == COP:
            n_source += 1
        elif zones[c] == target and kind[c] == EMPTY:
            n_target_empty += 1
    n_move = min(n_move, n_source, n_target_empty)
    if n_move <= 0:
        return 0
    cells = np.empty(n_source, dtype=np.int64)
    empties = np.empty(n_target_empty, dtype=np.int64)
    i = 0
    j = 0
    for c in range(kind.shape[0]):
        if zones[c] == source and (kind[c] & KIND) == COP:
            cells[i] = c
            i += 1
        elif zones[c] == target and kind[c] == EMPTY:
            empties[j] = c
            j += 1
    for m in range(n_move):
        pick = m + below(state, n_source - m)
        tmp = cells[m]
        cells[m] = cells[pick]
        cells[pick] = tmp
        pick_cell = m + below(state, n_target_empty - m)
        tmp = empties[m]
        empties[m] = empties[pick_cell]
        empties[pick_cell] = tmp
        old = cells[m]
        new = empties[m]
        kind[old] = EMPTY
        ident[old] = -1
        disc_add(cops_seen, old, width, height, half_widths, masks, -1)
        kind[new] = COP | stamp
        ident[new] = first_ident + m
        disc_add(cops_seen, new, width, height, half_widths, masks, 1)
    return n_move
