"""The notebook and presenter arrangements: which layout, every control once, the sections beneath."""

from __future__ import annotations

import pytest

from explorer.engine.formatting import number
from explorer.engine.presets import random_data, random_network
from explorer.engine.validation import InputError
from explorer.panel.controls import KeyboardPassage, SteadyPointer
from explorer.panel.explorer import LAYOUT_VARIABLE, Explorer
from explorer.panel.layouts import OPEN_TABLE_PARAMETERS
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


@pytest.mark.parametrize("layout", ["notebook", "presenter"])
def test_each_layout_carries_the_page_wide_helpers_once(layout):
    """Invisible, but what keeps Tab out of the plots and a clicked button under the pointer."""
    everything = list(walk_widgets(Explorer(layout=layout)))
    for kind in (KeyboardPassage, SteadyPointer):
        assert sum(isinstance(w, kind) for w in everything) == 1, kind


def test_every_control_is_in_the_presenter_once(presenter):
    presenter.more.value = "Edit"  # its table is made when first opened
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
        presenter.stepping.fit,  # the diagram is laid out for the room it measures
        presenter.message,
    ):
        assert everything.count(widget) == 1, widget


def test_the_presenter_edit_table_is_written_only_while_its_section_is_open(presenter):
    ed = presenter.editing
    assert not ed.in_sight and ed.fields == {} and ed.table.children == ()  # nothing made at first
    presenter.more.value = "Edit"
    assert ed.in_sight and ed.fields["p:w5"].value == number(presenter.session.network.parameters()["w5"])
    presenter.more.value = "Training"
    presenter.session.train(5)
    assert not ed.in_sight and ed.fields["p:w5"].value != number(presenter.session.network.parameters()["w5"])
    presenter.more.value = "Edit"
    assert ed.fields["p:w5"].value == number(presenter.session.network.parameters()["w5"])


def test_the_notebook_edit_table_opens_at_first_for_a_small_network_only():
    small = Explorer()
    assert small.edit_toggle.value and small.editing.in_sight and "p:w5" in small.editing.fields
    network = random_network((4, 8, 8, 4), seed=0)  # 128 weights and 3 shared biases
    large = Explorer(network, *random_data(network, 4, seed=0))
    assert not large.edit_toggle.value and large.editing.fields == {}
    assert large.editing.table.layout.display == "none"
    large.edit_toggle.value = True
    assert large.editing.table.layout.display is None and len(large.editing.fields) == 4 + 4 + 131
    assert OPEN_TABLE_PARAMETERS < 131 and OPEN_TABLE_PARAMETERS >= 10


def test_the_notebook_edit_table_closes_for_a_network_grown_past_the_size_and_opens_for_one_shrunk_to_it():
    panel = Explorer()
    s = panel.session
    s.set_hidden([8, 8])  # 96 weights
    assert not panel.edit_toggle.value and not panel.editing.in_sight
    panel.edit_toggle.value = True  # the person's choice stands until the size is crossed again
    s.set_hidden([8, 6])
    assert panel.edit_toggle.value
    s.set_hidden([3])
    assert panel.edit_toggle.value and panel.editing.in_sight
    panel.edit_toggle.value = False
    s.set_hidden([2])
    assert not panel.edit_toggle.value
    s.set_hidden([8, 8])
    s.set_hidden([2])  # back to the seed's shape: open again
    w5 = number(s.network.parameters()["w5"])
    assert panel.edit_toggle.value and panel.editing.fields["p:w5"].value == w5


def test_the_more_sections_are_linked_in_the_page(presenter):
    assert presenter.more.options == ("Hide", "Training", "Steps", "Edit", "Problem", "Files", "Display")
    assert presenter.more.value == "Hide"
