"""The Explorer panel, built headless in plain pytest.

Buttons are clicked with ``button.click()``, sliders and fields set through
``.value`` exactly as the front end would set them; the checks read the
session, the diagram (parsed as SVG), the equation, the log and the curve's
line data.  Training and playing run as asyncio tasks: without a running
loop the panel runs them to completion in the click; under
``asyncio.run`` the test drives them over time (Stop, Pause, Next step while
a run is going).
"""

from __future__ import annotations

import asyncio
import time
import warnings
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from explorer.engine.presets import random_data, random_network, seed_network
from explorer.engine.validation import InputError
from explorer.panel.explorer import Explorer
from tests.helpers.panel import active_ids, assert_unchanged, classes, log_items, snapshot, svg_groups

# ipympl builds its toolbar with arguments traitlets deprecates; not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")

SVG = "{http://www.w3.org/2000/svg}"
STEPS = 53
#: as the panel prints them: nine decimals, trailing zeros dropped (the seed rounds some further)
FORWARD = [
    ("net_h1", "h1", "net", "0.3775"),
    ("out_h1", "h1", "out", "0.593269992"),
    ("net_h2", "h2", "net", "0.3925"),
    ("out_h2", "h2", "out", "0.596884378"),
    ("net_o1", "o1", "net", "1.105905967"),
    ("out_o1", "o1", "out", "0.75136507"),
    ("net_o2", "o2", "net", "1.224921404"),
    ("out_o2", "o2", "out", "0.772928465"),
]
SEED_WEIGHTS = [np.array([[0.15, 0.20], [0.25, 0.30]]), np.array([[0.40, 0.45], [0.50, 0.55]])]
WATCH, FAST = 2000.0, float("inf")


# ------------------------------------------------------------------ helpers


def shown(element: ET.Element) -> str:
    """The visible text of a group (its <text> elements, not its tooltip)."""
    return " ".join(" ".join("".join(t.itertext()).split()) for t in element.iter(SVG + "text"))


def lit(elements, network) -> set[str]:
    """The ids a step's elements light up: themselves, plus the links between lit ends.

    The diagram's rule (diagram.py docstring): an error link lights with both
    ends; a shared bias unit's link to a neuron with the unit and that neuron,
    or with the unit alone when no neuron of the layer is lit.
    """
    on = set(elements)
    ids = set(on)
    nm = network.names
    for o in nm.neurons[-1]:
        if o in on and f"E_{o}" in on:
            ids.add(f"{o}-E_{o}")
        if f"E_{o}" in on and "E_total" in on:
            ids.add(f"E_{o}-E_total")
    for l, unit in enumerate(nm.bias_units):
        layer = nm.neurons[l + 1]
        if unit in on:
            any_neuron = any(n in on for n in layer)
            ids.update(f"{unit}-{n}" for n in layer if n in on or not any_neuron)
    return ids


def phase_marks(panel: Explorer) -> dict[str, set[str]]:
    root = ET.fromstring(panel.stepping.phases.value)
    return {span.text: classes(span) for span in root.iter("span")}


def close(value: float, printed: str) -> bool:
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    return abs(value - float(printed)) <= 10.0**-decimals + 1e-12


def click(button, times: int = 1) -> None:
    for _ in range(times):
        button.click()


async def until(condition, timeout: float = 3.0) -> None:
    """Yield to the loop until ``condition()`` holds (or fail after ``timeout`` s)."""
    deadline = time.perf_counter() + timeout
    while not condition():
        assert time.perf_counter() < deadline, "timed out"
        await asyncio.sleep(0.01)


@pytest.fixture
def panel() -> Explorer:
    return Explorer()


# ----------------------------------------------------------------- building


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
    assert r"\mathit{net}_{h1} = w_{1} i_{1} + w_{2} i_{2} + w_{3} i_{3}" in panel.stepping.equation.value
    assert active_ids(panel.stepping.diagram.value) == {"i1", "i2", "i3", "w1", "w2", "w3", "b1", "b1-h1", "h1"}


@pytest.mark.parametrize("data", [{}, {"inputs": (0.05, 0.10)}, {"targets": (0.01, 0.99)}])
def test_a_network_without_its_data_is_refused(data):
    with pytest.raises(InputError):
        Explorer(network=seed_network(), **data)


def test_repr(panel):
    panel.stepping.next_button.click()
    assert repr(panel).endswith(f"step 1 of {STEPS}, iteration 0)")


# ----------------------------------------------------------------- stepping


