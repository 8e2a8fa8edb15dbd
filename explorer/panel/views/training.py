"""Training: Train, Play and Stop, the pace, the counter, the learning rate (and the update rule's fields).

The runs themselves are the runner's (:mod:`explorer.panel.runner`); this view
starts and stops them and shows them: Play and the progress bar are linked
to the runner, Train and Stop to the session's ``training``.

A learning-rate change, from the slider or the text field:

1. the control's handler calls ``session.set_learning_rate``;
2. the session bumps ``revision`` and sets ``learning_rate``: each view's one
   observer redraws it (here the counter and the text field); the slider
   follows ``learning_rate`` by a dlink; the quiz restarts and the files row
   clears its links in their own observers.  The control that was moved sees
   the session's own value come back and does nothing.
"""

from __future__ import annotations

import math

import ipywidgets as widgets

from explorer.engine.datasets import accuracy
from explorer.engine.formatting import number
from explorer.engine.validation import LEARNING_RATE_RANGE, InputError, check_iterations
from explorer.lesson.session import Session
from explorer.panel.controls import Slider, round_stops
from explorer.panel.messages import Messages
from explorer.panel.runner import Runner, loop_running

from .base import View, button, field_message, handler
from .update_rule import UpdateRuleView

# "fast" is inf, not None: a Dropdown whose value is None shows nothing selected
PACES = {"watch (about 2,000 iterations/s)": 2000.0, "fast": math.inf}


