"""Stepping through one iteration: the diagram, the formula, the step controls, the iteration shown.

A "Next step" click, after the learning rate was changed:

1. the button's handler stops a run (the runner) and calls ``session.next_step()``;
2. the session's ``step`` changes: this view's one observer redraws the
   diagram, formula, phase, log and counters; the quiz row and the files row
   follow in their own observers.  The step slider and the Iteration field
   show the new step; their observers see the session's own value and do
   nothing.
"""

from __future__ import annotations

import html
import itertools

import ipywidgets as widgets

from explorer.drawing import diagram
from explorer.drawing.formula import pieces
from explorer.drawing.sizes import PRESENTER_ROOM, PRESENTER_SCALE
from explorer.engine.formatting import number
from explorer.engine.validation import InputError
from explorer.lesson.session import Session
from explorer.lesson.walkthrough import PHASES
from explorer.panel.controls import Slider
from explorer.panel.fit import Fit
from explorer.panel.keys import PresenterKeys
from explorer.panel.messages import Messages
from explorer.panel.runner import Runner

from .base import View, button, field_message, handler
from .matrix import MatrixView
from .quiz import QuizView

#: The step log lists this many of the latest steps done (all 53 of the seed's iteration).
LOG_WINDOW = 100
STEP_SPEEDS = {"slow (1 step/s)": 1.0, "medium (3 steps/s)": 3.0, "fast (8 steps/s)": 8.0}
#: Diagram text sizes: (text scale, label detail, whether the diagram fits the screen's height, its room).
TEXT_SIZES = {
    "normal": (1.0, "full", False, None),
    # laid out for the presenter's room at 1280 x 720, its smallest text 14 px or more there; once
    # the page has measured the diagram's box (Fit.room), for that room
    "large (fits a 1280 x 720 screen)": (PRESENTER_SCALE, "compact", True, PRESENTER_ROOM),
    "larger": (1.5, "compact", False, None),
    "largest": (1.8, "compact", False, None),
}
_diagram_ids = itertools.count(1)


