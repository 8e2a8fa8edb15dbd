"""The search for a layout that fits: a shape's neuron spacing, layer gaps and label detail.

Each shape gets the neuron spacing and the narrowest layer gaps that fit
every label (:mod:`explorer.drawing.labels` solves one gap), so a 2-2-2
network reads like the seed's figure and 4 layers of 8 still show every
value.  Shapes that would have to shrink too far drop the labels' second
line (the gradient, or the old value of an updated parameter), then the
values, keeping the names; the tooltip always has everything.

Given the room it is shown in (the presenter's screen), a shape must fit it
at 1:1 with its labels: text is never shrunk below its size.  A shape that
cannot gets the current step's layout instead, which labels only that step's
connections (:mod:`explorer.drawing.current_step`).  Whatever is found is
put together by :func:`~explorer.drawing.assembly.assemble`.

The geometry of a shape is worked out once per ``(sizes, bias_mode, scale,
detail, room)`` and cached; a redraw only formats numbers and joins strings
(and, at level ``CURRENT``, places the few labels of the step).
"""

from __future__ import annotations

import math
from functools import lru_cache

from explorer.engine.naming import names

from .assembly import Layout, assemble, pair_box
from .current_step import bare_layout
from .labels import GAP_STEP, attempt, min_pair_gap, solve_pair
from .sizes import LEVEL_LIMIT, LEVELS, PAD, VALUE_CHARS, R, TextSizes, text_sizes

_NO_FIT = (math.inf, 0.0)


@lru_cache(maxsize=64)
def layout(
    sizes: tuple[int, ...],
    bias_mode: str,
    scale: float = 1.0,
    detail: str = "full",
    room: tuple[float, float] | None = None,
    chars: int = VALUE_CHARS,
) -> Layout:
    """The layout of a network of layer ``sizes``, its text ``scale`` times the usual.

    Labels show the most of ``detail`` (``"full"``, ``"compact"``, ``"names"``) that the shape
    can show without shrinking too far (:data:`LEVEL_LIMIT`). Given a ``room`` (width, height)
    to fit at 1:1, no level may shrink at all: a shape whose labels need more room labels only
    the current step's connections (level :data:`~explorer.drawing.sizes.CURRENT`, see
    :func:`~explorer.drawing.current_step.with_labels_for`).
    Values take ``chars`` characters.  Cached: a shape is laid out once, whatever its values.
    """
    shared = bias_mode == "shared"
    nm = names(sizes, shared)
    ty = text_sizes(scale, chars=chars) if room is None else text_sizes(scale, (float(room[0]), float(room[1])), chars)
    # in a room, names alone would hide the current step's values too: those shapes get CURRENT
    levels = LEVELS[LEVELS.index(detail) :]
    for level in [lv for lv in levels if lv != "names"] if room else levels:
        found = _best_layout(sizes, nm, shared, level, 1.0 if room else LEVEL_LIMIT[level], ty)
        if found is not None:
            return found
    return bare_layout(sizes, nm, shared, "full" if detail == "full" else "compact", ty)


def _shrink(lay: Layout) -> float:
    """How much a layout must be scaled down to fit the usual panel (<= 1: not at all)."""
    fit = lay.ty.fit
    return max(lay.width / fit[0], lay.height / fit[1])


def _best_layout(sizes, nm, shared, level, limit: float, ty: TextSizes) -> Layout | None:
    """The best layout at one label detail level, or None if none shrinks by at most ``limit``.

    The neuron spacing is searched coarse, then fine; for each spacing every
    layer gap is the narrowest that fits.
    """
    n_max = max(sizes)
    dy_min = 2 * R + ty.val_h + 3 * PAD
    boxes = [pair_box(nm, shared, level, l, ty) for l in range(len(sizes) - 1)]
    floor = [min_pair_gap(box) for box in boxes]
    empty = assemble(sizes, nm, shared, level, dy_min, [(0.0, ())] * len(boxes), ty)
    fixed_width, fixed_height = empty.width, empty.height - (n_max - 1) * dy_min
    tried: dict[float, tuple] = {}

    def evaluate(dy):
        if dy in tried or dy < dy_min:
            return
        tried[dy] = (_NO_FIT,)
        if fixed_height + (n_max - 1) * dy > limit * ty.fit[1]:
            return
        best = min(v[0] for v in tried.values())
        args = (sizes, nm, shared, level, dy)
        gaps = _pair_gaps(
            sizes,
            boxes,
            floor,
            shared,
            level,
            dy,
            limit * ty.fit[0] - fixed_width,
            ty,
            lambda so_far: _ruled_out(*args, so_far, floor, limit, best, ty),
        )
        if gaps is None:
            return
        lay = assemble(sizes, nm, shared, level, dy, gaps, ty)
        if _shrink(lay) <= limit:
            tried[dy] = (_key(dy, lay), lay, gaps)

    if n_max == 1:
        evaluate(dy_min)
    else:
        for i in range(10):
            evaluate(dy_min + 24.0 * i)
        centre = min(tried, key=lambda d: tried[d][0])
        if tried[centre][0] == _NO_FIT and limit == 1.0:  # a tight room: a fit may lie between the steps
            for i in range(30):
                evaluate(dy_min + 8.0 * i)
            centre = min(tried, key=lambda d: tried[d][0])
        if tried[centre][0] == _NO_FIT:
            return None
        for delta in (-16.0, -8.0, 8.0, 16.0):
            evaluate(centre + delta)
    options = [v for v in tried.values() if v[0] != _NO_FIT]
    if not options:
        return None
    _score, lay, gaps = min(options, key=lambda v: v[0])
    # a room is the most the panel has, not a size to fill: spreading out would only shrink the text
    return lay if limit == 1.0 else _widen(sizes, nm, shared, level, lay, gaps, boxes, ty)