class TrainingView(View):
    """Many iterations at once, and the learning rate they use."""

    def __init__(self, session: Session, messages: Messages, runner: Runner, iterations: int = 10_000) -> None:
        super().__init__(session, messages, runner)
        #: learning-rate text that was refused: kept in its field, with its message,
        #: until the field is edited again or the rate changes
        self.rejected_rate: str | None = None
        self._build(iterations)
        #: weight decay and momentum, beside the learning rate they go with
        self.rule = UpdateRuleView(session, messages, runner)
        self._link()

    def _build(self, iterations: int) -> None:
        s = self.session
        self.iterations_field = widgets.Text(
            description="Iterations",
            value=f"{iterations}",
            continuous_update=False,
            layout=widgets.Layout(width="190px"),
        )
        self.train_button = button("Train", button_style="success", tooltip="Train for the number of iterations given")
        self.play_training = widgets.ToggleButton(
            description="Play", tooltip="Train continuously until paused", layout=widgets.Layout(width="auto")
        )
        self.stop_button = button("Stop", button_style="danger", tooltip="Stop training", disabled=True)
        self.pace = widgets.Dropdown(
            description="Pace", options=PACES, value=2000.0, layout=widgets.Layout(width="300px")
        )
        self.counter = widgets.Label()
        self.progress = widgets.IntProgress(
            min=0, max=1, value=0, description="Progress", layout=widgets.Layout(width="300px")
        )
        low, high = LEARNING_RATE_RANGE
        self.lr_slider = Slider(
            label="Learning rate", log=True, min=low, max=high, stops=round_stops(low, high), value=s.learning_rate
        )
        self.lr_text = widgets.Text(
            description="Learning rate value",
            value=number(s.learning_rate),
            continuous_update=False,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="230px"),
        )
        self.lr_message = widgets.HTML()
        self.lr_message.add_class("bp-field-message")
        self.reset_weights_button = button(
            "Reset weights", tooltip="Restore exactly the initial weights and start a new run"
        )

    def _link(self) -> None:
        self.train_button.on_click(self._on_train)
        self.play_training.observe(self._on_play_training, names="value")
        self.stop_button.on_click(self._on_stop)
        self.iterations_field.observe(self._on_iterations, names="value")
        self.lr_slider.observe(self._on_lr_slider, names="value")
        self.lr_text.observe(self._on_lr_text, names="value")
        self.reset_weights_button.on_click(self._on_reset_weights)
        # mirrors: of the session's rate and training, of the runner's run
        widgets.dlink((self.session, "learning_rate"), (self.lr_slider, "value"))
        widgets.dlink((self.session, "training"), (self.train_button, "disabled"))
        widgets.dlink((self.session, "training"), (self.stop_button, "disabled"), lambda training: not training)
        widgets.dlink((self.runner, "continuous"), (self.play_training, "value"))
        widgets.dlink((self.play_training, "value"), (self.play_training, "description"), _play_description)
        widgets.dlink((self.runner, "planned"), (self.progress, "max"))
        widgets.dlink((self.runner, "done"), (self.progress, "value"))
        # one observer redraws this view (the counter every chunk of a run)
        self.session.observe(self._on_change, names=["revision", "learning_rate", "training"])
        self._run = self.session.errors

    def _on_change(self, change: dict) -> None:
        if change["name"] == "training":
            self.play_training.value = self.play_training.value and change["new"]  # a run ended: Play is up
        elif change["name"] == "learning_rate" or self.new_run():
            self.accept_rate()  # a rate taken, or a new run: the field shows the session's
        self.render()

    def render(self) -> None:
        s = self.session
        n = s.trained
        diverged = "" if s.diverged_at is None else f" (not finite since iteration {s.diverged_at:,})"
        # softmax outputs are classes: how many examples the largest output gets right
        if s.network.activations[-1] == "softmax":
            right = f", accuracy {accuracy(s.network.forward(s.inputs).output, s.targets):.0%}"
        else:
            right = ""
        error = number(float(s.errors.values[-1]))
        self.counter.value = f"{n:,} iteration{'' if n == 1 else 's'} done, E_total {error}{right}{diverged}"
        if self.rejected_rate is None:  # refused text stays until it is edited again
            self.lr_text.value = number(s.network.learning_rate)

    # ------------------------------------------------------------- handlers
    @handler
    def _on_train(self, _button: object = None) -> None:
        self.runner.train(check_iterations(self.iterations_field.value, "Iterations"), self._pace)

    @handler(showing=lambda view: view.runner.continuous)
    def _on_play_training(self, change: dict) -> None:
        if not change["new"]:
            self.runner.stop_training()
        elif not self.session.training:
            try:
                if not loop_running():
                    raise InputError("Play", "continuous training needs a running Jupyter kernel; use Train")
                self.runner.train(None, self._pace)
            finally:
                self.play_training.value = self.runner.continuous  # up again unless it runs

    @handler
    def _on_stop(self, _button: object = None) -> None:
        self.runner.stop_training()

    @handler
    def _on_iterations(self, change: dict) -> None:
        check_iterations(change["new"], "Iterations")

    @handler(showing=lambda view: view.session.learning_rate)
    def _on_lr_slider(self, change: dict) -> None:
        self.session.set_learning_rate(change["new"])

    @handler(showing=lambda view: None if view.rejected_rate is not None else number(view.session.learning_rate))
    def _on_lr_text(self, change: dict) -> None:
        try:
            self.session.set_learning_rate(change["new"])  # the link moves the slider
        except InputError as error:
            self.rejected_rate = change["new"]
            self.lr_text.add_class("bp-invalid")
            self.lr_message.value = field_message(str(error))
            return
        self.accept_rate()

    def accept_rate(self) -> None:
        """The learning-rate field shows an accepted rate again: no mark, no message."""
        self.rejected_rate = None
        self.lr_text.remove_class("bp-invalid")
        self.lr_message.value = ""
        self.lr_text.value = number(self.session.network.learning_rate)  # +0.25 is shown as 0.25

    @handler
    def _on_reset_weights(self, _button: object = None) -> None:
        self.runner.stop_training()
        self.session.reset_weights()  # a new run: every field shows the restored values
        self.messages.say("Weights restored to their initial values; a new run starts at iteration 0.")

    def _pace(self) -> float:
        """Iterations per second to hold to; inf for as fast as it goes (also when none is chosen)."""
        return math.inf if self.pace.value is None else self.pace.value


def _play_description(playing: bool) -> str:
    return "Pause" if playing else "Play"
