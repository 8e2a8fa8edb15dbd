"""The search for a shape's layout: its neuron spacing, its layer gaps and how much each label shows.

Most tests read the layout as drawn (``render``), with label boxes estimated
as the layout estimates them (font size x 0.6 per character, 1.2 x font
size tall, centred on the text's y); the browser test in test_diagram.py
checks the estimates against Chromium's own boxes.  The rest ask
:func:`~explorer.drawing.layout.layout` directly.
"""

from __future__ import annotations

import math

import pytest

from explorer.drawing import layout as layout_module
from explorer.drawing.diagram import render
from explorer.drawing.layout import layout
from explorer.drawing.sizes import (
    FIT,
    LEVELS,
    PRESENTER_ROOM,
    PRESENTER_SCALE,
    SHORT_CHARS,
    VALUE_CHARS,
    label_size,
    text_sizes,
    value_text,
)
from explorer.engine.formatting import number
from explorer.engine.naming import names
from explorer.engine.presets import random_data, random_network
from explorer.lesson.walkthrough import walkthrough
from tests.helpers.svg import (
    NS,
    circle_boxes,
    final_state,
    gradients_only,
    groups,
    label,
    overlaps,
    parse,
    smallest_px,
    state_at,
    text_boxes,
    text_of,
)

# ------------------------------------------------------- as drawn
SHAPES = [(2, 2, 2), (2, 3, 2), (3, 4, 3, 2), (8, 8, 8, 8), (4, 8, 8, 2), (1, 1), (16, 1), (1, 5, 1)]


@pytest.mark.parametrize("scale, detail", [(1.0, "full"), (1.2, "compact"), (1.6, "full")])
@pytest.mark.parametrize("mode", ["shared", "per-neuron"])
@pytest.mark.parametrize("sizes", SHAPES, ids=lambda s: "-".join(map(str, s)))
def test_no_two_texts_overlap(sizes, mode, scale, detail):
    net = random_network(sizes, seed=7, bias_mode=mode, update_biases=True)
    xs, ts = random_data(net)
    x, t = xs[0], ts[0]
    wt = walkthrough(net, x, t)
    for values, updated, hl in (({}, {}, ()), gradients_only(wt), final_state(wt)):
        root = parse(render(net, x, t, values, updated, hl, text_scale=scale, detail=detail))
        boxes = text_boxes(root, scale)
        clashes = overlaps(boxes)
        assert not clashes, clashes[:3]
        # and no label covers a neuron
        circles = circle_boxes(root)
        labels = [b for b in boxes if b[0].startswith(("w", "b_"))]
        assert not overlaps(labels, circles), overlaps(labels, circles)[:3]


@pytest.mark.parametrize("sizes", [(8, 8, 8, 8), (4, 8, 8, 2)], ids=lambda s: "-".join(map(str, s)))
def test_four_layers_of_eight_still_show_weight_values(sizes):
    net = random_network(sizes, seed=2)
    xs, ts = random_data(net)
    root = parse(render(net, xs[0], ts[0]))
    w = net.names.weights[1][3][5]
    assert text_of(label(root, w)) == f"{w} = {number(net.parameters()[w])}"


def test_largest_shapes_keep_names_without_overlap():
    for mode in ("shared", "per-neuron"):
        net = random_network((16,) * 6, seed=1, bias_mode=mode)
        xs, ts = random_data(net)
        root = parse(render(net, xs[0], ts[0]))
        assert not overlaps(text_boxes(root))
        # names at least, values in the tooltip
        assert text_of(label(root, "w300")).startswith("w300")
        assert "w300 = " in groups(root)["w300"].find(NS + "title").text


# ------------------------------------------------------------ asked directly
def _labelled(sizes, mode) -> dict[str, int]:
    """Connection id -> its layer pair, for those that carry a label: weights, each neuron's own bias."""
    nm = names(sizes, mode == "shared")
    pairs = {w: l for l, layer in enumerate(nm.weights) for row in layer for w in row}
    if mode != "shared":
        pairs.update({b: l for l, layer in enumerate(nm.biases) for b in layer})
    return pairs


