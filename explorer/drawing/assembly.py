"""A shape's layout as drawn: the :class:`Layout` record, put together from each layer gap.

:mod:`explorer.drawing.labels` solves one layer pair (its gap and its labels'
anchors, relative to the pair); :func:`assemble` places the pairs side by
side and adds what is the same for every gap: the bias row, the error column,
the legend above it and the captions along the bottom.  Both the search for a
layout (:mod:`explorer.drawing.layout`) and the current step's
(:mod:`explorer.drawing.current_step`) end here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from explorer.engine.naming import Names

from .labels import column_of, unit_x
from .sizes import (
    CHAR_WIDTH,
    FONT_SIZES,
    LEGEND_ROWS,
    LEGEND_ROWS_WRAPPED,
    LINE_HEIGHT,
    PAD,
    TIGHT_MARGIN,
    UNIT,
    R,
    TextSizes,
    label_size,
    legend_width,
    unit_label_size,
)


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


def labelled(nm: Names, shared: bool, l: int) -> list[str]:
    """The connections of layer pair l that carry a label, in the label solver's order:
    its weights row by row, then each neuron's own bias (a shared bias's value is on its unit)."""
    return [w for row in nm.weights[l] for w in row] + ([] if shared else list(nm.biases[l]))


def pair_box(nm: Names, shared: bool, level: str, l: int, ty: TextSizes) -> tuple[float, float, float]:
    """The label box reserved for every connection of layer pair l: the widest name's."""
    return max((label_size(n, level, ty) for n in labelled(nm, shared, l)), key=lambda b: b[0])


def assemble(sizes, nm, shared, level, dy, gaps, ty) -> Layout:
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
        for eid, (x, y) in zip(labelled(nm, shared, l), found):
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
