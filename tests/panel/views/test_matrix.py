"""The matrix form view, headless: the toggle, the current step's part, the boxed entry, Go to step."""

from __future__ import annotations

import pytest

from explorer.panel.explorer import Explorer

pytestmark = pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")


def go_to_symbol(panel: Explorer, symbol: str) -> None:
    s = panel.session
    s.go_to(next(i for i, step in enumerate(s.walk.steps, start=1) if step.symbol == symbol))


def test_hidden_until_toggled_then_the_layer_of_the_step(panel):
    view = panel.stepping.matrix_view
    assert view.box.layout.display == "none" and view.math.value == ""
    view.toggle.value = True
    assert view.box.layout.display is None
    assert "before the first step" in view.title.value and "z^{(1)} &= W^{(1)} a^{(0)} + b^{(1)}" in view.math.value
    panel.stepping.next_button.click()  # net_h1
    assert r"\boxed{0.3775}" in view.math.value and "Forward pass, layer 1" in view.title.value


def test_the_output_gradient_is_the_seeds_2x2_matrix_with_this_steps_entry_boxed(panel):
    view = panel.stepping.matrix_view
    view.toggle.value = True
    go_to_symbol(panel, "dE_total/dw5")
    assert "Backward pass, layer 2" in view.title.value
    math = view.math.value
    assert r"\boxed{0.082167041} & 0.082667628 \\ -0.02260254 & -0.022740242" in math
    assert view.entry.label == "dE_total/dw5 = 0.082167041"


def test_choosing_an_entry_goes_to_its_scalar_step(panel):
    view = panel.stepping.matrix_view
    view.toggle.value = True
    go_to_symbol(panel, "dE_total/dw5")
    view.entry.label = "dE_total/dw8 = -0.022740242"
    assert panel.session.current.symbol == "dE_total/dw8"
    assert r"\boxed{-0.022740242}" in view.math.value
    assert panel.stepping.step_slider.value == panel.session.step
    assert not any(label.startswith("w5+") for label, _ in view.entry.options)  # the update is another part


def test_every_choice_of_a_part_leads_to_a_step_with_the_entrys_value(panel):
    view = panel.stepping.matrix_view
    view.toggle.value = True
    go_to_symbol(panel, "dE_total/dw1")
    labels = [label for label, value in view.entry.options if value is not None]
    assert len(labels) > 10
    for label in labels:
        view.entry.label = label
        symbol, printed = label.split(" = ")
        assert panel.session.current.symbol == symbol and view.entry.label == label


def test_the_quiz_hides_it(panel):
    view = panel.stepping.matrix_view
    view.toggle.value = True
    panel.stepping.quiz_view.toggle.value = True
    assert view.math.value == "" and "quiz" in view.title.value
    panel.stepping.quiz_view.toggle.value = False
    assert "W^{(1)}" in view.math.value


def test_batch_mode_has_a_column_per_example():
    panel = Explorer()
    panel.session.set_dataset("xor")
    panel.session.set_mode("batch")
    view = panel.stepping.matrix_view
    view.toggle.value = True
    panel.stepping.next_button.click()
    assert r"Z^{(1)} &= W^{(1)} A^{(0)} + b^{(1)}\mathbf{1}^\top" in view.math.value
    assert r"\begin{pmatrix} 0 & 0 & 1 & 1 \\ 0 & 1 & 0 & 1 \end{pmatrix}" in view.math.value


def test_a_large_layer_is_shown_in_part_and_says_so():
    panel = Explorer()
    panel.session.set_hidden([16])
    view = panel.stepping.matrix_view
    view.toggle.value = True
    go_to_symbol(panel, "net_h16")
    assert r"\vdots" in view.math.value
    assert r"\boxed{" in view.math.value  # the step's row is among those shown
    assert "W^{(1)}$ (16 x 2)" in view.note.value


def test_a_path_boxes_the_sum_it_is_a_part_of(panel):
    view = panel.stepping.matrix_view
    view.toggle.value = True
    go_to_symbol(panel, "dE_o1/dout_h1")
    assert "Backward pass, layer 1" in view.title.value and "adds up this step with others" in view.title.value
    assert r"\boxed{0.036350306}" in view.math.value  # dE_total/dout_h1, the sum of its two paths
