"""A layout put together from its layer gaps: columns, anchors, the error column, the legend and captions."""

from __future__ import annotations

import numpy as np

from explorer.drawing.assembly import assemble, labelled, pair_box
from explorer.drawing.diagram import render
from explorer.drawing.labels import column_of
from explorer.drawing.sizes import label_size, legend_width, text_sizes
from explorer.engine.naming import names
from explorer.engine.presets import random_data, random_network
from tests.helpers.svg import NS, groups, parse


def test_layers_in_columns_neurons_centred():
    net = random_network((3, 4, 3, 2), seed=1)
    xs, ts = random_data(net)
    g = groups(parse(render(net, xs[0], ts[0])))
    cols = []
    for layer in net.names.neurons:
        pts = [(float(g[n].find(NS + "circle").get("cx")), float(g[n].find(NS + "circle").get("cy"))) for n in layer]
        assert len({x for x, _ in pts}) == 1  # one column per layer
        ys = [y for _, y in pts]
        assert ys == sorted(ys) and len(set(np.round(np.diff(ys), 1))) <= 1  # evenly spaced, in order
        cols.append((pts[0][0], (ys[0] + ys[-1]) / 2))
    assert [c[0] for c in cols] == sorted(c[0] for c in cols)
    assert len({round(c[1], 1) for c in cols}) == 1  # centred on one line
    # error nodes right of the outputs, the total right of them
    assert float(g["E_o1"].find(NS + "rect").get("x")) > cols[-1][0]
    assert float(g["E_total"].find(NS + "rect").get("x")) > float(g["E_o1"].find(NS + "rect").get("x"))


def _ids(nm, l: int, shared: bool) -> list[str]:
    """The labelled connections of layer pair l, in the order a pair's anchors come: weights, then own biases."""
    return [w for row in nm.weights[l] for w in row] + ([] if shared else list(nm.biases[l]))


def test_the_pairs_are_put_side_by_side_their_anchors_with_them():
    sizes, shared, dy = (3, 4, 4, 2), False, 90.0
    nm, ty = names(sizes, shared), text_sizes(1.0)
    widths = [200.0, 150.0, 240.0]
    # anchors in each pair's own frame: sender at x = 0, each layer centred on y = 0
    gaps = [(w, tuple((5.0 + k, k - 10.0) for k in range(len(_ids(nm, l, shared))))) for l, w in enumerate(widths)]
    lay = assemble(sizes, nm, shared, "full", dy, gaps, ty)
    xs = [layer[0][0] for layer in lay.neurons]
    assert np.allclose(np.diff(xs), widths)
    for l, layer in enumerate(lay.neurons):
        assert [y - layer[0][1] for _x, y in layer] == [y - column_of(sizes[l], dy)[0] for y in column_of(sizes[l], dy)]
    y_shift = lay.neurons[0][0][1] - column_of(sizes[0], dy)[0]
    for l, (_gap, found) in enumerate(gaps):
        for eid, (x, y) in zip(_ids(nm, l, shared), found, strict=True):
            assert lay.anchors[eid] == (x + xs[l], y + y_shift)
    assert len(lay.units) == len(widths) and all(xs[l] < x < xs[l + 1] for l, (x, _y) in enumerate(lay.units))
    # one error box beside each output, the total between them and to their right
    assert [y for _x, y in lay.errors] == [y for _x, y in lay.neurons[-1]]
    assert lay.errors[0][0] > xs[-1] and lay.total[0] > lay.errors[0][0]
    assert lay.total[1] == (lay.errors[0][1] + lay.errors[-1][1]) / 2
    assert [text for _x, text in lay.captions] == ["input", "hidden 1", "hidden 2", "output", "error", "total error"]
    assert lay.legend[0] + legend_width(ty.scale, ty.legend_wrap) <= lay.width
    assert lay.caption_y < lay.height and (lay.level, lay.dy, lay.ty) == ("full", dy, ty)


def test_a_pair_reserves_the_widest_label_of_its_connections():
    sizes, ty = (2, 12, 3), text_sizes(1.0)
    for shared in (True, False):
        nm = names(sizes, shared)
        for l in range(len(sizes) - 1):
            for level in ("full", "compact", "names"):
                box = pair_box(nm, shared, level, l, ty)
                boxes = [label_size(eid, level, ty) for eid in _ids(nm, l, shared)]
                assert box in boxes and all(b[0] <= box[0] for b in boxes)


def test_the_labelled_connections_are_the_weights_then_each_neurons_own_bias():
    """The seed's second pair: w5-w8; with per-neuron biases, b_o1 and b_o2 after them (a shared b2 is on its unit)."""
    assert labelled(names((2, 2, 2), True), True, 1) == ["w5", "w6", "w7", "w8"]
    assert labelled(names((2, 2, 2), False), False, 1) == ["w5", "w6", "w7", "w8", "b_o1", "b_o2"]
    nm = names((3, 4, 4, 2), False)
    assert [labelled(nm, False, l) for l in range(3)] == [_ids(nm, l, False) for l in range(3)]
