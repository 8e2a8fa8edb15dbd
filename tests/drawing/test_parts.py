"""The diagram's parts, drawn one kind at a time from a Scene and read back with xml.etree."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from explorer.drawing.current_step import with_labels_for
from explorer.drawing.layout import layout
from explorer.drawing.parts import (
    bias_links,
    bias_units,
    biggest_parameter,
    error_links,
    error_nodes,
    neurons,
    scene,
    weight_links,
)
from explorer.drawing.sizes import CURRENT
from explorer.engine.presets import SEED_INPUTS, SEED_TARGETS, random_data, random_network, seed_network
from explorer.engine.validation import InputError
from tests.helpers.svg import NS, classes, text_of


def read(parts: list[str]) -> list[ET.Element]:
    return [ET.fromstring(p.replace("<g ", '<g xmlns="http://www.w3.org/2000/svg" ', 1)) for p in parts]


def seed_scene(values=None, updated=None, highlight=(), network=None, prefix="p-"):
    net = network or seed_network()
    lay = layout(net.sizes, net.bias_mode)
    return scene(net, lay, SEED_INPUTS, SEED_TARGETS, values or {}, updated or {}, highlight, prefix)


def test_scene_checks_the_example_and_finds_the_largest_parameter():
    s = seed_scene(updated={"w5": -0.9})
    assert s.shared and s.x.tolist() == [0.05, 0.1] and s.t.tolist() == [0.01, 0.99]
    assert s.biggest == 0.9  # the update counts too
    assert s.active == frozenset()
    with pytest.raises(InputError):
        scene(seed_network(), s.lay, [0.05], SEED_TARGETS, {}, {}, (), "")
    net = seed_network()
    net.weights[0] = np.array([[np.inf, 0.2], [np.nan, -3.0]])
    assert biggest_parameter(net, {"w1": np.nan}) == 3.0  # only finite values


def test_weight_links_one_line_and_one_label_each_in_naming_order():
    lines, labels = weight_links(seed_scene())
    groups = read(lines)
    assert [g.get("data-id") for g in groups] == [f"w{i}" for i in range(1, 9)]
    assert [g.get("id") for g in groups][:2] == ["p-w1", "p-w2"]
    assert all(g.find(NS + "line") is not None and "bp-pos" in classes(g) for g in groups)
    chips = read(labels)
    assert [c.get("data-for") for c in chips] == [f"w{i}" for i in range(1, 9)]
    assert text_of(chips[4]) == "w5 = 0.4"


def test_weight_links_show_gradients_updates_and_highlight():
    s = seed_scene({("gradient", "w5"): 0.082167041}, {"w6": 0.4}, highlight=["w5"])
    lines, labels = weight_links(s)
    by_id = {g.get("data-id"): g for g in read(lines)}
    assert "bp-active" in classes(by_id["w5"]) and "bp-dim" in classes(by_id["w6"])
    assert len(by_id["w5"].findall(NS + "line")) == 2  # the glow under the line
    chips = {c.get("data-for"): c for c in read(labels)}
    assert text_of(chips["w5"]) == "w5 = 0.4 | ∂E/∂w5 = 0.082167041"
    assert text_of(chips["w6"]) == "w6 = 0.4 | was 0.45"


def test_shared_bias_links_have_no_labels_and_are_named_by_their_ends():
    lines, labels = bias_links(seed_scene(highlight=["b1", "h1"]))
    groups = read(lines)
    assert [g.get("data-id") for g in groups] == ["b1-h1", "b1-h2", "b2-o1", "b2-o2"]
    assert labels == []
    lit = [g.get("data-id") for g in groups if "bp-active" in classes(g)]
    assert lit == ["b1-h1"]  # the unit and that neuron are both in the step
    assert all("bp-bias-edge" in classes(g) for g in groups)


def test_per_neuron_bias_links_carry_their_own_labels():
    net = random_network((2, 3, 1), seed=2, bias_mode="per-neuron")
    x, t = random_data(net)
    s = scene(net, layout(net.sizes, net.bias_mode), x[0], t[0], {}, {}, ["b_h2"], "")
    lines, labels = bias_links(s)
    assert [g.get("data-id") for g in read(lines)] == ["b_h1", "b_h2", "b_h3", "b_o1"]
    chips = read(labels)
    assert [c.get("data-for") for c in chips] == ["b_h1", "b_h2", "b_h3", "b_o1"]
    assert ["bp-active" in classes(c) for c in chips] == [False, True, False, False]
    units = read(bias_units(s))
    assert text_of(units[0]) == "1 | b1" and "bp-active" in classes(units[0])  # a bias of b1's layer is lit


def test_error_links_light_up_with_both_ends():
    groups = read(error_links(seed_scene(highlight=["o1", "E_o1"])))
    assert [g.get("data-id") for g in groups] == ["o1-E_o1", "E_o1-E_total", "o2-E_o2", "E_o2-E_total"]
    assert [("bp-active" in classes(g)) for g in groups] == [True, False, False, False]


def test_shared_bias_units_show_their_value_above_the_one():
    units = read(bias_units(seed_scene(updated={"b1": 0.3})))
    assert [u.get("data-id") for u in units] == ["b1", "b2"]
    assert text_of(units[0]) == "1 | b1 = 0.3 | was 0.35"
    assert text_of(units[1]) == "1 | b2 = 0.6"
    assert units[0].find(NS + "title").text.startswith("b1 = 0.35 (bias unit of the hidden layer")


def test_neurons_show_inputs_and_what_is_known_so_far():
    groups = read(neurons(seed_scene({("net", "h1"): 0.3775, ("slope", "h1"): 0.24})))
    by_id = {g.get("data-id"): g for g in groups}
    assert list(by_id) == ["i1", "i2", "h1", "h2", "o1", "o2"]
    assert text_of(by_id["i1"]) == "i1 | 0.05" and "bp-input" in classes(by_id["i1"])
    assert text_of(by_id["h1"]) == "h1 | net 0.3775 | out ?" and "bp-hidden" in classes(by_id["h1"])
    assert "bp-output" in classes(by_id["o2"])
    title = by_id["h1"].find(NS + "title").text.split("\n")
    assert title == ["h1: hidden layer neuron, activation sigmoid", "net_h1 = 0.3775", "dout_h1/dnet_h1 = 0.24"]


def test_error_nodes_show_targets_then_e_total():
    groups = read(error_nodes(seed_scene({("error", "o2"): 0.023560026})))
    assert [g.get("data-id") for g in groups] == ["E_o1", "E_o2", "E_total"]
    assert text_of(groups[0]) == "E_o1 | ? | target 0.01"
    assert text_of(groups[1]) == "E_o2 | 0.023560026 | target 0.99"
    assert text_of(groups[2]) == "E_total | ?" and "bp-total" in classes(groups[2])


def test_weights_drawn_again_from_what_was_kept_match_a_fresh_drawing():
    """A redraw reuses each weight's pieces when nothing they show changed, and only then."""
    from explorer.drawing import parts  # noqa: PLC0415 - its cache is what is tested

    drawn = random_network((3, 4, 2), seed=1)
    zeros = []
    for zero in (0.0, -0.0):  # equal as floats, written differently
        weights = [w.copy() for w in drawn.weights]
        weights[0][0, 0] = zero
        zeros.append(type(drawn)(weights, drawn.biases))
    lay = layout(drawn.sizes, drawn.bias_mode)
    x, t = random_data(drawn, 1, seed=1)
    drawings = [
        ({}, {}, ()),
        ({("gradient", "w1"): 0.25}, {}, ("w1", "h1")),
        ({("gradient", "w1"): 0.25, ("gradient", "w2"): -0.0}, {"w1": 0.1}, ("w2",)),
        ({("gradient", "w1"): 0.25, ("gradient", "w2"): 0.0}, {"w1": 0.1}, ("w2",)),
        ({}, {}, ()),
    ]
    for prefix in ("a-", "b-"):
        for net in [drawn, *zeros, drawn]:
            for values, updated, highlight in drawings:
                s = scene(net, lay, x[0], t[0], values, updated, highlight, prefix)
                kept = weight_links(s)
                parts._drawn_weights.clear()
                assert kept == weight_links(s)
                assert any(parts._drawn_weights.values())  # the fresh drawing filled the cache the next one reads
    negative = weight_links(scene(zeros[1], lay, x[0], t[0], {}, {}, (), "a-"))[0]
    assert "w1 = -0.0 " in negative[0]