def test_next_step_through_the_forward_pass(panel):
    for k, (symbol, neuron, quantity, printed) in enumerate(FORWARD, start=1):
        panel.stepping.next_button.click()
        assert panel.stepping.position.value.startswith(f"step {k} of {STEPS}")
        assert panel.stepping.equation.value.startswith("$$") and panel.stepping.equation.value.endswith(
            f"= {printed}$$"
        )
        assert panel.stepping.meaning.value
        groups, _ = svg_groups(panel.stepping.diagram.value)
        assert f"{quantity} {printed}" in shown(groups[neuron]), symbol
        items = log_items(panel)
        assert [text for text, _ in items] == [f"{s} = {p}" for s, _n, _q, p in FORWARD[:k]]
        assert [("bp-newest" in c) for _t, c in items] == [False] * (k - 1) + [True]
        assert phase_marks(panel) == {"forward": {"bp-current"}, "error": set(), "backward": set(), "update": set()}
    assert r"\mathit{net}_{h1}" not in panel.stepping.equation.value
    assert "0.772928465" in panel.stepping.equation.value
    # outputs not yet worked out are still unknown on the diagram
    groups, _ = svg_groups(panel.stepping.diagram.value)
    assert "E_o1 ?" in shown(groups["E_o1"]) and "E_total ?" in shown(groups["E_total"])


def test_the_first_equation_substitutes_the_seed_numbers(panel):
    panel.stepping.next_button.click()
    value = panel.stepping.equation.value
    assert value.startswith("$$") and value.endswith("$$")
    assert r"w_{1} i_{1} + w_{2} i_{2} + b_{1} \cdot 1" in value
    assert r"0.15 \cdot 0.05 + 0.2 \cdot 0.1 + 0.35 \cdot 1 = 0.3775" in value
    assert "net input to h1" in panel.stepping.meaning.value


def test_every_step_highlights_exactly_its_elements(panel):
    walk = panel.session.walk
    for k, step in enumerate(walk.steps, start=1):
        panel.stepping.next_button.click()
        svg = panel.stepping.diagram.value
        # the finished iteration dims nothing: every new value is shown in full
        expected = set() if k == len(walk.steps) else lit(step.elements, walk.network)
        assert active_ids(svg) == expected, step.symbol
        groups, labels = svg_groups(svg)
        dimmed = {i for i, g in groups.items() if "bp-dim" in classes(g)}
        assert dimmed == (set(groups) - active_ids(svg) if expected else set()), step.symbol
        for w, label in labels.items():
            assert ("bp-active" in classes(label)) == (w in active_ids(svg)), (step.symbol, w)
        assert panel.stepping.meaning.value, step.symbol
        assert panel.stepping.equation.value.startswith("$$") and panel.stepping.equation.value.endswith("$$")
    assert k == STEPS


def test_the_highlight_of_some_steps_written_out(panel):
    panel.stepping.next_button.click()  # net_h1
    assert active_ids(panel.stepping.diagram.value) == {"i1", "i2", "w1", "w2", "b1", "b1-h1", "h1"}
    panel.stepping.next_button.click()  # out_h1
    assert active_ids(panel.stepping.diagram.value) == {"h1"}
    panel.stepping.step_slider.value = 11  # E_total
    assert active_ids(panel.stepping.diagram.value) == {"E_o1", "E_o2", "E_total", "E_o1-E_total", "E_o2-E_total"}
    panel.stepping.step_slider.value = 16  # dE_total/dw5
    assert panel.session.current.symbol == "dE_total/dw5"
    active = active_ids(panel.stepping.diagram.value)
    assert {"w5", "h1", "o1", "E_o1"} <= active
    assert active == {"w5", "h1", "o1", "E_o1", "o1-E_o1"}
    assert r"0.74136507 \cdot 0.186815602 \cdot 0.593269992 = 0.082167041" in panel.stepping.equation.value
    _, labels = svg_groups(panel.stepping.diagram.value)
    assert "∂E/∂w5 = 0.082167041" in shown(labels["w5"])


