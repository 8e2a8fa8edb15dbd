"""The stepping view, headless: the diagram, the formula, the step controls, playing.

Also in the presenter's arrangement: its large type, its keys, its Iteration field.
"""

from __future__ import annotations

import asyncio
import re

import numpy as np
import pytest

from explorer.drawing.sizes import PRESENTER_TEXT
from explorer.panel.explorer import Explorer
from explorer.panel.views.stepping import formula_html
from tests.helpers.panel import (
    FORWARD,
    SEED_WEIGHTS,
    STEPS,
    SVG,
    active_ids,
    classes,
    click,
    close,
    label_text,
    latex_of,
    lit,
    log_items,
    phase_marks,
    shown,
    svg_groups,
    until,
)

pytestmark = pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")


def test_next_step_through_the_forward_pass(panel):
    for k, (symbol, neuron, quantity, printed) in enumerate(FORWARD, start=1):
        panel.stepping.next_button.click()
        assert panel.stepping.position.value.startswith(f"step {k} of {STEPS}")
        assert latex_of(panel.stepping.equation.value).endswith(f"= {printed}$$")
        assert panel.stepping.meaning.value
        groups, _ = svg_groups(panel.stepping.diagram.value)
        assert f"{quantity} {printed}" in shown(groups[neuron]), symbol
        items = log_items(panel)
        assert [text for text, _ in items] == [f"{s} = {p}" for s, _n, _q, p in FORWARD[:k]]
        assert [("bp-newest" in c) for _t, c in items] == [False] * (k - 1) + [True]
        assert phase_marks(panel) == {"forward": {"bp-current"}, "error": set(), "backward": set(), "update": set()}
    assert r"\mathit{net}_{h1}" not in latex_of(panel.stepping.equation.value)
    assert "0.772928465" in latex_of(panel.stepping.equation.value)
    # outputs not yet worked out are still unknown on the diagram
    groups, _ = svg_groups(panel.stepping.diagram.value)
    assert "E_o1 ?" in shown(groups["E_o1"]) and "E_total ?" in shown(groups["E_total"])