def test_a_neurons_values_sit_on_a_chip_over_the_lines():
    s = seed_scene(values={("net", "h1"): 0.3775, ("out", "h1"): 0.593269992})
    (h1,) = [g for g in read(neurons(s)) if g.get("data-id") == "h1"]
    chip = h1.find(NS + "rect")
    assert classes(chip) == {"bp-chip", "bp-val-chip"}
    x, y, w, h = (float(chip.get(k)) for k in ("x", "y", "width", "height"))
    cx, cy = s.lay.neurons[1][0]
    assert x < cx < x + w and y > cy + 20  # centred under the circle
    texts = [t for t in h1.findall(NS + "text") if "bp-val" in classes(t)]
    assert len(texts) == 2 and all(y < float(t.get("y")) < y + h for t in texts)
    assert w >= 0.6 * s.lay.ty.val * len("out 0.593269992")  # the longer line fits
    # inputs have no net and out: no chip
    (i1,) = [g for g in read(neurons(s)) if g.get("data-id") == "i1"]
    assert i1.find(NS + "rect") is None


def _counting(monkeypatch) -> list[str]:
    """The weights drawn afresh from now on."""
    from explorer.drawing import parts  # noqa: PLC0415 - its cache is what is tested

    drawn, original = [], parts._weight_pieces
    monkeypatch.setattr(
        parts, "_weight_pieces", lambda s, l, k, j, w, *rest: drawn.append(w) or original(s, l, k, j, w, *rest)
    )
    return drawn