def test_the_phase_indicator_and_the_log_through_the_iteration(panel):
    marks = []
    for _ in range(4):
        panel.stepping.next_phase_button.click()
        marks.append((panel.session.current.symbol, phase_marks(panel)))
    assert marks == [
        ("net_h1", {"forward": {"bp-current"}, "error": set(), "backward": set(), "update": set()}),
        ("E_o1", {"forward": {"bp-done"}, "error": {"bp-current"}, "backward": set(), "update": set()}),
        (
            "dE_total/dout_o1",
            {"forward": {"bp-done"}, "error": {"bp-done"}, "backward": {"bp-current"}, "update": set()},
        ),
        ("w5+", {"forward": {"bp-done"}, "error": {"bp-done"}, "backward": {"bp-done"}, "update": {"bp-current"}}),
    ]
    assert panel.stepping.position.value.startswith(f"step 46 of {STEPS}")
    items = log_items(panel)
    assert len(items) == 46
    assert items[0][0] == "net_h1 = 0.3775" and items[10][0] == "E_total = 0.298371109"
    assert items[-1][0] == "w5+ = 0.35891648" and "bp-newest" in items[-1][1]


def test_previous_step_goes_back_and_is_disabled_at_zero(panel):
    assert panel.stepping.previous_button.disabled
    click(panel.stepping.next_button, 3)
    assert not panel.stepping.previous_button.disabled
    panel.stepping.previous_button.click()
    assert panel.stepping.position.value.startswith(f"step 2 of {STEPS}")
    assert panel.stepping.equation.value.endswith("= 0.593269992$$")
    assert [t for t, _ in log_items(panel)] == ["net_h1 = 0.3775", "out_h1 = 0.593269992"]
    groups, _ = svg_groups(panel.stepping.diagram.value)
    assert "net ? out ?" in shown(groups["h2"])  # net_h2 is no longer shown
    click(panel.stepping.previous_button, 2)
    assert panel.session.step == 0 and panel.stepping.previous_button.disabled
    assert "Next step" in panel.stepping.equation.value
    assert active_ids(panel.stepping.diagram.value) == set()


def test_finish_iteration_shows_new_and_old_weights(panel):
    panel.stepping.finish_button.click()
    assert panel.stepping.position.value.startswith(f"step {STEPS} of {STEPS}")
    _, labels = svg_groups(panel.stepping.diagram.value)
    text = shown(labels["w5"])
    assert "w5 = 0.35891648" in text and "was 0.4" in text
    new = [t for t in labels["w5"].iter(SVG + "tspan") if "bp-newv" in classes(t)]
    old = [t for t in labels["w5"].iter(SVG + "tspan") if "bp-old" in classes(t)]
    assert [t.text for t in new] == ["0.35891648"] and [t.text for t in old] == ["0.4"]
    assert "w1 = 0.149780716" in shown(labels["w1"]) and "was 0.15" in shown(labels["w1"])
    assert "0.291027774" in panel.stepping.meaning.value  # E_total after this update
    assert len(panel.session.errors) == 1  # nothing applied yet
    assert np.array_equal(panel.session.network.weights[1], SEED_WEIGHTS[1])


def test_the_step_after_the_end_starts_iteration_two(panel):
    panel.stepping.finish_button.click()
    panel.stepping.next_button.click()
    assert panel.stepping.position.value == f"step 1 of {STEPS}, iteration 2"
    assert (
        r"0.149780716 \cdot 0.05 + 0.199561432 \cdot 0.1 + 0.35 \cdot 1 = 0.377445179$$"
        in panel.stepping.equation.value
    )
    _, labels = svg_groups(panel.stepping.diagram.value)
    assert "w5 = 0.35891648" in shown(labels["w5"]) and "was" not in shown(labels["w5"])
    x, y = panel.curve_view.curve.line.get_data()
    assert x.tolist() == [0, 1] and close(y[0], "0.298371109") and close(y[1], "0.291027774")
    assert panel.training.counter.value.startswith("1 iteration done, ")


def test_reset_iteration_returns_to_step_zero_with_the_weights(panel):
    click(panel.stepping.next_button, 20)
    panel.stepping.reset_iteration_button.click()
    assert panel.session.step == 0 and panel.stepping.position.value.startswith(f"step 0 of {STEPS}")
    assert log_items(panel) == [] and active_ids(panel.stepping.diagram.value) == set()
    for got, want in zip(panel.session.network.weights, SEED_WEIGHTS):
        assert np.array_equal(got, want)
    # after a finished iteration and the next begun, reset keeps the updated weights
    panel.stepping.finish_button.click()
    panel.stepping.next_button.click()
    updated = [w.copy() for w in panel.session.network.weights]
    click(panel.stepping.next_button, 4)
    panel.stepping.reset_iteration_button.click()
    assert panel.session.step == 0 and panel.session.iteration == 1
    for got, want in zip(panel.session.network.weights, updated):
        assert np.array_equal(got, want)


