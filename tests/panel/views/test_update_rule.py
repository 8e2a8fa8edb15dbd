"""The update rule's fields, headless: weight decay and momentum typed in, refused as the learning rate is."""

from __future__ import annotations

import html

import pytest

from explorer.engine.presets import random_data, random_network
from explorer.engine.training import train
from explorer.lesson import savefile
from explorer.panel.explorer import Explorer
from tests.helpers.panel import assert_unchanged, click, snapshot, walk_widgets

pytestmark = pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")


@pytest.mark.parametrize("layout", ["notebook", "presenter"])
def test_the_fields_show_the_plain_rule_in_every_layout(layout):
    e = Explorer(layout=layout)
    rule = e.training.rule
    assert (rule.decay_text.value, rule.momentum_text.value) == ("0", "0")
    assert rule.decay_text.description == "Weight decay \u03bb" and rule.momentum_text.description == "Momentum \u03bc"
    everything = list(walk_widgets(e))
    assert rule.decay_text in everything and rule.momentum_text in everything and rule.message in everything


def test_typing_a_rule_keeps_the_step_and_shows_the_extra_terms(panel):
    panel.stepping.step_slider.value = 46  # w5+
    panel.training.rule.decay_text.value = " 0.01 "
    assert panel.session.network.weight_decay == 0.01 and panel.session.step == 46
    assert panel.training.rule.decay_text.value == "0.01"
    assert r"0.5 \left(0.082167041 + 0.01 \cdot 0.4\right)" in panel.stepping.equation.value
    panel.training.rule.momentum_text.value = "0.9"
    assert panel.session.network.momentum == 0.9
    assert r"\mu v_{w_{5}}" in panel.stepping.equation.value
    assert panel.training.rule.message.value == ""


@pytest.mark.parametrize(
    ("field", "bad", "accepted"),
    [
        ("decay_text", "abc", "Weight decay: enter a number from 0 to 1"),
        ("decay_text", "-0.5", "Weight decay: enter a number from 0 to 1"),
        ("decay_text", "", "Weight decay: enter a number from 0 to 1"),
        ("momentum_text", "1", "Momentum: enter a number from 0 up to (not including) 1"),
        ("momentum_text", "nan", "Momentum: enter a number from 0 up to (not including) 1"),
        ("momentum_text", "2*3", "Momentum: enter a number from 0 up to (not including) 1"),
    ],
)
def test_a_bad_value_is_refused_beside_its_field_and_changes_nothing(panel, field, bad, accepted):
    panel.stepping.step_slider.value = 46
    before = snapshot(panel)
    text = getattr(panel.training.rule, field)
    text.value = bad
    assert accepted in panel.training.rule.message.value
    assert "bp-invalid" in text._dom_classes and text.value == bad  # the text stays, to be corrected
    assert_unchanged(before, panel)
    assert (panel.session.network.weight_decay, panel.session.network.momentum) == (0.0, 0.0)
    text.value = "0.5"  # a good value clears the mark and the message
    assert panel.training.rule.message.value == "" and "bp-invalid" not in text._dom_classes


def test_under_the_seeds_order_the_rule_is_refused_with_the_reason(panel):
    panel.editing.order.value = "seed"
    panel.training.rule.momentum_text.value = "0.5"
    message = html.unescape(panel.training.rule.message.value)
    assert "Momentum: the seed's order goes with plain gradient descent" in message
    assert panel.session.network.momentum == 0.0


def test_training_uses_the_rule_and_a_loaded_file_shows_its_rule(panel, tmp_path):
    network = random_network((2, 3, 1), seed=5)
    x, t = random_data(network, 4, seed=5)
    e = Explorer(network, x, t)
    e.training.rule.decay_text.value = "0.001"
    e.training.rule.momentum_text.value = "0.8"
    e.training.iterations_field.value = "120"
    click(e.training.train_button)
    expected = train(network.with_options(weight_decay=0.001, momentum=0.8), x, t, 120)
    assert e.session.errors.values[-1] == pytest.approx(expected.errors[-1], rel=1e-12)
    path = tmp_path / "moving.json"
    savefile.write(path, e.session)
    panel.training.rule.momentum_text.value = "abc"  # a refusal the file replaces
    panel.load(path)
    assert (panel.training.rule.decay_text.value, panel.training.rule.momentum_text.value) == ("0.001", "0.8")
    assert panel.training.rule.message.value == ""


def test_with_momentum_on_the_seeds_order_is_refused_with_the_reason(panel):
    panel.training.rule.momentum_text.value = "0.5"
    panel.editing.order.value = "seed"
    assert "Update order: the seed's order goes with plain gradient descent" in html.unescape(panel.message.value)
    assert panel.session.network.order == "textbook" and panel.session.network.momentum == 0.5
