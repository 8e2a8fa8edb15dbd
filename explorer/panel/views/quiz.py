"""The panel's quiz row: the Quiz toggle, "Your answer", Check, Reveal, precision, feedback, score.

The widgets are views of one :class:`~explorer.lesson.quiz.Quiz`: the toggle and
the precision are linked to its traits, and every change of the quiz redraws
this row and the panel's step views (the hidden result, the diagram).
"Your answer" sends its text when Enter is pressed (or the field is left),
and that checks it, as the Check button does.
"""

from __future__ import annotations

import html
import traceback
from typing import TYPE_CHECKING

import ipywidgets as widgets

from explorer.engine.validation import InputError
from explorer.lesson.quiz import PRECISIONS, Quiz

if TYPE_CHECKING:
    from explorer.panel.explorer import Explorer

STYLE = """
<style>
.bp-panel .bp-feedback { min-height: 1.4em; }
.bp-panel .bp-feedback .bp-right { color: #007a57; font-weight: 600; }
.bp-panel .bp-feedback .bp-wrong { color: var(--jp-error-color1, #B34700); }
.bp-panel .bp-score { color: var(--jp-ui-font-color2, #444); font-size: 0.9em; }
</style>
"""
_COLOURS = {
    "right": "bp-right",
    "imprecise": "bp-right",
    "mistake": "bp-wrong",
    "wrong": "bp-wrong",
    "refused": "bp-wrong",
}


class QuizView(widgets.VBox):
    """The quiz controls for one explorer; ``quiz`` is the model behind them."""

    def __init__(self, explorer: Explorer):
        super().__init__()
        self.explorer = explorer
        self.quiz = Quiz(explorer.session)
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
        self.quiz.observe(self._on_quiz, names="revision")  # toggling restarts, which bumps it
        # the panel redraws its own views on these; this row only follows
        explorer.session.observe(lambda change: self._guarded(self.render), names=["step", "revision"])
        row = dict(layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        self.controls = widgets.VBox(
            [
                widgets.HBox([self.answer, self.check_button, self.reveal_button, self.precision], **row),
                self.feedback,
                self.score,
            ]
        )
        self.children = [widgets.HTML(STYLE), self.controls]
        self._shown_index: int | None = None
        self._checked: tuple[int | None, str] | None = None  # what was last checked, for which step
        self._clearing = False
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
        if q.index != self._shown_index:  # a new step: a fresh field
            self._shown_index = q.index
            self._checked = None
            self._clearing = True
            try:
                self.answer.value = ""
            finally:
                self._clearing = False
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
    def _guarded(self, action, *args: object) -> None:
        """Run ``action``; an error goes to the panel's message line, never lost."""
        try:
            action(*args)
        except InputError as error:
            self.explorer.say(str(error), error=True)
        except Exception as error:  # noqa: BLE001 - a handler must never fail silently
            self.explorer.say(
                f"Unexpected error ({type(error).__name__}: {error}).", error=True, details=traceback.format_exc()
            )

    def _on_answer(self, change: dict) -> None:
        if not self._clearing:
            self._guarded(self.check, change["new"])

    def _on_check(self, _button: object = None) -> None:
        self._guarded(self.check)

    def _on_reveal(self, _button: object = None) -> None:
        # leaving the field for this button may just have checked (and closed) the step
        if self.quiz.is_open():
            self._guarded(self.quiz.reveal)

    def _on_quiz(self, _change: object = None) -> None:
        self._guarded(self._redraw)

    def _redraw(self) -> None:
        self.render()
        self.explorer.render_steps()
