"""The panel's architecture rows: hidden layers, each layer's activation, loss, biases, mode, random weights.

Every control calls one session method (a run stops first; a refused
change, such as bce without sigmoid outputs, shows its reason, changes
nothing, and the control goes back to what the session holds).  The per-layer rows are rebuilt only when the number of
layers changes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import ipywidgets as widgets

from explorer.engine.functions import ACTIVATIONS, LOSSES
from explorer.engine.validation import MAX_NEURONS
from explorer.lesson.session import Session
from explorer.panel.messages import Messages
from explorer.panel.runner import Runner

from .base import View, handler

_AUTO = dict(layout=widgets.Layout(width="auto"))


def _layer_title(l: int, L: int) -> str:
    return "Outputs" if l == L else f"Hidden {l}"


class ArchitectureView(View):
    """Add or remove neurons and layers, and choose activations, loss, biases, mode and weights."""

    def __init__(self, session: Session, messages: Messages, runner: Runner) -> None:
        super().__init__(session, messages, runner)
        s = session
        self.shape = widgets.HTML()
        self.add_layer = widgets.Button(
            description="Add layer", tooltip="Add a hidden layer before the outputs", **_AUTO
        )
        self.remove_layer = widgets.Button(description="Remove layer", tooltip="Remove the last hidden layer", **_AUTO)
        self.layers = widgets.HBox(layout=widgets.Layout(flex_flow="row wrap"))
        self.activations: list[widgets.Dropdown] = []
        self.loss = widgets.Dropdown(
            description="Loss", options=list(LOSSES), value=s.network.loss, layout=widgets.Layout(width="170px")
        )
        self.bias_mode = widgets.Dropdown(
            description="Biases",
            value=s.network.bias_mode,
            options=[("one per layer", "shared"), ("one per neuron", "per-neuron")],
            layout=widgets.Layout(width="220px"),
        )
        self.mode = widgets.Dropdown(
            description="Mode",
            value=s.mode,
            layout=widgets.Layout(width="280px"),
            options=[("online (update per example)", "online"), ("batch (mean of all examples)", "batch")],
        )
        self.seed = widgets.Text(
            description="Seed",
            value=str(s.seed),
            continuous_update=False,
            tooltip="Seed of the random weights: the same seed, the same weights",
            layout=widgets.Layout(width="150px"),
        )
        self.random_button = widgets.Button(
            description="Random weights", tooltip="New random weights from the seed; a new run", **_AUTO
        )
        self.add_layer.on_click(self._on_add_layer)
        self.remove_layer.on_click(self._on_remove_layer)
        self.loss.observe(self._on_loss, names="value")
        self.bias_mode.observe(self._on_bias_mode, names="value")
        self.mode.observe(self._on_mode, names="value")
        self.random_button.on_click(self._on_random)
        self.seed.observe(self._on_seed, names="value")
        row = functools.partial(widgets.HBox, layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        self.box = widgets.VBox(
            [
                # the buttons first: the shape's text changes width with every click, and must not
                # move the button under a pointer that clicks again
                row([self.add_layer, self.remove_layer, self.shape]),
                self.layers,
                row([self.loss, self.bias_mode, self.mode, self.seed, self.random_button]),
            ]
        )
        self._built_for: int | None = None
        self.render()
        # one observer redraws the view (while training, the run's frames)
        self.session.observe(self._on_change, names="revision")
        self.runner.observe(self._on_change, names="frame")

    def _on_change(self, change: dict) -> None:
        if change["owner"] is self.runner or not self.session.training:
            self.render()

    # ------------------------------------------------------------ rendering
    def render(self) -> None:
        """Show the session's architecture; rebuild the per-layer rows if the layer count changed."""
        s = self.session
        net = s.network
        L = len(net.weights)
        if self._built_for != L:
            self._build_layers(L)
        self.shape.value = f"<b>Network {'-'.join(map(str, net.sizes))}</b>"
        for dropdown, name in zip(self.activations, net.activations):
            dropdown.value = name
        self.loss.value = net.loss
        self.bias_mode.value = net.bias_mode
        self.mode.value = s.mode
        self.seed.value = str(s.seed)
        self.remove_layer.disabled = L == 1
        for l, (plus, minus) in enumerate(self._neuron_buttons, start=1):
            plus.disabled = net.sizes[l] >= MAX_NEURONS
            minus.description = "−" if net.sizes[l] > 1 else "− layer"

    def _build_layers(self, L: int) -> None:
        old = list(self.layers.children)
        self.activations, self._neuron_buttons, boxes = [], [], []
        for l in range(1, L + 1):
            act = widgets.Dropdown(
                description=f"{_layer_title(l, L)} activation",
                # softmax couples a layer: it is offered for the output layer only
                options=[n for n, a in ACTIVATIONS.items() if l == L or a.coupled_loss is None],
                style={"description_width": "initial"},
                layout=widgets.Layout(width="auto"),
            )
            act.observe(functools.partial(self._on_activation, l), names="value")
            self.activations.append(act)
            parts = [act]
            if l < L:
                plus = widgets.Button(
                    description="+", tooltip=f"Add a neuron to hidden layer {l}", layout=widgets.Layout(width="34px")
                )
                minus = widgets.Button(
                    description="−",
                    tooltip=f"Remove a neuron from hidden layer {l}",
                    layout=widgets.Layout(width="auto"),
                )
                plus.on_click(functools.partial(self._on_neuron, l, +1))
                minus.on_click(functools.partial(self._on_neuron, l, -1))
                self._neuron_buttons.append((plus, minus))
                parts = [plus, minus, act]
            boxes.append(widgets.HBox(parts, layout=widgets.Layout(margin="0 12px 0 0", align_items="center")))
        self.layers.children = boxes
        self._built_for = L
        for box in old:  # gone from the page: free their comms
            for child in box.children:
                child.close()
            box.close()

    # -------------------------------------------------------------- actions
    @handler
    def _on_add_layer(self, _button: object = None) -> None:
        self._change(self.session.add_layer)

    @handler
    def _on_remove_layer(self, _button: object = None) -> None:
        self._change(self.session.remove_layer)

    @handler
    def _on_neuron(self, layer: int, change: int, _button: object = None) -> None:
        s = self.session
        self._change(functools.partial(s.add_neuron if change > 0 else s.remove_neuron, layer))

    @handler(showing=lambda view, layer: view.session.network.activations[layer - 1])
    def _on_activation(self, layer: int, change: dict) -> None:
        self._change(lambda: self.session.set_activation(layer, change["new"]))

    @handler(showing=lambda view: view.session.network.loss)
    def _on_loss(self, change: dict) -> None:
        self._change(lambda: self.session.set_loss(change["new"]))

    @handler(showing=lambda view: view.session.network.bias_mode)
    def _on_bias_mode(self, change: dict) -> None:
        self._change(lambda: self.session.set_bias_mode(change["new"]))

    @handler(showing=lambda view: view.session.mode)
    def _on_mode(self, change: dict) -> None:
        self._change(lambda: self.session.set_mode(change["new"]))

    @handler(showing=lambda view: str(view.session.seed))
    def _on_seed(self, change: dict) -> None:
        self._change(lambda: self.session.set_seed(change["new"]))

    @handler
    def _on_random(self, _button: object = None) -> None:
        s = self.session

        def randomize() -> str:
            s.randomize(self.seed.value)
            return f"New random weights from seed {s.seed}; a new run starts at iteration 0."

        self._change(randomize)

    def _change(self, change: Callable[[], object]) -> None:
        """Make ``change``, stop a run and say what it did; refused, every control goes back
        to what the session holds, the run goes on, and the refusal is shown."""
        try:
            said = self.accepted_then_stop(change)  # refused: the run goes on
        finally:
            self.render()
        if isinstance(said, str):
            self.messages.say(said)
