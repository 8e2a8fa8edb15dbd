"""The panel's quiz row: the Quiz toggle, "Your answer", Check, Reveal, precision, feedback, score.

The widgets are views of one :class:`~explorer.lesson.quiz.Quiz`: the toggle and
the precision are linked to its traits, and one observer redraws this row
when the quiz or the session changes (the stepping view, which owns this
row, redraws the hidden result and the diagram in its own).
"Your answer" sends its text when Enter is pressed (or the field is left),
and that checks it, as the Check button does.
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as widgets

from explorer.lesson.quiz import PRECISIONS, Quiz
from explorer.lesson.session import Session
from explorer.panel.messages import Messages
from explorer.panel.runner import Runner

from .base import View, handler

STYLE = (Path(__file__).parents[1] / "static" / "quiz.css").read_text()
_COLOURS = {
    "right": "bp-right",
    "imprecise": "bp-right",
    "mistake": "bp-wrong",
    "wrong": "bp-wrong",
    "refused": "bp-wrong",
}


class QuizView(View):
    """The quiz controls for one session; ``quiz`` is the model behind them."""

    def __init__(self, session: Session, messages: Messages, runner: Runner) -> None:
        super().__init__(session, messages, runner)
        self.quiz = Quiz(session)
        self.toggle = widgets.ToggleButton(
            description="Quiz",
            tooltip="Predict each step's result before it is shown",
            layout=widgets.Layout(width="auto"),
        )
        self.answer = widgets.Text(
            description="Your answer",
            placeholder="e.g. 0.7514",
            continuous_update=False,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="260px"),
        )
        self.check_button = widgets.Button(
            description="Check",
            button_style="primary",
            tooltip="Check your answer (or press Enter in the field)",
            layout=widgets.Layout(width="auto"),
        )
        self.reveal_button = widgets.Button(
            description="Reveal", tooltip="Show this step's result", layout=widgets.Layout(width="auto")
        )
        self.precision = widgets.Dropdown(
            description="Precision",
            value=self.quiz.precision,
            options=[(f"{n} significant figures", n) for n in PRECISIONS],
            layout=widgets.Layout(width="260px"),
        )
        self.feedback = widgets.HTML()
        self.feedback.add_class("bp-feedback")
        self.score = widgets.HTML()
        self.score.add_class("bp-score")
        widgets.link((self.toggle, "value"), (self.quiz, "active"))
        widgets.link((self.precision, "value"), (self.quiz, "precision"))
        self.answer.observe(self._on_answer, names="value")
        self.check_button.on_click(self._on_check)
        self.reveal_button.on_click(self._on_reveal)
        row = dict(layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        self.controls = widgets.VBox(
            [
                widgets.HBox([self.answer, self.check_button, self.reveal_button, self.precision], **row),
                self.feedback,
                self.score,
            ]
        )
        self.box = widgets.VBox([widgets.HTML(f"\n<style>\n{STYLE}</style>\n"), self.controls])
        self.box.add_class("bp-quiz")
        self._shown_index: int | None = None
        self._checked: tuple[int | None, str] | None = None  # what was last checked, for which step
        self.render()
        # one observer redraws the row: the quiz's state (toggling restarts it), a step, a new walk
        self.quiz.observe(self._on_change, names="revision")
        self.session.observe(self._on_change, names=["step", "revision"])

    def _on_change(self, _change: dict) -> None:
        self.render()

    # ------------------------------------------------------------- actions
    def check(self, text: str | None = None) -> None:
        """Check ``text`` (default: the field's) unless it was just checked for this step."""
        text = self.answer.value if text is None else text
        key = (self.quiz.index, text)
        if key == self._checked and self.quiz.feedback is not None:
            return  # Enter, then a click on Check: one answer, one check
        self._checked = key
        self.quiz.check(text)

    # ------------------------------------------------------------ rendering
    def render(self) -> None:
        """This row from the quiz's state."""
        q = self.quiz
        self.controls.layout.display = None if q.active else "none"
        # the presenter gives the quiz the meaning's lines while it is on (presenter.css)
        (self.box.add_class if q.active else self.box.remove_class)("bp-quiz-on")
        if q.index != self._shown_index:  # a new step: a fresh field
            self._shown_index = q.index
            self._checked = None
            self.answer.value = ""
        is_open = q.is_open()
        self.check_button.disabled = self.reveal_button.disabled = self.answer.disabled = not is_open
        fb = q.feedback
        if fb is None:
            self.feedback.value = (
                "<span>Work out this step's result and type it in.</span>"
                if is_open
                else "<span>Press Next step for the next question.</span>"
                if q.active and q.index is not None
                else ""
            )
        else:
            role = "alert" if fb.kind == "refused" else "status"
            self.feedback.value = (
                f'<span role="{role}" class="{_COLOURS.get(fb.kind, "")}" '
                f'data-kind="{fb.kind}">{html.escape(fb.text)}</span>'
            )
        self.score.value = f'<span aria-label="score">Score: {html.escape(q.score_text())}</span>'

    # ------------------------------------------------------------- handlers
    # a field cleared for a new step shows "" and nothing has been checked there yet
    @handler(showing=lambda view: "" if view._checked is None else None)
    def _on_answer(self, change: dict) -> None:
        self.check(change["new"])

    @handler
    def _on_check(self, _button: object = None) -> None:
        self.check()

    @handler
    def _on_reveal(self, _button: object = None) -> None:
        # leaving the field for this button may just have checked (and closed) the step
        if self.quiz.is_open():
            self.quiz.reveal()
