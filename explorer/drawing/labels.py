"""Where the labels of the connections between two layers go, and how wide that gap must be.

A label sits centred on its own line, in one of a row of candidate columns
across the gap between two layers: the first column from the sending side
that overlaps nothing placed so far (node texts and bias units included),
else the first from the receiving side.  No label covers the middle of a
line other than its own, where a reader looks for that line's label (two
lines crossing midway share one).  :func:`solve_pair` finds the narrowest
gap in which every label of a layer pair finds a place.

Everything here is in the pair's own frame: the sending layer at x = 0, the
receiving layer at x = gap, each layer's neurons centred on y = 0;
:mod:`explorer.drawing.assembly` puts the pairs side by side.
"""

from __future__ import annotations

import bisect
import math
from functools import lru_cache

from .sizes import PAD, UNIT, R, TextSizes, unit_label_size

_COLUMN_STEP = 12.0  # spacing of the candidate label columns
GAP_STEP = 8.0  # precision of the layer gap search
_CHIP_SLACK = 2.0  # a label's chip is up to 4 px wider than its reserved box (marks.label_chip): 2 a side


def column_of(n: int, dy: float) -> list[float]:
    """Vertical positions of a layer's ``n`` neurons, ``dy`` apart, centred on 0."""
    return [(j - (n - 1) / 2) * dy for j in range(n)]


def unit_x(gap: float) -> float:
    """Where a bias unit sits across its layer gap."""
    return 0.3 * gap


def min_pair_gap(box: tuple[float, float, float]) -> float:
    """No gap is narrower than one label column between two circles."""
    return 2 * (R + 2 * PAD) + box[0] + 2 * _COLUMN_STEP


def _insert(starts: list[float], ends: list[float], lo: float, hi: float) -> None:
    """Add [lo, hi] to a sorted union of disjoint intervals."""
    i = bisect.bisect_left(ends, lo)
    j = bisect.bisect_right(starts, hi)
    if i < j:
        lo, hi = min(lo, starts[i]), max(hi, ends[j - 1])
    starts[i:j] = [lo]
    ends[i:j] = [hi]


def midpoint(x0: float, y0: float, x1: float, y1: float, r0: float = R, r1: float = R) -> tuple[float, float]:
    """The middle of a line drawn from (x0, y0) to (x1, y1), ``r0`` and ``r1`` left off its ends."""
    length = math.hypot(x1 - x0, y1 - y0) or 1.0
    shift = (r0 - r1) / 2 / length  # the drawn line's middle moves toward the end shortened less
    return (x0 + x1) / 2 + (x1 - x0) * shift, (y0 + y1) / 2 + (y1 - y0) * shift


def _column_middles(lines, xs: list[float], half: float) -> tuple[list, list[list[float]]]:
    """The lines' middles, and the ys (sorted) of those under each column's label box, ``half`` wide each side."""
    # a line as short at both ends has its middle halfway, exactly as midpoint works it out (a zero shift)
    points = [
        ((x0 + x1) / 2 + (x1 - x0) * 0.0, (y0 + y1) / 2 + (y1 - y0) * 0.0)
        if r0 == r1
        else midpoint(x0, y0, x1, y1, r0, r1)
        for x0, y0, x1, y1, r0, r1 in lines
    ]
    by_x = sorted(points)
    px_ = [x for x, _ in by_x]
    middles = []
    for xc in xs:
        lo_i, hi_i = bisect.bisect_right(px_, xc - half), bisect.bisect_left(px_, xc + half)
        middles.append(sorted(y for _, y in by_x[lo_i:hi_i]))
    return points, middles


def place_pair(
    edges: list[tuple[float, float, float, float]],
    box: tuple[float, float, float],
    obstacles: list[tuple[float, float, float, float]],
    x_lo: float,
    x_hi: float,
    from_sender: bool = True,
    lines: list[tuple[float, float, float, float, float, float]] | None = None,
) -> tuple[tuple[float, float], ...] | None:
    """Label anchors for the connections between two layers, or None if they don't fit.

    ``edges`` are (x0, y0, x1, y1) with x0 < x1; ``box`` a label's (width,
    top, bottom) about its anchor.  Labels are centred on their line at one
    of a row of candidate columns between ``x_lo`` and ``x_hi``, tried from
    the sending side (or the receiving side).  Each column keeps the union of
    the y-ranges blocked by everything overlapping its x-range, so testing a
    place is one bisection.  With ``lines`` (every line drawn across the gap,
    as (x0, y0, x1, y1, r0, r1), those of ``edges`` first and in their
    order), no label covers the middle of a line but its own, where a reader
    looks for that line's label.
    """
    global _last_grid
    # callers ask again on the same grid with other edges or from the other side (a current-step
    # layout tries every neuron's connections at one gap): the grid is made once
    key = (box, x_lo, x_hi, tuple(obstacles), None if lines is None else tuple(lines))
    last_key, grid = _last_grid
    if key != last_key:
        grid = _grid(box, obstacles, x_lo, x_hi, lines)
        _last_grid = (key, grid)  # one assignment: a grid never goes with another key
    return None if grid is None else _pack(edges, box, grid, from_sender)


