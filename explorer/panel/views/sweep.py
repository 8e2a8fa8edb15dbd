"""The panel's learning-rate sweep: train the current network at many rates at once, pick one.

"Sweep" trains one copy of the session's network per rate (spaced evenly on
a log scale over the learning-rate slider's range) with
:func:`~explorer.engine.sweep.sweep`, in a worker thread so the panel stays
responsive (the runner's), and plots final E_total against the rate with the four regimes.
Choosing a rate from the list, or clicking the plot, sets the learning rate
(the nearest swept rate to the click).
"""

from __future__ import annotations

import html

import ipywidgets as widgets
from matplotlib.figure import Figure

from explorer.drawing.sweep_plot import SweepPlot
from explorer.engine.formatting import number
from explorer.engine.sweep import Sweep, rates, sweep
from explorer.engine.validation import LEARNING_RATE_RANGE, InputError, check_iterations
from explorer.lesson.session import Session
from explorer.panel.controls import figure_canvas
from explorer.panel.messages import Messages
from explorer.panel.runner import Runner

from .base import View, handler, new_options

#: The panel's choices: 50 to 200 rates, as many iterations as a sweep takes about a second for.
RATE_COUNTS = (50, 100, 200)
DEFAULT_ITERATIONS = 1000
#: Rates x iterations x examples x weights a sweep may take (about 20 s of work at most).
MAX_WORK = 20_000_000


class SweepView(View):
    """Rates, Iterations, Sweep; the plot; the rates as a list to choose from."""

    def __init__(self, session: Session, messages: Messages, runner: Runner) -> None:
        super().__init__(session, messages, runner)
        self.count = widgets.Dropdown(
            description="Rates", options=RATE_COUNTS, value=100, layout=widgets.Layout(width="150px")
        )
        self.iterations = widgets.Text(
            description="Sweep iterations",
            value=str(DEFAULT_ITERATIONS),
            continuous_update=False,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="200px"),
        )
        self.run_button = widgets.Button(
            description="Sweep",
            button_style="info",
            layout=widgets.Layout(width="auto"),
            tooltip="Train the current network at every rate at once",
        )
        self.choice = widgets.Dropdown(
            description="Swept rate",
            options=[],
            disabled=True,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="360px"),
        )
        self.summary = widgets.HTML()
        figure = Figure(figsize=(4.6, 2.7))
        figure.subplots_adjust(left=0.17, right=0.97, top=0.95, bottom=0.19)
        self.canvas = figure_canvas(figure, "sweep")
        self.plot = SweepPlot(figure.add_subplot())
        self.result: Sweep | None = None
        self.run_button.on_click(self._on_run)
        self.choice.observe(self._on_choice, names="value")
        figure.canvas.mpl_connect("button_press_event", self._on_click)
        # one observer redraws the view: the rate in use, marked on the plot
        self.session.observe(self._on_change, names="learning_rate")
        row = dict(layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        self.box = widgets.VBox(
            [
                widgets.HBox([self.count, self.iterations, self.run_button], **row),
                self.canvas,
                widgets.HBox([self.choice], **row),
                self.summary,
            ]
        )
        self.render()

    def render(self) -> None:
        self.plot.mark(self.session.learning_rate)

    def _on_change(self, _change: dict) -> None:
        self.render()

    # -------------------------------------------------------------- actions
    def run(self) -> Sweep:
        """Sweep the session's current network now (without a thread) and show the result."""
        result = sweep(*self._problem())
        self.show(result)
        return result

    def _problem(self) -> tuple:
        """:func:`~explorer.engine.sweep.sweep`'s arguments for the session as it is, checked."""
        s = self.session
        iterations = check_iterations(self.iterations.value, "Sweep iterations")
        per_iteration = self.count.value * s.inputs.shape[0] * sum(w.size for w in s.network.weights)
        if iterations * per_iteration > MAX_WORK:
            raise InputError(
                "Sweep iterations",
                f"enter at most {MAX_WORK // per_iteration:,} for "
                f"{self.count.value} rates on this network and data (got {iterations:,})",
            )
        low, high = LEARNING_RATE_RANGE
        return (
            s.network.copy(),
            s.inputs.copy(),
            s.targets.copy(),
            rates(self.count.value, low, high),
            iterations,
            s.mode,
        )

    def show(self, result: Sweep) -> None:
        """Plot ``result``, list its rates and say where each regime lies."""
        self.result = result
        self.plot.show(result)
        self.render()
        with new_options(self.choice, self._on_choice):
            self.choice.options = [
                (f"eta {r:.3g}: {regime}, final E_total {number(float(e))}", float(r))
                for r, regime, e in zip(result.rates, result.regimes, result.final)
            ]
            self.choice.value = None
        self.choice.disabled = False
        lines = "".join(f"<li>{html.escape(line)}</li>" for line in result.summary())
        self.summary.value = (
            f"<div>{len(result.rates)} rates, {result.iterations:,} iterations each, "
            f"from E_total {number(result.start)}. Lowest final error at eta "
            f"{result.best:.3g}. Click a point or choose a rate to use it.</div><ul>{lines}</ul>"
        )

    def choose(self, rate: float) -> None:
        """Use ``rate`` as the learning rate (the slider follows)."""
        self.session.set_learning_rate(rate)
        regime = self.result.regime_of(rate) if self.result is not None else None
        self.messages.say(f"Learning rate set to {rate:.3g}" + (f" ({regime} in the sweep)." if regime else "."))

    # ------------------------------------------------------------- handlers
    @handler
    def _on_run(self, _button: object = None) -> None:
        self.runner.stop_training()
        problem = self._problem()  # checked here: a bad field is refused before anything starts
        self.run_button.disabled = True
        self.messages.say(f"Sweeping {self.count.value} learning rates ...")
        self.runner.in_thread(sweep, *problem, then=self._swept, always=self._ready)

    def _swept(self, result: Sweep) -> None:
        self.show(result)
        self.messages.say(f"Swept {len(result.rates)} learning rates; click a point to use its rate.")

    def _ready(self) -> None:
        self.run_button.disabled = False

    @handler
    def _on_choice(self, change: dict) -> None:
        self._use(change["new"])

    def _on_click(self, event) -> None:
        rate = self.plot.nearest(event.xdata) if event.inaxes is self.plot.ax else None
        if rate is not None:
            self._use(rate)

    @handler
    def _use(self, rate: float) -> None:
        self.runner.stop_training()
        self.choose(rate)