class SteppingView(View):
    """The walkthrough of the iteration shown, one step at a time."""

    def __init__(self, session: Session, messages: Messages, runner: Runner, presenter: bool = False) -> None:
        super().__init__(session, messages, runner)
        self.presenter = presenter
        self._prefix = f"bp{next(_diagram_ids)}-"
        self._steps_shown = len(self.session.walk)  # steps in the iteration the label last showed
        self._build_reading()
        self._build_controls()
        self._link()

    # ------------------------------------------------------------ building
    def _build_reading(self) -> None:
        """What the class reads: diagram, phase, position, formula, meaning, check."""
        self.diagram = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.diagram_box = widgets.Box([self.diagram], layout=widgets.Layout(width="100%"))
        self.diagram_box.add_class("bp-diagram-box")
        self.phases = widgets.HTML()
        self.position = widgets.Label()
        self.equation = widgets.HTMLMath(layout=widgets.Layout(width="100%"))
        self.meaning = widgets.HTML()
        self.check = widgets.HTML()
        for widget, name in (
            (self.phases, "bp-phases-box"),
            (self.position, "bp-position"),
            (self.equation, "bp-equation"),
            (self.meaning, "bp-meaning"),
            (self.check, "bp-check"),
        ):
            widget.add_class(name)
        sizes = list(TEXT_SIZES)
        self.text_size = widgets.Dropdown(
            description="Text size",
            options=sizes,
            value=sizes[1] if self.presenter else sizes[0],
            style={"description_width": "initial"},
            layout=widgets.Layout(width="360px"),
        )

    def _build_controls(self) -> None:
        self.previous_button = button("Previous step", tooltip="Go back one step")
        self.next_button = button("Next step", button_style="primary", tooltip="Work out the next quantity")
        self.next_phase_button = button("Next phase", tooltip="Jump to the start of the next phase")
        self.finish_button = button("Finish iteration", tooltip="Work out every remaining step of this iteration")
        self.reset_iteration_button = button("Reset iteration", tooltip="Back to the start of this iteration")
        self.step_slider = Slider(
            label="Step", min=0, max=len(self.session.walk), step=1, value=0, continuous=True, whole=True
        )
        self.play_steps = widgets.ToggleButton(
            description="Play steps", tooltip="Animate through the steps", layout=widgets.Layout(width="auto")
        )
        widgets.dlink((self.runner, "playing"), (self.play_steps, "value"))
        widgets.dlink((self.play_steps, "value"), (self.play_steps, "description"), _play_steps_description)
        self.step_speed = widgets.Dropdown(
            description="Speed", options=STEP_SPEEDS, value=3.0, layout=widgets.Layout(width="230px")
        )
        self.step_log = widgets.HTML()
        self.iteration_field = widgets.Text(
            description="Iteration",
            value="1",
            continuous_update=False,
            tooltip="Open any iteration already trained (1 = the first)",
            layout=widgets.Layout(width="150px"),
        )
        self.iteration_field.add_class("bp-iteration")
        self.iteration_total = widgets.Label()
        self.iteration_total.add_class("bp-iteration-total")
        self.iteration_message = widgets.HTML()
        self.iteration_message.add_class("bp-field-message")
        self.presenter_keys = PresenterKeys()
        self.fit = Fit()  # shown by the presenter layout only: elsewhere no room is ever measured
        # the quiz gates these controls: Next step waits for an answer, jumps wait for the quiz to end
        self.quiz_view = QuizView(self.session, self.messages, self.runner)
        self.quiz = self.quiz_view.quiz
        self.matrix_view = MatrixView(self.session, self.messages, self.runner, self.quiz)

    def _link(self) -> None:
        for widget, act in (
            (self.previous_button, self._on_previous),
            (self.next_button, self._on_next),
            (self.next_phase_button, self._on_next_phase),
            (self.finish_button, self._on_finish),
            (self.reset_iteration_button, self._on_reset_iteration),
        ):
            widget.on_click(act)
        self.step_slider.observe(self._on_slider, names="value")
        self.play_steps.observe(self._on_play_steps, names="value")
        self.iteration_field.observe(self._on_iteration_field, names="value")
        self.text_size.observe(lambda change: self.render(), names="value")
        # a report that repeats the room is no change: traitlets calls no observer, nothing is redrawn
        self.fit.observe(self._on_room, names="room")
        self.presenter_keys.on_msg(self._on_key)
        # one observer redraws this view: a step, a change of the network or example, the
        # quiz's state, and a frame of a run (while training, the run's frames redraw, and
        # each chunk only the counters)
        self.session.observe(self._on_change, names=["step", "revision"])
        self.quiz.observe(self._on_change, names="revision")
        self.runner.observe(self._on_change, names="frame")

    def _on_change(self, change: dict) -> None:
        if change["name"] == "revision" and change["owner"] is self.session and self.session.training:
            self.render_position()
        else:
            self.render()

    def _on_room(self, _change: dict) -> None:
        if TEXT_SIZES[self.text_size.value][3] is not None:  # a text size laid out for a room
            self._render_diagram()

    def _room(self, room: tuple[float, float] | None) -> tuple[float, float] | None:
        """The room a text size is laid out for: the diagram's box as measured, once it is."""
        measured = self.fit.room
        if room is None or len(measured) != 2:
            return room
        return float(measured[0]), float(measured[1])

    # ------------------------------------------------------------ rendering
    def render(self) -> None:
        """The diagram, the phase, the formula and the log, for the current step."""
        self._render_diagram()
        self._render_formula()
        self._render_controls()

    def _render_diagram(self) -> None:
        s = self.session
        walk, current = s.walk, s.current
        # an open quiz question: its result shows nowhere, nor (before a hint) what it uses
        values, updated = s.done_values(s.step - self.quiz.is_open())
        # once the update is worked out, nothing is dimmed: every new value is news
        highlight = current.elements if current and not s.finished and self.quiz.highlighted() else ()
        scale, detail, fit_height, room = TEXT_SIZES[self.text_size.value]
        notice = (
            ""
            if s.diverged_at is None
            else f"E_total stopped being a finite number at iteration {s.diverged_at:,}: "
            "lower the learning rate, then press Reset weights (or edit a weight)."
        )
        self.diagram.value = diagram.render(
            walk.network,
            walk.inputs,
            walk.targets,
            values,
            updated,
            highlight,
            id_prefix=self._prefix,
            text_scale=scale,
            detail=detail,
            notice=notice,
            room=self._room(room),
        )
        if fit_height:
            self.diagram_box.add_class("bp-fit-height")
        else:
            self.diagram_box.remove_class("bp-fit-height")

    def _render_formula(self) -> None:
        s = self.session
        walk, current = s.walk, s.current
        if current is None:
            self.equation.value = (
                f"Press <b>Next step</b> to begin the forward pass (E_total now: {number(s.dataset_error())})."
            )
            self.meaning.value = "Each step works out one number, the way the worked example does it by hand."
            self.check.value = ""
            return
        hidden = self.quiz.is_open()
        latex = f"{current.formula} = \\boxed{{?}}" if hidden else current.latex
        self.equation.value = formula_html(latex)
        after = f"E_total after this update: {number(walk.error_after)}." if s.finished and not hidden else ""
        check = "" if hidden else self._gradient_check(current)  # the slope is the answer
        if self.presenter:  # one line each: the meaning, then the news (or the check)
            self.meaning.value = html.escape(current.meaning)
            self.check.value = html.escape(after) or check
        else:
            self.meaning.value = html.escape(f"{current.meaning} {after}".strip())
            self.check.value = check

    def _render_controls(self) -> None:
        s = self.session
        walk, phase = s.walk, s.phase
        done_phases = PHASES[: PHASES.index(phase)] if phase else ()
        self.phases.value = (
            '<div class="bp-phases" aria-label="phase">'
            + "".join(
                f'<span class="{"bp-current" if p == phase else "bp-done" if p in done_phases else ""}">{p}</span>'
                for p in PHASES
                if walk.phase_start(p) < len(walk)
            )
            + "</div>"
        )
        self._steps_shown = len(walk)
        self.render_position()
        hidden = self.quiz.is_open()
        # a window of the latest steps done: an iteration of a large network has tens of thousands
        first = max(0, s.step - LOG_WINDOW)
        items = "".join(
            f'<li class="bp-phase-{st.phase}{" bp-newest" if i == s.step - 1 else ""}">'
            f"{html.escape(f'{st.symbol} = ?' if hidden and i == s.step - 1 else st.text())}</li>"
            for i, st in enumerate(walk.steps[first : s.step], start=first)
        )
        earlier = f'<div class="bp-log-earlier">{first:,} earlier steps (the Step slider goes back to them)</div>'
        self.step_log.value = (
            f'<div class="bp-log" aria-label="steps done"><div>{earlier if first else ""}'
            f'<ol start="{first + 1}">{items}</ol></div></div>'
            if items
            else '<div class="bp-log"><div>No steps done yet in this iteration.</div></div>'
        )
        self.step_slider.max = len(walk)  # the range first: the slider refuses a step beyond it
        self.step_slider.value = s.step
        self.previous_button.disabled = s.step == 0 and s.iteration == s.history.first and s.example == 0
        # in quiz mode the steps come one at a time, each answered or revealed first
        self.next_button.disabled = hidden
        for control in (self.next_phase_button, self.finish_button, self.play_steps):
            control.disabled = self.quiz.active

    def render_position(self) -> None:
        """ "step k of n, iteration i" and the Iteration field (n as last drawn: no walkthrough is built)."""
        s = self.session
        example = f", example {s.example + 1}" if s.inputs.shape[0] > 1 else ""
        # the presenter's Iteration field, right beside the label, says which iteration
        iteration = "" if self.presenter else f", iteration {s.iteration + 1:,}"
        self.position.value = f"step {s.step} of {self._steps_shown}{iteration}{example}"
        self.iteration_total.value = f"of {s.trained + 1:,}"
        self.iteration_field.value = f"{s.iteration + 1}"

    def _gradient_check(self, step) -> str:
        """For a step dE_total/dw: the same slope by central differences, as a check."""
        if step is None or step.quantity != "gradient":
            return ""
        name = step.parameter
        walk = self.session.walk
        if name not in walk.network.parameters():
            return ""
        h = 1e-6
        slope = walk.network.numerical_gradient(name, walk.inputs, walk.targets, h)
        text = f"Check by nudging {name} by ±{h:g}: (E_total({name} + h) − E_total({name} − h)) / 2h = {number(slope)}."
        if walk.network.order == "seed" and abs(slope - step.value) > 1e-7 * max(1.0, abs(slope)):
            text += (
                " The seed order's value differs: it went through already-updated weights, "
                "so it is not exactly the slope of E_total."
            )
        return html.escape(text)

    # ------------------------------------------------------------- handlers
    @handler
    def _on_previous(self, _button: object = None) -> None:
        self.runner.pause_steps()
        self.session.previous_step()

    @handler
    def _on_next(self, _button: object = None) -> None:
        self.quiz.allow(self.session.step + 1)  # a presenter key is refused as the button is
        self.runner.stop_training()
        self.session.next_step()

    @handler
    def _on_next_phase(self, _button: object = None) -> None:
        self.quiz.allow_jump("Next phase")
        self.runner.stop_training()
        self.session.next_phase()

    @handler
    def _on_finish(self, _button: object = None) -> None:
        self.quiz.allow_jump("Finish iteration")
        self.runner.stop_training()
        self.session.finish_iteration()

    @handler
    def _on_reset_iteration(self, _button: object = None) -> None:
        self.runner.pause_steps()
        self.session.reset_iteration()
        self.quiz.restart()

    # The slider sends positions while it is dragged (continuous) and render writes the step
    # back: the page can race the kernel, and a position that is the session's step is that
    # write coming back, not a move.
    @handler(showing=lambda view: view.session.step)
    def _on_slider(self, change: dict) -> None:
        step = round(change["new"])  # the slider refuses NaN itself
        self.runner.pause_steps()
        try:
            self.quiz.allow(step, "Step")
        except InputError:
            self.step_slider.value = self.session.step  # back to the step shown
            raise
        self.session.go_to(step)

    @handler(showing=lambda view: f"{view.session.iteration + 1}")
    def _on_iteration_field(self, change: dict) -> None:
        try:
            self.accepted_then_stop(lambda: self.session.go_to_iteration(change["new"]), self.runner.stop)
        except InputError as error:  # the run, if any, goes on
            self.iteration_message.value = field_message(str(error))
            return
        self.iteration_message.value = ""

    def _on_key(self, _widget: object, content: object, _buffers: object) -> None:
        """A presenter key (PageDown, PageUp, arrows, Space) pressed on the panel."""
        key = content.get("key") if isinstance(content, dict) else None
        if key == "next":
            self._on_next()
        elif key == "previous":
            self._on_previous()

    # -------------------------------------------------------------- playing
    @handler(showing=lambda view: view.runner.playing)
    def _on_play_steps(self, change: dict) -> None:
        if not change["new"]:
            self.runner.pause_steps()
            return
        if self.quiz.active:
            self.play_steps.value = False
            self.quiz.allow_jump("Play steps")
        # the quiz switched on stops it: there the steps wait for answers
        self.runner.play_steps(lambda: self.step_speed.value, lambda: self.quiz.active)


def _play_steps_description(playing: bool) -> str:
    return "Pause steps" if playing else "Play steps"


def formula_html(latex: str) -> str:
    """The formula as pieces the browser wraps like words, so a line breaks after an operator.

    Each piece is typeset on its own (``\\displaystyle``: fractions full size).
    A hidden ``\\cdots`` stands in for the working when the page finds even the
    smallest type too large for the box (``fit.js``): the result stays in view.
    """
    # an empty group after a piece's last operator: MathJax spaces it as an operator, not a sign
    spans = [
        f'<span class="bp-piece bp-{kind}">$\\displaystyle {tex}{" {}" if kind != "result" else ""}$</span>'
        for kind, tex in pieces(latex)
    ]
    spans.insert(-1, '<span class="bp-piece bp-elided">$\\cdots =$</span>')
    return f'<div class="bp-formula">{" ".join(spans)}</div>'
