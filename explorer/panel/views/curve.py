"""The error curve of the run, kept runs beside it, its options, and the decision boundary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ipywidgets as widgets
from matplotlib.figure import Figure

from explorer.drawing.boundary import DecisionBoundary
from explorer.drawing.curves import ErrorCurve
from explorer.engine.validation import check_iterations
from explorer.lesson.session import Session
from explorer.panel.controls import figure_canvas
from explorer.panel.messages import Messages
from explorer.panel.runner import Runner

from .base import View, button, handler


class CurveView(View):
    """E_total against iteration, the iteration shown marked on it; beside it, what the network has learnt.

    The decision boundary (the output over the input square, the examples on
    it) is drawn for networks of two inputs and one output, the class regions
    for two inputs and softmax outputs, hidden otherwise;
    it is redrawn with the curve, at the training refresh rate.
    """

    def __init__(self, session: Session, messages: Messages, runner: Runner, presenter: bool = False) -> None:
        super().__init__(session, messages, runner)
        # fixed margins: a constrained layout would cost ~35 ms on every redraw
        if presenter:  # wide and low: beside the formula, under the diagram
            figure = Figure(figsize=(5.3, 1.75))
            figure.subplots_adjust(left=0.16, right=0.97, top=0.95, bottom=0.27)
        else:
            figure = Figure(figsize=(4.6, 2.7))
            figure.subplots_adjust(left=0.17, right=0.97, top=0.95, bottom=0.19)
        self.canvas = figure_canvas(figure, "curve")
        self.curve = ErrorCurve(figure.add_subplot())
        boundary_figure = Figure(figsize=(3.6, 2.7))
        boundary_figure.subplots_adjust(left=0.16, right=0.98, top=0.9, bottom=0.19)  # room for its title
        self.boundary_canvas = figure_canvas(boundary_figure, "boundary", min_width="260px")
        self.boundary = DecisionBoundary(boundary_figure.add_subplot())
        self.log_scale = widgets.Checkbox(
            description="Log scale", value=False, indent=False, layout=widgets.Layout(width="auto")
        )
        self.log_iterations = widgets.Checkbox(
            description="Log iterations",
            value=False,
            indent=False,
            tooltip="Spread out the first iterations",
            layout=widgets.Layout(width="auto"),
        )
        self.keep_button = button("Keep curve", tooltip="Freeze this curve, labelled with its learning rate")
        self.clear_button = button("Clear kept curves")
        self.log_scale.observe(self._on_log_scale, names="value")
        self.log_iterations.observe(self._on_log_iterations, names="value")
        self.keep_button.on_click(self._on_keep)
        self.clear_button.on_click(self._on_clear)
        # one observer redraws the view: a change of the session (while training, the run's frames)
        self.session.observe(self._on_change, names="revision")
        self.runner.observe(self._on_change, names="frame")

    def _on_change(self, change: dict) -> None:
        if change["owner"] is self.session and self.session.training:
            return  # the run's frames redraw, 5 times a second
        self.render()
        if change["owner"] is self.runner and not self.session.training:
            self.push()  # the run's last frame

    def render(self) -> None:
        s = self.session
        self.curve.show(
            s.errors.values,
            label=f"current run, eta = {s.network.learning_rate:.3g}",
            at=s.iteration,
            diverged_at=s.diverged_at,
        )
        self.render_boundary()

    def render_boundary(self) -> None:
        """The output heatmap (2 inputs, 1 output) or the class regions (2 inputs, softmax outputs); else hidden."""
        s = self.session
        net = s.network
        shown = net.sizes[0] == 2 and (net.sizes[-1] == 1 or net.activations[-1] == "softmax")
        self.boundary_canvas.layout.display = None if shown else "none"
        if shown:
            self.boundary.show(s.network, s.inputs, s.targets)

    def set_theme(self, theme: str) -> None:
        """Both plots' text, ticks and legend in ``theme``'s ink (``"light"`` or ``"dark"``)."""
        self.curve.set_theme(theme)
        self.boundary.set_theme(theme)

    def push(self) -> None:
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

    @handler
    def _on_log_scale(self, change: dict) -> None:
        self.curve.set_log(change["new"])

    @handler
    def _on_log_iterations(self, change: dict) -> None:
        self.curve.set_log_x(change["new"])

    @handler
    def _on_keep(self, _button: object = None) -> None:
        s = self.session
        label = f"eta = {s.network.learning_rate:.3g} ({s.trained:,} it.)"
        if not self.curve.keep(label):
            self.messages.say("There is no curve to keep yet: train or step first.")

    @handler
    def _on_clear(self, _button: object = None) -> None:
        self.curve.clear_ghosts()

    def compare_learning_rates(self, rates: Mapping[float, str] | Sequence[float], iterations: int) -> None:
        """One kept curve per rate, each run from the initial weights; see Explorer.compare_learning_rates."""
        names = dict(rates) if isinstance(rates, Mapping) else {rate: "" for rate in rates}
        count = check_iterations(iterations, "iterations")
        s = self.session
        start = s.learning_rate
        for rate, name in names.items():
            s.set_learning_rate(rate)
            s.reset_weights()
            s.train(count)
            self.render()
            self.curve.keep(f"\u03b7 = {float(rate):g}" + (f", {name}" if name else ""))
        s.set_learning_rate(start)
        s.reset_weights()
        self.log_scale.value = self.log_iterations.value = True