def test_the_step_slider_scrubs_to_any_step(panel):
    for step, symbol, printed in [
        (16, "dE_total/dw5", "0.082167041"),
        (3, "net_h2", "0.3925"),
        (STEPS, "w4+", "0.299502287"),
        (46, "w5+", "0.35891648"),
    ]:
        panel.stepping.step_slider.value = step
        assert panel.session.step == step and panel.session.current.symbol == symbol
        assert panel.stepping.position.value.startswith(f"step {step} of {STEPS}")
        assert panel.stepping.equation.value.endswith(f"= {printed}$$")
        assert len(log_items(panel)) == step
    panel.stepping.step_slider.value = 0
    assert panel.session.step == 0 and "Next step" in panel.stepping.equation.value
    panel.stepping.step_slider.value = 7.4  # a drag lands between positions
    assert panel.session.step == 7


# ------------------------------------------------------------ learning rate


def test_the_learning_rate_slider_updates_the_text_and_the_formula(panel):
    panel.stepping.step_slider.value = 46  # w5+
    panel.training.lr_slider.value = 0.25
    assert panel.session.learning_rate == 0.25 and panel.training.lr_text.value == "0.25"
    assert panel.session.step == 46
    assert r"0.4 - 0.25 \cdot 0.082167041 = 0.37945824" in panel.stepping.equation.value
    assert "eta = 0.25" in panel.stepping.meaning.value
    panel.stepping.finish_button.click()
    _, labels = svg_groups(panel.stepping.diagram.value)
    assert "w5 = 0.37945824" in shown(labels["w5"])


def test_typing_a_learning_rate_moves_the_slider(panel):
    panel.training.lr_text.value = "0.2"
    assert panel.training.lr_slider.value == 0.2 and panel.session.learning_rate == 0.2
    assert panel.training.lr_message.value == ""
    panel.stepping.step_slider.value = 46
    assert r"0.4 - 0.2 \cdot 0.082167041" in panel.stepping.equation.value


def test_a_bad_learning_rate_is_refused_and_changes_nothing(panel):
    panel.stepping.step_slider.value = 46
    before = snapshot(panel)
    for bad in ["abc", "", "nan", "inf", "0", "-1", "20"]:
        panel.training.lr_text.value = bad
        message = panel.training.lr_message.value
        assert "Learning rate" in message and "0.001 to 10" in message, bad
        assert_unchanged(before, panel)
        assert panel.session.network.learning_rate == 0.5 and panel.training.lr_slider.value == 0.5
    panel.training.lr_text.value = "0.3"  # a good value clears the message
    assert panel.training.lr_message.value == "" and panel.training.lr_slider.value == 0.3


# ------------------------------------------------------------------- curves


def test_kept_curves_are_labelled_with_their_learning_rates(panel):
    panel.training.pace.value = FAST
    panel.training.iterations_field.value = "30"
    panel.training.train_button.click()
    panel.curve_view.keep_button.click()
    first = panel.curve_view.curve.line.get_data()[1].copy()
    panel.training.lr_slider.value = 2.0
    panel.training.train_button.click()
    panel.curve_view.keep_button.click()
    ghosts = panel.curve_view.curve.ghosts
    assert [g.get_label() for g in ghosts] == ["eta = 0.5 (30 it.)", "eta = 2 (60 it.)"]
    assert np.array_equal(ghosts[0].get_ydata(), first) and len(ghosts[1].get_ydata()) == 61
    legend = [t.get_text() for t in panel.curve_view.curve.ax.get_legend().get_texts()]
    assert "eta = 0.5 (30 it.)" in legend and "eta = 2 (60 it.)" in legend
    for rate in (0.1, 1.0, 5.0):
        panel.training.lr_slider.value = rate
        panel.training.train_button.click()
        panel.curve_view.keep_button.click()
    assert len(panel.curve_view.curve.ghosts) == 5
    assert [g.get_label().split(" (")[0] for g in panel.curve_view.curve.ghosts] == [
        "eta = 0.5",
        "eta = 2",
        "eta = 0.1",
        "eta = 1",
        "eta = 5",
    ]
    kept = list(panel.curve_view.curve.ghosts)
    panel.curve_view.clear_button.click()
    assert panel.curve_view.curve.ghosts == []
    assert not any(g in panel.curve_view.curve.ax.lines for g in kept)
    assert panel.curve_view.curve.line in panel.curve_view.curve.ax.lines


