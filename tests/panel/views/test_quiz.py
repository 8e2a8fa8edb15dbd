"""The quiz in the panel, headless: the hidden result, the diagram, the gate, the controls.

Widgets are driven as the front end drives them: ``answer.value`` is what
Enter (or leaving the field) sends, buttons are clicked with ``click()``.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET

import pytest

from explorer.engine.formatting import number
from explorer.panel.explorer import Explorer
from tests.helpers.bad_input import BAD_TEXT, LONGEST_MESSAGE
from tests.helpers.panel import active_ids, latex_of, log_items, walk_widgets

pytestmark = pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")

NUMBER = re.compile(r"-?\d+\.\d+(?:e-?\d+)?")


@pytest.fixture
def panel() -> Explorer:
    return Explorer(quiz=True)


def diagram_numbers(panel: Explorer) -> set[str]:
    """Every number the diagram shows, its tooltips included (not its coordinates)."""
    return set(NUMBER.findall(" ".join(ET.fromstring(panel.stepping.diagram.value).itertext())))


def feedback(panel: Explorer) -> tuple[str, str]:
    """(kind, text) of the feedback line."""
    root = ET.fromstring(f"<div>{panel.stepping.quiz_view.feedback.value}</div>")
    span = root.find("span")
    return span.get("data-kind") or "", "".join(span.itertext())


def answer(panel: Explorer, text: str) -> tuple[str, str]:
    panel.stepping.quiz_view.answer.value = text  # what Enter sends
    return feedback(panel)


def test_quiz_mode_from_the_constructor_and_the_toggle():
    plain = Explorer()
    assert not plain.stepping.quiz.active and plain.stepping.quiz_view.controls.layout.display == "none"
    plain.stepping.quiz_view.toggle.value = True
    assert plain.stepping.quiz.active and plain.stepping.quiz_view.controls.layout.display is None
    panel = Explorer(quiz=True)
    assert panel.stepping.quiz_view.toggle.value and panel.stepping.quiz.active
    assert [
        panel.stepping.next_phase_button.disabled,
        panel.stepping.finish_button.disabled,
        panel.stepping.play_steps.disabled,
    ] == [True] * 3


def test_the_result_is_hidden_until_answered(panel):
    panel.stepping.next_button.click()
    eq = latex_of(panel.stepping.equation.value)
    assert eq.endswith(r"= 0.15 \cdot 0.05 + 0.2 \cdot 0.1 + 0.35 \cdot 1 = \boxed{?}$$") and "0.3775" not in eq
    assert log_items(panel)[-1][0] == "net_h1 = ?"
    assert panel.stepping.next_button.disabled and not panel.stepping.quiz_view.check_button.disabled
    assert "0.3775" not in diagram_numbers(panel)
    assert answer(panel, "0.3775") == ("right", "Right: net_h1 = 0.3775.")
    assert latex_of(panel.stepping.equation.value).endswith("= 0.3775$$")
    assert log_items(panel)[-1][0] == "net_h1 = 0.3775"
    assert "0.3775" in diagram_numbers(panel)
    assert not panel.stepping.next_button.disabled and panel.stepping.quiz_view.check_button.disabled
    assert panel.stepping.quiz_view.score.value.endswith("Score: forward 1/1; iteration 1/1</span>")


def test_the_diagram_never_shows_an_open_steps_result():
    """Through the whole iteration: while a step is open the diagram shows no number it did not before."""
    panel = Explorer(quiz=True)
    before = diagram_numbers(panel)
    for step in panel.session.walk.steps:
        panel.stepping.next_button.click()
        assert diagram_numbers(panel) <= before, step.symbol
        assert active_ids(panel.stepping.diagram.value) == set(), step.symbol  # nor what it uses, before a hint
        assert panel.stepping.check.value == ""  # nor the central difference
        panel.stepping.quiz_view.reveal_button.click()
        assert feedback(panel) == ("revealed", f"Revealed: {step.symbol} = {number(step.value)}.")
        before = diagram_numbers(panel)
    assert panel.stepping.quiz.score_text() == "forward 0/8, error 0/3, backward 0/34, update 0/8; iteration 0/53"


def test_next_step_is_refused_while_the_step_is_open(panel):
    panel.stepping.next_button.click()
    panel.stepping.next_button.click()  # a click that reached the kernel anyway
    assert panel.session.step == 1
    assert panel.message.value == "Next step: answer this step first, or press Reveal"
    panel.stepping.step_slider.value = 9
    assert panel.session.step == 1 and panel.stepping.step_slider.value == 1
    panel.stepping.finish_button.click()
    assert panel.session.step == 1 and "Finish iteration" in panel.message.value
    panel.stepping.play_steps.value = True
    assert not panel.stepping.play_steps.value and panel.session.step == 1
    panel.stepping.quiz_view.reveal_button.click()
    panel.stepping.next_button.click()
    assert panel.session.step == 2


def test_a_sign_error_is_named_and_counts_as_an_attempt(panel):
    panel.stepping.step_slider.value = 16  # the quiz began here: the steps before it are shown, not asked
    panel.stepping.quiz_view.toggle.value = False
    panel.stepping.step_slider.value = 15
    panel.stepping.quiz_view.toggle.value = True
    panel.stepping.next_button.click()
    assert panel.session.current.symbol == "dE_total/dw5"
    kind, text = answer(panel, "-0.08217")
    assert kind == "mistake" and text.startswith("Not quite: the sign flipped.")
    assert panel.stepping.next_button.disabled
    assert answer(panel, "0.08217")[0] == "right"
    assert panel.stepping.quiz.score_text() == "backward 0/1; iteration 0/1"


def test_enter_then_check_is_one_check(panel):
    panel.stepping.next_button.click()
    answer(panel, "0.3775")
    panel.stepping.quiz_view.check_button.click()  # the click after the field sent its text
    assert feedback(panel)[0] == "right"


def test_an_unknown_wrong_answer_lights_what_the_formula_uses(panel):
    panel.stepping.next_button.click()
    assert active_ids(panel.stepping.diagram.value) == set()
    kind, text = answer(panel, "0.9")
    assert kind == "wrong" and "The formula uses w1, i1, w2, i2 and b1" in text
    assert active_ids(panel.stepping.diagram.value) == {"i1", "i2", "w1", "w2", "b1", "b1-h1", "h1"}


@pytest.mark.parametrize("bad", ["", "abc", "inf", "1e999", "0.3775x"])
def test_bad_text_is_explained_and_changes_nothing(panel, bad):
    panel.stepping.next_button.click()
    answer(panel, "0.9")
    before = (
        panel.session.step,
        panel.stepping.diagram.value,
        latex_of(panel.stepping.equation.value),
        panel.stepping.quiz.score_text(),
        dict(panel.stepping.quiz._wrong),
    )
    panel.stepping.quiz_view.answer.value = bad
    panel.stepping.quiz_view.check_button.click()
    kind, text = feedback(panel)
    assert kind == "refused" and text.startswith("Your answer: type the step's result as a number")
    assert 'role="alert"' in panel.stepping.quiz_view.feedback.value
    assert (
        panel.session.step,
        panel.stepping.diagram.value,
        latex_of(panel.stepping.equation.value),
        panel.stepping.quiz.score_text(),
        dict(panel.stepping.quiz._wrong),
    ) == before


def test_the_precision_control(panel):
    assert panel.stepping.quiz_view.precision.value == 4
    panel.stepping.next_button.click()
    panel.stepping.quiz_view.reveal_button.click()
    panel.stepping.next_button.click()  # out_h1 = 0.593269992
    panel.stepping.quiz_view.precision.value = 6
    assert panel.stepping.quiz.precision == 6
    assert answer(panel, "0.5933") == ("imprecise", "Right, to 4 significant figures; give 6.")
    assert answer(panel, "0.593") == ("imprecise", "Right, to 3 significant figures; give 6.")
    assert answer(panel, "0.59327")[0] == "right"  # 0.593270 to six figures: the zero need not be typed
    assert panel.stepping.quiz.outcomes[1].wrong == 0


def test_the_field_is_cleared_for_the_next_step(panel):
    panel.stepping.next_button.click()
    answer(panel, "0.3775")
    panel.stepping.next_button.click()
    assert panel.stepping.quiz_view.answer.value == "" and feedback(panel)[0] == ""
    assert not panel.stepping.quiz_view.answer.disabled


def test_reset_iteration_and_the_next_iteration_start_the_score_again(panel):
    panel.stepping.next_button.click()
    answer(panel, "0.3775")
    panel.stepping.reset_iteration_button.click()
    assert panel.stepping.quiz.score() == {} and panel.session.step == 0
    panel.stepping.quiz_view.toggle.value = False
    panel.stepping.finish_button.click()
    panel.stepping.quiz_view.toggle.value = True  # every step shown: the next one is the next iteration's
    panel.stepping.next_button.click()
    assert panel.session.iteration == 1 and panel.stepping.quiz.is_open()
    assert "No steps answered yet" in panel.stepping.quiz_view.score.value


def test_quiz_off_shows_everything_again(panel):
    panel.stepping.next_button.click()
    panel.stepping.quiz_view.toggle.value = False
    assert latex_of(panel.stepping.equation.value).endswith("= 0.3775$$") and not panel.stepping.next_button.disabled
    assert not panel.stepping.finish_button.disabled and "0.3775" in diagram_numbers(panel)


def test_reveal_right_after_the_field_sent_a_right_answer_keeps_right(panel):
    panel.stepping.next_button.click()
    answer(panel, "0.3775")  # leaving the field for Reveal sends the text first
    panel.stepping.quiz_view.reveal_button.click()
    assert feedback(panel) == ("right", "Right: net_h1 = 0.3775.")
    assert panel.stepping.quiz.score_text() == "forward 1/1; iteration 1/1"


def test_switching_the_quiz_on_stops_play_steps():
    import asyncio

    async def scenario() -> int:
        panel = Explorer()
        panel.stepping.step_speed.value = 8.0
        panel.stepping.play_steps.value = True
        await asyncio.sleep(0.3)
        panel.stepping.quiz_view.toggle.value = True
        await asyncio.sleep(0.4)
        reached = panel.session.step
        await asyncio.sleep(0.4)
        assert not panel.stepping.play_steps.value
        return reached - panel.session.step

    assert asyncio.run(scenario()) == 0


def test_every_kind_of_bad_text_is_refused_in_one_short_line(panel):
    panel.stepping.next_button.click()
    before = (
        panel.session.step,
        panel.stepping.diagram.value,
        latex_of(panel.stepping.equation.value),
        panel.stepping.quiz.score_text(),
        dict(panel.stepping.quiz._wrong),
    )
    in_range_elsewhere = {"101", "-100.0001", "1e3"}  # numbers: an answer has no range
    for text in [t for t in BAD_TEXT if t not in in_range_elsewhere]:
        panel.stepping.quiz_view.answer.value = text
        panel.stepping.quiz_view.check_button.click()
        kind, message = feedback(panel)
        assert kind == "refused" and message.startswith("Your answer: "), repr(text[:20])
        assert len(message) <= LONGEST_MESSAGE + len(" Nothing was counted."), repr(text[:20])
        assert (
            panel.session.step,
            panel.stepping.diagram.value,
            latex_of(panel.stepping.equation.value),
            panel.stepping.quiz.score_text(),
            dict(panel.stepping.quiz._wrong),
        ) == before


def test_presenter_keys_wait_for_the_answer_as_next_step_does():
    presenter = Explorer(layout="presenter", quiz=True)
    press = functools.partial(presenter.stepping._on_key, presenter.stepping.presenter_keys)
    press({"key": "next"}, [])
    assert presenter.session.step == 1 and latex_of(presenter.stepping.equation.value).endswith(r"= \boxed{?}$$")
    press({"key": "next"}, [])  # PageDown, the right arrow or Space while the step is open
    assert presenter.session.step == 1
    assert presenter.message.value == "Next step: answer this step first, or press Reveal"
    assert "0.3775" not in presenter.stepping.check.value + presenter.stepping.step_log.value
    answer(presenter, "0.3775")
    press({"key": "next"}, [])
    assert presenter.session.step == 2 and presenter.message.value == ""
    press({"key": "previous"}, [])  # going back asks nothing
    assert presenter.session.step == 1


def test_the_quiz_is_in_the_presenter_once_and_moves_no_step_button():
    presenter = Explorer(layout="presenter")
    everything = list(walk_widgets(presenter))
    for widget in (presenter.stepping.quiz_view.box, presenter.stepping.quiz_view.toggle):
        assert everything.count(widget) == 1, widget
    drawer = next(w for w in everything if "bp-drawer" in w._dom_classes)
    steps_section = drawer.children[presenter.more.options.index("Steps")]
    assert presenter.stepping.quiz_view.toggle in list(walk_widgets(steps_section))
    stepbar = next(w for w in everything if "bp-stepbar" in w._dom_classes)
    assert presenter.stepping.quiz_view.toggle not in stepbar.children
    presenter.stepping.quiz_view.toggle.value = True
    assert presenter.stepping.next_phase_button.disabled and presenter.stepping.finish_button.disabled
