"""Stepping through one iteration: the diagram, the formula, the step controls, the iteration shown."""

from __future__ import annotations

import asyncio
import html
import itertools
from typing import TYPE_CHECKING

import ipywidgets as widgets

from explorer.drawing import diagram
from explorer.drawing.formula import two_lines
from explorer.engine.formatting import number
from explorer.engine.validation import InputError
from explorer.lesson.walkthrough import PHASES
from explorer.panel.controls import Slider
from explorer.panel.keys import PresenterKeys

from .base import View, button, field_message, handler
from .quiz import QuizView

if TYPE_CHECKING:  # pragma: no cover
    from explorer.panel.explorer import Explorer

STEP_SPEEDS = {"slow (1 step/s)": 1.0, "medium (3 steps/s)": 3.0, "fast (8 steps/s)": 8.0}
#: Diagram text sizes: (text scale, label detail, whether the diagram fits the screen's height).
TEXT_SIZES = {
    "normal": (1.0, "full", False),
    "large (fits a 1280 x 720 screen)": (1.2, "compact", True),
    "larger": (1.5, "compact", False),
    "largest": (1.8, "compact", False),
}
_diagram_ids = itertools.count(1)


class SteppingView(View):
    """The walkthrough of the iteration shown, one step at a time."""

    def __init__(self, panel: Explorer) -> None:
        super().__init__(panel)
        self.presenter = panel.layout_name == "presenter"
        self._prefix = f"bp{next(_diagram_ids)}-"
        self._play_token: object | None = None
        self.steps_task: asyncio.Task | None = None
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
        self.step_slider = Slider(label="Step", min=0, max=len(self.session.walk), step=1, value=0, continuous=True)
        self.play_steps = widgets.ToggleButton(
            description="Play steps", tooltip="Animate through the steps", layout=widgets.Layout(width="auto")
        )
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
        # the quiz gates these controls: Next step waits for an answer, jumps wait for the quiz to end
        self.quiz_view = QuizView(self.panel)
        self.quiz = self.quiz_view.quiz

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
        self.presenter_keys.on_msg(self._on_key)

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
        scale, detail, fit_height = TEXT_SIZES[self.text_size.value]
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
        self.equation.value = f"$${two_lines(latex) if self.presenter else latex}$$"
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
        items = "".join(
            f'<li class="bp-phase-{st.phase}{" bp-newest" if i == s.step - 1 else ""}">'
            f"{html.escape(f'{st.symbol} = ?' if hidden and i == s.step - 1 else st.text())}</li>"
            for i, st in enumerate(walk.steps[: s.step])
        )
        self.step_log.value = (
            f'<div class="bp-log" aria-label="steps done"><div><ol>{items}</ol></div></div>'
            if items
            else '<div class="bp-log"><div>No steps done yet in this iteration.</div></div>'
        )
        # the session's own values, shown: the observers see nothing new and do nothing, and
        # the message stays (no user acted).  The slider's range first, then its value.
        with self.messages.quietly():
            self.step_slider.max = len(walk)
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
        with self.messages.quietly():  # the iteration shown: its observer does nothing
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
        self.pause()
        self.session.previous_step()

    @handler
    def _on_next(self, _button: object = None) -> None:
        self.quiz.allow(self.session.step + 1)  # a presenter key is refused as the button is
        self.panel.training.stop()
        self.session.next_step()

    @handler
    def _on_next_phase(self, _button: object = None) -> None:
        self.quiz.allow_jump("Next phase")
        self.panel.training.stop()
        self.session.next_phase()

    @handler
    def _on_finish(self, _button: object = None) -> None:
        self.quiz.allow_jump("Finish iteration")
        self.panel.training.stop()
        self.session.finish_iteration()

    @handler
    def _on_reset_iteration(self, _button: object = None) -> None:
        self.pause()
        self.session.reset_iteration()
        self.quiz.restart()

    @handler
    def _on_slider(self, change: dict) -> None:
        step = round(change["new"])  # the slider refuses NaN itself
        if step != self.session.step:  # not the session's own step, shown by render
            self.pause()
            try:
                self.quiz.allow(step, "Step")
            except InputError:
                self._render_controls()  # the slider goes back to the step shown
                raise
            self.session.go_to(step)

    @handler
    def _on_iteration_field(self, change: dict) -> None:
        if change["new"] == f"{self.session.iteration + 1}":
            return  # the iteration shown, as render wrote it
        self.panel.training.stop()
        self.pause()
        try:
            self.session.go_to_iteration(change["new"])
        except InputError as error:
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
    @handler
    def _on_play_steps(self, change: dict) -> None:
        self.play_steps.description = "Pause steps" if change["new"] else "Play steps"
        if change["new"] and self.quiz.active:
            with self.messages.quietly():
                self.play_steps.value = False
                self.play_steps.description = "Play steps"
            self.quiz.allow_jump("Play steps")
        if change["new"]:
            self.panel.training.stop()
            self.steps_task = self.panel.spawn(self._play_steps())

    async def _play_steps(self) -> None:
        """Advance one step per tick until the iteration is finished or paused.

        Each run holds a token: toggling off and on quickly starts a new run,
        and the old one, still asleep, sees it is no longer current and ends.
        """
        s = self.session
        me = self._play_token = object()
        try:
            if s.finished:
                s.start_next_iteration()
            # the quiz switched on stops it: there the steps wait for answers
            while self.play_steps.value and self._play_token is me and not s.finished and not self.quiz.active:
                s.next_step()
                await asyncio.sleep(1.0 / self.step_speed.value)
        finally:
            if self._play_token is me:
                with self.messages.quietly():  # the run ending is no user action: keep messages
                    self.play_steps.value = False

    def pause(self) -> None:
        self.play_steps.value = False
