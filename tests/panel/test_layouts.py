"""The notebook and presenter arrangements: which layout, every control once, the sections beneath."""

from __future__ import annotations

import pytest

from explorer.engine.validation import InputError
from explorer.panel.explorer import LAYOUT_VARIABLE, Explorer
from tests.helpers.panel import (
    walk_widgets,
)

pytestmark = pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")


def test_layout_from_the_argument_or_the_environment(monkeypatch):
    assert Explorer().layout_name == "notebook"
    assert "bp-presenter" in Explorer(layout="presenter")._dom_classes
    monkeypatch.setenv(LAYOUT_VARIABLE, "presenter")
    assert Explorer().layout_name == "presenter"
    assert Explorer(layout="notebook").layout_name == "notebook"
    with pytest.raises(InputError, match="layout.*notebook, presenter.*'slides'"):
        Explorer(layout="slides")


def test_every_control_is_in_the_presenter_once(presenter):
    everything = list(walk_widgets(presenter))
    for widget in (
        presenter.stepping.next_button,
        presenter.training.train_button,
        presenter.training.reset_weights_button,
        presenter.editing.fields["p:w5"],
        presenter.training.lr_slider,
        presenter.stepping.step_slider,
        presenter.curve_view.canvas,
        presenter.stepping.iteration_field,
        presenter.stepping.text_size,
        presenter.stepping.presenter_keys,
        presenter.message,
    ):
        assert everything.count(widget) == 1, widget


def test_the_more_sections_are_linked_in_the_page(presenter):
    assert presenter.more.options == ("Hide", "Training", "Steps", "Edit", "Problem", "Files", "Display")
    assert presenter.more.value == "Hide"
