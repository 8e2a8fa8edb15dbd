"""The network diagram: one standalone SVG drawn from a network and the values shown so far.

``render`` is pure and cheap: the geometry of a shape (node positions, where
each connection's label sits) is worked out once per ``(sizes, bias_mode)``
and cached; a redraw only formats numbers and joins strings.

Identifiers.  Every node and connection is a ``<g>`` whose ``data-id`` is
the name the walkthrough uses (``i1``, ``h1``, ``w5``, ``b1``, ``b_h1``,
``E_o1``, ``E_total``) and whose ``id`` is the same name behind a prefix,
so two diagrams can share a page.  Connections that have no name of their
own are named by their ends: ``b1-h1`` (a shared bias unit to its neuron),
``o1-E_o1`` and ``E_o1-E_total`` (the error links).  Labels of connections
live in a layer drawn above every line (``data-for="w5"``), so no line ever
crosses a label.

Highlighting.  Ids in ``highlight`` get the class ``bp-active``; everything
else is ``bp-dim`` while something is highlighted.  A link without a name of
its own lights up with its ends: ``o1-E_o1`` when both ``o1`` and ``E_o1``
are highlighted; a shared bias unit's link ``b1-h1`` when ``b1`` is and
``h1`` is too (or no neuron of that layer is, as when ``b1`` is updated).

Label placement.  A label sits centred on its own line, in one of a row of
candidate columns across the gap between two layers, the first column from
the sending side that overlaps nothing placed so far (node texts and bias
units included), else the first from the receiving side.  Each shape gets
the neuron spacing and the narrowest layer gaps that fit every label, so a
2-2-2 network reads like the seed's figure and 4 layers of 8 still show
every value.  Shapes that would have to shrink too far drop the labels'
second line (the gradient, or the old value of an updated parameter), then
the values, keeping the names; the tooltip always has everything.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import NamedTuple
from xml.sax.saxutils import escape

import numpy as np

from explorer.engine.formatting import number
from explorer.engine.naming import Names, names
from explorer.engine.network import Network

_EMPTY: Mapping[str, float] = MappingProxyType({})

#: Font size in px of each text class (the tests estimate label boxes from these).
FONT_SIZES = {
    "bp-name": 13.0,
    "bp-one": 12.0,
    "bp-l1": 12.0,
    "bp-l2": 10.0,
    "bp-val": 11.0,
    "bp-cap": 11.0,
    "bp-key": 11.0,
    "bp-ename": 12.0,
    "bp-eval": 12.0,
}
#: Approximate advance of one character, as a fraction of the font size.
CHAR_WIDTH = 0.6
#: Height of one line of text, as a fraction of the font size.
LINE_HEIGHT = 1.2
#: Characters reserved for a printed value: ``-0.123456789`` (see formatting.number).
VALUE_CHARS = 12

_R = 20.0  # neuron radius
_UNIT = 30.0  # side of a bias unit's square
_PAD = 4.0  # clearance around circles and between label columns
_E_W, _E_H = 104.0, 40.0  # error node box
_MARGIN = 16.0
_BIAS_RISE = 74.0  # bias row above the top neuron
_COLUMN_STEP = 12.0  # spacing of the candidate label columns
_GAP_STEP = 8.0  # precision of the layer gap search
_NO_FIT = (math.inf, 0.0)
_FIT = (980.0, 760.0)  # the size a diagram should fit at 1:1 if it can
_LEVELS = ("full", "compact", "names")  # label detail, most first
_LEGEND_ROWS = 3.1  # the legend's last line, in rows below its first
_LEVEL_LIMIT = {"full": 1.35, "compact": 2.2, "names": math.inf}  # largest acceptable shrink, detail first


class _Type(NamedTuple):
    """The text's sizes at one text scale, and the boxes sized by it (viewBox px)."""

    scale: float
    val: float  # font size of the values beside the neurons
    val_w: float  # room for "out -0.123456789"
    val_h: float  # the net and out lines
    l1: float  # a connection label's first line
    l2: float  # ... and its second
    l2_offset: float  # line 2's centre below line 1's
    e_w: float  # error node box
    e_h: float
    fit: tuple[float, float]  # the size the diagram should fit at 1:1 if it can


@lru_cache(maxsize=16)
def _type(scale: float) -> _Type:
    """Text ``scale`` times :data:`FONT_SIZES`; the circles and lines keep their size."""
    val, l1, l2 = (FONT_SIZES[c] * scale for c in ("bp-val", "bp-l1", "bp-l2"))
    return _Type(
        scale,
        val,
        val * CHAR_WIDTH * (4 + VALUE_CHARS),
        2 * val * LINE_HEIGHT,
        l1,
        l2,
        (l1 + l2) * LINE_HEIGHT / 2,
        _E_W * scale,
        _E_H * scale,
        _FIT,
    )


# ------------------------------------------------------------------ layout
@dataclass(frozen=True)
class _Layout:
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
    ty: _Type  # the text sizes it was made for


def _label_size(name: str, level: str, ty: _Type) -> tuple[float, float, float]:
    """(width, top, bottom) of a connection label about its anchor, room for any value."""
    if level == "names":
        width = ty.l1 * CHAR_WIDTH * len(name)
    else:
        width = ty.l1 * CHAR_WIDTH * (len(name) + 3 + VALUE_CHARS)
        if level == "full":  # "∂E/∂w5 = -0.123456789" or "was -0.123456789"
            width = max(width, ty.l2 * CHAR_WIDTH * (len(name) + 7 + VALUE_CHARS))
    top = -ty.l1 * LINE_HEIGHT / 2
    bottom = ty.l1 * LINE_HEIGHT / 2 + (ty.l2 * LINE_HEIGHT if level == "full" else 0.0)
    return width + 2.0, top - 1.0, bottom + 1.0


