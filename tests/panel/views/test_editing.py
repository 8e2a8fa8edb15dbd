"""The editing view, headless: every number's field, the update order, bias updates."""

from __future__ import annotations

import comm
import numpy as np
import pytest

from explorer.engine.formatting import number
from explorer.panel.explorer import Explorer
from tests.helpers.panel import (
    FAST,
    STEPS,
    SVG,
    assert_unchanged,
    classes,
    click,
    close,
    latex_of,
    shown,
    snapshot,
    svg_groups,
)

pytestmark = pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")


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
    assert r"0.3 \cdot 0.59" in latex_of(panel.stepping.equation.value)


def test_editing_an_input_and_a_target(panel):
    panel.editing.fields["i:0"].value = "1"
    panel.editing.fields["t:1"].value = "0.5"
    assert np.array_equal(panel.session.inputs, [[1.0, 0.1]])
    assert np.array_equal(panel.session.targets, [[0.01, 0.5]])
    groups, _ = svg_groups(panel.stepping.diagram.value)
    assert "target 0.5" in shown(groups["E_o2"])
    panel.stepping.next_button.click()
    assert r"0.15 \cdot 1 + 0.2 \cdot 0.1 + 0.35 \cdot 1 = 0.52$$" in latex_of(panel.stepping.equation.value)


def test_the_seed_order(panel):
    assert panel.session.walk.value("dnet_o1/dout_h1") == 0.4
    panel.editing.order.value = "seed"
    assert panel.session.network.order == "seed"
    assert close(panel.session.walk.value("dnet_o1/dout_h1"), "0.35891648")
    assert "update order seed" in panel.editing.title.value
    panel.stepping.step_slider.value = 25  # dnet_o1/dout_h1
    assert latex_of(panel.stepping.equation.value).endswith("= 0.35891648$$")


def test_updating_biases_adds_bias_steps(panel):
    panel.editing.update_biases.value = True
    symbols = [s.symbol for s in panel.session.walk.steps]
    assert {"dE_total/db1", "dE_total/db2", "b1+", "b2+"} <= set(symbols)
    assert panel.stepping.step_slider.max == STEPS + 4
    assert panel.stepping.position.value.startswith(f"step 0 of {STEPS + 4}")
    panel.stepping.step_slider.value = symbols.index("dE_total/db2") + 1
    assert latex_of(panel.stepping.equation.value).startswith(r"$$\frac{\partial E_{total}}{\partial b_{2}}")
    panel.stepping.finish_button.click()
    groups, _ = svg_groups(panel.stepping.diagram.value)
    new = [t.text for t in groups["b2"].iter(SVG + "tspan") if "bp-newv" in classes(t)]
    assert len(new) == 1 and float(new[0]) != 0.6
    assert "biases updated" in panel.editing.title.value


def test_a_redraw_writes_every_field_without_taking_it_for_an_edit(panel, monkeypatch):
    """Opening another iteration rewrites the fields; none of those writes reaches the session as an edit."""
    panel.session.train(20)
    edits = []
    monkeypatch.setattr(panel.session, "set_parameter", lambda *args: edits.append(args))
    panel.stepping.iteration_field.value = "11"  # iteration 10's weights
    parameters = panel.session.network.parameters()
    assert panel.session.iteration == 10 and edits == []
    assert all(panel.editing.fields[f"p:{name}"].value == number(value) for name, value in parameters.items())
    panel.editing.fields["p:w5"].value = "0.5"  # a person's edit still is one
    assert edits == [("w5", "0.5")]


def test_another_shape_reuses_the_rows_and_fields_already_made(panel):
    """A widget costs a comm and its whole state: a reshape there and back makes none."""
    rows, w1 = panel.editing.table.children, panel.editing.fields["p:w1"]
    panel.dataset_view.choice.value = "xor"  # 2-2-1: one output fewer
    assert "p:w8" not in panel.editing.fields and len(panel.editing.table.children) == len(rows)
    panel.dataset_view.choice.value = "seed"
    assert panel.editing.table.children == rows and panel.editing.fields["p:w1"] is w1
    assert {f.layout for f in panel.editing.fields.values()} == {w1.layout}  # one layout for them all