def test_log_scale_toggles(panel):
    panel.curve_view.log_scale.value = True
    assert panel.curve_view.curve.ax.get_yscale() == "log"
    panel.curve_view.log_scale.value = False
    assert panel.curve_view.curve.ax.get_yscale() == "linear"


def test_the_curve_is_the_session_errors(panel):
    panel.training.pace.value = FAST
    panel.training.iterations_field.value = "40"
    panel.training.train_button.click()
    panel.stepping.finish_button.click()
    panel.stepping.next_button.click()
    errors = panel.session.errors.values
    x, y = panel.curve_view.curve.line.get_data()
    assert len(errors) == 42 and len(x) == 42
    assert (x[0], x[-1]) == (0, 41)
    assert y[0] == errors[0] and y[-1] == errors[-1]
    assert np.array_equal(y, errors)
    assert list(panel.curve_view.curve.marker.get_data()[1]) == [errors[-1]]


# ------------------------------------------------------------------ resetting


def test_reset_weights_restores_exactly_the_initial_weights(panel):
    panel.training.pace.value = FAST
    panel.training.iterations_field.value = "200"
    panel.training.train_button.click()
    panel.editing.fields["p:w1"].value = "-3"
    panel.editing.fields["p:b2"].value = "1.5"
    click(panel.stepping.next_button, 5)
    panel.training.reset_weights_button.click()
    s = panel.session
    for got, want in zip(s.network.weights, SEED_WEIGHTS):
        assert np.array_equal(got, want)
    assert [b.tolist() for b in s.network.biases] == [[0.35], [0.6]]
    assert (s.step, s.iteration, len(s.errors)) == (0, 0, 1)
    assert panel.editing.fields["p:w1"].value == "0.15" and panel.editing.fields["p:b2"].value == "0.6"
    assert len(panel.curve_view.curve.line.get_xdata()) == 1
    assert "restored" in panel.message.value
    _, labels = svg_groups(panel.stepping.diagram.value)
    assert "w1 = 0.15" in shown(labels["w1"])


# ------------------------------------------------------------------- editing

BAD_TEXTS = ["abc", "", "nan", "inf", "1e999", "101", "-100.5", "2*3"]


@pytest.mark.parametrize("key", ["i:0", "i:1", "t:0", "t:1", "p:w1", "p:w5", "p:b1", "p:b2"])
def test_a_bad_edit_is_shown_beside_its_field_and_changes_nothing(panel, key):
    click(panel.stepping.next_button, 3)
    before = snapshot(panel)
    for bad in BAD_TEXTS:
        panel.editing.fields[key].value = bad
        message = panel.editing.field_messages[key].value
        assert "-100 to 100" in message, (key, bad)
        assert "bp-invalid" in panel.editing.fields[key]._dom_classes
        assert all(m.value == "" for k, m in panel.editing.field_messages.items() if k != key)
        assert panel.message.value == ""
        assert_unchanged(before, panel)


def test_a_good_edit_restarts_the_iteration_keeps_the_curve_and_shows(panel):
    panel.training.pace.value = FAST
    panel.training.iterations_field.value = "10"
    panel.training.train_button.click()
    errors = panel.session.errors.values.copy()
    click(panel.stepping.next_button, 7)
    panel.editing.fields["p:w5"].value = "wrong"
    panel.editing.fields["p:w5"].value = "0.3"
    s = panel.session
    assert s.network.parameters()["w5"] == 0.3 and s.step == 0
    assert np.array_equal(s.errors.values, errors)
    assert np.array_equal(panel.curve_view.curve.line.get_ydata(), errors)
    assert (
        panel.editing.field_messages["p:w5"].value == ""
        and "bp-invalid" not in panel.editing.fields["p:w5"]._dom_classes
    )
    _, labels = svg_groups(panel.stepping.diagram.value)
    assert "w5 = 0.3" in shown(labels["w5"])
    panel.stepping.step_slider.value = 5  # net_o1 now uses w5 = 0.3
    assert r"0.3 \cdot 0.59" in panel.stepping.equation.value


def test_editing_an_input_and_a_target(panel):
    panel.editing.fields["i:0"].value = "1"
    panel.editing.fields["t:1"].value = "0.5"
    assert np.array_equal(panel.session.inputs, [[1.0, 0.1]])
    assert np.array_equal(panel.session.targets, [[0.01, 0.5]])
    groups, _ = svg_groups(panel.stepping.diagram.value)
    assert "target 0.5" in shown(groups["E_o2"])
    panel.stepping.next_button.click()
    assert r"0.15 \cdot 1 + 0.2 \cdot 0.1 + 0.35 \cdot 1 = 0.52$$" in panel.stepping.equation.value