def test_the_first_equation_substitutes_the_seed_numbers(panel):
    panel.stepping.next_button.click()
    value = latex_of(panel.stepping.equation.value)
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
        assert latex_of(panel.stepping.equation.value).startswith("$$"), step.symbol
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
    assert r"0.74136507 \cdot 0.186815602 \cdot 0.593269992 = 0.082167041" in latex_of(panel.stepping.equation.value)
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
    assert latex_of(panel.stepping.equation.value).endswith("= 0.593269992$$")
    assert [t for t, _ in log_items(panel)] == ["net_h1 = 0.3775", "out_h1 = 0.593269992"]
    groups, _ = svg_groups(panel.stepping.diagram.value)
    assert "net ? out ?" in shown(groups["h2"])  # net_h2 is no longer shown
    click(panel.stepping.previous_button, 2)
    assert panel.session.step == 0 and panel.stepping.previous_button.disabled
    assert "Next step" in latex_of(panel.stepping.equation.value)
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
    assert r"0.149780716 \cdot 0.05 + 0.199561432 \cdot 0.1 + 0.35 \cdot 1 = 0.377445179$$" in latex_of(
        panel.stepping.equation.value
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
        assert latex_of(panel.stepping.equation.value).endswith(f"= {printed}$$")
        assert len(log_items(panel)) == step
    panel.stepping.step_slider.value = 0
    assert panel.session.step == 0 and "Next step" in latex_of(panel.stepping.equation.value)
    panel.stepping.step_slider.value = 7.4  # no step: refused (a native range input sends whole steps)
    assert panel.session.step == 0 and "whole number" in panel.stepping.step_slider.error


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


def test_presenter_labels_only_the_current_step_of_a_shape_too_big_for_its_room():
    from explorer.engine.datasets import dataset
    from explorer.engine.presets import random_network

    data = dataset("xor")
    inputs, targets = data.inputs, data.targets
    xor = Explorer(random_network((2, 3, 1), seed=1), inputs, targets, layout="presenter")
    xor.stepping.next_button.click()  # net_h1 = w1 i1 + w2 i2 + b1
    labels = set(re.findall(r'data-for="(\w+)"', xor.stepping.diagram.value))
    assert labels == {"w1", "w2"}
    assert "w5 = " in xor.stepping.diagram.value  # the others' values are in their tooltips
    notebook = Explorer(random_network((2, 3, 1), seed=1), inputs, targets)
    assert len(re.findall(r'data-for="(\w+)"', notebook.stepping.diagram.value)) == 9


def test_presenter_shows_large_compact_labels_and_wrapping_formulas(presenter):
    svg = presenter.stepping.diagram.value
    assert f"font-size:{PRESENTER_TEXT:.4g}px" in svg  # the values, the smallest text, at the presenter's size
    presenter.stepping.finish_button.click()
    # one line a label: the new value, not the old one beneath it
    assert label_text(presenter.stepping.diagram.value, "w5") == "w5 = 0.35891648"
    presenter.stepping.reset_iteration_button.click()
    presenter.stepping.next_button.click()
    assert r"\mathit{net}_{h1} = w_{1} i_{1} + w_{2} i_{2}" in latex_of(presenter.stepping.equation.value)
    assert r"= 0.15 \cdot 0.05 + 0.2 \cdot 0.1 + 0.35 \cdot 1 = 0.3775" in latex_of(presenter.stepping.equation.value)
    # the notebook layout keeps one line and the old value under the new
    notebook = Explorer()
    notebook.stepping.finish_button.click()
    assert label_text(notebook.stepping.diagram.value, "w5") == "w5 = 0.35891648 was 0.4"


@pytest.mark.parametrize("key, step", [("next", 3), ("previous", 1)])
def test_presenter_keys_step(presenter, key, step):
    presenter.stepping.next_button.click()
    presenter.stepping.next_button.click()
    presenter.stepping._on_key(presenter.stepping.presenter_keys, {"key": key}, [])
    assert presenter.session.step == step


@pytest.mark.parametrize("content", [{"key": "sideways"}, {}, "next", None, {"key": ["next"]}])
def test_odd_key_messages_do_nothing(presenter, content):
    presenter.stepping._on_key(presenter.stepping.presenter_keys, content, [])
    assert presenter.session.step == 0 and presenter.message.value == ""


def test_iteration_field_opens_any_iteration_trained(presenter):
    presenter.training.pace.value = None  # fast
    presenter.training.iterations_field.value = "200"
    presenter.training.train_button.click()
    assert presenter.stepping.iteration_field.value == "201" and presenter.stepping.iteration_total.value == "of 201"
    presenter.stepping.iteration_field.value = "1"
    s = presenter.session
    assert (s.iteration, s.step, s.trained) == (0, 0, 200)
    assert label_text(presenter.stepping.diagram.value, "w5") == "w5 = 0.4"
    assert presenter.stepping.position.value == "step 0 of 53" and presenter.stepping.iteration_field.value == "1"
    # the curve marks the iteration shown, over the whole run
    assert list(presenter.curve_view.curve.marker.get_xdata()) == [0]
    assert len(presenter.curve_view.curve.line.get_xdata()) == 201
    presenter.stepping.next_button.click()
    assert "= 0.3775" in latex_of(presenter.stepping.equation.value)


@pytest.mark.parametrize("bad", ["0", "202", "x", "1.5", "-3"])
def test_a_bad_iteration_is_explained_beside_the_field(presenter, bad):
    presenter.training.pace.value = None
    presenter.training.iterations_field.value = "200"
    presenter.training.train_button.click()
    presenter.stepping.iteration_field.value = bad
    assert "Iteration" in presenter.stepping.iteration_message.value
    assert "from 1 to 201" in presenter.stepping.iteration_message.value
    assert presenter.session.iteration == 200


def test_previous_step_reaches_back_into_the_iteration_before(presenter):
    assert presenter.stepping.previous_button.disabled
    presenter.stepping.finish_button.click()
    presenter.stepping.next_button.click()  # iteration 2, step 1
    presenter.stepping.previous_button.click()
    assert not presenter.stepping.previous_button.disabled  # step 0 of iteration 2: iteration 1 lies behind
    presenter.stepping.previous_button.click()
    assert presenter.stepping.position.value == "step 53 of 53" and presenter.stepping.iteration_field.value == "1"
    assert label_text(presenter.stepping.diagram.value, "w5") == "w5 = 0.35891648"


def test_finished_iteration_news_on_its_own_line(presenter):
    presenter.stepping.finish_button.click()
    assert "E_total after this update: 0.291027774" in presenter.stepping.check.value
    assert "E_total after" not in presenter.stepping.meaning.value


def test_text_size_control(presenter):
    presenter.stepping.text_size.value = "largest"
    assert "font-size:21.6px" in presenter.stepping.diagram.value
    assert "bp-fit-height" not in presenter.stepping.diagram_box._dom_classes
    presenter.stepping.text_size.value = "normal"
    assert "font-size:12px" in presenter.stepping.diagram.value


def test_a_formula_is_pieces_that_wrap_after_an_operator_with_the_result_last():
    html = formula_html(r"\mathit{net}_{h1} = w_{1} i_{1} + b_{1} \cdot 1 = 0.15 \cdot 0.05 + 0.35 \cdot 1 = 0.3775")
    kinds = re.findall(r'class="bp-piece bp-(\w+)"', html)
    assert kinds == ["lhs", "middle", "middle", "middle", "middle", "elided", "result"]
    assert r"\displaystyle w_{1} i_{1} + {}$" in html and r"\displaystyle 0.3775$" in html
    assert latex_of(html) == (
        r"$$\mathit{net}_{h1} = w_{1} i_{1} + b_{1} \cdot 1 = 0.15 \cdot 0.05 + 0.35 \cdot 1 = 0.3775$$"
    )


def test_the_step_log_shows_a_window_of_the_latest_steps_of_a_large_iteration():
    from xml.etree import ElementTree as ET

    from explorer.engine.presets import random_data, random_network
    from explorer.panel.views.stepping import LOG_WINDOW

    network = random_network((4, 16, 16, 4), seed=1)
    x, t = random_data(network, 8, seed=1)
    panel = Explorer(network=network, inputs=x, targets=t)
    panel.stepping.step_slider.value = 700
    items = log_items(panel)
    assert panel.session.step == 700 and len(items) == LOG_WINDOW
    assert "bp-newest" in items[-1][1] and items[-1][0] == panel.session.current.text()
    root = ET.fromstring(panel.stepping.step_log.value)
    assert root.find(".//ol").get("start") == str(700 - LOG_WINDOW + 1)
    assert f"{700 - LOG_WINDOW:,} earlier steps" in panel.stepping.step_log.value


@pytest.mark.parametrize("presenter", [False, True])
def test_a_softmax_iteration_steps_through_with_its_formulas_and_diagram(presenter):
    """2-3-3 on the three-class data: every step shown, the Jacobian's among them, the diagram's outs filled."""
    panel = Explorer(layout="presenter" if presenter else "notebook")
    s = panel.session
    s.set_dataset("three-class")
    s.set_loss("cce")
    s.add_neuron(1)
    seen = []
    for _ in range(len(s.walk.steps)):
        panel.stepping.next_button.click()
        step = s.current
        seen.append(step.quantity)
        shown = latex_of(panel.stepping.equation.value)
        assert shown.startswith("$$") and panel.stepping.meaning.value
        if step.symbol == "dE_total/dnet_o1":
            assert r"\mathit{out}_{o1} - \mathit{target}_{o1}" in shown
    assert seen.count("cross_slope") == 6 and seen.count("delta") >= 3
    from explorer.engine.formatting import number

    assert number(s.walk.value("out_o3")) in panel.stepping.diagram.value  # the softmax out on its neuron
    panel.close()


def _view_box(svg: str) -> tuple[float, float]:
    width, height = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups()
    return float(width), float(height)


def test_the_diagram_is_laid_out_for_the_room_the_page_reports_and_redrawn_once(presenter):
    st = presenter.stepping
    drawn = []
    st.diagram.observe(lambda change: drawn.append(change["new"]), names="value")
    usual = _view_box(st.diagram.value)  # no room reported yet: the usual 1280 x 720 room's layout
    st.fit.room = [1100, 280]  # JupyterLab's notebook panel at 1280 x 720: lower than the usual room
    assert len(drawn) == 1 and 'data-room="1100 280"' in drawn[0]  # which the page waits for
    low = _view_box(drawn[0])
    assert low[1] < usual[1] and low[0] / low[1] > usual[0] / usual[1]  # lower and wider, to fill it
    assert min(1100 / low[0], 280 / low[1]) > min(1100 / usual[0], 280 / usual[1])  # larger text in it
    st.fit.room = (1100, 280)  # the same room again (as the page's JSON list or a tuple): no redraw
    assert len(drawn) == 1
    st.next_button.click()  # a step keeps the room
    assert _view_box(drawn[-1]) == low


def test_a_reported_room_redraws_nothing_at_a_text_size_not_laid_out_for_one(presenter):
    st = presenter.stepping
    st.text_size.value = "larger"
    drawn = []
    st.diagram.observe(lambda change: drawn.append(change["new"]), names="value")
    st.fit.room = (1100, 280)
    assert drawn == []


def test_a_room_narrower_than_the_usual_keeps_the_usual_layout_when_it_shows_larger():
    """At 1024 x 768 (about 1000 x 460) the compact labels need more width than there is at 1:1."""
    presenter = Explorer(layout="presenter")
    usual = _view_box(presenter.stepping.diagram.value)
    presenter.stepping.fit.room = (1000, 460)
    assert _view_box(presenter.stepping.diagram.value) == usual


def test_a_room_where_the_usual_layout_reads_at_the_floor_keeps_it_and_all_its_labels():
    """The classroom page at 1280 x 720 (about 1250 x 414, reported as 1240 x 400): the usual
    layout reads 14.3 px there; laid out for that room it would read larger with only the
    current step's labels, which is not worth the labels lost."""
    presenter = Explorer(layout="presenter")
    presenter.stepping.next_button.click()
    usual = presenter.stepping.diagram.value
    presenter.stepping.fit.room = (1240, 400)
    shown = presenter.stepping.diagram.value
    assert _view_box(shown) == _view_box(usual) and 'data-room="1240 400"' in shown
    assert len(re.findall(r'data-for="(\w+)"', shown)) == 8  # the seed's w1-w8, each labelled
