"""The panel's dataset, architecture, decision-boundary and sweep views, headless.

Widgets are set through ``.value`` and buttons clicked as the front end
would; a click on the sweep's plot is a matplotlib mouse event at a point's
own display coordinates.  The diagram is parsed as SVG and its text boxes
checked for overlaps with the helpers of test_diagram.
"""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from matplotlib.backend_bases import MouseEvent

from explorer.engine.presets import random_network
from explorer.engine.training import train
from explorer.panel.explorer import Explorer
from tests.helpers.panel import assert_unchanged, snapshot
from tests.helpers.svg import overlaps, text_boxes

pytestmark = pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")

#: a seed known to learn XOR on 2-3-1 (final E_total about 0.0005 after 10,000 iterations at eta 0.5)
LEARNING_SEED = 5


def xor_panel(seed: int = LEARNING_SEED) -> Explorer:
    panel = Explorer()
    panel.architecture.seed.value = str(seed)
    panel.dataset_view.choice.value = "xor"
    return panel


def neuron_button(panel: Explorer, layer: int, sign: int):
    plus, minus = panel.architecture._neuron_buttons[layer - 1]
    return plus if sign > 0 else minus


# ---------------------------------------------------------------------- datasets
def test_choosing_xor_adapts_the_layers_and_says_what_changed():
    panel = xor_panel()
    s = panel.session
    assert s.network.sizes == (2, 2, 1) and s.inputs.shape == (4, 2)
    assert panel.message.value.startswith("Dataset xor: 4 examples, 2 inputs, 1 target. Changed: output layer")
    # the edit table follows the shape: one target field, the new weights' fields
    assert "t:1" not in panel.editing.fields and "t:0" in panel.editing.fields and "p:w6" in panel.editing.fields
    assert [label for label, _ in panel.dataset_view.example.options][2] == "3: (1, 0) -> 1"
    assert "Network 2-2-1" in panel.architecture.shape.value
    assert panel.editing.title.value.count("2-2-1") == 1


def test_the_table_is_edited_then_used_and_refuses_bad_rows_with_nothing_changed():
    panel = xor_panel()
    view = panel.dataset_view
    view.choice.value = "table"
    assert view.table_box.layout.display is None and view.table.value.splitlines()[3] == "1, 1, 0"
    assert panel.session.dataset == "xor"  # nothing changes until Use table
    view.add_row.click()
    assert view.table.value.splitlines()[-1] == "1, 1, 0"
    view.remove_row.click()
    before = snapshot(panel)
    for bad, reason in (
        ("1, 1, abc", "Table row 4, column 3: enter a number from -100 to 100 (got 'abc')"),
        ("1, 1, 1e999", "Table row 4, column 3"),
        ("1, 1", "row 4 has 2 cells"),
        ("1, 1, 200", "(got 200)"),
        ("1, , 0", "Table row 4, column 2"),
    ):
        view.table.value = "0, 0, 0\n0, 1, 1\n1, 0, 1\n" + bad
        view.use_table.click()
        assert reason in panel.message.value and reason.split(":")[0] in view.table_message.value
        assert_unchanged(before, panel)
        assert view.choice.value == "table" and view.table_box.layout.display is None  # still open to fix
    view.table.value = "0\t0\t0.1\n0\t1\t0.9\n1\t0\t0.9"
    view.use_table.click()
    assert panel.session.dataset == "table" and panel.session.inputs.shape == (3, 2)
    assert panel.session.targets[:, 0].tolist() == [0.1, 0.9, 0.9]
    assert view.table_message.value == "" and panel.message.value.startswith("Dataset table: 3 examples")


def test_stepping_example_3_of_xor_shows_its_inputs_in_the_forward_pass():
    panel = xor_panel()
    panel.dataset_view.example.value = 2
    panel.stepping.next_button.click()
    assert panel.session.current.symbol == "net_h1"
    w1, w2 = panel.session.network.weights[0][0]
    # net_h1 = w1 i1 + w2 i2 + b1 with example 3's i1 = 1, i2 = 0
    numbers = panel.stepping.equation.value.split(" = ")[2]
    assert numbers.startswith(f"{panel_number(w1)} \\cdot 1 + {panel_number(w2)} \\cdot 0 + ")
    root = ET.fromstring(panel.stepping.diagram.value)
    inputs = {
        g.get("data-id"): " ".join(" ".join(t.itertext()) for t in g.iter("{http://www.w3.org/2000/svg}text"))
        for g in root.iter("{http://www.w3.org/2000/svg}g")
        if g.get("data-id") in ("i1", "i2")
    }
    assert "1" in inputs["i1"].split() and "0" in inputs["i2"].split()
    assert "example 3" in panel.stepping.position.value


def panel_number(value: float) -> str:
    from explorer.engine.formatting import tex_term

    return tex_term(value)


# ------------------------------------------------------------------ architecture
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
    # the edit table followed every shape: now 8 x 8 weights and 8 per-neuron biases
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


