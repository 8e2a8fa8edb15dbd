"""The layout of a shape too big for its room: only the current step's connections are labelled.

A shape whose labels cannot all fit the room at 1:1 is drawn as compactly as
its neurons' values allow (thin margins, a low bias row, each gap just wide
enough for any one step's labels): level ``CURRENT``, made once per shape by
:func:`bare_layout`.  Each redraw places the few labels of the step
(:func:`with_labels_for`); the others' values are in their tooltips.
"""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

from explorer.engine.naming import names

from .assembly import Layout, assemble, labelled, pair_box
from .labels import GAP_STEP, column_of, min_pair_gap, pair_problem, place_pair
from .sizes import BIAS_RISE, CURRENT, PAD, TIGHT_MARGIN, TIGHT_RISE, R, TextSizes

BARE_WIDEST = 2.0  # of a value line's width: the most a current-step gap is widened for its labels
BARE_EXTRA = 0.5  # of a value line's width, added to the narrowest gap where a step's labels find no room


def tight(ty: TextSizes) -> TextSizes:
    """Text sizes for a room: as low as the texts allow, the bias row just clearing the top neurons, thin margins."""
    return ty._replace(rise=TIGHT_RISE, margin=TIGHT_MARGIN)


def bare_layout(sizes, nm, shared, level: str, ty: TextSizes) -> Layout:
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
            box = pair_box(nm, shared, level, l, t)
            gaps.append((_bare_gap(sizes[l], sizes[l + 1], max(sizes), box, shared, level, dy, l > 0, t), ()))
        options += [assemble(sizes, nm, shared, level, dy, gaps, t._replace(legend_wrap=w)) for w in (True, False)]
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
        ids = labelled(nm, shared, l)
        mine = [k for k, eid in enumerate(ids) if eid in active]
        if not mine:
            continue
        x0, y_top = lay.neurons[l][0]
        gap = lay.neurons[l + 1][0][0] - x0
        y_shift = y_top - column_of(sizes[l], lay.dy)[0]
        box = pair_box(nm, shared, lay.shows, l, lay.ty)
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
