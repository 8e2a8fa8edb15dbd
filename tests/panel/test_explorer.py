"""The panel as a whole, headless: what it shows first, two panels side by side, save and load."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from explorer.engine.presets import random_data, random_network, seed_network
from explorer.engine.validation import InputError
from explorer.panel.explorer import Explorer
from tests.helpers.panel import (
    FAST,
    SEED_WEIGHTS,
    STEPS,
    SVG,
    active_ids,
    click,
    latex_of,
    neuron_button,
    shown,
    svg_groups,
    xor_panel,
)

pytestmark = pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")


def test_the_default_panel_shows_the_seed(panel):
    s = panel.session
    for got, want in zip(s.network.weights, SEED_WEIGHTS):
        assert np.array_equal(got, want)
    assert panel.stepping.position.value.startswith(f"step 0 of {STEPS}")
    assert "0.298371109" in panel.stepping.equation.value and "Next step" in panel.stepping.equation.value
    assert panel.stepping.previous_button.disabled and not panel.stepping.next_button.disabled
    groups, labels = svg_groups(panel.stepping.diagram.value)
    assert {"i1", "i2", "h1", "h2", "o1", "o2", "b1", "b2", "E_o1", "E_o2", "E_total"} <= set(groups)
    assert {f"w{k}" for k in range(1, 9)} <= set(groups) and "w9" not in groups
    assert "w5 = 0.4" in shown(labels["w5"]) and "w1 = 0.15" in shown(labels["w1"])
    assert "0.05" in shown(groups["i1"]) and "target 0.99" in shown(groups["E_o2"])
    assert "net ? out ?" in shown(groups["h1"])
    assert active_ids(panel.stepping.diagram.value) == set()
    assert {k: f.value for k, f in panel.editing.fields.items()} == {
        "i:0": "0.05",
        "i:1": "0.1",
        "t:0": "0.01",
        "t:1": "0.99",
        "p:w1": "0.15",
        "p:w2": "0.2",
        "p:w3": "0.25",
        "p:w4": "0.3",
        "p:b1": "0.35",
        "p:w5": "0.4",
        "p:w6": "0.45",
        "p:w7": "0.5",
        "p:w8": "0.55",
        "p:b2": "0.6",
    }
    assert panel.training.lr_slider.value == 0.5 and panel.training.lr_text.value == "0.5"
    assert panel.training.lr_slider.log and (panel.training.lr_slider.min, panel.training.lr_slider.max) == (
        0.001,
        10.0,
    )
    assert panel.stepping.step_slider.max == STEPS and panel.stepping.step_slider.value == 0
    assert panel.curve_view.curve.line.get_data()[0].tolist() == [0]


def test_another_shape():
    network = random_network((3, 4, 2), seed=1)
    inputs, targets = random_data(network, 1, seed=1)
    panel = Explorer(network=network, inputs=inputs, targets=targets)
    groups, _ = svg_groups(panel.stepping.diagram.value)
    want = {"i1", "i2", "i3", "h1", "h2", "h3", "h4", "o1", "o2", "b1", "b2", "E_o1", "E_o2", "E_total"} | {
        f"w{k}" for k in range(1, 21)
    }
    assert want <= set(groups)
    assert not {"i4", "h5", "o3", "w21"} & set(groups)
    assert {"i:2", "t:1", "p:w20", "p:b2"} <= set(panel.editing.fields) and "p:w21" not in panel.editing.fields
    assert panel.stepping.position.value.startswith(f"step 0 of {len(panel.session.walk)}")
    panel.stepping.next_button.click()
    assert r"\mathit{net}_{h1} = w_{1} i_{1} + w_{2} i_{2} + w_{3} i_{3}" in latex_of(panel.stepping.equation.value)
    assert active_ids(panel.stepping.diagram.value) == {"i1", "i2", "i3", "w1", "w2", "w3", "b1", "b1-h1", "h1"}


@pytest.mark.parametrize("data", [{}, {"inputs": (0.05, 0.10)}, {"targets": (0.01, 0.99)}])
def test_a_network_without_its_data_is_refused(data):
    with pytest.raises(InputError):
        Explorer(network=seed_network(), **data)


def test_repr(panel):
    panel.stepping.next_button.click()
    assert repr(panel).endswith(f"step 1 of {STEPS}, iteration 0)")


def test_two_panels_are_independent():
    a, b = Explorer(), Explorer()
    click(a.stepping.next_button, 3)
    assert a.session.step == 3 and b.session.step == 0
    assert active_ids(b.stepping.diagram.value) == set() and b.stepping.position.value.startswith("step 0")
    a.training.pace.value = FAST
    a.training.iterations_field.value = "50"
    a.training.train_button.click()
    assert len(a.curve_view.curve.line.get_xdata()) == 51 and len(b.curve_view.curve.line.get_xdata()) == 1
    a.training.lr_slider.value = 3.0
    a.editing.fields["p:w5"].value = "1"
    assert b.session.learning_rate == 0.5 and b.session.network.parameters()["w5"] == 0.4
    ids_a = {g.get("id") for g in ET.fromstring(a.stepping.diagram.value).iter(SVG + "g") if g.get("id")}
    ids_b = {g.get("id") for g in ET.fromstring(b.stepping.diagram.value).iter(SVG + "g") if g.get("id")}
    assert ids_a and not ids_a & ids_b
    assert set(svg_groups(a.stepping.diagram.value)[0]) == set(svg_groups(b.stepping.diagram.value)[0])


def test_a_saved_panel_reopens_with_its_dataset_and_shape(tmp_path):
    panel = xor_panel()
    neuron_button(panel, 1, +1).click()
    panel.architecture.mode.value = "batch"
    panel.save(tmp_path / "s.json")
    other = Explorer()
    other.load(tmp_path / "s.json")
    assert other.session.network.sizes == (2, 3, 1) and other.session.dataset == "xor"
    assert other.architecture.mode.value == "batch" and other.dataset_view.choice.value == "xor"
    assert "p:w9" in other.editing.fields and other.curve_view.boundary_canvas.layout.display is None
