"""Training: Train, Play and Stop, the pace, the counter, and the learning rate.

Long work runs as an asyncio task that yields to the kernel between chunks,
so Stop, the sliders and the step buttons are read while it runs.
"""

from __future__ import annotations

import asyncio
import math
import time
from typing import TYPE_CHECKING

import ipywidgets as widgets

from explorer.engine.formatting import number
from explorer.engine.validation import LEARNING_RATE_RANGE, InputError, check_iterations
from explorer.panel.controls import Slider

from .base import View, button, field_message, handler

if TYPE_CHECKING:  # pragma: no cover
    from explorer.panel.explorer import Explorer

#: Seconds between redraws of the curve and counters while training (>= 5 per second).
REFRESH_SECONDS = 0.2
#: Each training chunk computes for about this long before yielding to the kernel.
CHUNK_SECONDS = 0.03
# "fast" is inf, not None: a Dropdown whose value is None shows nothing selected
PACES = {"watch (about 2,000 iterations/s)": 2000.0, "fast": math.inf}


def loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class TrainingView(View):
    """Many iterations at once, and the learning rate they use."""

    def __init__(self, panel: Explorer, iterations: int) -> None:
        super().__init__(panel)
        self.training_task: asyncio.Task | None = None
        self._stop_requested = False
        self.closed = False
        #: learning-rate text that was refused: kept in its field, with its message,
        #: until the field is edited again
        self.rejected_rate: str | None = None
        self._build(iterations)
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
        self.lr_slider = Slider(label="Learning rate", log=True, min=low, max=high, step=0.01, value=s.learning_rate)
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
        # the slider mirrors the session's rate, however it was set
        widgets.dlink((self.session, "learning_rate"), (self.lr_slider, "value"))

    def render(self) -> None:
        s = self.session
        n = s.trained
        diverged = "" if s.diverged_at is None else f" (not finite since iteration {s.diverged_at:,})"
        self.counter.value = (
            f"{n:,} iteration{'' if n == 1 else 's'} done, E_total {number(float(s.errors.values[-1]))}{diverged}"
        )
        self.train_button.disabled = s.training
        self.stop_button.disabled = not s.training
        if self.rejected_rate is None:  # refused text stays until it is edited again
            with self.messages.quietly():  # the session's own rate: its observer does nothing
                self.lr_text.value = number(s.network.learning_rate)

    # ------------------------------------------------------------- handlers
    @handler
    def _on_train(self, _button: object = None) -> None:
        self.start(check_iterations(self.iterations_field.value, "Iterations"))

    @handler
    def _on_play_training(self, change: dict) -> None:
        self.play_training.description = "Pause" if change["new"] else "Play"
        if change["new"] and not self.session.training:
            if not loop_running():
                self.play_training.value = False
                raise InputError("Play", "continuous training needs a running Jupyter kernel; use Train")
            self.start(None)
        elif not change["new"]:
            self.stop()

    @handler
    def _on_stop(self, _button: object = None) -> None:
        self.stop()

    @handler
    def _on_iterations(self, change: dict) -> None:
        check_iterations(change["new"], "Iterations")

    @handler
    def _on_lr_slider(self, change: dict) -> None:
        if change["new"] == self.session.learning_rate:
            return  # the session's own value, come back through the link
        self.session.set_learning_rate(change["new"])
        self.accept_rate()
        with self.messages.quietly():
            self.lr_text.value = number(self.session.learning_rate)

    @handler
    def _on_lr_text(self, change: dict) -> None:
        if self.rejected_rate is None and change["new"] == number(self.session.learning_rate):
            return  # the rate shown, as render wrote it
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

    @handler
    def _on_reset_weights(self, _button: object = None) -> None:
        self.stop()
        self.panel.forget_refused()  # every field shows the restored values
        self.session.reset_weights()
        self.messages.say("Weights restored to their initial values; a new run starts at iteration 0.")

    # -------------------------------------------------------------- running
    def start(self, count: int | None) -> None:
        """Train ``count`` iterations (None: until stopped) as a task on the kernel's loop."""
        if self.session.training and not self._stop_requested:
            return  # already running
        if self.session.diverged_at is not None:
            with self.messages.quietly():
                self.play_training.value = False
            raise InputError(
                "Train",
                f"E_total is not a finite number (since iteration "
                f"{self.session.diverged_at:,}): lower the learning rate, then press "
                "Reset weights or edit a weight",
            )
        self.panel.stepping.pause()
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

        self.training_task = self.panel.spawn(run())

    def stop(self) -> None:
        self._stop_requested = True
        self.play_training.value = False

    async def _train(self, count: int | None) -> None:
        """Train in chunks, yielding to the kernel between them; redraw 5 times a second."""
        s, panel = self.session, self.panel
        done, per_iteration = 0, 1e-5
        started = last_draw = time.perf_counter()
        try:
            while not self._stop_requested and not self.closed and (count is None or done < count):
                chunk = self._chunk(per_iteration, started, done, count)
                tic = time.perf_counter()
                diverged = s.train(chunk)
                per_iteration = max((time.perf_counter() - tic) / chunk, 1e-7)
                done += chunk
                # the counters follow every chunk, together; the rest 5 times a second
                self.progress.value = done if count is not None else 0
                panel.render_training()
                panel.stepping.render_position()
                if diverged is not None:
                    self.messages.say(
                        f"The error stopped being a finite number at iteration {diverged:,}: "
                        "this learning rate diverges. Lower it and press Reset weights.",
                        error=True,
                    )
                    break
                if time.perf_counter() - last_draw >= REFRESH_SECONDS:
                    last_draw = time.perf_counter()
                    panel.render()  # every view at once, at one iteration
                await asyncio.sleep(0.02 if math.isfinite(self._pace()) else 0.002)  # a yield lets clicks in
        finally:
            s.training = False
            if not self.closed:
                self.progress.value = done if count is not None else 0
                with self.messages.quietly():  # the run ending is no user action: keep its message
                    self.play_training.value = False
                panel.render()
                panel.curve_view.push()

    def _pace(self) -> float:
        """Iterations per second to hold to; inf for as fast as it goes (also when none is chosen)."""
        return math.inf if self.pace.value is None else self.pace.value

    def _chunk(self, per_iteration: float, started: float, done: int, count: int | None) -> int:
        """About CHUNK_SECONDS of work; no more than the pace allows by now, nor than is left."""
        pace = self._pace()
        chunk = max(1, int(CHUNK_SECONDS / per_iteration))
        if math.isfinite(pace):  # watching: hold the rate to `pace` iterations per second
            chunk = max(1, min(chunk, int(pace * (time.perf_counter() - started)) - done))
        if count is not None:
            chunk = min(chunk, count - done)
        return chunk
