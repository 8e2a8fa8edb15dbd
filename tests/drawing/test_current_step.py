"""A shape too big for its room: a layout as compact as its values allow, labelling only the current step."""

from __future__ import annotations

from dataclasses import replace

from explorer.drawing.current_step import tight, with_labels_for
from explorer.drawing.layout import layout
from explorer.drawing.sizes import (
    BIAS_RISE,
    CURRENT,
    MARGIN,
    PRESENTER_ROOM,
    PRESENTER_SCALE,
    PRESENTER_TEXT,
    TIGHT_MARGIN,
    TIGHT_RISE,
    label_size,
    legend_width,
    text_sizes,
)
from tests.helpers.svg import overlaps

ROOM = PRESENTER_ROOM  # the presenter's at 1280 x 720
SCALE = PRESENTER_SCALE


def test_a_shape_too_big_for_the_room_labels_only_the_current_step():
    lay = layout((2, 3, 1), "shared", SCALE, "compact", ROOM)
    assert lay.level == CURRENT and lay.shows == "compact" and not lay.anchors
    assert lay.height <= ROOM[1]  # XOR 2-3-1: as low as the room, if a little wider
    forward = with_labels_for(lay, (2, 3, 1), "shared", frozenset({"i1", "i2", "w1", "w2", "b1", "h1"}))
    assert set(forward.anchors) == {"w1", "w2"}  # a shared bias's value is on its unit
    for eid in ("w1", "w2"):
        x, _y = forward.anchors[eid]
        assert lay.neurons[0][0][0] < x < lay.neurons[1][0][0]
    assert with_labels_for(lay, (2, 3, 1), "shared", frozenset()).anchors == {}
    # without a room the same shape shows every label
    assert layout((2, 3, 1), "shared", SCALE, "compact").level == "compact"
    # a room never gets names alone: the current step's values matter more
    assert layout((16, 16, 16), "shared", SCALE, "compact", ROOM).level == CURRENT


def test_per_neuron_biases_are_labelled_with_their_step():
    lay = layout((2, 3, 1), "per-neuron", SCALE, "compact", ROOM)
    got = with_labels_for(lay, (2, 3, 1), "per-neuron", frozenset({"w1", "w2", "b_h1"}))
    assert set(got.anchors) == {"w1", "w2", "b_h1"}


def test_a_current_step_layout_is_lower_than_the_usual_and_its_legend_may_wrap():
    lay = layout((2, 4, 4), "shared", SCALE, "compact", ROOM)
    assert lay.level == CURRENT and lay.ty.legend_wrap  # four error boxes: the legend takes a row less
    assert lay.ty.rise < BIAS_RISE and lay.ty.margin < MARGIN
    assert lay.height <= ROOM[1] * PRESENTER_TEXT / 14  # shown at 14 px or more
    assert lay.legend[0] + legend_width(lay.ty.scale, True) <= lay.width
    # neither tightened nor wrapped where the room is not given
    assert layout((2, 4, 4), "shared", SCALE, "compact").ty == text_sizes(SCALE)


def test_tight_text_sizes_change_only_the_bias_row_and_the_margins():
    ty = text_sizes(SCALE, ROOM)
    assert tight(ty) == ty._replace(rise=TIGHT_RISE, margin=TIGHT_MARGIN)
    assert TIGHT_RISE < BIAS_RISE and TIGHT_MARGIN < MARGIN


def test_a_steps_labels_move_nothing_else_and_keep_apart():
    sizes = (4, 4, 4, 4)
    lay = layout(sizes, "shared", SCALE, "compact", ROOM)
    assert lay.level == CURRENT
    cols = [layer[0][0] for layer in lay.neurons]
    # the backward pass at a hidden neuron lights its connections out; the forward pass, those in
    for active in ({"w17", "w21", "w25", "w29"}, {"w17", "w18", "w19", "w20"}):
        got = with_labels_for(lay, sizes, "shared", frozenset(active))
        assert got.anchors.keys() == active
        assert got == replace(lay, anchors=got.anchors)  # only the anchors are the step's
        boxes = []
        for eid, (x, y) in got.anchors.items():
            assert cols[1] < x < cols[2]  # w17..w32 join the hidden layers
            w, top, bottom = label_size(eid, lay.shows, lay.ty)
            boxes.append((eid, x - w / 2, y + top, x + w / 2, y + bottom, ""))
        assert not overlaps(boxes)