def _key(dy: float, lay: Layout) -> tuple[float, float]:
    """How good a layout at neuron spacing ``dy`` is, the lowest best; no lower for wider gaps.

    Fit 1:1 if possible, and then prefer an airy spacing near 130 px; else the least
    shrinking (in steps of 5%), and of those the flattest: screens are wide.
    """
    shrink = _shrink(lay)
    return (1.0, abs(dy - 130.0)) if shrink <= 1.0 else (1.0 + round(shrink * 20) / 20, lay.height)


def _ruled_out(sizes, nm, shared, level, dy, gaps, floor, limit, best, ty: TextSizes) -> bool:
    """Whether spacing ``dy`` can neither fit ``limit`` nor beat ``best``, given ``gaps`` (None: not solved yet).

    The layout with the unsolved gaps at their ``floor`` is as tall as any (the
    height is not the gaps') and no wider, so it bounds the shrink and the key.
    """
    lower = [(least, ()) if got is None else (got[0], ()) for got, least in zip(gaps, floor)]
    lay = assemble(sizes, nm, shared, level, dy, lower, ty)
    return _shrink(lay) > limit or _key(dy, lay) > best


def _pair_gaps(sizes, boxes, floor, shared, level, dy: float, width_left: float, ty: TextSizes, stop) -> list | None:
    """(gap, anchors) of each layer pair at neuron spacing ``dy``, the narrowest that fits; or None.

    The gaps may take ``width_left`` in all, each leaving the ones after it
    at least their ``floor``.  None as soon as ``stop(gaps, None where not
    yet solved)``: solving gaps is the whole cost of a layout, and most
    spacings tried lose.
    """
    n_max = max(sizes)
    # with no gap's room hanging on another's, what may widen the most first (one solve serves alike pairs)
    same = [(sizes[l], sizes[l + 1], box, l > 0) for l, box in enumerate(boxes)]
    order = sorted(range(len(boxes)), key=lambda l: -boxes[l][0] * same.count(same[l]) if width_left == math.inf else 0)
    gaps: list = [None] * len(boxes)
    for l in order:
        if stop(gaps):
            return None
        room = width_left if width_left == math.inf else width_left - sum(g for g, _ in gaps[:l]) - sum(floor[l + 1 :])
        got = solve_pair(
            sizes[l],
            sizes[l + 1],
            n_max,
            boxes[l],
            shared,
            level,
            dy,
            l > 0,
            ty,
            math.inf if room == math.inf else round(room / GAP_STEP) * GAP_STEP,
        )
        if got is None:
            return None
        gaps[l] = got
    return gaps


def _widen(sizes, nm, shared, level, lay, gaps, boxes, ty) -> Layout:
    """Spread a layout that fits with room to spare: up to 30% wider gaps, so labels breathe."""
    room = ty.fit[0] - lay.width
    total = sum(g for g, _ in gaps)
    if room <= 0:
        return lay
    factor = min(1.3, 1 + room / total)
    n_max = max(sizes)
    dy = lay.dy
    wider = []
    for l, ((gap, _), box) in enumerate(zip(gaps, boxes)):
        got = attempt(sizes[l], sizes[l + 1], n_max, box, shared, level, dy, gap * factor, l > 0, ty)
        if got is None:
            return lay
        wider.append((gap * factor, got))
    return assemble(sizes, nm, shared, level, dy, wider, ty)
