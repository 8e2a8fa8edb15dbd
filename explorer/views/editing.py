"""Editing the example: every input, target, weight and bias, the update order and bias updates."""

from __future__ import annotations

import functools
import html
from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..formatting import number
from ..validation import InputError
from .base import View, field_message, handler

if TYPE_CHECKING:  # pragma: no cover
    from ..panel import Explorer

ORDER_OPTIONS = [("textbook (gradients before any update)", "textbook"),
                 ("seed (hidden layer sees updated w5..w8)", "seed")]


class EditingView(View):
    """A text field for each number (keys ``i:0``, ``t:1``, ``p:w5``), with its message beneath."""

    def __init__(self, panel: "Explorer") -> None:
        super().__init__(panel)
        s = self.session
        self.title = widgets.HTML()
        self.order = widgets.Dropdown(description="Update order", value=s.network.order, options=ORDER_OPTIONS,
                                      style={"description_width": "initial"}, layout=widgets.Layout(width="380px"))
        self.update_biases = widgets.Checkbox(description="Update biases", value=s.network.update_biases,
                                              indent=False, layout=widgets.Layout(width="auto"))
        self.fields: dict[str, widgets.Text] = {}
        self.field_messages: dict[str, widgets.HTML] = {}
        #: typed text that was refused, by field key: kept in its field, with its
        #: message, until that field is edited again
        self.rejected: dict[str, str] = {}
        self.table = widgets.VBox([self._table()])  # rebuilt for a loaded network of another shape
        self.order.observe(self._on_order, names="value")
        self.update_biases.observe(self._on_update_biases, names="value")

    def _groups(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """(title, [(key, label), ...]) for inputs, targets, then each layer's weights and biases."""
        names = self.session.network.names
        groups = [("Inputs", [(f"i:{j}", n) for j, n in enumerate(names.neurons[0])]),
                  ("Targets", [(f"t:{k}", f"target {n}") for k, n in enumerate(names.neurons[-1])])]
        for l in range(len(self.session.network.weights)):
            weight_names = [w for row in names.weights[l] for w in row]
            bias_names = list(dict.fromkeys(names.biases[l]))
            groups.append((f"Layer {l + 1}", [(f"p:{n}", n) for n in weight_names + bias_names]))
        return groups

    def _table(self) -> widgets.Widget:
        rows = []
        for title, fields in self._groups():
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

    def rebuild(self) -> None:
        """New fields for a network of another shape (a loaded session); the old ones are closed."""
        old = [*self.fields.values(), *self.field_messages.values()]
        self.rejected.clear()
        self.fields.clear()
        self.field_messages.clear()
        self.table.children = (self._table(),)
        for field in old:  # gone from the page: free their comms
            field.close()

    # ------------------------------------------------------------ rendering
    def current(self, key: str) -> str:
        """The number field ``key`` shows, as the session has it now."""
        s = self.session
        kind, name = key.split(":", 1)
        if kind == "i":
            return number(float(s.inputs[s.example, int(name)]))
        if kind == "t":
            return number(float(s.targets[s.example, int(name)]))
        return number(float(s.network.parameters()[name]))

    def render(self) -> None:
        s = self.session
        net = s.network
        shape = "-".join(map(str, net.sizes))
        about = (f"{shape} network, {', '.join(dict.fromkeys(net.activations))} neurons, "
                 f"{html.escape(net.loss)} error, update order {net.order}"
                 f"{', biases updated' if net.update_biases else ''}")
        self.title.value = f'<div class="bp-title">Backprop Explorer</div><div class="bp-subtitle">{about}</div>'
        # the session's own numbers: each observer finds its field unchanged and does nothing
        with self.messages.quietly():
            for key, text in self.fields.items():
                if key in self.rejected:
                    continue
                text.value = self.current(key)
                text.remove_class("bp-invalid")
                self.field_messages[key].value = ""
            self.order.value = net.order
            self.update_biases.value = net.update_biases

    def show_training(self, training: bool) -> None:
        """While training the table shows live values: typing there would be overwritten."""
        for text in self.fields.values():
            text.disabled = training

    # ------------------------------------------------------------- handlers
    # Edits during a run are applied between its chunks: the run goes on with them.
    @handler
    def _on_order(self, change: dict) -> None:
        if change["new"] != self.session.network.order:
            self.session.set_order(change["new"])

    @handler
    def _on_update_biases(self, change: dict) -> None:
        if change["new"] != self.session.network.update_biases:
            self.session.set_update_biases(change["new"])

    @handler
    def _on_field(self, key: str, change: dict) -> None:
        if change["new"] == self.current(key):  # the number shown (as render wrote it, or typed back)
            self._accepted(key)
            return
        kind, name = key.split(":", 1)
        s = self.session
        edit = {"i": lambda text: s.set_input(int(name), text),
                "t": lambda text: s.set_target(int(name), text),
                "p": lambda text: s.set_parameter(name, text)}[kind]
        try:
            edit(change["new"])
        except InputError as error:
            self.rejected[key] = change["new"]
            self.fields[key].add_class("bp-invalid")
            self.field_messages[key].value = field_message(error.message)
            return
        self._accepted(key)

    def _accepted(self, key: str) -> None:
        self.rejected.pop(key, None)
        self.fields[key].remove_class("bp-invalid")
        self.field_messages[key].value = ""
