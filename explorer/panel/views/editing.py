"""Editing the example: every input, target, weight and bias, the update order and bias updates."""

from __future__ import annotations

import html
from contextlib import contextmanager

import ipywidgets as widgets
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

from explorer.engine.formatting import number
from explorer.engine.validation import InputError
from explorer.lesson.session import Session
from explorer.panel.messages import Messages
from explorer.panel.runner import Runner

from .base import View, field_message, handler

ORDER_OPTIONS = [
    ("textbook (gradients before any update)", "textbook"),
    ("seed (hidden layer sees updated w5..w8)", "seed"),
]


class EditingView(View):
    """A text field for each number (keys ``i:0``, ``t:1``, ``p:w5``), with its message beneath.

    The table is made and written only while it is in sight (:meth:`show`,
    called by the arrangement that holds it): the largest network has 1,317
    fields, and writing them all took most of every click that changes the
    numbers.  A change while it is out of sight marks it out of date; it is
    written once when it shows again.
    """

    def __init__(self, session: Session, messages: Messages, runner: Runner) -> None:
        super().__init__(session, messages, runner)
        s = self.session
        self.title = widgets.HTML()
        self.order = widgets.Dropdown(
            description="Update order",
            value=s.network.order,
            options=ORDER_OPTIONS,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="380px"),
        )
        self.update_biases = widgets.Checkbox(
            description="Update biases",
            value=s.network.update_biases,
            indent=False,
            layout=widgets.Layout(width="auto"),
        )
        self.fields: dict[str, widgets.Text] = {}
        self.field_messages: dict[str, widgets.HTML] = {}
        #: typed text that was refused, by field key: kept in its field, with its
        #: message, until that field is edited again
        self.rejected: dict[str, str] = {}
        self._pool: list[tuple[widgets.Text, widgets.HTML, widgets.VBox]] = []
        self._row_pool: list[tuple[widgets.HTML, widgets.HBox]] = []
        self._keys: dict[int, str] = {}  # id of a pooled field -> the key it edits now
        self._redrawing = False  # render is writing the fields: their changes are no one's edits
        self.table = widgets.VBox()  # its rows made when it first shows, again for another shape
        self._shape: tuple | None = None
        self.in_sight = False
        self._stale = True  # the fields do not show the session's numbers
        self.order.observe(self._on_order, names="value")
        self.update_biases.observe(self._on_update_biases, names="value")
        # one observer redraws the view: a change of the session (while training, the run's frames)
        self.session.observe(self._on_change, names=["revision", "training"])
        self.runner.observe(self._on_change, names="frame")
        self._run = self.session.errors

    def _on_change(self, change: dict) -> None:
        if change["name"] == "training":
            self.show_training(change["new"])
        elif change["owner"] is self.runner or not self.session.training:
            self.render()

    def show(self, in_sight: bool) -> None:
        """The table came into sight (``True``) or left it: shown, it is brought up to date once."""
        self.in_sight = in_sight
        if in_sight and self._stale:
            self._write_table()

    def _groups(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """(title, [(key, label), ...]) for inputs, targets, then each layer's weights and biases."""
        names = self.session.network.names
        groups = [
            ("Inputs", [(f"i:{j}", n) for j, n in enumerate(names.neurons[0])]),
            ("Targets", [(f"t:{k}", f"target {n}") for k, n in enumerate(names.neurons[-1])]),
        ]
        for l in range(len(self.session.network.weights)):
            weight_names = [w for row in names.weights[l] for w in row]
            bias_names = list(dict.fromkeys(names.biases[l]))
            groups.append((f"Layer {l + 1}", [(f"p:{n}", n) for n in weight_names + bias_names]))
        return groups

    def _table(self, parameters: dict[str, float]) -> list[widgets.HBox]:
        """One row per group (inputs, targets, each layer's parameters), its fields showing this network's numbers."""
        rows = []
        used = 0
        for g, (title, fields) in enumerate(self._groups()):
            boxes = []
            for key, label in fields:
                text, message, box = self._pooled(used, label, self.current(key, parameters))
                used += 1
                self._keys[id(text)] = key
                self.fields[key], self.field_messages[key] = text, message
                message.value = ""
                boxes.append(box)
            heading, row = self._pooled_row(g, f"<b>{html.escape(title)}</b>")
            row.children = [heading, *boxes]
            rows.append(row)
        return rows

    def _pooled_row(self, index: int, heading_html: str) -> tuple[widgets.HTML, widgets.HBox]:
        """Row number ``index`` and its heading, reused like the fields: a new widget costs a comm and its state."""
        if index < len(self._row_pool):
            self._row_pool[index][0].value = heading_html
        else:
            heading = widgets.HTML(heading_html, layout=widgets.Layout(width="70px"))
            self._row_pool.append((heading, widgets.HBox(layout=widgets.Layout(flex_flow="row wrap"))))
        return self._row_pool[index]

    def _pooled(self, index: int, label: str, value: str) -> tuple[widgets.Text, widgets.HTML, widgets.VBox]:
        """Edit field number ``index`` labelled ``label``, showing ``value``: reused from an earlier table, else made.

        A new shape relabels the fields it still needs instead of making them
        again: hundreds of widgets for a 4-8-8-4 network would cost ~0.5 s.
        Either way a page is sent the field whole: a field made is opened with
        its label and number, a field reused gets both in one message.  Sent
        apart, a page that shows the table as it arrives would show empty or
        unlabelled fields, or a field labelled for its new key with the old
        key's number.
        """
        training = self.session.training
        if index < len(self._pool):
            text = self._pool[index][0]
            with text.hold_sync():
                text.description, text.value, text.disabled = label, value, training
                text.remove_class("bp-invalid")  # a refusal was of the old key's text
            return self._pool[index]
        if not self._pool:
            # one layout and one style shared by every field and every message: each is a widget of its
            # own, and made per field they were five of the eight a field cost (the largest network has 1,317)
            self._looks = (
                TextStyle(description_width="initial"),
                HTMLStyle(),
                widgets.Layout(width="150px"),
                widgets.Layout(margin="0 6px 0 0"),
            )
        style, message_style, width, margin = self._looks
        text = widgets.Text(
            value, description=label, disabled=training, continuous_update=False, style=style, layout=width
        )
        text.observe(self._on_pooled, names="value")
        # as wide as its field, so a message wraps instead of pushing the next field
        message = widgets.HTML(style=message_style, layout=width, _dom_classes=["bp-field-message"])
        self._pool.append((text, message, widgets.VBox([text, message], layout=margin)))
        return self._pool[index]

    def _on_pooled(self, change: dict) -> None:
        if self._redrawing:
            return
        key = self._keys.get(id(change["owner"]))
        if key is not None and self.fields.get(key) is change["owner"]:
            self._on_field(key, change)

    def _shape_now(self) -> tuple:
        return self.session.network.sizes, self.session.network.bias_mode

    def rebuild(self, parameters: dict[str, float]) -> None:
        """Fields for a network of another shape (another architecture, a loaded session), showing ``parameters``.

        The pooled rows and fields are relabelled and reused; those not needed wait off the page.
        """
        self.rejected.clear()
        self.fields.clear()
        self.field_messages.clear()
        with self._writing():
            self.table.children = tuple(self._table(parameters))
        self._shape = self._shape_now()

    @contextmanager
    def _writing(self):
        """The panel writes the fields: their changes are no one's edits."""
        self._redrawing = True
        try:
            yield
        finally:
            self._redrawing = False

    # ------------------------------------------------------------ rendering
    def current(self, key: str, parameters: dict[str, float] | None = None) -> str:
        """The number field ``key`` shows, as the session has it now (``parameters``: the network's, if at hand)."""
        s = self.session
        kind, name = key.split(":", 1)
        if kind == "i":
            return number(float(s.inputs[s.example, int(name)]))
        if kind == "t":
            return number(float(s.targets[s.example, int(name)]))
        return number(float((s.network.parameters() if parameters is None else parameters)[name]))

    def render(self) -> None:
        s = self.session
        net = s.network
        if self.new_run():  # a reset, a loaded file: every field shows the new run's numbers
            self.rejected.clear()
        shape = "-".join(map(str, net.sizes))
        about = (
            f"{shape} network, {', '.join(dict.fromkeys(net.activations))} neurons, "
            f"{html.escape(net.loss)} error, update order {net.order}"
            f"{', biases updated' if net.update_biases else ''}"
        )
        self.title.value = f'<div class="bp-title">Backprop Explorer</div><div class="bp-subtitle">{about}</div>'
        self.order.value = net.order
        self.update_biases.value = net.update_biases
        self._stale = True
        if self.in_sight:
            self._write_table()

    def _write_table(self) -> None:
        """Every field shows the session's number (those refused keep what was typed), made for its shape."""
        # every parameter at once: one by one, the largest network's 1,317 fields cost a second
        parameters = self.session.network.parameters()
        if self._shape_now() != self._shape:
            self.rebuild(parameters)  # its fields made or relabelled with their numbers
        else:
            self._refill(parameters)
        self._stale = False

    def _refill(self, parameters: dict[str, float]) -> None:
        """The fields of this shape show the session's numbers, but those refused: they keep what was typed."""
        training = self.session.training
        with self._writing():
            for key, text in self.fields.items():
                text.disabled = training  # no message unless it changes
                if key in self.rejected:
                    continue
                text.value = self.current(key, parameters)
                text.remove_class("bp-invalid")
                self.field_messages[key].value = ""

    def show_training(self, training: bool) -> None:
        """While training the table shows live values: typing there would be overwritten."""
        if not self.in_sight:
            self._stale = True
            return
        for text in self.fields.values():
            text.disabled = training

    # ------------------------------------------------------------- handlers
    # Edits during a run are applied between its chunks: the run goes on with them.
    @handler(showing=lambda view: view.session.network.order)
    def _on_order(self, change: dict) -> None:
        self.session.set_order(change["new"])

    @handler(showing=lambda view: view.session.network.update_biases)
    def _on_update_biases(self, change: dict) -> None:
        self.session.set_update_biases(change["new"])

    @handler(showing=lambda view, key: view.rejected.get(key, view.current(key)))
    def _on_field(self, key: str, change: dict) -> None:
        if change["new"] == self.current(key):  # typed back after a refusal: the number it was
            self._accepted(key)
            return
        kind, name = key.split(":", 1)
        s = self.session
        edit = {
            "i": lambda text: s.set_input(int(name), text),
            "t": lambda text: s.set_target(int(name), text),
            "p": lambda text: s.set_parameter(name, text),
        }[kind]
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
        # what was typed (-0, +0.25, 1e-1) is shown as the panel writes numbers
        self.fields[key].value = self.current(key)