def test_the_seed_order(panel):
    assert panel.session.walk.value("dnet_o1/dout_h1") == 0.4
    panel.editing.order.value = "seed"
    assert panel.session.network.order == "seed"
    assert close(panel.session.walk.value("dnet_o1/dout_h1"), "0.35891648")
    assert "update order seed" in panel.editing.title.value
    panel.stepping.step_slider.value = 25  # dnet_o1/dout_h1
    assert panel.stepping.equation.value.endswith("= 0.35891648$$")


def test_updating_biases_adds_bias_steps(panel):
    panel.editing.update_biases.value = True
    symbols = [s.symbol for s in panel.session.walk.steps]
    assert {"dE_total/db1", "dE_total/db2", "b1+", "b2+"} <= set(symbols)
    assert panel.stepping.step_slider.max == STEPS + 4
    assert panel.stepping.position.value.startswith(f"step 0 of {STEPS + 4}")
    panel.stepping.step_slider.value = symbols.index("dE_total/db2") + 1
    assert panel.stepping.equation.value.startswith(r"$$\frac{\partial E_{total}}{\partial b_{2}}")
    panel.stepping.finish_button.click()
    groups, _ = svg_groups(panel.stepping.diagram.value)
    new = [t.text for t in groups["b2"].iter(SVG + "tspan") if "bp-newv" in classes(t)]
    assert len(new) == 1 and float(new[0]) != 0.6
    assert "biases updated" in panel.editing.title.value


# ------------------------------------------------------------ handler errors


def test_an_error_in_a_click_handler_is_shown(panel, monkeypatch):
    def boom():
        raise RuntimeError("boom in next_step")

    monkeypatch.setattr(panel.session, "next_step", boom)
    panel.stepping.next_button.click()  # must not raise
    assert "RuntimeError" in panel.message.value and "boom in next_step" in panel.message.value
    assert panel.message.kind == "error"
    assert "Traceback" in panel.details.outputs[-1]["text"]
    assert panel.session.step == 0


def test_an_error_in_an_observer_is_shown(panel, monkeypatch):
    def boom(text):
        raise RuntimeError("boom in set_learning_rate")

    monkeypatch.setattr(panel.session, "set_learning_rate", boom)
    panel.training.lr_slider.value = 1.0
    assert "boom in set_learning_rate" in panel.message.value


def test_an_error_in_training_is_shown_without_a_loop(panel, monkeypatch):
    def boom(iterations):
        raise RuntimeError("boom in train")

    monkeypatch.setattr(panel.session, "train", boom)
    panel.training.train_button.click()
    assert "boom in train" in panel.message.value
    assert (
        not panel.session.training and not panel.training.train_button.disabled and panel.training.stop_button.disabled
    )


def test_an_error_in_a_training_task_is_shown(panel, monkeypatch):
    def boom(iterations):
        raise RuntimeError("boom in the task")

    monkeypatch.setattr(panel.session, "train", boom)

    async def scenario():
        panel.training.train_button.click()
        task = panel.runner.training_task
        await asyncio.wait([task])
        await asyncio.sleep(0)  # done callbacks run
        return task

    task = asyncio.run(scenario())
    assert isinstance(task.exception(), RuntimeError)
    assert "boom in the task" in panel.message.value
    assert not panel.session.training and not panel.training.train_button.disabled


# -------------------------------------------------------------- two panels


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


# ------------------------------------------------------------------ training


def test_train_without_a_loop(panel):
    panel.training.iterations_field.value = "200"
    panel.training.pace.value = FAST
    panel.training.train_button.click()
    s = panel.session
    assert panel.runner.training_task is None  # ran in the click
    assert s.iteration == 200 and panel.training.counter.value.startswith("200 iterations done, ")
    y = panel.curve_view.curve.line.get_ydata()
    assert len(y) == 201 and np.all(np.diff(y) < 0) and y[-1] < 0.01
    assert panel.training.progress.value == 200 and panel.training.progress.max == 200
    assert not s.training and not panel.training.train_button.disabled and panel.training.stop_button.disabled
    assert panel.message.value == ""
    assert s.walk.network is s.network


