"""Where everything of one network shape goes: neurons, bias units, label anchors, error nodes.

Each shape gets the neuron spacing and the narrowest layer gaps that fit
every label (:mod:`explorer.drawing.labels` solves one gap), so a 2-2-2
network reads like the seed's figure and 4 layers of 8 still show every
value.  Shapes that would have to shrink too far drop the labels' second
line (the gradient, or the old value of an updated parameter), then the
values, keeping the names; the tooltip always has everything.

Given the room it is shown in (the presenter's screen), a shape must fit it
at 1:1 with its labels: text is never shrunk below its size.  A shape that
cannot is drawn as compactly as its neurons' values allow (thin margins, a
low bias row, each gap just wide enough for any one step's labels), and labels only
the current step's connections (level ``CURRENT``, :func:`with_labels_for`),
the others' values in their tooltips.

The geometry of a shape is worked out once per ``(sizes, bias_mode, scale,
detail, room)`` and cached; a redraw only formats numbers and joins strings
(and, at level ``CURRENT``, places the few labels of the step).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from types import MappingProxyType

from explorer.engine.naming import Names, names

from .labels import GAP_STEP, attempt, column_of, min_pair_gap, pair_problem, place_pair, solve_pair, unit_x
from .sizes import (
    BIAS_RISE,
    CHAR_WIDTH,
    CURRENT,
    FONT_SIZES,
    LEGEND_ROWS,
    LEGEND_ROWS_WRAPPED,
    LEVEL_LIMIT,
    LEVELS,
    LINE_HEIGHT,
    PAD,
    TIGHT_MARGIN,
    TIGHT_RISE,
    UNIT,
    VALUE_CHARS,
    R,
    TextSizes,
    label_size,
    legend_width,
    text_sizes,
    unit_label_size,
)

_NO_FIT = (math.inf, 0.0)
BARE_WIDEST = 2.0  # of a value line's width: the most a current-step gap is widened for its labels
BARE_EXTRA = 0.5  # of a value line's width, added to the narrowest gap where a step's labels find no room


@dataclass(frozen=True)
class Layout:
    """Where everything of one shape goes (all coordinates in viewBox px)."""

    level: str
    width: float
    height: float
    dy: float  # neuron spacing
    neurons: tuple[tuple[tuple[float, float], ...], ...]  # [l][j] -> centre
    units: tuple[tuple[float, float], ...]  # [l] bias unit feeding layer l+1
    anchors: Mapping[str, tuple[float, float]]  # edge id -> centre of label line 1
    errors: tuple[tuple[float, float], ...]  # E_o boxes' centres
    total: tuple[float, float]  # E_total box centre
    captions: tuple[tuple[float, str], ...]  # (x, text) along the bottom
    caption_y: float
    legend: tuple[float, float]  # top left of the legend
    ty: TextSizes  # the text sizes it was made for
    shows: str = ""  # at level CURRENT: the detail its few labels show


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
    the current step's connections (level :data:`CURRENT`, see :func:`with_labels_for`).
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
    return _bare_layout(sizes, nm, shared, "full" if detail == "full" else "compact", ty)


def tight(ty: TextSizes) -> TextSizes:
    """Text sizes for a room: as low as the texts allow, the bias row just clearing the top neurons, thin margins."""
    return ty._replace(rise=TIGHT_RISE, margin=TIGHT_MARGIN)


def _bare_layout(sizes, nm, shared, level: str, ty: TextSizes) -> Layout:
    """Neurons as close as their values allow; each gap the narrowest in which any step's labels fit.

    Of a low bias row and the usual one (under which per-neuron biases' labels pack closer),
    and the legend on fewer lines or not, what shows the whole largest in the room.
    """
    dy = 2 * R + ty.val_h + 2 * PAD
    options = []
    for rise in (TIGHT_RISE, BIAS_RISE):
        t = tight(ty)._replace(rise=rise)
        gaps = []
        for l in range(len(sizes) - 1):
            box = _pair_box(nm, shared, level, l, t)
            gaps.append((_bare_gap(sizes[l], sizes[l + 1], max(sizes), box, shared, level, dy, l > 0, t), ()))
        options += [_assemble(sizes, nm, shared, level, dy, gaps, t._replace(legend_wrap=w)) for w in (True, False)]
    best = max(options, key=lambda lay: min(ty.fit[0] / lay.width, ty.fit[1] / lay.height))
    return replace(best, level=CURRENT, shows=level)


def _bare_gap(n_s, n_r, n_max, box, shared, level, dy, sender_texts, ty: TextSizes) -> float:
    """The narrowest gap (to GAP_STEP) in which the labels of any one step are placed clear of everything.

    A step lights one neuron's connections in (its weights and own bias) or out, or fewer;
    with_labels_for places them as this finds room for them.  Per-neuron biases' lines are
    shallow under a low bias row, so their labels may need a wider gap than the weights'.
    Failing that (up to :data:`BARE_WIDEST`), room for a label on either side of any line's middle.
    """
    groups = [[k * n_s + j for j in range(n_s)] + ([] if shared else [n_s * n_r + k]) for k in range(n_r)]
    groups += [[k * n_s + j for k in range(n_r)] for j in range(n_s)]
    least = min_pair_gap(box)
    reach = R + 2 * PAD + box[0] / 2
    for step in range(int(BARE_WIDEST * ty.val_w / GAP_STEP) + 1):
        gap = least + step * GAP_STEP
        edges, obstacles, _lines = pair_problem(n_s, n_r, n_max, box, shared, level, dy, gap, sender_texts, ty)
        if all(_places([edges[k] for k in group], box, obstacles, reach, gap - reach) for group in groups):
            return gap
    return least + BARE_EXTRA * ty.val_w


def _places(chosen, box, obstacles, lo, hi) -> bool:
    """Whether labels on the lines ``chosen`` are placed clear of everything but other lines, from either side."""
    return any(place_pair(chosen, box, obstacles, lo, hi, side) is not None for side in (True, False))


def with_labels_for(lay: Layout, sizes: tuple[int, ...], bias_mode: str, active: frozenset[str]) -> Layout:
    """A :data:`CURRENT` layout with anchors for the labels of the ``active`` connections.

    Each layer pair's active labels are placed as the layout places all of
    them (clear of circles, values and each other, off other lines' middles),
    else clear of everything but the lines, else at their lines' middles:
    the current step's labels are always shown.
    """
    shared = bias_mode == "shared"
    nm = names(sizes, shared)
    n_max = max(sizes)
    anchors = {}
    for l in range(len(sizes) - 1):
        ids = [w for row in nm.weights[l] for w in row] + ([] if shared else list(nm.biases[l]))
        mine = [k for k, eid in enumerate(ids) if eid in active]
        if not mine:
            continue
        x0, y_top = lay.neurons[l][0]
        gap = lay.neurons[l + 1][0][0] - x0
        y_shift = y_top - column_of(sizes[l], lay.dy)[0]
        box = _pair_box(nm, shared, lay.shows, l, lay.ty)
        edges, obstacles, lines = pair_problem(
            sizes[l], sizes[l + 1], n_max, box, shared, lay.shows, lay.dy, gap, l > 0, lay.ty
        )
        order = mine + [k for k in range(len(lines)) if k not in mine]
        reach = R + 2 * PAD + box[0] / 2
        chosen = [edges[k] for k in mine]
        found = (
            place_pair(chosen, box, obstacles, reach, gap - reach, True, [lines[k] for k in order])
            or place_pair(chosen, box, obstacles, reach, gap - reach, False, [lines[k] for k in order])
            or place_pair(chosen, box, obstacles, reach, gap - reach)
            or tuple(((e[0] + e[2]) / 2, (e[1] + e[3]) / 2) for e in chosen)
        )
        for k, (x, y) in zip(mine, found):
            anchors[ids[k]] = (x + x0, y + y_shift)
    return replace(lay, anchors=MappingProxyType(anchors))


def _shrink(lay: Layout) -> float:
    """How much a layout must be scaled down to fit the usual panel (<= 1: not at all)."""
    fit = lay.ty.fit
    return max(lay.width / fit[0], lay.height / fit[1])


def _pair_box(nm: Names, shared: bool, level: str, l: int, ty: TextSizes) -> tuple[float, float, float]:
    """The label box reserved for every connection of layer pair l: the widest name's."""
    labels = [n for row in nm.weights[l] for n in row] + ([] if shared else list(nm.biases[l]))
    return max((label_size(n, level, ty) for n in labels), key=lambda b: b[0])


def _best_layout(sizes, nm, shared, level, limit: float, ty: TextSizes) -> Layout | None:
    """The best layout at one label detail level, or None if none shrinks by at most ``limit``.

    The neuron spacing is searched coarse, then fine; for each spacing every
    layer gap is the narrowest that fits.
    """
    n_max = max(sizes)
    dy_min = 2 * R + ty.val_h + 3 * PAD
    boxes = [_pair_box(nm, shared, level, l, ty) for l in range(len(sizes) - 1)]
    floor = [min_pair_gap(box) for box in boxes]
    empty = _assemble(sizes, nm, shared, level, dy_min, [(0.0, ())] * len(boxes), ty)
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
        lay = _assemble(sizes, nm, shared, level, dy, gaps, ty)
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
    lay = _assemble(sizes, nm, shared, level, dy, lower, ty)
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
    return _assemble(sizes, nm, shared, level, dy, wider, ty)


def _assemble(sizes, nm, shared, level, dy, gaps, ty) -> Layout:
    """Absolute coordinates from the per-pair gaps and label anchors."""
    n_max = max(sizes)
    left = ty.margin + ty.val * CHAR_WIDTH * ty.chars + 6 + R
    xs = [left]
    for gap, _ in gaps:
        xs.append(xs[-1] + gap)
    _uw, uh = unit_label_size(level, ty)
    row = -(n_max - 1) / 2 * dy - ty.rise
    y_shift = ty.margin + uh + UNIT / 2 + PAD - row  # content starts at the top margin
    # ... unless the legend above the error column needs more room (large text)
    rows = LEGEND_ROWS_WRAPPED if ty.legend_wrap else LEGEND_ROWS
    tight_ = ty.margin <= TIGHT_MARGIN  # a room's current-step layout: every gap as small as it reads
    key_h = FONT_SIZES["bp-key"] * ty.scale * LINE_HEIGHT
    legend_y = ty.margin + (key_h / 2 if tight_ else 6)  # its first line's middle
    legend_bottom = legend_y + rows * 16 * ty.scale + (key_h / 2 + PAD if tight_ else key_h / LINE_HEIGHT + 2 * PAD)
    y_shift = max(y_shift, legend_bottom + ty.e_h / 2 - column_of(sizes[-1], dy)[0])
    neurons = tuple(tuple((xs[l], y + y_shift) for y in column_of(n, dy)) for l, n in enumerate(sizes))
    units = tuple((xs[l] + unit_x(gaps[l][0]), row + y_shift) for l in range(len(gaps)))
    anchors = {}
    for l, (_gap, found) in enumerate(gaps):
        ids = [w for row_ in nm.weights[l] for w in row_] + ([] if shared else list(nm.biases[l]))
        for eid, (x, y) in zip(ids, found):
            anchors[eid] = (x + xs[l], y + y_shift)
    # the error column clears the output values beside it ("target ..." is the widest text)
    target_w = ty.val * CHAR_WIDTH * (7 + ty.chars)
    x_err = xs[-1] + max(R + 44 + ty.e_w / 2, (ty.val_w + target_w) / 2 + 2 * PAD)
    errors = tuple((x_err, y) for _x, y in neurons[-1])
    ys = [y for _x, y in errors]
    x_total = x_err + ty.e_w + (24 if tight_ else 40)
    total = (x_total, (min(ys) + max(ys)) / 2)
    bottom = max(y for layer in neurons for _x, y in layer) + R + ty.val_h + 2
    bottom = max(bottom, max(ys) + ty.e_h / 2 + ty.val * LINE_HEIGHT + 4)
    caption_y = bottom + (10 if tight_ else 14) * ty.scale
    hidden = len(sizes) - 2
    captions = [(xs[0], "input")]
    for l in range(1, len(sizes) - 1):
        captions.append((xs[l], "hidden" if hidden == 1 else f"hidden {l}"))
    captions += [(xs[-1], "output"), (x_err, "error"), (x_total, "total error")]
    legend = (x_err - ty.e_w / 2, legend_y)
    width = max(x_total + ty.e_w / 2, legend[0] + legend_width(ty.scale, ty.legend_wrap)) + ty.margin
    height = caption_y + FONT_SIZES["bp-cap"] * ty.scale * LINE_HEIGHT / 2 + ty.margin
    return Layout(
        level,
        round(width),
        round(height),
        dy,
        neurons,
        units,
        MappingProxyType(anchors),
        errors,
        total,
        tuple(captions),
        caption_y,
        legend,
        ty,
    )
