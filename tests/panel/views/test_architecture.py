"""The architecture view, headless: neurons and layers, activations, loss, mode, random weights."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from explorer.engine.presets import random_network
from explorer.panel.explorer import Explorer
from tests.helpers.panel import assert_unchanged, neuron_button, snapshot, xor_panel
from tests.helpers.svg import overlaps, text_boxes

pytestmark = pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")


def test_adding_and_removing_neurons_and_layers_keeps_the_labels_apart_up_to_8_8_8_8():
    panel = Explorer()
    rows = "\n".join(", ".join(str((r + c) % 3 - 1) for c in range(16)) for r in range(3))
    panel.dataset_view.choice.value = "table"
    panel.dataset_view.n_inputs.value = 8
    panel.dataset_view.table.value = rows
    panel.dataset_view.use_table.click()
    s = panel.session
    assert s.network.sizes == (8, 2, 8)
    shapes = []

    def check() -> None:
        svg = panel.stepping.diagram.value
        clashes = overlaps(text_boxes(ET.fromstring(svg)))
        assert not clashes, (s.network.sizes, clashes[:3])
        shapes.append(s.network.sizes)

    for _ in range(6):
        neuron_button(panel, 1, +1).click()
        check()
    panel.architecture.add_layer.click()
    check()
    assert s.network.sizes == (8, 8, 8, 8)
    panel.session.set_bias_mode("per-neuron")  # the widest labels: one bias name per neuron
    panel.architecture.render()
    check()
    for _ in range(7):
        neuron_button(panel, 2, -1).click()
        check()
    assert s.network.sizes == (8, 8, 1, 8)
    neuron_button(panel, 2, -1).click()  # its last neuron: the layer goes
    check()
    panel.architecture.remove_layer.click()
    check()
    assert shapes[-1] == (8, 8) and len(panel.architecture.activations) == 1
    assert panel.architecture.remove_layer.disabled
    # the edit table, closed when the network grew past its size, follows the shape once opened:
    # now 8 x 8 weights and 8 per-neuron biases
    assert not panel.edit_toggle.value
    panel.edit_toggle.value = True
    assert "p:w64" in panel.editing.fields and "p:w65" not in panel.editing.fields and "p:b_o8" in panel.editing.fields


def test_activation_loss_and_mode_controls_and_an_impossible_combination_explained():
    panel = xor_panel()
    arch = panel.architecture
    arch.activations[0].value = "tanh"
    assert panel.session.network.activations == ("tanh", "sigmoid")
    arch.loss.value = "bce"
    before = snapshot(panel)
    arch.activations[1].value = "relu"
    assert panel.message.value == "loss: binary cross-entropy (bce) needs sigmoid outputs; the output layer is relu"
    assert arch.activations[1].value == "sigmoid"  # the control shows what the network really has
    assert_unchanged(before, panel)
    arch.mode.value = "batch"
    assert panel.session.mode == "batch"
    panel.stepping.finish_button.click()
    assert any("(mean of 4)" in step.symbol for step in panel.session.walk.steps)
    panel.editing.order.value = "seed"
    assert "Update order: the seed's order goes with online mode" in panel.message.value
    assert panel.editing.order.value == "textbook" or panel.session.network.order == "textbook"


def test_random_weights_and_reset_weights():
    panel = xor_panel()
    arch = panel.architecture
    arch.seed.value = "12"
    arch.random_button.click()
    expected = random_network((2, 2, 1), seed=12)
    assert np.array_equal(panel.session.network.weights[0], expected.weights[0])
    panel.training.train_button.click()
    panel.training.reset_weights_button.click()
    assert np.array_equal(panel.session.network.weights[0], expected.weights[0])
    before = snapshot(panel)
    for bad in ("twelve", "-1", "1.5", ""):
        arch.seed.value = bad
        assert "Seed: enter a whole number from 0" in panel.message.value
        assert_unchanged(before, panel)
        assert arch.seed.value == "12" and panel.session.seed == 12


def test_softmax_is_offered_for_the_outputs_and_brings_cross_entropy_and_class_regions():
    panel = Explorer()
    panel.dataset_view.choice.value = "three-class"
    arch = panel.architecture
    assert "softmax" in arch.activations[-1].options and "softmax" not in arch.activations[0].options
    assert panel.curve_view.boundary_canvas.layout.display == "none"  # 3 sigmoid outputs: no regions
    arch.activations[-1].value = "softmax"
    assert panel.message.value == "The output layer is now softmax, scored by cce."
    assert arch.loss.value == "cce" and panel.session.network.loss == "cce"
    assert panel.curve_view.boundary_canvas.layout.display is None
    assert panel.curve_view.boundary.pixels().shape[-1] == 3  # RGB: one colour per class
    assert ", accuracy " in panel.training.counter.value
    neuron_button(panel, 1, +1).click()  # 2-3-3: three hidden neurons for three classes
    assert panel.session.network.sizes == (2, 3, 3) and panel.session.network.activations[-1] == "softmax"
    panel.session.train(300)
    assert panel.training.counter.value.endswith("accuracy 100%"), panel.training.counter.value
    assert set(np.unique(panel.curve_view.boundary.classes)) == {0, 1, 2}
    arch.loss.value = "squared"
    assert panel.session.network.activations[-1] == "sigmoid" and arch.activations[-1].value == "sigmoid"
