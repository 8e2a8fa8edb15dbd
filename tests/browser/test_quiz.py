"""The quiz in a real browser: three steps answered (right, a sign error, revealed), in Lab, Notebook 7 and Voila.

A notebook of two lines, ``Explorer(quiz=True)``, opened in JupyterLab and Notebook 7 (the
notebook layout) and served by Voila as the classroom page (the presenter
layout, where "Quiz" is in the Steps section).  The student's keys go to the
"Your answer" field (Enter checks), the buttons are clicked, and the
feedback, the score, the hidden formula and the Next step button are read as
the page shows them; PageDown while a step is open is refused as Next step is.
Screenshots: tests/artifacts/<server>-quiz-*.png.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from . import panel_steps as steps
from .helpers import jupyter_server, notebook_in_lab, open_voila, write_notebook

pytestmark = [pytest.mark.clients("lab", "notebook7", "voila"), pytest.mark.shared_lab_kernel]

NOTEBOOK = "quiz.ipynb"
SOURCES = ("from explorer import Explorer", "Explorer(quiz=True)")


class QuizPanel(steps.Panel):
    @property
    def answer(self):
        return self.control("textbox", "Your answer")

    @property
    def feedback(self):
        return self.root.locator(".bp-feedback span")

    @property
    def score(self):
        return self.root.locator(".bp-score")

    @property
    def position(self):
        return self.root.get_by_text(re.compile(r"^step \d+ of 53"))

    def next_step(self, step: int) -> None:
        self.button("Next step").click()
        expect(self.position).to_have_text(re.compile(rf"^step {step} of 53"))


def toggle_quiz(panel: QuizPanel) -> None:
    """Quiz on or off; in the presenter layout through its Steps section, closed again after."""
    presenter = panel.button("Steps").count() > 0
    if presenter:
        panel.button("Steps").click()
    panel.button("Quiz").click()
    if presenter:
        panel.button("Hide").click()


def three_steps(panel: QuizPanel) -> None:
    """net_h1 answered right; dE_total/dw5 first with its sign flipped; dnet_o1/dw6 revealed."""
    presenter = panel.button("Steps").count() > 0
    if presenter:  # the presenter layout: Quiz is in the Steps section
        panel.button("Steps").click()
    expect(panel.button("Quiz")).to_have_class(re.compile(r"\bmod-active\b"))
    if presenter:  # the section opens over the formula and the quiz row: close it again
        panel.button("Hide").click()
    panel.next_step(1)
    # the result is hidden: a box where 0.3775 would be, and Next step waits for an answer
    panel.expect_equation("0.35⋅1=?")
    assert "0.3775" not in panel.read_equation()["glyphs"]
    expect(panel.button("Next step")).to_be_disabled()
    # a clicker's PageDown is refused as the button is, and says why
    panel.diagram.click(position={"x": 5, "y": 5})  # the panel takes the keys
    panel.page.keyboard.press("PageDown")
    expect(panel.status).to_have_text("Next step: answer this step first, or press Reveal")
    expect(panel.position).to_have_text(re.compile(r"^step 1 of 53"))
    panel.answer.press_sequentially("0.3775")  # key by key, as a student types
    panel.answer.press("Enter")
    expect(panel.feedback).to_have_text("Right: net_h1 = 0.3775.")
    panel.expect_equation("0.35⋅1=0.3775")
    expect(panel.score).to_have_text("Score: forward 1/1; iteration 1/1")
    expect(panel.button("Next step")).to_be_enabled()
    panel.shot("quiz-1-right")

    # skip to the first gradient with the quiz off, then ask it
    toggle_quiz(panel)
    expect(panel.answer).to_be_hidden()
    for step in range(2, 16):
        panel.next_step(step)
    toggle_quiz(panel)
    expect(panel.answer).to_be_visible()
    panel.next_step(16)
    panel.expect_equation("0.593269992=?")
    panel.answer.fill("-0.08217")
    panel.answer.press("Enter")
    expect(panel.feedback).to_contain_text("Not quite: the sign flipped.")
    expect(panel.feedback).to_contain_text("out - target, not target - out")
    expect(panel.button("Next step")).to_be_disabled()
    panel.shot("quiz-2-sign-error")
    # letters are explained and count for nothing
    panel.answer.fill("abc")
    panel.button("Check").click()
    expect(panel.root.locator(".bp-feedback span[role=alert]")).to_have_text(
        "Your answer: type the step's result as a number, such as 0.7514 or -8.217e-2 (got 'abc') Nothing was counted."
    )
    expect(panel.score).to_have_text("Score: forward 1/1; iteration 1/1")
    panel.answer.fill("0.08217")
    panel.button("Check").click()
    expect(panel.feedback).to_have_text("Right: dE_total/dw5 = 0.082167041.")

    panel.next_step(17)
    expect(panel.answer).to_have_value("")
    panel.button("Reveal").click()
    expect(panel.feedback).to_have_text("Revealed: dnet_o1/dw6 = 0.596884378.")
    panel.expect_equation("=0.596884378")
    # dw5: right after a wrong answer, no point; dw6 revealed, no point
    expect(panel.score).to_have_text("Score: forward 1/1, backward 0/2; iteration 1/3")
    panel.shot("quiz-3-revealed")


@pytest.fixture(scope="module")
def panel(client, module_page, request, tmp_path_factory):
    page = module_page.page
    if client != "voila":
        lab = jupyter_server(client, request)
        write_notebook(lab.root / NOTEBOOK, *SOURCES)
        with notebook_in_lab(page, lab, NOTEBOOK):
            yield QuizPanel(page, client)
    else:
        page.set_viewport_size({"width": 1280, "height": 900})  # the presenter layout follows the viewport
        notebook = write_notebook(tmp_path_factory.mktemp("quiz") / NOTEBOOK, *SOURCES)
        open_voila(page, request.getfixturevalue("voila_server")(notebook), ".bp-panel")
        yield QuizPanel(page, client)


def test_quiz_answers_three_steps(panel, module_page):
    three_steps(panel)
    assert module_page.page_errors == [] and module_page.external_requests == []
