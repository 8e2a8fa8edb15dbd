"""The label solver of one layer gap: every label on its own line, clear of every other and of the nodes."""

from __future__ import annotations

import random

import pytest

from explorer.drawing import labels
from explorer.drawing.labels import (
    GAP_STEP,
    _insert,
    _reach,
    attempt,
    column_of,
    midpoint,
    min_pair_gap,
    pair_problem,
    place_pair,
    solve_pair,
    unit_x,
)
from explorer.drawing.sizes import PAD, R, label_size, text_sizes

TY = text_sizes(1.0)


def _clash(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _check_placement(edges, box, obstacles, anchors, lines=()):
    """Each anchor on its edge, strictly inside it; no two label boxes and no label and obstacle overlap.

    With ``lines`` (every line drawn, the labelled ones first): no label box holds the middle of a
    line other than its own.
    """
    width, top, bottom = box
    assert len(anchors) == len(edges)
    boxes = []
    for (x0, y0, x1, y1), (x, y) in zip(edges, anchors):
        assert x0 < x < x1
        assert y == pytest.approx(y0 + (y1 - y0) * (x - x0) / (x1 - x0))
        boxes.append((x - width / 2, y + top, x + width / 2, y + bottom))
    for i, a in enumerate(boxes):
        assert not any(_clash(a, b) for b in boxes[i + 1 :])
        assert not any(_clash(a, o) for o in obstacles)
        for k, line in enumerate(lines):
            mx, my = midpoint(*line)
            assert k == i or not (a[0] < mx < a[2] and a[1] < my < a[3]), (i, k)


def test_insert_keeps_a_sorted_union_of_disjoint_intervals():
    starts, ends = [], []
    for lo, hi in [(5, 6), (1, 2), (8, 9), (1.5, 5.5), (10, 11)]:
        _insert(starts, ends, lo, hi)
    assert (starts, ends) == ([1, 8, 10], [6, 9, 11])
    _insert(starts, ends, 0, 12)
    assert (starts, ends) == ([0], [12])


def test_neurons_are_centred_and_the_bias_unit_sits_a_third_across():
    assert column_of(3, 10.0) == [-10.0, 0.0, 10.0]
    assert column_of(1, 10.0) == [0.0]
    assert unit_x(200.0) == pytest.approx(60.0)


def test_crossing_lines_get_labels_that_keep_apart():
    # two lines that cross in the middle of the gap: both labels cannot sit there
    edges = [(0.0, -50.0, 300.0, 50.0), (0.0, 50.0, 300.0, -50.0)]
    box = (60.0, -8.0, 8.0)
    anchors = place_pair(edges, box, [], 40.0, 260.0)
    _check_placement(edges, box, [], anchors)
    # from the receiving side the first label goes as far right as it can
    backwards = place_pair(edges, box, [], 40.0, 260.0, from_sender=False)
    _check_placement(edges, box, [], backwards)
    assert backwards[0][0] > anchors[0][0]


def test_a_label_keeps_off_the_middle_of_another_line():
    # two lines crossing at (150, 0): their middles coincide, where neither label may sit
    edges = [(0.0, -50.0, 300.0, 50.0), (0.0, 50.0, 300.0, -50.0)]
    lines = [(*e, 0.0, 0.0) for e in edges]
    box = (60.0, -8.0, 8.0)
    anchors = place_pair(edges, box, [], 140.0, 160.0, lines=lines)
    assert anchors is None  # every column in reach covers the crossing
    anchors = place_pair(edges, box, [], 40.0, 260.0, lines=lines)
    _check_placement(edges, box, [], anchors, lines)
    assert midpoint(0.0, 0.0, 100.0, 0.0, 30.0, 10.0) == pytest.approx((60.0, 0.0))  # the drawn part's middle


def test_obstacles_are_avoided_and_no_room_is_none():
    edges = [(0.0, 0.0, 300.0, 0.0)]
    box = (40.0, -8.0, 8.0)
    wall = [(0.0, -20.0, 150.0, 20.0)]  # covers the left half of the line
    (anchor,) = place_pair(edges, box, wall, 30.0, 270.0)
    assert anchor[0] - 20.0 >= 150.0
    assert place_pair(edges, box, [(0.0, -20.0, 300.0, 20.0)], 30.0, 270.0) is None
    assert place_pair(edges, box, [], 200.0, 100.0) is None  # an empty range of columns


@pytest.mark.parametrize("shared", [True, False])
@pytest.mark.parametrize("n_s, n_r", [(2, 2), (4, 3), (8, 8), (1, 5)])
def test_the_narrowest_gap_found_places_every_label(n_s, n_r, shared):
    level, dy = "full", 120.0
    n_max = max(n_s, n_r)
    box = label_size("w64", level, TY)
    gap, anchors = solve_pair(n_s, n_r, n_max, box, shared, level, dy, True, TY)
    assert gap >= min_pair_gap(box)
    edges, obstacles, lines = pair_problem(n_s, n_r, n_max, box, shared, level, dy, gap, True, TY)
    assert len(edges) == n_s * n_r + (0 if shared else n_r)  # weights, then each neuron's own bias
    assert len(lines) == n_s * n_r + n_r  # every line drawn: the weights', then the bias unit's
    assert [line[:4] for line in lines[: len(edges)]] == edges
    _check_placement(edges, box, obstacles, anchors, lines)
    assert attempt(n_s, n_r, n_max, box, shared, level, dy, gap, True, TY) == anchors
    # the search went up in steps of GAP_STEP from the floor: nothing narrower by a step fits
    narrower = gap - GAP_STEP
    if narrower >= min_pair_gap(box):
        assert attempt(n_s, n_r, n_max, box, shared, level, dy, narrower, True, TY) is None


def test_a_gap_wider_than_allowed_is_no_answer():
    box = label_size("w64", "full", TY)
    gap, _ = solve_pair(8, 8, 8, box, True, "full", 60.0, True, TY)
    assert solve_pair(8, 8, 8, box, True, "full", 60.0, True, TY, max_gap=gap - 3 * GAP_STEP) is None


def test_a_gap_scan_shared_by_every_room_answers_as_a_fresh_one():
    box = label_size("w64", "full", TY)
    args = (8, 8, 8, box, True, "full", 60.0, True, TY)
    labels.solve_pair.cache_clear()
    labels._scan.cache_clear()
    fresh = solve_pair(*args)
    labels.solve_pair.cache_clear()
    labels._scan.cache_clear()
    # asked with too little room first, the scan stops early; with more it goes on from there
    assert solve_pair(*args, max_gap=min_pair_gap(box) + GAP_STEP) is None
    assert solve_pair(*args, max_gap=fresh[0] + 4 * GAP_STEP) == fresh
    assert solve_pair(*args, max_gap=fresh[0] - 3 * GAP_STEP) is None
    assert solve_pair(*args) == fresh


def test_a_grid_is_reused_only_for_the_same_problem():
    box = label_size("w64", "full", TY)
    gap, anchors = solve_pair(4, 3, 4, box, False, "full", 90.0, True, TY)
    edges, obstacles, lines = pair_problem(4, 3, 4, box, False, "full", 90.0, gap, True, TY)
    reach = R + 2 * PAD + box[0] / 2  # as attempt leaves clear of the circles
    lo, hi = reach, gap - reach
    wall = [(0.0, -1000.0, gap, 1000.0)]

    def fresh(*args):
        labels._last_grid = (None, None)
        return place_pair(*args)

    calls = [
        (edges, box, obstacles, lo, hi, True, lines),
        (edges[:5], box, obstacles, lo, hi, False, lines),  # the same grid, other edges and side
        (edges, box, obstacles + wall, lo, hi, True, lines),  # another grid, with no room at all
        (edges, box, obstacles, lo, hi, True, None),
        (edges, box, obstacles, lo, hi, True, lines),
    ]
    answers = [place_pair(*call) for call in calls]
    assert answers == [fresh(*call) for call in calls]
    assert answers[0] == answers[4] == anchors and answers[2] is None


def test_a_columns_reach_is_every_column_its_label_box_overlaps():
    rng = random.Random(3)
    for _ in range(50):
        count, span, width = rng.randint(1, 40), rng.uniform(0.0, 600.0), rng.uniform(5.0, 150.0)
        xs = [30.0] if count == 1 else [30.0 + span * c / (count - 1) for c in range(count)]
        assert _reach(xs, width) == [[d for d, xd in enumerate(xs) if abs(xd - xc) < width] for xc in xs]