def test_the_steps_of_the_current_level_share_the_weights_drawn(monkeypatch):
    """Each step places its few labels on a layout of its own; the other weights are drawn once for all."""
    from explorer.drawing import parts  # noqa: PLC0415 - its cache is what is tested

    net = random_network((4, 6, 6, 3), seed=2)
    x, t = random_data(net, 1, seed=2)
    base = layout(net.sizes, net.bias_mode, 1.0, "full", (400.0, 300.0))
    assert base.level == CURRENT
    steps = [("w1", "h1"), ("w2", "h1"), ("w1", "h1")]
    lays = [with_labels_for(base, net.sizes, net.bias_mode, frozenset(h)) for h in steps]
    weight_links(scene(net, lays[0], x[0], t[0], {}, {}, steps[0], "a-"))
    drawn = _counting(monkeypatch)
    for lay, highlight in zip(lays[1:], steps[1:]):
        s = scene(net, lay, x[0], t[0], {}, {}, highlight, "a-")
        kept = weight_links(s)
        assert sorted(drawn) == ["w1", "w2"]  # lit or unlit, labelled or not: only these two changed
        drawn.clear()
        parts._drawn_weights.clear()
        assert kept == weight_links(s)  # as a fresh drawing
        drawn.clear()


def test_the_weights_drawn_are_kept_for_several_layouts(monkeypatch):
    """Panels of other shapes in one kernel, a shape left and come back to: each finds its weights drawn."""
    from explorer.drawing import parts  # noqa: PLC0415 - its cache is what is tested

    nets = [random_network((2, n, 2), seed=n) for n in range(2, 2 + parts.KEPT_LAYOUTS + 1)]
    scenes = [scene(n, layout(n.sizes, n.bias_mode), [0.1, 0.2], [0.3, 0.4], {}, {}, (), "a-") for n in nets]
    for s in scenes[: parts.KEPT_LAYOUTS]:
        weight_links(s)
    drawn = _counting(monkeypatch)
    for s in scenes[: parts.KEPT_LAYOUTS]:
        weight_links(s)
    assert drawn == []
    weight_links(scenes[-1])  # one more: the layout drawn longest ago is dropped
    drawn.clear()
    weight_links(scenes[1])
    assert drawn == []
    weight_links(scenes[0])
    assert len(drawn) == len(nets[0].weights[0].flat) + len(nets[0].weights[1].flat)