# (the arguments of place_pair's last grid, that grid): a one-entry memo compared by equality, which
# meets the same obstacle tuples by identity; lru_cache would hash them on every call (the largest
# network's first build took 0.75 s of CPU that way against 0.5 s)
_last_grid: tuple = (None, None)


def _grid(box, obstacles, x_lo: float, x_hi: float, lines):
    """What packing from either side starts from: the candidate columns, what blocks each, and the lines' middles.

    None if there is no column at all.
    """
    width = box[0]
    span = x_hi - x_lo
    if span < 0:
        return None
    count = int(span // _COLUMN_STEP) + 1
    xs = [x_lo] if count == 1 else [x_lo + span * c / (count - 1) for c in range(count)]
    # the xs rise, so what misses the first and last columns' boxes misses every one (most circles do)
    near = [ob for ob in obstacles if ob[0] < xs[-1] + width / 2 and ob[2] > xs[0] - width / 2]
    columns: list[tuple[list[float], list[float]]] = []
    for xc in xs:
        starts: list[float] = []
        ends: list[float] = []
        for x0, y0, x1, y1 in near:
            if x0 < xc + width / 2 and x1 > xc - width / 2:
                _insert(starts, ends, y0, y1)
        columns.append((starts, ends))
    points, middles = ([], []) if lines is None else _column_middles(lines, xs, width / 2 + _CHIP_SLACK)
    return xs, columns, points, middles, _reach(xs, width)


def _reach(xs: list[float], width: float) -> list[list[int]]:
    """For each column, the columns whose label boxes overlap its own, in order.

    The xs rise, so those are a run about the column: found by walking out from it.
    """
    reach = []
    for c, xc in enumerate(xs):
        lo, hi = c, c + 1
        while lo > 0 and abs(xs[lo - 1] - xc) < width:
            lo -= 1
        while hi < len(xs) and abs(xs[hi] - xc) < width:
            hi += 1
        reach.append(list(range(lo, hi)))
    return reach


def _pack(edges, box, grid, from_sender: bool) -> tuple[tuple[float, float], ...] | None:
    """Place each edge's label in the first free column from one side (:func:`place_pair`); ``grid`` is kept.

    The innermost loop of every layout search, so bisections and tests are inlined,
    and each column's blocked ys end in an infinite one, so a bisection always lands.
    """
    width, top, bottom = box
    half = width / 2 + _CHIP_SLACK
    xs, blocked, points, middles, reach = grid
    columns = [(starts + [math.inf], ends + [math.inf]) for starts, ends in blocked]  # the grid serves both sides
    near = [[columns[d] for d in ds] for ds in reach]
    order = range(len(xs)) if from_sender else range(len(xs) - 1, -1, -1)
    inside: dict[tuple[float, float], list] = {}  # per x-range: the columns strictly within it, in order
    left, right = bisect.bisect_left, bisect.bisect_right
    anchors = []
    for e, (x0, y0, x1, y1) in enumerate(edges):
        if (x0, x1) not in inside:
            inside[x0, x1] = [(c, xs[c], xs[c] - x0, *columns[c], near[c]) for c in order if x0 + 1 < xs[c] < x1 - 1]
        rise, run = y1 - y0, x1 - x0
        for c, xc, along, starts, ends, touching in inside[x0, x1]:
            y = y0 + rise * along / run
            lo, hi = y + top, y + bottom
            if starts[left(ends, lo)] < hi:  # the first blocked interval ending after lo
                continue
            if middles:  # another line's middle under the label (its own line's may be)
                ys = middles[c]
                count = left(ys, hi) - right(ys, lo)
                if count and abs(points[e][0] - xc) < half and lo < points[e][1] < hi:
                    count -= 1
                if count:
                    continue
            for starts, ends in touching:  # _insert, inlined
                i, j = left(ends, lo), right(starts, hi)
                if i == j:
                    starts.insert(i, lo)
                    ends.insert(i, hi)
                else:
                    starts[i:j] = [min(lo, starts[i])]
                    ends[i:j] = [max(hi, ends[j - 1])]
            anchors.append((xc, y))
            break
        else:
            return None
    return tuple(anchors)


def pair_problem(
    n_s: int,
    n_r: int,
    n_max: int,
    box: tuple[float, float, float],
    shared: bool,
    level: str,
    dy: float,
    gap: float,
    sender_texts: bool,
    ty: TextSizes,
):
    """Edges and obstacles of one layer pair, the sending layer at x = 0, the receiving at x = gap.

    Edges are the weights in naming order (receiving neuron, then sending),
    then the per-neuron bias connections; every label has the same reserved
    ``box`` (the widest name's), so the answer depends on the shape only.
    """
    ys_s = column_of(n_s, dy)
    ys_r = column_of(n_r, dy)
    row = -(n_max - 1) / 2 * dy - ty.rise
    xb = unit_x(gap)
    edges = [(0.0, yj, gap, yk) for yk in ys_r for yj in ys_s]
    if not shared:
        edges += [(xb, row, gap, yk) for yk in ys_r]
    obstacles = []
    for x, ys, texts in ((0.0, ys_s, sender_texts), (gap, ys_r, True)):
        for y in ys:
            obstacles.append((x - R - PAD, y - R - PAD, x + R + PAD, y + R + PAD))
            if texts:
                obstacles.append((x - ty.val_w / 2, y + R, x + ty.val_w / 2, y + R + ty.val_h + 2))
    h = UNIT / 2 + PAD
    obstacles.append((xb - h, row - h, xb + h, row + h))
    uw, uh = unit_label_size(level, ty)
    obstacles.append((xb - uw / 2, row - h - uh, xb + uw / 2, row - h))
    # every line drawn across the gap: the weights', then the bias unit's (its end at the square)
    lines = [(*edge, R, R) for edge in edges[: n_s * n_r]] + [(xb, row, gap, yk, UNIT / 2 + 2, R) for yk in ys_r]
    return edges, obstacles, lines


def attempt(n_s, n_r, n_max, box, shared, level, dy, gap, sender_texts, ty):
    """Label anchors for one layer pair at one ``gap``, packed from either side; None if neither fits.

    No label covers a line but its own.
    """
    edges, obstacles, lines = pair_problem(n_s, n_r, n_max, box, shared, level, dy, gap, sender_texts, ty)
    reach = R + 2 * PAD + box[0] / 2  # a label keeps clear of the circles at both ends
    grid = _grid(box, obstacles, reach, gap - reach, lines)
    if grid is None:
        return None
    for from_sender in (True, False):  # each packs some shapes tighter
        found = _pack(edges, box, grid, from_sender)
        if found is not None:
            return found
    return None


@lru_cache(maxsize=4096)
def solve_pair(
    n_s: int,
    n_r: int,
    n_max: int,
    box: tuple[float, float, float],
    shared: bool,
    level: str,
    dy: float,
    sender_texts: bool,
    ty: TextSizes,
    max_gap: float = math.inf,
):
    """(gap, anchors) for the narrowest gap, to ``GAP_STEP`` px, whose labels all fit.

    None if no gap up to ``max_gap`` does.
    """
    args = (n_s, n_r, n_max, box, shared, level, dy)
    # Whether labels fit is not monotonic in the gap (a wider gap moves every
    # crossing), so scan upward in coarse steps, then refine below the first fit.
    # The scan is shared by every max_gap (layer pairs of one shape get different ones).
    scan = _scan(*args, sender_texts, ty)
    limit = min(max_gap, 40 * box[0])
    while scan[1] is None and scan[0] <= limit:
        found = attempt(*args, scan[0], sender_texts, ty)
        if found is None:
            scan[0] += 3 * GAP_STEP
        else:
            scan[1] = _refine(args, scan[0], found, sender_texts, ty)
    return scan[1] if scan[1] is not None and scan[0] <= limit else None


@lru_cache(maxsize=4096)
def _scan(n_s, n_r, n_max, box, shared, level, dy, sender_texts, ty) -> list:
    """A layer pair's gap scan so far: [the coarse gap tried next or found, (gap, anchors) once found]."""
    return [min_pair_gap(box), None]


def _refine(args: tuple, gap: float, found, sender_texts: bool, ty: TextSizes):
    """(gap, anchors) at the narrowest of ``gap`` (where labels fit) and the two finer steps below it."""
    for finer in (gap - 2 * GAP_STEP, gap - GAP_STEP):
        if finer >= min_pair_gap(args[3]):
            got = attempt(*args, finer, sender_texts, ty)
            if got is not None:
                return finer, got
    return gap, found
