"""One error path for every handler: errors shown in the message line, a stale message cleared."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")


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


def test_the_next_action_clears_a_stale_message(panel):
    panel.training.reset_weights_button.click()
    assert "restored" in panel.message.value
    panel.stepping.next_button.click()
    assert panel.message.value == ""