def test_train_under_a_loop(panel):
    panel.training.iterations_field.value = "200"
    panel.training.pace.value = FAST

    async def scenario():
        panel.training.train_button.click()
        assert (
            panel.session.training and panel.training.train_button.disabled and not panel.training.stop_button.disabled
        )
        await panel.runner.training_task

    asyncio.run(scenario())
    assert panel.session.iteration == 200 and panel.training.counter.value.startswith("200 iterations done, ")
    assert len(panel.curve_view.curve.line.get_ydata()) == 201
    assert not panel.session.training


@pytest.mark.parametrize("bad", ["abc", "-5", "", "1.5", "10000001"])
def test_bad_iterations_train_nothing(panel, bad):
    panel.training.iterations_field.value = bad
    assert "Iterations" in panel.message.value and "whole number" in panel.message.value
    panel.message.value = ""
    panel.training.train_button.click()
    assert "Iterations" in panel.message.value
    assert panel.session.iteration == 0 and len(panel.session.errors) == 1
    assert not panel.session.training


def test_stop_mid_run_keeps_the_trained_weights(panel):
    panel.training.iterations_field.value = "1000000"
    panel.training.pace.value = WATCH

    async def scenario():
        panel.training.train_button.click()
        await asyncio.sleep(0.3)
        assert panel.session.training
        panel.training.stop_button.click()
        await panel.runner.training_task

    asyncio.run(scenario())
    s = panel.session
    assert 0 < s.iteration < 10_000  # 2,000 it/s for 0.3 s
    assert not s.training and panel.training.stop_button.disabled and not panel.training.train_button.disabled
    assert len(panel.curve_view.curve.line.get_ydata()) == s.iteration + 1
    assert panel.curve_view.curve.line.get_ydata()[-1] < panel.curve_view.curve.line.get_ydata()[0]
    assert panel.training.counter.value.startswith(f"{s.iteration:,} iterations done, ")
    for got, want in zip(s.walk.network.weights, s.network.weights):
        assert np.array_equal(got, want)
    assert not np.array_equal(s.network.weights[0], SEED_WEIGHTS[0])
    panel.stepping.next_button.click()
    assert s.step == 1 and s.current.symbol == "net_h1" and s.current.value != 0.3775
    assert "0.3775$$" not in panel.stepping.equation.value


def test_next_step_during_a_run_stops_it_and_steps(panel):
    panel.training.iterations_field.value = "1000000"

    async def scenario():
        panel.training.train_button.click()
        await asyncio.sleep(0.2)
        panel.stepping.next_button.click()
        assert panel.session.step == 1
        await asyncio.wait_for(panel.runner.training_task, 2.0)

    asyncio.run(scenario())
    s = panel.session
    assert not s.training and 0 < s.iteration < 10_000
    assert s.step == 1 and panel.stepping.position.value.startswith(f"step 1 of {STEPS}")
    for got, want in zip(s.walk.network.weights, s.network.weights):
        assert np.array_equal(got, want)
    assert s.current.value != 0.3775


def test_play_trains_until_paused(panel):
    async def scenario():
        panel.training.play_training.value = True
        await asyncio.sleep(0.3)
        assert panel.session.training and panel.training.play_training.description == "Pause"
        panel.training.play_training.value = False
        await panel.runner.training_task
        stopped = panel.session.iteration
        await asyncio.sleep(0.1)
        return stopped

    stopped = asyncio.run(scenario())
    assert stopped > 0 and panel.session.iteration == stopped
    assert not panel.session.training and panel.training.play_training.description == "Play"
    assert len(panel.curve_view.curve.line.get_ydata()) == stopped + 1


def test_play_without_a_loop_says_why(panel):
    panel.training.play_training.value = True
    assert not panel.training.play_training.value
    assert "Play" in panel.message.value and "Train" in panel.message.value
    assert panel.session.iteration == 0


def _diverging(rate: float) -> Explorer:
    # linear neurons and inputs 3, 4: each update overshoots more than the last
    panel = Explorer(
        network=seed_network(activations="linear", learning_rate=rate), inputs=(3, 4), targets=(0.01, 0.99)
    )
    panel.training.pace.value = FAST
    panel.training.iterations_field.value = "2000"
    return panel