# ------------------------------------------------------------ decision boundary
def test_the_boundary_shows_for_2_1_networks_and_its_pixels_change_as_xor_is_learnt():
    panel = Explorer()
    assert panel.curve_view.boundary_canvas.layout.display == "none"  # 2-2-2: no single output to draw
    panel.architecture.seed.value = str(LEARNING_SEED)
    panel.dataset_view.choice.value = "xor"
    neuron_button(panel, 1, +1).click()
    assert panel.session.network.sizes == (2, 3, 1)
    assert panel.curve_view.boundary_canvas.layout.display is None
    image = panel.curve_view.boundary.image
    before = panel.curve_view.boundary.pixels().copy()
    assert before.shape == (40, 40)
    np.testing.assert_array_equal(panel.curve_view.boundary.points.get_offsets(), panel.session.inputs)
    panel.training.iterations_field.value = "10000"
    panel.training.train_button.click()
    after = panel.curve_view.boundary.pixels()
    assert panel.session.errors.values[-1] < 0.01
    assert panel.curve_view.boundary.image is image  # the same artist, new data
    assert np.abs(after - before).max() > 0.5
    # the corners are where XOR's examples are: low at (0,0) and (1,1), high at (0,1) and (1,0)
    x_lo, x_hi, y_lo, y_hi = panel.curve_view.boundary.extent

    def at(x, y):
        c = round((x - x_lo) / (x_hi - x_lo) * 39)
        r = round((y - y_lo) / (y_hi - y_lo) * 39)
        return after[r, c]

    assert at(0, 0) < 0.2 and at(1, 1) < 0.2 and at(0, 1) > 0.8 and at(1, 0) > 0.8


def test_the_boundary_is_redrawn_with_the_curve_while_training(monkeypatch):
    panel = xor_panel()
    calls = {"curve": 0, "boundary": 0}
    show_curve, show_boundary = panel.curve_view.curve.show, panel.curve_view.boundary.show
    monkeypatch.setattr(
        panel.curve_view.curve,
        "show",
        lambda *a, **k: (calls.__setitem__("curve", calls["curve"] + 1), show_curve(*a, **k)),
    )
    monkeypatch.setattr(
        panel.curve_view.boundary,
        "show",
        lambda *a, **k: (calls.__setitem__("boundary", calls["boundary"] + 1), show_boundary(*a, **k)),
    )

    async def scenario():
        panel.training.pace.value = 2000.0
        panel.training.iterations_field.value = "1200"
        panel.training.train_button.click()
        await asyncio.wait([panel.runner.training_task])

    asyncio.run(scenario())
    assert calls["curve"] >= 3  # several refreshes during the 0.6 s run, and the final one
    assert calls["boundary"] == calls["curve"]


# --------------------------------------------------------------------- sweep
def test_the_sweep_plots_every_rate_and_choosing_one_sets_the_learning_rate():
    panel = xor_panel()
    view = panel.sweep
    view.count.value = 50
    view.run_button.click()
    result = view.result
    assert result is not None and len(result.rates) == 50
    assert result.rates[0] == pytest.approx(0.001) and result.rates[-1] == pytest.approx(10.0)
    assert sum(len(d.get_offsets()) for d in view.plot.dots.values()) == 50
    assert view.plot.ax.get_xscale() == "log" and view.plot.ax.get_yscale() == "log"
    assert len(view.choice.options) == 50 and "good" in " ".join(label for label, _ in view.choice.options)
    # the same final errors as the engine's train, rate by rate (a few of them)
    for k in (0, 25, 49):
        single = train(
            panel.session.network.with_options(learning_rate=result.rates[k]),
            panel.session.inputs,
            panel.session.targets,
            1000,
        )
        assert result.final[k] == pytest.approx(single.errors[-1], rel=1e-9)
    rate = view.choice.options[30][1]
    view.choice.value = rate
    assert panel.session.learning_rate == rate == panel.training.lr_slider.value
    assert view.plot.current.get_xdata()[0] == rate and view.plot.current.get_visible()
    assert panel.message.value.startswith(f"Learning rate set to {rate:.3g}")


def test_clicking_a_sweep_point_sets_its_rate():
    panel = xor_panel()
    panel.sweep.count.value = 50
    panel.sweep.run_button.click()
    plot = panel.sweep.plot
    rate, error = panel.sweep.result.rates[12], panel.sweep.result.final[12]
    x, y = plot.ax.transData.transform((rate, error))
    canvas = plot.figure.canvas
    MouseEvent("button_press_event", canvas, x, y, button=1)._process()
    assert panel.session.learning_rate == pytest.approx(rate, rel=1e-12)
    assert panel.training.lr_slider.value == pytest.approx(rate, rel=1e-12)
    # a click outside the axes changes nothing
    MouseEvent("button_press_event", canvas, 1, 1, button=1)._process()
    assert panel.session.learning_rate == pytest.approx(rate, rel=1e-12)


def test_a_sweep_too_long_is_refused_before_it_starts():
    panel = xor_panel()
    panel.sweep.iterations.value = "10000000"
    panel.sweep.count.value = 200
    panel.sweep.run_button.click()
    assert panel.message.value.startswith("Sweep iterations: enter at most ")
    assert panel.sweep.result is None and not panel.sweep.run_button.disabled
    panel.sweep.iterations.value = "ten"
    panel.sweep.run_button.click()
    assert "Sweep iterations: enter a whole number" in panel.message.value


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
