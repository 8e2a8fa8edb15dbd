"""The presenter layout headless: what it shows, its keys, its Iteration field, and going back.

The browser tests (tests/browser/test_presenter_*.py) measure what only a
browser can: font sizes on screen and buttons that never move.  Here the
panel is built in plain pytest and driven through its widgets.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from explorer.engine.validation import InputError
from explorer.panel.explorer import LAYOUT_VARIABLE, Explorer
from explorer.panel.views.stepping import two_lines
from tests.helpers.panel import walk_widgets

pytestmark = pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def presenter() -> Explorer:
    return Explorer(layout="presenter")


def label_text(svg: str, name: str) -> str:
    root = ET.fromstring(svg)
    group = next(g for g in root.iter(SVG + "g") if g.get("data-for") == name)
    return " ".join("".join(t.itertext()) for t in group.iter(SVG + "text"))


def test_layout_from_the_argument_or_the_environment(monkeypatch):
    assert Explorer().layout_name == "notebook"
    assert "bp-presenter" in Explorer(layout="presenter")._dom_classes
    monkeypatch.setenv(LAYOUT_VARIABLE, "presenter")
    assert Explorer().layout_name == "presenter"
    assert Explorer(layout="notebook").layout_name == "notebook"
    with pytest.raises(InputError, match="layout.*notebook, presenter.*'slides'"):
        Explorer(layout="slides")


def test_presenter_shows_large_compact_labels_and_two_line_formulas(presenter):
    svg = presenter.stepping.diagram.value
    assert "font-size:14.4px" in svg  # 1.2 times the 12 px labels
    presenter.stepping.finish_button.click()
    # one line a label: the new value, not the old one beneath it
    assert label_text(presenter.stepping.diagram.value, "w5") == "w5 = 0.35891648"
    presenter.stepping.reset_iteration_button.click()
    presenter.stepping.next_button.click()
    assert r"\begin{aligned}\mathit{net}_{h1} &= w_{1} i_{1}" in presenter.stepping.equation.value
    assert r"\\ &= 0.15 \cdot 0.05 + 0.2 \cdot 0.1 + 0.35 \cdot 1 = 0.3775" in presenter.stepping.equation.value
    # the notebook layout keeps one line and the old value under the new
    notebook = Explorer()
    notebook.stepping.finish_button.click()
    assert label_text(notebook.stepping.diagram.value, "w5") == "w5 = 0.35891648 was 0.4"


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
    assert "= 0.3775" in presenter.stepping.equation.value


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


@pytest.mark.parametrize(
    "latex, lines",
    [
        ("a = b", 1),
        (r"\frac{x = 1}{2} = y = 3", 2),  # the = inside braces is no separator
        ("a = b = c = d", 2),
    ],
)
def test_two_lines(latex, lines):
    out = two_lines(latex)
    assert out.count(r"\\") == lines - 1
    assert re.sub(r"\\begin\{aligned\}|\\end\{aligned\}|&|\\\\", "", out).replace("  ", " ").replace(" =", "=").replace(
        "= ", "="
    ) == latex.replace(" =", "=").replace("= ", "=")