def _train_quietly(panel: Explorer) -> list:
    """Train, keep the message it left, then step on the diverged network; warnings caught."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        panel.training.train_button.click()
        panel.message_after_training = panel.message.value
        panel.stepping.next_button.click()
        panel.stepping.finish_button.click()
    return [w for w in caught if "explorer" in w.filename]


def test_a_diverging_rate_is_reported():
    panel = _diverging(0.5)
    assert _train_quietly(panel) == []
    message = panel.message_after_training
    assert "diverges" in message and "iteration 5" in message and "Unexpected" not in message
    assert panel.session.iteration == 5 and not panel.session.training
    assert "E_total inf" in panel.training.counter.value
    assert len(panel.curve_view.curve.line.get_xdata()) == 5  # the finite part of the curve
    panel.training.reset_weights_button.click()
    assert panel.session.iteration == 0 and np.isfinite(panel.session.errors.values[0])


def test_a_rate_that_diverges_to_inf_weights_is_reported_quietly():
    panel = _diverging(1.0)
    assert _train_quietly(panel) == []
    assert "diverges" in panel.message_after_training


def test_train_right_after_stop_is_not_lost(panel):
    panel.training.iterations_field.value = "1000000"

    async def scenario():
        panel.training.train_button.click()
        await asyncio.sleep(0.2)
        panel.training.stop_button.click()
        first = panel.runner.training_task
        stopped_at = panel.session.iteration
        panel.training.pace.value = FAST
        panel.training.iterations_field.value = "300"
        panel.training.train_button.click()
        await until(lambda: not panel.session.training and panel.runner.training_task.done())
        return first, stopped_at

    first, stopped_at = asyncio.run(scenario())
    assert panel.runner.training_task is not first
    assert panel.session.iteration >= stopped_at + 300


# ------------------------------------------------------------ playing steps


def test_play_steps_advances_until_toggled_off(panel):
    panel.stepping.step_speed.value = 8.0

    async def scenario():
        panel.stepping.play_steps.value = True
        await asyncio.sleep(0.55)
        playing = panel.session.step
        panel.stepping.play_steps.value = False
        await asyncio.sleep(0.3)
        return playing

    playing = asyncio.run(scenario())
    assert 3 <= playing <= 6
    assert panel.session.step == playing and panel.stepping.play_steps.description == "Play steps"


def test_play_steps_stops_at_the_end_of_the_iteration(panel):
    panel.stepping.step_speed.value = 8.0
    panel.stepping.step_slider.value = STEPS - 3

    async def scenario():
        panel.stepping.play_steps.value = True
        assert panel.stepping.play_steps.description == "Pause steps"
        await until(lambda: not panel.stepping.play_steps.value)
        await asyncio.sleep(0.3)

    asyncio.run(scenario())
    assert panel.session.finished and panel.session.iteration == 0
    assert panel.stepping.play_steps.description == "Play steps"


def test_play_steps_toggled_off_and_on_plays_once(panel):
    panel.stepping.step_speed.value = 8.0

    async def scenario():
        panel.stepping.play_steps.value = True
        await asyncio.sleep(0.05)
        panel.stepping.play_steps.value = False
        panel.stepping.play_steps.value = True
        await asyncio.sleep(0.6)
        steps = panel.session.step
        panel.stepping.play_steps.value = False
        await asyncio.sleep(0.2)
        return steps

    steps = asyncio.run(scenario())
    assert 3 <= steps <= 7  # one step per 0.125 s, from one loop


def test_the_next_action_clears_a_stale_message(panel):
    panel.training.reset_weights_button.click()
    assert "restored" in panel.message.value
    panel.stepping.next_button.click()
    assert panel.message.value == ""


def _step_to(panel: Explorer, symbol: str) -> None:
    while panel.session.current is None or panel.session.current.symbol != symbol:
        panel.stepping.next_button.click()


def test_gradient_steps_are_checked_by_central_differences(panel):
    _step_to(panel, "dnet_o1/dw5")
    assert panel.stepping.check.value == ""  # a factor, not a gradient: nothing to check
    _step_to(panel, "dE_total/dw5")
    assert "nudging w5" in panel.stepping.check.value and "= 0.082167041." in panel.stepping.check.value
    assert "differs" not in panel.stepping.check.value
    _step_to(panel, "dE_total/dw1")
    assert "= 0.000438568." in panel.stepping.check.value and "differs" not in panel.stepping.check.value


def test_the_check_shows_the_seed_order_is_not_the_true_slope(panel):
    panel.editing.order.value = "seed"
    _step_to(panel, "dE_total/dw5")  # output layer: both orders agree with the slope
    assert "differs" not in panel.stepping.check.value
    _step_to(panel, "dE_total/dw1")
    assert panel.session.current.value == pytest.approx(0.000364723, abs=1e-9)
    assert "= 0.000438568." in panel.stepping.check.value and "differs" in panel.stepping.check.value