def _unit_label_size(level: str, ty: _Type) -> tuple[float, float]:
    """(width, height) of the text above a shared bias unit: "b1 = 0.35" and a second line."""
    w, top, bottom = _label_size("b0", level if level != "names" else "compact", ty)
    return w, bottom - top


def _column_of(n: int, dy: float) -> list[float]:
    """Vertical positions of a layer's ``n`` neurons, ``dy`` apart, centred on 0."""
    return [(j - (n - 1) / 2) * dy for j in range(n)]


def _insert(starts: list[float], ends: list[float], lo: float, hi: float) -> None:
    """Add [lo, hi] to a sorted union of disjoint intervals."""
    i = bisect.bisect_left(ends, lo)
    j = bisect.bisect_right(starts, hi)
    if i < j:
        lo, hi = min(lo, starts[i]), max(hi, ends[j - 1])
    starts[i:j] = [lo]
    ends[i:j] = [hi]


def _place_pair(
    edges: list[tuple[float, float, float, float]],
    box: tuple[float, float, float],
    obstacles: list[tuple[float, float, float, float]],
    x_lo: float,
    x_hi: float,
    from_sender: bool = True,
) -> tuple[tuple[float, float], ...] | None:
    """Label anchors for the connections between two layers, or None if they don't fit.

    ``edges`` are (x0, y0, x1, y1) with x0 < x1; ``box`` a label's (width,
    top, bottom) about its anchor.  Labels are centred on their line at one
    of a row of candidate columns between ``x_lo`` and ``x_hi``, tried from
    the sending side (or the receiving side).  Each column keeps the union of
    the y-ranges blocked by everything overlapping its x-range, so testing a
    place is one bisection.
    """
    width, top, bottom = box
    span = x_hi - x_lo
    if span < 0:
        return None
    count = int(span // _COLUMN_STEP) + 1
    xs = [x_lo] if count == 1 else [x_lo + span * c / (count - 1) for c in range(count)]
    columns: list[tuple[list[float], list[float]]] = []
    for xc in xs:
        starts: list[float] = []
        ends: list[float] = []
        for x0, y0, x1, y1 in obstacles:
            if x0 < xc + width / 2 and x1 > xc - width / 2:
                _insert(starts, ends, y0, y1)
        columns.append((starts, ends))
    # columns whose label boxes overlap column c's
    reach = [[d for d, xd in enumerate(xs) if abs(xd - xc) < width] for xc in xs]
    anchors = []
    order = list(range(count)) if from_sender else list(range(count - 1, -1, -1))
    for x0, y0, x1, y1 in edges:
        for c in order:
            xc = xs[c]
            if not x0 + 1 < xc < x1 - 1:
                continue
            y = y0 + (y1 - y0) * (xc - x0) / (x1 - x0)
            lo, hi = y + top, y + bottom
            starts, ends = columns[c]
            i = bisect.bisect_left(ends, lo)  # first blocked interval ending after lo
            if i < len(starts) and starts[i] < hi:
                continue
            for d in reach[c]:
                _insert(*columns[d], lo, hi)
            anchors.append((xc, y))
            break
        else:
            return None
    return tuple(anchors)


def _pair_problem(
    n_s: int,
    n_r: int,
    n_max: int,
    box: tuple[float, float, float],
    shared: bool,
    level: str,
    dy: float,
    gap: float,
    sender_texts: bool,
    ty: _Type,
):
    """Edges and obstacles of one layer pair, the sending layer at x = 0, the receiving at x = gap.

    Edges are the weights in naming order (receiving neuron, then sending),
    then the per-neuron bias connections; every label has the same reserved
    ``box`` (the widest name's), so the answer depends on the shape only.
    """
    ys_s = _column_of(n_s, dy)
    ys_r = _column_of(n_r, dy)
    row = -(n_max - 1) / 2 * dy - _BIAS_RISE
    xb = _unit_x(gap)
    edges = [(0.0, yj, gap, yk) for yk in ys_r for yj in ys_s]
    if not shared:
        edges += [(xb, row, gap, yk) for yk in ys_r]
    obstacles = []
    for x, ys, texts in ((0.0, ys_s, sender_texts), (gap, ys_r, True)):
        for y in ys:
            obstacles.append((x - _R - _PAD, y - _R - _PAD, x + _R + _PAD, y + _R + _PAD))
            if texts:
                obstacles.append((x - ty.val_w / 2, y + _R, x + ty.val_w / 2, y + _R + ty.val_h + 2))
    h = _UNIT / 2 + _PAD
    obstacles.append((xb - h, row - h, xb + h, row + h))
    uw, uh = _unit_label_size(level, ty)
    obstacles.append((xb - uw / 2, row - h - uh, xb + uw / 2, row - h))
    return edges, obstacles


def _unit_x(gap: float) -> float:
    """Where a bias unit sits across its layer gap."""
    return 0.3 * gap


def _attempt(n_s, n_r, n_max, box, shared, level, dy, gap, sender_texts, ty):
    edges, obstacles = _pair_problem(n_s, n_r, n_max, box, shared, level, dy, gap, sender_texts, ty)
    reach = _R + 2 * _PAD + box[0] / 2  # a label keeps clear of the circles at both ends
    for from_sender in (True, False):  # each packs some shapes tighter
        found = _place_pair(edges, box, obstacles, reach, gap - reach, from_sender)
        if found is not None:
            return found
    return None


@lru_cache(maxsize=4096)
def _solve_pair(
    n_s: int,
    n_r: int,
    n_max: int,
    box: tuple[float, float, float],
    shared: bool,
    level: str,
    dy: float,
    sender_texts: bool,
    ty: _Type,
    max_gap: float = math.inf,
):
    """(gap, anchors) for the narrowest gap, to ``_GAP_STEP`` px, whose labels all fit.

    None if no gap up to ``max_gap`` does.
    """
    args = (n_s, n_r, n_max, box, shared, level, dy)
    # Whether labels fit is not monotonic in the gap (a wider gap moves every
    # crossing), so scan upward in coarse steps, then refine below the first fit.
    gap, limit = _min_pair_gap(box), min(max_gap, 40 * box[0])
    while gap <= limit:
        found = _attempt(*args, gap, sender_texts, ty)
        if found is not None:
            for finer in (gap - 2 * _GAP_STEP, gap - _GAP_STEP):
                if finer >= _min_pair_gap(box):
                    got = _attempt(*args, finer, sender_texts, ty)
                    if got is not None:
                        return finer, got
            return gap, found
        gap += 3 * _GAP_STEP
    return None


def _min_pair_gap(box: tuple[float, float, float]) -> float:
    """No gap is narrower than one label column between two circles."""
    return 2 * (_R + 2 * _PAD) + box[0] + 2 * _COLUMN_STEP


def _pair_box(nm: Names, shared: bool, level: str, l: int, ty: _Type) -> tuple[float, float, float]:
    """The label box reserved for every connection of layer pair l: the widest name's."""
    labels = [n for row in nm.weights[l] for n in row] + ([] if shared else list(nm.biases[l]))
    return max((_label_size(n, level, ty) for n in labels), key=lambda b: b[0])


@lru_cache(maxsize=64)
def _layout(sizes: tuple[int, ...], bias_mode: str, scale: float = 1.0, detail: str = "full") -> _Layout:
    shared = bias_mode == "shared"
    nm = names(sizes, shared)
    ty = _type(scale)
    for level in _LEVELS[_LEVELS.index(detail) :]:
        found = _best_layout(sizes, nm, shared, level, _LEVEL_LIMIT[level], ty)
        if found is not None:
            return found
    raise AssertionError("the names-only level always fits")


def _shrink(layout: _Layout) -> float:
    """How much a layout must be scaled down to fit the usual panel (<= 1: not at all)."""
    fit = layout.ty.fit
    return max(layout.width / fit[0], layout.height / fit[1])


def _best_layout(sizes, nm, shared, level, limit: float, ty: _Type) -> _Layout | None:
    """The best layout at one label detail level, or None if none shrinks by at most ``limit``.

    The neuron spacing is searched coarse, then fine; for each spacing every
    layer gap is the narrowest that fits.
    """
    n_max = max(sizes)
    dy_min = 2 * _R + ty.val_h + 3 * _PAD
    boxes = [_pair_box(nm, shared, level, l, ty) for l in range(len(sizes) - 1)]
    floor = [_min_pair_gap(box) for box in boxes]
    empty = _assemble(sizes, nm, shared, level, dy_min, [(0.0, ())] * len(boxes), ty)
    fixed_width, fixed_height = empty.width, empty.height - (n_max - 1) * dy_min
    tried: dict[float, tuple] = {}

    def evaluate(dy):
        if dy in tried or dy < dy_min:
            return
        tried[dy] = (_NO_FIT,)
        if fixed_height + (n_max - 1) * dy > limit * ty.fit[1]:
            return
        gaps = []
        for l, box in enumerate(boxes):
            room = limit * ty.fit[0] - fixed_width - sum(g for g, _ in gaps) - sum(floor[l + 1 :])
            got = _solve_pair(
                sizes[l],
                sizes[l + 1],
                n_max,
                box,
                shared,
                level,
                dy,
                l > 0,
                ty,
                math.inf if room == math.inf else round(room / _GAP_STEP) * _GAP_STEP,
            )
            if got is None:
                return
            gaps.append(got)
        layout = _assemble(sizes, nm, shared, level, dy, gaps, ty)
        shrink = _shrink(layout)
        # fit 1:1 if possible, and then prefer an airy spacing near 130 px; else the least
        # shrinking (in steps of 5%), and of those the flattest: screens are wide
        key = (1.0, abs(dy - 130.0)) if shrink <= 1.0 else (1.0 + round(shrink * 20) / 20, layout.height)
        if shrink <= limit:
            tried[dy] = (key, layout, gaps)

    if n_max == 1:
        evaluate(dy_min)
    else:
        for i in range(10):
            evaluate(dy_min + 24.0 * i)
        centre = min(tried, key=lambda d: tried[d][0])
        if tried[centre][0] == _NO_FIT:
            return None
        for delta in (-16.0, -8.0, 8.0, 16.0):
            evaluate(centre + delta)
    options = [v for v in tried.values() if v[0] != _NO_FIT]
    if not options:
        return None
    _key, layout, gaps = min(options, key=lambda v: v[0])
    return _widen(sizes, nm, shared, level, layout, gaps, boxes, ty)


def _widen(sizes, nm, shared, level, layout, gaps, boxes, ty) -> _Layout:
    """Spread a layout that fits with room to spare: up to 30% wider gaps, so labels breathe."""
    room = ty.fit[0] - layout.width
    total = sum(g for g, _ in gaps)
    if room <= 0:
        return layout
    factor = min(1.3, 1 + room / total)
    n_max = max(sizes)
    dy = layout.dy
    wider = []
    for l, ((gap, _), box) in enumerate(zip(gaps, boxes)):
        got = _attempt(sizes[l], sizes[l + 1], n_max, box, shared, level, dy, gap * factor, l > 0, ty)
        if got is None:
            return layout
        wider.append((gap * factor, got))
    return _assemble(sizes, nm, shared, level, dy, wider, ty)


def _assemble(sizes, nm, shared, level, dy, gaps, ty) -> _Layout:
    """Absolute coordinates from the per-pair gaps and label anchors."""
    n_max = max(sizes)
    left = _MARGIN + ty.val * CHAR_WIDTH * VALUE_CHARS + 6 + _R
    xs = [left]
    for gap, _ in gaps:
        xs.append(xs[-1] + gap)
    _uw, uh = _unit_label_size(level, ty)
    row = -(n_max - 1) / 2 * dy - _BIAS_RISE
    y_shift = _MARGIN + uh + _UNIT / 2 + _PAD - row  # content starts at the top margin
    # ... unless the legend above the error column needs more room (large text)
    legend_bottom = _MARGIN + 6 + _LEGEND_ROWS * 16 * ty.scale + FONT_SIZES["bp-key"] * ty.scale
    y_shift = max(y_shift, legend_bottom + 2 * _PAD + ty.e_h / 2 - _column_of(sizes[-1], dy)[0])
    neurons = tuple(tuple((xs[l], y + y_shift) for y in _column_of(n, dy)) for l, n in enumerate(sizes))
    units = tuple((xs[l] + _unit_x(gaps[l][0]), row + y_shift) for l in range(len(gaps)))
    anchors = {}
    for l, (_gap, found) in enumerate(gaps):
        ids = [w for row_ in nm.weights[l] for w in row_] + ([] if shared else list(nm.biases[l]))
        for eid, (x, y) in zip(ids, found):
            anchors[eid] = (x + xs[l], y + y_shift)
    # the error column clears the output values beside it ("target ..." is the widest text)
    target_w = ty.val * CHAR_WIDTH * (7 + VALUE_CHARS)
    x_err = xs[-1] + max(_R + 44 + ty.e_w / 2, (ty.val_w + target_w) / 2 + 2 * _PAD)
    errors = tuple((x_err, y) for _x, y in neurons[-1])
    ys = [y for _x, y in errors]
    x_total = x_err + ty.e_w + 40
    total = (x_total, (min(ys) + max(ys)) / 2)
    bottom = max(y for layer in neurons for _x, y in layer) + _R + ty.val_h + 2
    bottom = max(bottom, max(ys) + ty.e_h / 2 + ty.val * LINE_HEIGHT + 4)
    caption_y = bottom + 14 * ty.scale
    hidden = len(sizes) - 2
    captions = [(xs[0], "input")]
    for l in range(1, len(sizes) - 1):
        captions.append((xs[l], "hidden" if hidden == 1 else f"hidden {l}"))
    captions += [(xs[-1], "output"), (x_err, "error"), (x_total, "total error")]
    width = x_total + ty.e_w / 2 + _MARGIN
    height = caption_y + FONT_SIZES["bp-cap"] * ty.scale * LINE_HEIGHT / 2 + _MARGIN
    legend = (x_err - ty.e_w / 2, _MARGIN + 6)
    return _Layout(
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


# ------------------------------------------------------------------- style
#: Height of the warning line under the network, when there is one, and its font size.
_NOTICE_H = 26
_NOTICE_FS = 13.0

_STYLE = """
.bp-diagram{--bp-pos:#0072B2;--bp-neg:#D55E00;--bp-accent:#E69F00;
--bp-fg:var(--jp-ui-font-color1,#1a1a1a);--bp-fg2:#4d5156;--bp-fg3:#5f6368;--bp-dim-text:#676b71;
--bp-new-text:#007A5A;--bp-bg:var(--jp-layout-color1,#ffffff);
--bp-node:var(--jp-layout-color2,#eef1f5);--bp-line:var(--jp-border-color1,#9e9e9e);
font-family:var(--jp-ui-font-family,system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,
sans-serif)}
[data-jp-theme-light="false"] .bp-diagram{--bp-pos:#56B4E9;--bp-neg:#E8743B;
--bp-fg2:#c3c7cc;--bp-fg3:#a9adb3;--bp-dim-text:#989ca2;--bp-new-text:#3CC8A0}
.bp-diagram text{fill:var(--bp-fg);font-size:12px;dominant-baseline:central;text-anchor:middle}
.bp-diagram .bp-bg{fill:var(--bp-bg)}
.bp-diagram .bp-edge line{stroke:var(--bp-line);stroke-linecap:round}
.bp-diagram .bp-pos line{stroke:var(--bp-pos)}
.bp-diagram .bp-neg line{stroke:var(--bp-neg)}
.bp-diagram .bp-link line{stroke:var(--bp-line)}
.bp-diagram .bp-bias-edge line{stroke-dasharray:4 3}
.bp-diagram .bp-edge .bp-glow{stroke:var(--bp-accent);stroke-opacity:.45;stroke-dasharray:none}
.bp-diagram .bp-node circle,.bp-diagram .bp-unit,.bp-diagram .bp-error rect{
fill:var(--bp-node);stroke:var(--bp-line);stroke-width:1.5px}
.bp-diagram .bp-total rect{stroke-width:2px}
.bp-diagram .bp-active circle,.bp-diagram .bp-active .bp-unit,.bp-diagram .bp-error.bp-active rect{
stroke:var(--bp-accent);stroke-width:3.5px}
/* dimmed: shapes fade, text turns grey but stays legible (4.5:1 on either theme);
a dimmed label keeps its chip opaque, so lines never show through its text */
.bp-diagram .bp-dim line,.bp-diagram .bp-dim circle,.bp-diagram .bp-dim rect:not(.bp-chip){opacity:.42}
.bp-diagram .bp-dim text,.bp-diagram .bp-dim tspan{fill:var(--bp-dim-text)}
.bp-diagram .bp-name{font-size:13px;font-weight:600}
.bp-diagram .bp-one{font-size:12px;fill:var(--bp-fg2)}
.bp-diagram .bp-l1{font-size:12px}
.bp-diagram .bp-l2{font-size:10px;fill:var(--bp-fg2)}
.bp-diagram .bp-val{font-size:11px;fill:var(--bp-fg2)}
.bp-diagram .bp-ename{font-size:12px;font-weight:600}
.bp-diagram .bp-eval{font-size:12px}
.bp-diagram .bp-notice text{font-size:13px;font-weight:600;fill:var(--jp-error-color1,#D55E00);text-anchor:middle}
.bp-diagram .bp-cap{font-size:11px;fill:var(--bp-fg3);letter-spacing:.06em;text-transform:uppercase}
.bp-diagram .bp-end{text-anchor:end}
.bp-diagram .bp-key{font-size:11px;fill:var(--bp-fg2);text-anchor:start}
.bp-diagram .bp-key-step{fill:none;stroke:var(--bp-accent);stroke-width:2.5px}
.bp-diagram .bp-q{fill:var(--bp-fg3)}
.bp-diagram .bp-v{fill:var(--bp-fg)}
.bp-diagram .bp-newv{fill:var(--bp-new-text)}
.bp-diagram .bp-old{text-decoration:line-through}
.bp-diagram .bp-chip{fill:var(--bp-bg);fill-opacity:.94}
.bp-diagram .bp-active .bp-chip{stroke:var(--bp-accent);stroke-width:1.5px;fill-opacity:1}
.bp-diagram .bp-halo{paint-order:stroke;stroke:var(--bp-bg);stroke-width:4px;stroke-linejoin:round}
"""


@lru_cache(maxsize=16)
def _style(scale: float) -> str:
    """The stylesheet with every font size times ``scale``."""
    return re.sub(r"font-size:(\d+(?:\.\d+)?)px", lambda m: f"font-size:{float(m[1]) * scale:.4g}px", _STYLE)


# ------------------------------------------------------------------ render
def _f(x: float) -> str:
    """A coordinate, to a tenth of a pixel (formatting is most of a redraw: kept minimal)."""
    return f"{x:.1f}"


def _full(value: float) -> str:
    return repr(float(value))


def _sign_class(value: float) -> str:
    if value > 0:
        return "bp-pos"
    if value < 0:
        return "bp-neg"
    return "bp-zero"


def _stroke(value: float, biggest: float) -> str:
    if not math.isfinite(value) or not biggest > 0:
        return "1"
    return _f(min(4.0, 1.0 + 3.0 * abs(value) / biggest))


def _state(eid: str, active: set[str] | frozenset[str], lit: bool | None = None) -> str:
    if not active:
        return ""
    on = (eid in active) if lit is None else lit
    return " bp-active" if on else " bp-dim"


def _shorten(x0, y0, x1, y1, r0, r1):
    dx, dy = x1 - x0, y1 - y0
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    return x0 + ux * r0, y0 + uy * r0, x1 - ux * r1, y1 - uy * r1


def _line(x0, y0, x1, y1, width: str, glow: bool) -> str:
    coords = f'x1="{_f(x0)}" y1="{_f(y0)}" x2="{_f(x1)}" y2="{_f(y1)}"'
    line = f'<line {coords} stroke-width="{width}"/>'
    if glow:
        return f'<line class="bp-glow" {coords} stroke-width="{_f(float(width) + 7)}"/>' + line
    return line


def _label(
    level: str, name: str, value: float, new: float | None, grad: float | None, x: float, y: float, ty: _Type
) -> str:
    """A connection's (or shared bias unit's) label centred on (x, y), on a background chip.

    The chip hides the lines under the label; its width is estimated from the
    characters, as the layout reserved room for.
    """
    xs, ys = _f(x), _f(y)
    if level == "names":
        cls = "bp-l1 bp-newv" if new is not None else "bp-l1"
        chars, first, second = len(name), name, None
    else:
        shown = number(value if new is None else new)
        chars = len(name) + 3 + len(shown)
        first = f"{name} = " + (shown if new is None else f'<tspan class="bp-newv">{shown}</tspan>')
        cls = "bp-l1"
        second = None
        if level == "full":
            if new is not None:
                old = number(value)
                second, chars2 = f'was <tspan class="bp-old">{old}</tspan>', 4 + len(old)
            elif grad is not None:
                g = number(grad)
                second, chars2 = f"∂E/∂{name} = {g}", 7 + len(name) + len(g)
    w = ty.l1 * CHAR_WIDTH * chars
    top, bottom = y - ty.l1 * LINE_HEIGHT / 2, y + ty.l1 * LINE_HEIGHT / 2
    if second:
        w = max(w, ty.l2 * CHAR_WIDTH * chars2)
        bottom += ty.l2 * LINE_HEIGHT
    w += 6
    out = (
        f'<rect class="bp-chip" x="{_f(x - w / 2)}" y="{_f(top)}" width="{_f(w)}" '
        f'height="{_f(bottom - top)}" rx="4"/>'
        f'<text class="{cls}" x="{xs}" y="{ys}">{first}</text>'
    )
    if second:
        out += f'<text class="bp-l2" x="{xs}" y="{_f(y + ty.l2_offset)}">{second}</text>'
    return out


def _title(lines: Iterable[str]) -> str:
    """A tooltip, one line per fact."""
    return "<title>" + escape("\n".join(lines)) + "</title>"


def _param_title(name: str, old: float, grad: float | None, new: float | None, what: str) -> str:
    """A parameter's tooltip: its value to full precision, its gradient and new value once known."""
    lines = [f"{name} = {_full(old)} ({what})"]
    if grad is not None:
        lines.append(f"dE_total/d{name} = {_full(grad)}")
    if new is not None:
        lines.append(f"{name}+ = {_full(new)} (updated)")
    return _title(lines)


def render(
    network: Network,
    inputs: object,
    targets: object,
    values: Mapping[tuple[str, str], float] = _EMPTY,
    updated: Mapping[str, float] = _EMPTY,
    highlight: Iterable[str] = (),
    *,
    width: int | None = None,
    id_prefix: str = "bp-",
    text_scale: float = 1.0,
    detail: str = "full",
    notice: str = "",
) -> str:
    """The network as a standalone ``<svg>`` string.

    Parameters
    ----------
    network : Network
        Drawn with its current weights and biases; never changed.
    inputs, targets : sequences of floats, shapes (n_0,) and (n_L,)
        One example: inputs beside the input neurons, targets beside the
        error nodes.
    values : mapping of ``Step.key`` -> value
        What has been computed so far, by (quantity, neuron or parameter):
        ``("net", "h1")``, ``("out", "h1")``, ``("error", "o1")``,
        ``("total_error", "")``, ``("gradient", "w5")``, ``("d_out", "h1")``,
        ``("slope", "h1")``; anything absent shows as ``?``.
    updated : mapping of parameter name -> new value
        New values of weights and biases (``{"w5": 0.35891648}``), shown
        beside the old ones.
    highlight : iterable of str
        Diagram ids to emphasise (a step's ``elements``), see :func:`element_ids`.
    width : int, optional
        Largest width in px the diagram scales up to (default: its natural width).
    id_prefix : str
        Put before every ``id`` so several diagrams can share one page.
    text_scale : float
        Text this many times :data:`FONT_SIZES` (1 to 3), the layout made
        for it: labels keep apart, the viewBox grows less than the text.
    detail : ``"full"``, ``"compact"`` or ``"names"``
        The most a connection label may show: its value and a second line
        (the gradient, or the old value once updated), the value only, or
        the name only.  Shapes too crowded for it get less.
    notice : str
        A line of warning drawn under the network (e.g. that E_total is no
        longer finite); plain text, escaped here.

    Returns
    -------
    str
        An ``<svg>`` element: no scripts, no external resources, colours from
        JupyterLab's theme variables.
    """
    sizes = network.sizes
    shared = network.bias_mode == "shared"
    if not 1.0 <= text_scale <= 3.0 or detail not in _LEVELS:
        raise ValueError(f"text_scale must be 1 to 3 and detail one of {_LEVELS}, got {text_scale!r} and {detail!r}")
    lay = _layout(sizes, network.bias_mode, float(text_scale), detail)
    ty = lay.ty
    nm = network.names
    x, t = network.check_data(inputs, targets)
    x, t = x[0], t[0]
    active = frozenset(highlight)
    level = lay.level
    L = len(network.weights)

    # line widths scale with |value| against the largest finite parameter shown
    biggest = 0.0
    for array in (*network.weights, *network.biases, np.fromiter(updated.values(), float, len(updated))):
        magnitudes = np.abs(array[np.isfinite(array)])
        if magnitudes.size:
            biggest = max(biggest, float(magnitudes.max()))

    edges: list[str] = []
    labels: list[str] = []
    nodes: list[str] = []
    p = id_prefix

    def group(kind: str, eid: str, body: str, state: str, extra: str = "") -> str:
        return f'<g id="{p}{eid}" data-id="{eid}" class="{kind}{extra}{state}">{body}</g>'

    # ------------------------------------------------------------ weights
    for l in range(L):
        W = network.weights[l]
        senders, receivers = lay.neurons[l], lay.neurons[l + 1]
        for k, row in enumerate(nm.weights[l]):
            xk, yk = receivers[k]
            for j, w in enumerate(row):
                old = float(W[k, j])
                new = updated.get(w)
                shown = old if new is None else float(new)
                grad = values.get(("gradient", w))
                xj, yj = senders[j]
                state = _state(w, active)
                title = _param_title(w, old, grad, new, f"weight from {nm.neurons[l][j]} to {nm.neurons[l + 1][k]}")
                body = title + _line(*_shorten(xj, yj, xk, yk, _R, _R), _stroke(shown, biggest), state == " bp-active")
                edges.append(group("bp-edge", w, body, state, " " + _sign_class(shown)))
                ax, ay = lay.anchors[w]
                labels.append(
                    f'<g class="bp-edge-label{state}" data-for="{w}">{title}'
                    f"{_label(level, w, old, new, grad, ax, ay, ty)}</g>"
                )

    # ------------------------------------------------------------- biases
    for l in range(L):
        unit = nm.bias_units[l]
        ux, uy = lay.units[l]
        receivers = lay.neurons[l + 1]
        layer_names = nm.neurons[l + 1]
        any_neuron = any(n in active for n in layer_names)
        params = nm.biases[l]
        unit_on = unit in active or (not shared and any(b in active for b in params))
        for k, (xk, yk) in enumerate(receivers):
            old = float(network.biases[l][0 if shared else k])
            pname = params[k]
            new = updated.get(pname)
            shown = old if new is None else float(new)
            coords = _shorten(ux, uy, xk, yk, _UNIT / 2 + 2, _R)
            if shared:
                eid = f"{unit}-{layer_names[k]}"
                lit = unit in active and (layer_names[k] in active or not any_neuron)
                state = _state(eid, active, lit)
                title = _param_title(
                    unit, old, values.get(("gradient", unit)), new, f"bias into {layer_names[k]}, times the unit's 1"
                )
                body = title + _line(*coords, _stroke(shown, biggest), state == " bp-active")
                edges.append(group("bp-edge bp-bias-edge", eid, body, state, " " + _sign_class(shown)))
            else:
                grad = values.get(("gradient", pname))
                state = _state(pname, active)
                title = _param_title(pname, old, grad, new, f"bias of {layer_names[k]}, times the unit's 1")
                body = title + _line(*coords, _stroke(shown, biggest), state == " bp-active")
                edges.append(group("bp-edge bp-bias-edge", pname, body, state, " " + _sign_class(shown)))
                ax, ay = lay.anchors[pname]
                labels.append(
                    f'<g class="bp-edge-label{state}" data-for="{pname}">{title}'
                    f"{_label(level, pname, old, new, grad, ax, ay, ty)}</g>"
                )
        # the unit itself: a square that always outputs 1, its shared value above it
        h = _UNIT / 2
        what = f"bias unit of the {_layer_word(l + 1, L)}, its output is always 1"
        text_y = uy - h - _PAD
        if shared:  # the value sits on the unit, with room for two lines even among names only
            unit_level = level if level != "names" else "compact"
            old = float(network.biases[l][0])
            new, grad = updated.get(unit), values.get(("gradient", unit))
            title = _param_title(unit, old, grad, new, what)
            text = _label(unit_level, unit, old, new, grad, ux, text_y - _label_size(unit, unit_level, ty)[2], ty)
        else:
            title = _title([f"{unit}: {what}"])
            text = (
                f'<text class="bp-l1 bp-halo" x="{_f(ux)}" y="{_f(text_y - ty.l1 * LINE_HEIGHT / 2 - 1)}">{unit}</text>'
            )
        body = (
            title + f'<rect class="bp-unit" x="{_f(ux - h)}" y="{_f(uy - h)}" width="{_f(_UNIT)}" '
            f'height="{_f(_UNIT)}" rx="7"/><text class="bp-one" x="{_f(ux)}" y="{_f(uy)}">1</text>' + text
        )
        nodes.append(group("bp-bias", unit, body, _state(unit, active, unit_on)))

    # ------------------------------------------------------------ neurons
    for l, layer in enumerate(nm.neurons):
        for j, name in enumerate(layer):
            cx, cy = lay.neurons[l][j]
            state = _state(name, active)
            circle = f'<circle cx="{_f(cx)}" cy="{_f(cy)}" r="{_f(_R)}"/>'
            label = f'<text class="bp-name" x="{_f(cx)}" y="{_f(cy)}">{name}</text>'
            if l == 0:
                tip = [f"{name} = {_full(x[j])} (input)"]
                extra = (
                    f'<text class="bp-val bp-end bp-halo" x="{_f(cx - _R - 6)}" y="{_f(cy)}">'
                    f'<tspan class="bp-v">{number(float(x[j]))}</tspan></text>'
                )
                kind = "bp-node bp-input"
            else:
                tip = [f"{name}: {_layer_word(l, L)} neuron, activation {network.activations[l - 1]}"]
                parts = []
                y_text = cy + _R + ty.val * LINE_HEIGHT / 2 + 1
                for q in ("net", "out"):
                    sym = f"{q}_{name}"
                    v = values.get((q, name))
                    if v is None:
                        shown = '<tspan class="bp-q">?</tspan>'
                    else:
                        shown = f'<tspan class="bp-v">{number(v)}</tspan>'
                        tip.append(f"{sym} = {_full(v)}")
                    parts.append(f'<text class="bp-val bp-halo" x="{_f(cx)}" y="{_f(y_text)}">{q} {shown}</text>')
                    y_text += ty.val * LINE_HEIGHT
                for sym, key in (
                    (f"dE_total/dout_{name}", ("d_out", name)),
                    (f"dout_{name}/dnet_{name}", ("slope", name)),
                ):
                    if key in values:
                        tip.append(f"{sym} = {_full(values[key])}")
                extra = "".join(parts)
                kind = "bp-node bp-output" if l == L else "bp-node bp-hidden"
            nodes.append(group(kind, name, _title(tip) + circle + label + extra, state))

    # ------------------------------------------------------------- errors
    total_id = "E_total"
    tx, t_y = lay.total
    for k, o in enumerate(nm.neurons[-1]):
        eid = f"E_{o}"
        ex, ey = lay.errors[k]
        ox, oy = lay.neurons[-1][k]
        # the links light up with both of their ends
        for a, b, ends in (
            ((o, eid), (f"out_{o}", eid), (ox + _R, oy, ex - ty.e_w / 2, ey)),
            ((eid, total_id), (eid, total_id), (ex + ty.e_w / 2, ey, tx - ty.e_w / 2, t_y)),
        ):
            link = f"{a[0]}-{a[1]}"
            state = _state(link, active, a[0] in active and a[1] in active)
            edges.append(
                group(
                    "bp-edge bp-link",
                    link,
                    _title([f"{b[0]} -> {b[1]}"]) + _line(*ends, "1.5", state == " bp-active"),
                    state,
                )
            )
        v = values.get(("error", o))
        tip = [f"{eid}: error of {o} ({network.loss} loss)", f"target_{o} = {_full(t[k])}"]
        if v is not None:
            tip.append(f"{eid} = {_full(v)}")
        nodes.append(
            group(
                "bp-error",
                eid,
                _title(tip) + _error_box(eid, v, ex, ey, ty) + f'<text class="bp-val bp-halo" x="{_f(ex)}" '
                f'y="{_f(ey + ty.e_h / 2 + ty.val * LINE_HEIGHT / 2 + 3)}">target '
                f'<tspan class="bp-v">{number(float(t[k]))}</tspan></text>',
                _state(eid, active),
            )
        )
    v = values.get(("total_error", ""))
    tip = [f"{total_id}: the sum of the output errors"]
    if v is not None:
        tip.append(f"{total_id} = {_full(v)}")
    nodes.append(
        group(
            "bp-error bp-total", total_id, _title(tip) + _error_box(total_id, v, tx, t_y, ty), _state(total_id, active)
        )
    )

    legend = _legend(*lay.legend, ty.scale)
    captions = "".join(
        f'<text class="bp-cap" x="{_f(cx)}" y="{_f(lay.caption_y)}">{text}</text>' for cx, text in lay.captions
    )
    shape = "-".join(map(str, sizes))
    max_width = lay.width if width is None else int(width)
    notice_h = _NOTICE_H * ty.scale
    height = lay.height + (round(notice_h) if notice else 0)
    # a notice wider than the diagram is squeezed to fit, not cut at the edges
    room = lay.width - 2 * _MARGIN
    fit = (
        f' textLength="{_f(room)}" lengthAdjust="spacingAndGlyphs"'
        if len(notice) * _NOTICE_FS * ty.scale * CHAR_WIDTH > room
        else ""
    )
    warning = (
        f'<g class="bp-notice" data-id="notice"><text x="{_f(lay.width / 2)}" '
        f'y="{_f(lay.height + notice_h / 2 - 4)}"{fit}>{escape(notice)}</text></g>'
        if notice
        else ""
    )
    return "".join(
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="bp-diagram" id="{p}diagram" '
            f'viewBox="0 0 {lay.width} {height}" width="100%" style="max-width:{max_width}px" '
            f'role="img" aria-labelledby="{p}diagram-title">',
            f'<title id="{p}diagram-title">Network {shape}: neurons, weights and errors'
            f"{'. ' + escape(notice) if notice else ''}</title>",
            "<style>",
            _style(ty.scale),
            "</style>",
            f'<rect class="bp-bg" width="{lay.width}" height="{height}" rx="8"/>',
            '<g class="bp-edges">',
            *edges,
            "</g>",
            '<g class="bp-nodes">',
            *nodes,
            "</g>",
            '<g class="bp-labels">',
            *labels,
            "</g>",
            captions,
            legend,
            warning,
            "</svg>",
        )
    )


def _legend(x: float, y: float, scale: float) -> str:
    """Key to the colours: line samples for the signs, a swatch for the current step."""
    rows = []
    row = 16 * scale
    for i, (cls, text) in enumerate((("bp-pos", "positive weight"), ("bp-neg", "negative weight"))):
        yy = y + i * row
        rows.append(
            f'<g class="bp-edge {cls}"><line x1="{_f(x)}" y1="{_f(yy)}" x2="{_f(x + 22)}" '
            f'y2="{_f(yy)}" stroke-width="2.5"/></g>'
            f'<text class="bp-key" x="{_f(x + 30)}" y="{_f(yy)}">{text}</text>'
        )
    yy = y + 2 * row
    rows.append(
        f'<rect class="bp-key-step" x="{_f(x + 4)}" y="{_f(yy - 6)}" width="14" height="12" rx="3"/>'
        f'<text class="bp-key" x="{_f(x + 30)}" y="{_f(yy)}">in this step</text>'
    )
    rows.append(
        f'<text class="bp-key" x="{_f(x)}" y="{_f(y + _LEGEND_ROWS * row)}">thicker line: larger |weight|</text>'
    )
    return '<g class="bp-legend">' + "".join(rows) + "</g>"


def _error_box(name: str, value: float | None, x: float, y: float, ty: _Type) -> str:
    shown = '<tspan class="bp-q">?</tspan>' if value is None else number(value)
    return (
        f'<rect x="{_f(x - ty.e_w / 2)}" y="{_f(y - ty.e_h / 2)}" width="{_f(ty.e_w)}" '
        f'height="{_f(ty.e_h)}" rx="8"/>'
        f'<text class="bp-ename" x="{_f(x)}" y="{_f(y - 8 * ty.scale)}">{name}</text>'
        f'<text class="bp-eval" x="{_f(x)}" y="{_f(y + 9 * ty.scale)}">{shown}</text>'
    )


def _layer_word(l: int, L: int) -> str:
    if l == L:
        return "output layer"
    return "hidden layer" if L == 2 else f"hidden layer {l}"


def element_ids(network: Network) -> set[str]:
    """Every ``data-id`` the diagram of ``network`` contains."""
    nm = network.names
    shared = network.bias_mode == "shared"
    ids: set[str] = set()
    for layer in nm.neurons:
        ids.update(layer)
    for layer in nm.weights:
        for row in layer:
            ids.update(row)
    for l, unit in enumerate(nm.bias_units):
        ids.add(unit)
        if shared:
            ids.update(f"{unit}-{n}" for n in nm.neurons[l + 1])
        else:
            ids.update(nm.biases[l])
    for o in nm.neurons[-1]:
        ids.update((f"E_{o}", f"{o}-E_{o}", f"E_{o}-E_total"))
    ids.add("E_total")
    return ids