@pytest.mark.parametrize("mode", ["shared", "per-neuron"])
@pytest.mark.parametrize("sizes", [(2, 2, 2), (3, 4, 3, 2), (8, 8, 8, 8)], ids=lambda s: "-".join(map(str, s)))
def test_every_label_has_an_anchor_between_its_ends_and_none_overlap(sizes, mode):
    lay = layout(sizes, mode)
    pairs = _labelled(sizes, mode)
    assert set(lay.anchors) == set(pairs)
    boxes = []
    for eid, l in pairs.items():
        x, y = lay.anchors[eid]
        assert lay.neurons[l][0][0] < x < lay.neurons[l + 1][0][0]  # inside its own layer gap
        w, top, bottom = label_size(eid, lay.level, lay.ty)
        boxes.append((eid, x - w / 2, y + top, x + w / 2, y + bottom, ""))
    assert not overlaps(boxes)


def test_the_seed_fits_at_one_to_one_with_every_detail():
    lay = layout((2, 2, 2), "shared")
    assert lay.level == "full"
    assert lay.width <= FIT[0] and lay.height <= FIT[1]
    # columns left to right, neurons evenly spaced about one centre line
    xs = [layer[0][0] for layer in lay.neurons]
    assert xs == sorted(xs) and all(len({x for x, _ in layer}) == 1 for layer in lay.neurons)
    assert {round(layer[1][1] - layer[0][1], 6) for layer in lay.neurons} == {lay.dy}
    assert lay.errors[0][0] > xs[-1] and lay.total[0] > lay.errors[0][0]
    assert [text for _x, text in lay.captions] == ["input", "hidden", "output", "error", "total error"]


def test_crowded_shapes_drop_detail_and_a_lower_detail_is_never_exceeded():
    assert layout((16,) * 6, "shared").level == "names"  # 1,280 weights: names only
    assert layout((8, 8, 8, 8), "shared").level in ("full", "compact")  # values still shown
    for detail in LEVELS:
        got = layout((2, 3, 2), "per-neuron", 1.0, detail).level
        assert LEVELS.index(got) >= LEVELS.index(detail)


def test_larger_text_gets_its_own_layout_and_sizes():
    normal, large = layout((2, 2, 2), "shared"), layout((2, 2, 2), "shared", 1.6)
    assert large.ty == text_sizes(1.6) and normal.ty == text_sizes(1.0)
    assert large.height > normal.height
    assert large.neurons[1][1][1] - large.neurons[1][0][1] >= large.ty.val_h  # room for net and out


def test_a_shape_is_laid_out_once():
    assert layout((3, 4, 2), "shared") is layout((3, 4, 2), "shared")
    assert layout((3, 4, 2), "shared") is not layout((3, 4, 2), "per-neuron")


# ------------------------------------------------------------- in a room
ROOM = PRESENTER_ROOM  # the presenter's at 1280 x 720
SCALE = PRESENTER_SCALE
CLASSROOM_ROOM = (1250.0, 414.0)  # the classroom page's at 1280 x 720 (its panel is wider than JupyterLab's)


def test_in_a_room_the_seed_keeps_every_label_and_is_not_spread_out():
    lay = layout((2, 2, 2), "shared", SCALE, "compact", ROOM)
    assert lay.level == "compact" and lay.width <= ROOM[0] and lay.height <= ROOM[1]
    assert len(lay.anchors) == 8


def _shape(sizes) -> str:
    return "-".join(map(str, sizes))


def _smallest_in_room(sizes, mode, room=ROOM):
    """The smallest text in px over every step of an iteration, the diagram shown in ``room``; asserts no overlaps."""
    net = random_network(sizes, seed=3, bias_mode=mode)
    xs, ts = random_data(net)
    wt = walkthrough(net, xs[0], ts[0])
    smallest = math.inf
    for index in range(len(wt.steps)):
        values, updated, highlight = state_at(wt, index)
        svg = render(net, xs[0], ts[0], values, updated, highlight, text_scale=SCALE, detail="compact", room=room)
        smallest = min(smallest, smallest_px(svg, *room))
        root = parse(svg)
        boxes = text_boxes(root, SCALE)
        assert not overlaps(boxes), (index, overlaps(boxes)[:2])
        circles = circle_boxes(root)
        labels = [b for b in boxes if b[0].startswith(("w", "b_"))]
        assert not overlaps(labels, circles), (index, overlaps(labels, circles)[:2])
    return smallest


