"""The explorer panel: with its files row (files_view.py), the only module that imports ipywidgets.

``Explorer()`` shows the seed's example: the network diagram with live
weights, the current step's formula, the step controls, the training
controls with the error curve, the learning rate, and a table to edit every
number.  All state lives in one :class:`~explorer.session.Session`; handlers
change it in a line or two and :meth:`Explorer.render` redraws the views.

Long work (training, playing the steps) runs as an asyncio task that yields
to the kernel between chunks, so Stop, the sliders and the step buttons are
read while it runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import html
import itertools
import math
import os
import time
import traceback
from typing import Callable, Iterator

import ipywidgets as widgets
from ipympl.backend_nbagg import Canvas, FigureManager
from matplotlib.figure import Figure

from . import diagram, savefile
from .controls import KeyboardPassage, Slider, StatusLine
from .curves import ErrorCurve
from .files_view import FilesView
from .quiz_view import QuizView
from .formatting import number
from .network import Network
from .session import LEARNING_RATE_LIMITS, Session
from .validation import InputError, check_iterations
from .walkthrough import PHASES

#: Seconds between redraws of the curve and counters while training (>= 5 per second).
REFRESH_SECONDS = 0.2
#: Each training chunk computes for about this long before yielding to the kernel.
CHUNK_SECONDS = 0.03
# "fast" is inf, not None: a Dropdown whose value is None shows nothing selected
PACES = {"watch (about 2,000 iterations/s)": 2000.0, "fast": math.inf}
STEP_SPEEDS = {"slow (1 step/s)": 1.0, "medium (3 steps/s)": 3.0, "fast (8 steps/s)": 8.0}
_panel_ids = itertools.count(1)

STYLE = """
<style>
.bp-panel { font-family: var(--jp-ui-font-family, sans-serif); color: var(--jp-ui-font-color1, #1a1a1a); }
.bp-panel .bp-title { font-size: 1.25em; font-weight: 600; margin: 2px 0 4px 0; }
.bp-panel .bp-subtitle { color: var(--jp-ui-font-color2, #555); font-size: 0.9em; }
.bp-panel .bp-phases span { display: inline-block; padding: 2px 10px; margin-right: 4px; border-radius: 10px;
  border: 1px solid var(--jp-border-color1, #bbb); color: var(--jp-ui-font-color2, #555); font-size: 0.9em; }
.bp-panel .bp-phases span.bp-current { background: #E69F00; border-color: #E69F00; color: #000; font-weight: 600; }
.bp-panel .bp-phases span.bp-done { border-color: #009E73; color: var(--jp-ui-font-color1, #1a1a1a); }
.bp-panel .bp-equation { font-size: 1.15em; min-height: 3.2em; max-width: 100%; overflow-x: auto; overflow-y: hidden; }
.bp-panel .bp-equation mjx-container { max-width: 100%; overflow-x: auto; overflow-y: hidden; }
.bp-panel .bp-meaning { color: var(--jp-ui-font-color2, #444); font-style: italic; min-height: 1.5em; }
.bp-panel .bp-check { color: var(--jp-ui-font-color2, #444); font-size: 0.9em; min-height: 1.3em; }
.bp-panel .bp-log { display: flex; flex-direction: column-reverse; max-height: 190px; overflow-y: auto;
  border: 1px solid var(--jp-border-color2, #ddd); border-radius: 4px; padding: 2px 8px;
  font-family: var(--jp-code-font-family, monospace); font-size: 0.85em;
  background: var(--jp-layout-color1, #fff); }
.bp-panel .bp-log ol { margin: 0; padding-left: 2.6em; }
.bp-panel .bp-log li.bp-newest { font-weight: 600; color: var(--jp-ui-font-color0, #000); }
.bp-panel .bp-log .bp-phase-forward::marker { color: #0072B2; }
.bp-panel .bp-field-message { color: var(--jp-error-color1, #D55E00); font-size: 0.85em; line-height: 1.2; }
.bp-panel .bp-invalid input { border-color: var(--jp-error-color1, #D55E00) !important; }
.bp-panel .bp-section { font-weight: 600; margin-top: 6px; border-bottom: 1px solid var(--jp-border-color2, #ddd); }
</style>
"""


def _handler(method: Callable) -> Callable:
    """Run a widget callback; show any error in the panel instead of losing it."""

    @functools.wraps(method)
    def wrapper(self: "Explorer", *args: object) -> object:
        if not self._syncing:
            self.message.value = ""  # a new action: the last one's message is stale
        try:
            return method(self, *args)
        except InputError as error:
            self.say(str(error), error=True)
        except Exception as error:  # noqa: BLE001 - a handler must never fail silently
            self._unexpected(error, traceback.format_exc())
        return None

    return wrapper


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class Explorer(widgets.VBox):
    """The interactive backpropagation explorer.

    Parameters
    ----------
    network : Network, optional
        Defaults to the seed's 2-2-2 example.
    inputs, targets : array-like, optional
        One example (a vector each) or several (rows); required with ``network``.
    iterations : int
        The default of the "Iterations" field next to Train.
    quiz : bool
        Start in quiz mode: each step's result is hidden until answered or revealed.
    """

    def __init__(self, network: Network | None = None, inputs: object = None, targets: object = None,
                 iterations: int = 10_000, quiz: bool = False):
        self.session = Session(network, inputs, targets)
        iterations = check_iterations(iterations, "iterations")
        self._prefix = f"bp{next(_panel_ids)}-"
        self._syncing = False
        self._play_token: object | None = None
        self.training_task: asyncio.Task | None = None
        self.steps_task: asyncio.Task | None = None
        self._stop_requested = False
        self._closed = False
        self._steps_shown = 0  # steps in the iteration the step label last showed
        #: typed text that was refused, by field key ("lr" for the learning rate):
        #: kept in its field, with its message, until that field is edited again
        self._rejected: dict[str, str] = {}
        super().__init__()
        self.add_class("bp-panel")
        self._build(iterations)
        self._link()
        self.quiz_view.toggle.value = quiz
        self.render()

    # ------------------------------------------------------------ building
    def _build(self, iterations: int) -> None:
        s = self.session
        self.title = widgets.HTML()
        self.diagram = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.phases = widgets.HTML()
        self.position = widgets.Label()
        self.equation = widgets.HTMLMath(layout=widgets.Layout(width="100%"))
        self.equation.add_class("bp-equation")
        self.meaning = widgets.HTML()
        self.meaning.add_class("bp-meaning")
        self.check = widgets.HTML()
        self.check.add_class("bp-check")
        self.quiz_view = QuizView(self)
        self.quiz = self.quiz_view.quiz

        button = functools.partial(widgets.Button, layout=widgets.Layout(width="auto"))
        self.previous_button = button(description="Previous step",
                                      tooltip="Go back one step")
        self.next_button = button(description="Next step", button_style="primary",
                                  tooltip="Work out the next quantity")
        self.next_phase_button = button(description="Next phase",
                                        tooltip="Jump to the start of the next phase")
        self.finish_button = button(description="Finish iteration",
                                    tooltip="Work out every remaining step of this iteration")
        self.reset_iteration_button = button(description="Reset iteration",
                                             tooltip="Back to the start of this iteration")
        self.step_slider = Slider(label="Step", min=0, max=len(s.walk), step=1, value=0, continuous=True)
        self.play_steps = widgets.ToggleButton(description="Play steps", tooltip="Animate through the steps",
                                               layout=widgets.Layout(width="auto"))
        self.step_speed = widgets.Dropdown(description="Speed", options=STEP_SPEEDS, value=3.0,
                                           layout=widgets.Layout(width="230px"))
        self.step_log = widgets.HTML()

        self.iterations_field = widgets.Text(description="Iterations", value=f"{iterations}",
                                             continuous_update=False, layout=widgets.Layout(width="190px"))
        self.train_button = button(description="Train", button_style="success",
                                   tooltip="Train for the number of iterations given")
        self.play_training = widgets.ToggleButton(description="Play", tooltip="Train continuously until paused",
                                                  layout=widgets.Layout(width="auto"))
        self.stop_button = button(description="Stop", button_style="danger",
                                  tooltip="Stop training", disabled=True)
        self.pace = widgets.Dropdown(description="Pace", options=PACES, value=2000.0,
                                     layout=widgets.Layout(width="300px"))
        self.counter = widgets.Label()
        self.progress = widgets.IntProgress(min=0, max=1, value=0, description="Progress",
                                            layout=widgets.Layout(width="300px"))

        # fixed margins: a constrained layout would cost ~35 ms on every redraw
        figure = Figure(figsize=(4.6, 2.7))
        figure.subplots_adjust(left=0.17, right=0.97, top=0.95, bottom=0.19)
        self.canvas = Canvas(figure)
        FigureManager(self.canvas, 0)  # gives the canvas its toolbar and resize handling
        self.canvas.header_visible = False
        self.canvas.footer_visible = False
        self.canvas.resizable = False
        self.canvas.layout = widgets.Layout(width="auto", min_width="340px")
        self.curve = ErrorCurve(figure.add_subplot())
        self.log_scale = widgets.Checkbox(description="Log scale", value=False, indent=False,
                                          layout=widgets.Layout(width="auto"))
        self.keep_button = button(description="Keep curve",
                                  tooltip="Freeze this curve, labelled with its learning rate")
        self.clear_button = button(description="Clear kept curves")

        low, high = LEARNING_RATE_LIMITS
        self.lr_slider = Slider(label="Learning rate", log=True, min=low, max=high, step=0.01,
                                value=s.learning_rate)
        self.lr_text = widgets.Text(description="Learning rate value", value=number(s.learning_rate),
                                    continuous_update=False, style={"description_width": "initial"},
                                    layout=widgets.Layout(width="230px"))
        self.lr_message = widgets.HTML()
        self.lr_message.add_class("bp-field-message")
        self.reset_weights_button = button(description="Reset weights",
                                           tooltip="Restore exactly the initial weights and start a new run")

        self.order = widgets.Dropdown(description="Update order", value=s.network.order,
                                      options=[("textbook (gradients before any update)", "textbook"),
                                               ("seed (hidden layer sees updated w5..w8)", "seed")],
                                      style={"description_width": "initial"}, layout=widgets.Layout(width="380px"))
        self.update_biases = widgets.Checkbox(description="Update biases", value=s.network.update_biases,
                                              indent=False, layout=widgets.Layout(width="auto"))
        self.fields: dict[str, widgets.Text] = {}
        self.field_messages: dict[str, widgets.HTML] = {}
        self.message = StatusLine()
        self.details = widgets.Output()
        self.files = FilesView(self)
        self.edit_area = widgets.VBox([self._edit_table()])  # rebuilt for a loaded network of another shape

        row = functools.partial(widgets.HBox, layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        stepping = widgets.VBox([
            row([self.previous_button, self.next_button, self.next_phase_button,
                 self.finish_button, self.reset_iteration_button, self.quiz_view.toggle]),
            row([self.step_slider, self.play_steps, self.step_speed]),
            self.step_log,
        ], layout=widgets.Layout(flex="1 1 520px", min_width="0", margin="0 16px 0 0"))
        training = widgets.VBox([
            self._section("Training"),
            row([self.iterations_field, self.train_button, self.play_training, self.stop_button]),
            row([self.pace]),
            row([self.progress, self.counter]),
            row([self.lr_slider, self.lr_text, self.reset_weights_button]),
            self.lr_message,
            self.canvas,
            row([self.log_scale, self.keep_button, self.clear_button]),
        ], layout=widgets.Layout(flex="1 1 440px", min_width="0"))
        self.children = [
            widgets.HTML(STYLE), KeyboardPassage(), self.title, self.message,
            self.diagram,
            # the formula gets the full width: net_o1's is wider than one column
            row([self.phases, self.position]),
            self.equation, self.meaning, self.quiz_view, self.check,
            widgets.HBox([stepping, training], layout=widgets.Layout(flex_flow="row wrap", width="100%")),
            self._section("Edit the example"),
            row([self.order, self.update_biases]),
            self.edit_area,
            self._section("Handout and saved session"),
            self.files,
            self.details,
        ]

    @staticmethod
    def _section(title: str) -> widgets.HTML:
        label = widgets.HTML(html.escape(title))
        label.add_class("bp-section")
        return label

    def _edit_table(self) -> widgets.Widget:
        """Text fields for inputs, targets and every weight and bias, grouped by kind."""
        s = self.session
        rows = []
        names = s.network.names
        groups = [("Inputs", [(f"i:{j}", n) for j, n in enumerate(names.neurons[0])]),
                  ("Targets", [(f"t:{k}", f"target {n}") for k, n in enumerate(names.neurons[-1])])]
        for l in range(len(s.network.weights)):
            weight_names = [w for row in names.weights[l] for w in row]
            bias_names = list(dict.fromkeys(names.biases[l]))
            groups.append((f"Layer {l + 1}", [(f"p:{n}", n) for n in weight_names + bias_names]))
        for title, fields in groups:
            boxes = []
            for key, label in fields:
                text = widgets.Text(description=label, continuous_update=False,
                                    style={"description_width": "initial"}, layout=widgets.Layout(width="150px"))
                text.observe(functools.partial(self._on_field, key), names="value")
                # as wide as its field, so a message wraps instead of pushing the next field
                message = widgets.HTML(layout=widgets.Layout(width="150px"))
                message.add_class("bp-field-message")
                self.fields[key], self.field_messages[key] = text, message
                boxes.append(widgets.VBox([text, message], layout=widgets.Layout(margin="0 6px 0 0")))
            rows.append(widgets.HBox([widgets.HTML(f"<b>{html.escape(title)}</b>",
                                                   layout=widgets.Layout(width="70px")), *boxes],
                                     layout=widgets.Layout(flex_flow="row wrap")))
        return widgets.VBox(rows)

    def _link(self) -> None:
        s = self.session
        self.previous_button.on_click(self._on_previous)
        self.next_button.on_click(self._on_next)
        self.next_phase_button.on_click(self._on_next_phase)
        self.finish_button.on_click(self._on_finish)
        self.reset_iteration_button.on_click(self._on_reset_iteration)
        self.step_slider.observe(self._on_slider, names="value")
        self.play_steps.observe(self._on_play_steps, names="value")
        self.train_button.on_click(self._on_train)
        self.play_training.observe(self._on_play_training, names="value")
        self.stop_button.on_click(self._on_stop)
        self.log_scale.observe(self._on_log_scale, names="value")
        self.keep_button.on_click(self._on_keep)
        self.clear_button.on_click(self._on_clear)
        self.lr_slider.observe(self._on_lr_slider, names="value")
        self.lr_text.observe(self._on_lr_text, names="value")
        self.reset_weights_button.on_click(self._on_reset_weights)
        self.order.observe(self._on_order, names="value")
        self.update_biases.observe(self._on_update_biases, names="value")
        self.iterations_field.observe(self._on_iterations, names="value")
        s.observe(lambda change: self.render_steps(), names="step")
        # while training, the run's own refresh redraws (5 times a second), not every
        # chunk: the step label, counter, curve and table then always show one iteration
        s.observe(lambda change: None if s.training else self.render(), names="revision")
        s.observe(lambda change: None if s.training else self.render_training(), names="iteration")
        s.observe(lambda change: self.render_training(), names="training")
        widgets.dlink((s, "learning_rate"), (self.lr_slider, "value"))

    # ------------------------------------------------------------- messages
    def say(self, text: str, error: bool = False, details: str | None = None) -> None:
        """Show a message in the panel's message area (errors in the error colour)."""
        with self.message.hold_sync():
            self.message.kind = "error" if error else "info"
            self.message.value = text
        if details:
            self.details.clear_output()
            self.details.append_stdout(details)

    def _unexpected(self, error: BaseException, details: str) -> None:
        self.say(f"Unexpected error ({type(error).__name__}: {error}); the details are at the "
                 "bottom of the panel.", error=True, details=details)

    # ------------------------------------------------------------ rendering
    def render(self) -> None:
        """Redraw every view from the session."""
        s = self.session
        net = s.network
        shape = "-".join(map(str, net.sizes))
        self.title.value = (f'<div class="bp-title">Backprop Explorer</div><div class="bp-subtitle">'
                            f"{shape} network, {', '.join(dict.fromkeys(net.activations))} neurons, "
                            f"{html.escape(net.loss)} error, update order {net.order}"
                            f"{', biases updated' if net.update_biases else ''}</div>")
        self._sync_fields()
        self.render_steps()
        self.render_training()
        self.render_curve()

    def render_steps(self) -> None:
        """The diagram, the phase, the formula and the log, for the current step."""
        s = self.session
        walk, current = s.walk, s.current
        # an open quiz question: its result shows nowhere, nor (before a hint) what it uses
        hidden = self.quiz.is_open()
        values, updated = s.done_values(s.step - hidden)
        # once the update is worked out, nothing is dimmed: every new value is news
        highlight = current.elements if current and not s.finished and self.quiz.highlighted() else ()
        notice = ("" if s.diverged_at is None else
                  f"E_total stopped being a finite number at iteration {s.diverged_at:,}: "
                  "lower the learning rate, then press Reset weights (or edit a weight).")
        self.diagram.value = diagram.render(walk.network, walk.inputs, walk.targets, values, updated,
                                            highlight, id_prefix=self._prefix, notice=notice)
        phase = s.phase
        done_phases = PHASES[: PHASES.index(phase)] if phase else ()
        self.phases.value = '<div class="bp-phases" aria-label="phase">' + "".join(
            f'<span class="{"bp-current" if p == phase else "bp-done" if p in done_phases else ""}">{p}</span>'
            for p in PHASES if walk.phase_start(p) < len(walk)) + "</div>"
        self._steps_shown = len(walk)
        self.render_position()
        if current is None:
            self.equation.value = ("Press <b>Next step</b> to begin the forward pass "
                                   f"(E_total now: {number(s.dataset_error())}).")
            self.meaning.value = "Each step works out one number, the way the worked example does it by hand."
        else:
            self.equation.value = f"$${current.formula} = \\boxed{{?}}$$" if hidden else f"$${current.latex}$$"
            after = (f" E_total after this update: {number(walk.error_after)}."
                     if s.finished and not hidden else "")
            self.meaning.value = html.escape(current.meaning + after)
        self.check.value = "" if hidden else self._gradient_check(current)
        items = "".join(
            f'<li class="bp-phase-{st.phase}{" bp-newest" if i == s.step - 1 else ""}">'
            f'{html.escape(f"{st.symbol} = ?" if hidden and i == s.step - 1 else st.text())}</li>'
            for i, st in enumerate(walk.steps[: s.step]))
        self.step_log.value = (f'<div class="bp-log" aria-label="steps done"><div><ol>{items}</ol></div></div>'
                          if items else '<div class="bp-log"><div>No steps done yet in this iteration.</div></div>')
        # quiet outside the hold: held notifications fire when it ends
        with self._quietly(), self.step_slider.hold_trait_notifications():
            self.step_slider.max = len(walk)
            self.step_slider.value = s.step
        self.previous_button.disabled = s.step == 0
        # in quiz mode the steps come one at a time, each answered or revealed first
        self.next_button.disabled = hidden
        for control in (self.next_phase_button, self.finish_button, self.play_steps):
            control.disabled = self.quiz.active

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
        text = (f"Check by nudging {name} by ±{h:g}: (E_total({name} + h) − E_total({name} − h)) / 2h "
                f"= {number(slope)}.")
        if walk.network.order == "seed" and abs(slope - step.value) > 1e-7 * max(1.0, abs(slope)):
            text += (" The seed order's value differs: it went through already-updated weights, "
                     "so it is not exactly the slope of E_total.")
        return html.escape(text)

    def render_position(self) -> None:
        """The step label: "step k of n, iteration i" (n as last drawn, so no walkthrough is built)."""
        s = self.session
        example = f", example {s.example + 1}" if s.inputs.shape[0] > 1 else ""
        self.position.value = f"step {s.step} of {self._steps_shown}, iteration {s.iteration + 1:,}{example}"

    def render_training(self) -> None:
        s = self.session
        n = s.iteration
        diverged = "" if s.diverged_at is None else f" (not finite since iteration {s.diverged_at:,})"
        self.counter.value = (f"{n:,} iteration{'' if n == 1 else 's'} done, "
                              f"E_total {number(float(s.errors.values[-1]))}{diverged}")
        self.train_button.disabled = s.training
        self.stop_button.disabled = not s.training
        # the table shows live values while training: typing there would be overwritten
        for text in self.fields.values():
            text.disabled = s.training

    def render_curve(self) -> None:
        s = self.session
        self.curve.show(s.errors.values, label=f"current run, eta = {s.network.learning_rate:.3g}",
                        diverged_at=s.diverged_at)

    def _sync_fields(self) -> None:
        """Show the session's current numbers in the edit table (without re-triggering edits).

        A field holding refused text keeps it, and its message, until it is edited again.
        """
        s = self.session
        params = s.network.parameters()
        with self._quietly():
            for key, text in self.fields.items():
                if key in self._rejected:
                    continue
                kind, name = key.split(":", 1)
                if kind == "i":
                    value = s.inputs[s.example, int(name)]
                elif kind == "t":
                    value = s.targets[s.example, int(name)]
                else:
                    value = params[name]
                text.value = number(float(value))
                text.remove_class("bp-invalid")
                self.field_messages[key].value = ""
            if "lr" not in self._rejected:
                self.lr_text.value = number(s.network.learning_rate)
            self.order.value = s.network.order
            self.update_biases.value = s.network.update_biases

    # ------------------------------------------------------------- stepping
    @_handler
    def _on_previous(self, _button: object = None) -> None:
        self._pause_steps()
        self.session.previous_step()

    @_handler
    def _on_next(self, _button: object = None) -> None:
        self.quiz.allow(self.session.step + 1)
        self._stop_training()
        self.session.next_step()

    @_handler
    def _on_next_phase(self, _button: object = None) -> None:
        self.quiz.allow_jump("Next phase")
        self._stop_training()
        self.session.next_phase()

    @_handler
    def _on_finish(self, _button: object = None) -> None:
        self.quiz.allow_jump("Finish iteration")
        self._stop_training()
        self.session.finish_iteration()

    @_handler
    def _on_reset_iteration(self, _button: object = None) -> None:
        self._pause_steps()
        self.session.reset_iteration()
        self.quiz.restart()

    @_handler
    def _on_slider(self, change: dict) -> None:
        if not self._syncing:
            self._pause_steps()
            step = round(change["new"])  # the slider refuses NaN itself
            try:
                self.quiz.allow(step, "Step")
            except InputError:
                self.render_steps()  # the slider goes back to the step shown
                raise
            self.session.go_to(step)

    @_handler
    def _on_play_steps(self, change: dict) -> None:
        self.play_steps.description = "Pause steps" if change["new"] else "Play steps"
        if change["new"] and self.quiz.active:
            with self._quietly():
                self.play_steps.value = False
                self.play_steps.description = "Play steps"
            self.quiz.allow_jump("Play steps")
        if change["new"]:
            self._stop_training()
            self.steps_task = self._spawn(self._play_steps())

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
                with self._quietly():  # the run ending is no user action: keep messages
                    self.play_steps.value = False

    def _pause_steps(self) -> None:
        self.play_steps.value = False

    # ------------------------------------------------------------- training
    @_handler
    def _on_train(self, _button: object = None) -> None:
        count = check_iterations(self.iterations_field.value, "Iterations")
        self._start_training(count)

    @_handler
    def _on_play_training(self, change: dict) -> None:
        self.play_training.description = "Pause" if change["new"] else "Play"
        if change["new"] and not self.session.training:
            if not _loop_running():
                self.play_training.value = False
                raise InputError("Play", "continuous training needs a running Jupyter kernel; use Train")
            self._start_training(None)
        elif not change["new"]:
            self._stop_training()

    @_handler
    def _on_stop(self, _button: object = None) -> None:
        self._stop_training()

    @_handler
    def _on_iterations(self, change: dict) -> None:
        check_iterations(change["new"], "Iterations")
        self.message.value = ""

    def _start_training(self, count: int | None) -> None:
        if self.session.training and not self._stop_requested:
            return  # already running
        if self.session.diverged_at is not None:
            with self._quietly():
                self.play_training.value = False
            raise InputError("Train", f"E_total is not a finite number (since iteration "
                             f"{self.session.diverged_at:,}): lower the learning rate, then press "
                             "Reset weights or edit a weight")
        self._pause_steps()
        self.progress.max = max(count or 1, 1)
        self.progress.value = 0
        previous = self.training_task
        self.session.training = True  # Train greys out at once, even while a stopped run ends

        async def run() -> None:
            if previous is not None and not previous.done():
                await previous  # a run told to stop ends at its next chunk
            self._stop_requested = False
            self.session.training = True
            await self._train(count)

        self.training_task = self._spawn(run())

    def _stop_training(self) -> None:
        self._stop_requested = True
        self.play_training.value = False

    async def _train(self, count: int | None) -> None:
        """Train in chunks, yielding to the kernel between them; redraw 5 times a second."""
        s = self.session
        done, per_iteration = 0, 1e-5
        started = last_draw = time.perf_counter()
        try:
            while not self._stop_requested and not self._closed and (count is None or done < count):
                pace = self.pace.value if self.pace.value is not None else math.inf  # nothing chosen: fast
                chunk = max(1, int(CHUNK_SECONDS / per_iteration))
                if math.isfinite(pace):  # watching: hold the rate to `pace` iterations per second
                    chunk = max(1, min(chunk, int(pace * (time.perf_counter() - started)) - done))
                if count is not None:
                    chunk = min(chunk, count - done)
                tic = time.perf_counter()
                diverged = s.train(chunk)
                per_iteration = max((time.perf_counter() - tic) / chunk, 1e-7)
                done += chunk
                # the counters follow every chunk, together; the rest 5 times a second
                self.progress.value = done if count is not None else 0
                self.render_training()
                self.render_position()
                if diverged is not None:
                    self.say(f"The error stopped being a finite number at iteration {diverged:,}: "
                             "this learning rate diverges. Lower it and press Reset weights.", error=True)
                    break
                if time.perf_counter() - last_draw >= REFRESH_SECONDS:
                    last_draw = time.perf_counter()
                    self.render()  # every view at once, at one iteration
                await asyncio.sleep(0.02 if math.isfinite(pace) else 0.002)  # a yield lets clicks in
        finally:
            s.training = False
            if not self._closed:
                self.progress.value = done if count is not None else 0
                with self._quietly():  # the run ending is no user action: keep its message
                    self.play_training.value = False
                self.render()
                self._push_curve()

    def _push_curve(self) -> None:
        """Send the page the curve's last frame now, instead of waiting to be asked.

        ipympl's page asks for a frame after each ``draw_idle`` only when it
        is not already awaiting one (its ``waiting_for_image``); should an
        awaited frame never be drawn, no later ``draw_idle`` is answered and
        the curve stops short of the counter.  ``draw()`` renders and sends
        the frame unasked.  Every frame of this transparent figure is a full
        image, so one extra frame cannot leave a mixed picture.
        """
        if not self.canvas.syncing_data_url:  # False once a page shows the canvas
            self.canvas.draw()

    # -------------------------------------------------------- curves and lr
    @_handler
    def _on_log_scale(self, change: dict) -> None:
        self.curve.set_log(change["new"])

    @_handler
    def _on_keep(self, _button: object = None) -> None:
        s = self.session
        label = f"eta = {s.network.learning_rate:.3g} ({s.iteration:,} it.)"
        if not self.curve.keep(label):
            self.say("There is no curve to keep yet: train or step first.")

    @_handler
    def _on_clear(self, _button: object = None) -> None:
        self.curve.clear_ghosts()

    @_handler
    def _on_lr_slider(self, change: dict) -> None:
        if self._syncing or change["new"] == self.session.learning_rate:
            return  # the session's own value, come back through the link
        self.session.set_learning_rate(change["new"])
        self._accepted("lr", self.lr_text, self.lr_message)
        with self._quietly():
            self.lr_text.value = number(self.session.learning_rate)

    @_handler
    def _on_lr_text(self, change: dict) -> None:
        if self._syncing:
            return
        try:
            self.session.set_learning_rate(change["new"])  # the link moves the slider
        except InputError as error:
            self._refused("lr", self.lr_text, self.lr_message, change["new"], str(error))
            return
        self._accepted("lr", self.lr_text, self.lr_message)

    @_handler
    def _on_reset_weights(self, _button: object = None) -> None:
        self._stop_training()
        self._rejected.clear()  # every field shows the restored values
        self.session.reset_weights()
        self.say("Weights restored to their initial values; a new run starts at iteration 0.")

    # -------------------------------------------------------------- editing
    # Edits during a run are applied between its chunks: the run goes on with them.
    @_handler
    def _on_order(self, change: dict) -> None:
        if not self._syncing:
            self.session.set_order(change["new"])

    @_handler
    def _on_update_biases(self, change: dict) -> None:
        if not self._syncing:
            self.session.set_update_biases(change["new"])

    @_handler
    def _on_field(self, key: str, change: dict) -> None:
        if self._syncing:
            return
        kind, name = key.split(":", 1)
        s = self.session
        try:
            if kind == "i":
                edit = functools.partial(s.set_input, int(name))
            elif kind == "t":
                edit = functools.partial(s.set_target, int(name))
            else:
                edit = functools.partial(s.set_parameter, name)
            edit(change["new"])
        except InputError as error:
            self._refused(key, self.fields[key], self.field_messages[key], change["new"], error.message)
            return
        self._accepted(key, self.fields[key], self.field_messages[key])

    def _refused(self, key: str, field: widgets.Text, message: widgets.HTML, text: str, why: str) -> None:
        """Keep refused text in its field, marked, with why beside it (until it is edited again)."""
        self._rejected[key] = text
        field.add_class("bp-invalid")
        message.value = f'<span role="alert">{html.escape(why)}</span>'

    def _accepted(self, key: str, field: widgets.Text, message: widgets.HTML) -> None:
        self._rejected.pop(key, None)
        field.remove_class("bp-invalid")
        message.value = ""

    # ------------------------------------------------------------ internals
    @contextlib.contextmanager
    def _quietly(self) -> Iterator[None]:
        """Set widgets from the session without their observers taking it for a user's edit."""
        previous, self._syncing = self._syncing, True
        try:
            yield
        finally:
            self._syncing = previous

    def _spawn(self, coroutine) -> asyncio.Task | None:
        """Run ``coroutine`` as a task on the kernel's loop, or to completion without one."""
        if not _loop_running():  # plain Python, no event loop: run it here and now
            asyncio.run(coroutine)
            return None
        task = asyncio.get_running_loop().create_task(coroutine)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task) -> None:
        if not task.cancelled() and task.exception() is not None:
            error = task.exception()
            self._unexpected(error, "".join(traceback.format_exception(error)))

    def close(self) -> None:
        """Stop training and playing, release the figure and close every widget of the panel."""
        if not hasattr(self, "canvas"):  # built only in part (its arguments were refused)
            super().close()
            return
        self._closed = True
        self._stop_requested = True
        self._play_token = None
        for task in (self.training_task, self.steps_task):
            if task is not None and not task.done():
                task.cancel()
        toolbar = getattr(self.canvas, "toolbar", None)
        for widget in [*self._descendants(self), *([toolbar] if toolbar is not None else [])]:
            widget.close()
        self.curve.figure.clear()
        super().close()

    @classmethod
    def _descendants(cls, box: widgets.Widget) -> Iterator[widgets.Widget]:
        for child in getattr(box, "children", ()):
            yield from cls._descendants(child)
            yield child

    # ------------------------------------------------------- saved sessions
    def save(self, path: str | os.PathLike) -> None:
        """Write the panel as it is to a JSON session file (format: :mod:`explorer.savefile`)."""
        savefile.write(path, self.session, self.kept_curves(), self.log_scale.value)

    def load(self, path: str | os.PathLike) -> None:
        """Reopen a file written by :meth:`save`; a refused file raises and changes nothing."""
        self.restore(savefile.read(path))

    def kept_curves(self) -> list[savefile.KeptCurve]:
        """The curves kept with "Keep curve", oldest first, as a session file holds them."""
        return [savefile.KeptCurve(*curve) for curve in self.curve.kept()]

    def restore(self, saved: savefile.Saved) -> None:
        """Show a loaded session with its kept curves (training and playing stop first)."""
        self._stop_training()
        self._pause_steps()
        self._rejected.clear()  # every field shows the loaded values
        shape = (self.session.network.sizes, self.session.network.bias_mode)
        with self.session.hold_trait_notifications():  # one redraw, once the fields match the network
            self.session.restore(saved.session)
            if (self.session.network.sizes, self.session.network.bias_mode) != shape:
                old = [*self.fields.values(), *self.field_messages.values()]
                self.fields.clear()
                self.field_messages.clear()
                self.edit_area.children = (self._edit_table(),)
                for field in old:  # gone from the page: free their comms
                    field.close()
        self.curve.set_kept([(c.label, c.iterations, c.errors) for c in saved.kept])
        with self._quietly():
            self.log_scale.value = saved.log_scale
            self.lr_slider.value = self.session.learning_rate
        self.curve.set_log(saved.log_scale)

    def __repr__(self) -> str:
        s = self.session
        return (f"Explorer({s.network!r}, step {s.step} of {len(s.walk)}, "
                f"iteration {s.iteration})")