def test_the_table_out_of_sight_is_not_written_and_is_written_once_when_it_shows(panel, monkeypatch):
    """Every field written is a message: out of sight, changes only mark the table out of date."""
    ed = panel.editing
    reads = []
    current = ed.current
    monkeypatch.setattr(ed, "current", lambda key, parameters=None: reads.append(key) or current(key, parameters))
    panel.edit_toggle.value = False
    panel.session.train(5)
    click(panel.stepping.next_button, 2)
    panel.dataset_view.choice.value = "xor"  # another shape: its fields wait too
    assert reads == [] and "p:w8" in ed.fields and not ed.in_sight
    panel.edit_toggle.value = True
    assert sorted(reads) == sorted(ed.fields) and "p:w8" not in ed.fields
    parameters = panel.session.network.parameters()
    assert all(ed.fields[f"p:{name}"].value == number(value) for name, value in parameters.items())
    reads.clear()
    panel.edit_toggle.value = False
    panel.edit_toggle.value = True  # nothing changed meanwhile: nothing to write
    assert reads == []


def test_a_run_begun_out_of_sight_disables_the_fields_when_they_show(panel):
    ed = panel.editing
    panel.edit_toggle.value = False
    panel.session.training = True
    assert not ed.fields["p:w5"].disabled  # out of sight: left as it was
    panel.edit_toggle.value = True
    assert ed.fields["p:w5"].disabled
    panel.session.training = False
    assert not ed.fields["p:w5"].disabled


# ------------------------------------------------------------ what a page is sent
@pytest.fixture
def sent(monkeypatch) -> list[tuple[comm.DummyComm, str, dict]]:
    """What every widget made from now on sends its page: (its comm, message type, data)."""
    messages = []

    class Recording(comm.DummyComm):
        def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
            messages.append((self, msg_type, data or {}))

    monkeypatch.setattr(comm, "create_comm", Recording)
    return messages


def states_sent(sent, widget) -> list[tuple[str, dict]]:
    """(message type, state) of each message ``widget`` sent: its opening, then its updates."""
    return [(kind, data["state"]) for channel, kind, data in sent if channel is widget.comm and "state" in data]


def test_a_new_table_s_fields_open_with_their_label_and_number(sent):
    """A page shows a field as it was opened: it must not show an empty or unlabelled field first."""
    ed = Explorer().editing  # the seed's table is open: written as it is made
    assert len(ed.fields) == 14
    for key, text in ed.fields.items():
        [(kind, state), *updates] = states_sent(sent, text)
        assert kind == "comm_open" and updates == [], key
        assert (state["description"], state["value"]) == (text.description, ed.current(key)), key
        assert state["description"] and not state["disabled"], key
        [(_, state)] = states_sent(sent, ed.field_messages[key])  # its message beneath, empty, styled at once
        assert (state["value"], state["_dom_classes"]) == ("", ("bp-field-message",)), key
    assert len({message.style for message in ed.field_messages.values()}) == 1  # a widget fewer a field
    assert (ed.fields["p:w1"].description, ed.fields["p:w1"].value) == ("w1", "0.15")


def test_a_reused_field_is_relabelled_and_refilled_in_one_message(sent):
    """Another shape: a field kept for another key gets its label, number and look in one update."""
    panel = Explorer()
    ed = panel.editing
    refused = ed.fields["p:b1"]
    refused.value = "abc"  # refused: marked, and it keeps what was typed
    assert "bp-invalid" in refused._dom_classes
    looks = ("description", "value", "_dom_classes", "disabled")
    before = {id(text): text.get_state(looks) for text in ed.fields.values()}
    sent.clear()
    panel.session.set_hidden([3])  # 2-3-2: new weights, and b1's place in the table is w5's now
    assert len(ed.fields) == 18 and ed.rejected == {}
    both = 0
    for key, text in ed.fields.items():
        now = text.get_state(looks)
        if id(text) not in before:  # one of the four fields made for this shape
            assert [kind for kind, _ in states_sent(sent, text)] == ["comm_open"], key
            continue
        changed = {name: value for name, value in now.items() if value != before[id(text)][name]}
        assert [state for _, state in states_sent(sent, text)] == ([changed] if changed else []), key
        both += {"description", "value"} <= changed.keys()
    assert both > 0 and ed.fields["p:w5"] is refused
    assert refused.get_state(looks) == {
        "description": "w5",
        "value": ed.current("p:w5"),
        "_dom_classes": (),
        "disabled": False,
    }


def test_no_edit_field_is_ever_sent_empty(sent):
    """Made, reused for more fields and for fewer: no page ever sees a field without its number."""
    panel = Explorer()
    ed = panel.editing
    fields = set(ed.fields.values())
    for hidden in ([4, 3], [2], [3, 3, 2]):
        panel.session.set_hidden(hidden)
        fields |= set(ed.fields.values())
    assert len(ed.fields) == 4 + 7 + 10 + 7 + 5  # 2-3-3-2-2
    values = [state["value"] for text in fields for _, state in states_sent(sent, text) if "value" in state]
    assert len(values) >= len(fields) and "" not in values