@pytest.mark.parametrize(
    "sizes", [(2, 2, 2), (2, 3, 1), (2, 4, 1), (2, 3, 3), (2, 4, 4)], ids=lambda s: "-".join(map(str, s))
)
def test_the_presenter_shows_up_to_four_neurons_a_layer_at_14_px_at_1280_by_720(sizes):
    """The seed, XOR's 2-3-1 and one hidden layer of up to four neurons: every step at 14 px or more."""
    assert _smallest_in_room(sizes, "shared") >= 14.0


@pytest.mark.parametrize("sizes", [(2, 2, 2), (2, 4, 4)], ids=_shape)
def test_with_per_neuron_biases_the_presenter_shows_a_little_smaller(sizes):
    """Each bias's label needs its own place: 13 px or more, the classroom page's wider room 14 or more."""
    assert _smallest_in_room(sizes, "per-neuron") >= 13.0
    if sizes == (2, 2, 2):
        assert _smallest_in_room(sizes, "per-neuron", CLASSROOM_ROOM) >= 14.0


@pytest.mark.parametrize("sizes", [(2, 4, 4, 1), (2, 4, 4, 2), (4, 4, 4, 4)], ids=_shape)
def test_two_hidden_layers_of_four_in_the_presenter_at_14_px_with_shortened_values(sizes):
    """Three layer gaps fit 14 px text across 1100 px once values are shortened (whole ones: about 11 px)."""
    assert _smallest_in_room(sizes, "shared") >= 14.0
    whole = layout(sizes, "shared", SCALE, "compact", ROOM)
    assert whole.ty.chars == VALUE_CHARS and whole.ty.val * ROOM[0] / whole.width < 14.0


def test_three_hidden_layers_of_four_on_the_classroom_page_at_14_px():
    """The classroom page's room at 1280 x 720 (1250 x 414) fits four layer gaps of 14 px text, values shortened."""
    assert _smallest_in_room((2, 4, 4, 4, 1), "shared", CLASSROOM_ROOM) >= 14.0


@pytest.mark.parametrize("sizes", [(2, 2, 2), (2, 3, 1), (2, 4, 1), (2, 4, 4), (2, 4, 4, 1)], ids=_shape)
def test_the_presenter_shortens_values_only_where_whole_ones_read_under_14_px(sizes):
    net = random_network(sizes, seed=3, bias_mode="shared")
    xs, ts = random_data(net)
    wt = walkthrough(net, xs[0], ts[0])
    values, updated, highlight = state_at(wt, len(wt.steps) - 1)
    svg = render(net, xs[0], ts[0], values, updated, highlight, text_scale=SCALE, detail="compact", room=ROOM)
    name = net.names.neurons[1][0]
    out = groups(parse(svg))[name]
    value = values[("out", name)]
    assert f"out_{name} = {float(value)!r}" in out.find(f"{NS}title").text  # the tooltip keeps it whole
    shown, whole, short = text_of(out), number(value), value_text(value, SHORT_CHARS)
    assert len(whole) > len(short)
    if len(sizes) == 3:  # the seed and one hidden layer: the textbook's nine decimals
        assert f"out {whole}" in shown
    else:
        assert f"out {short}" in shown and f"out {whole}" not in shown


@pytest.mark.parametrize("sizes", [(3, 4, 2), (8, 8, 8, 8), (16, 16, 16)])
@pytest.mark.parametrize(
    ("scale", "detail", "room"), [(1.0, "full", None), (PRESENTER_SCALE, "compact", PRESENTER_ROOM)]
)
def test_spacings_ruled_out_early_change_no_layout(sizes, scale, detail, room, monkeypatch):
    # every spacing solved in full, as the search did before it ruled any out, finds the same layout
    for mode in ("shared", "per-neuron"):
        searched = layout.__wrapped__(sizes, mode, scale, detail, room)
        monkeypatch.setattr(layout_module, "_ruled_out", lambda *args: False)
        assert layout.__wrapped__(sizes, mode, scale, detail, room) == searched
        monkeypatch.undo()
