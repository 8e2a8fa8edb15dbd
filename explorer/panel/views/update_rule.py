"""Weight decay and momentum: two number fields of the Training section, checked as the learning rate's is.

A change goes to ``session.set_update_rule``, which keeps the step shown and
works the iteration out again with the new rule, as a new learning rate does.
Refused text stays in its field, marked, with the message (field and range)
beneath, until that field is edited again or the session's rule changes (a
file loaded, Reset weights keeps it); nothing else changes.
"""

from __future__ import annotations

import functools

import ipywidgets as widgets

from explorer.engine.formatting import number
from explorer.engine.validation import InputError
from explorer.lesson.session import Session
from explorer.panel.messages import Messages
from explorer.panel.runner import Runner

from .base import View, field_message, handler

#: The session's option behind each field, and the field's label (the symbol as the walkthrough writes it).
FIELDS = {"weight_decay": "Weight decay \u03bb", "momentum": "Momentum \u03bc"}


class UpdateRuleView(View):
    """Fields for weight decay lambda and momentum mu; both 0 is the seed's plain gradient descent."""

    def __init__(self, session: Session, messages: Messages, runner: Runner) -> None:
        super().__init__(session, messages, runner)
        #: refused text by field, kept with its message until the field is edited again
        self.rejected: dict[str, str] = {}
        self.fields = {
            key: widgets.Text(
                description=label,
                value=number(getattr(session.network, key)),
                continuous_update=False,
                style={"description_width": "initial"},
                layout=widgets.Layout(width="180px"),
            )
            for key, label in FIELDS.items()
        }
        self.decay_text, self.momentum_text = self.fields["weight_decay"], self.fields["momentum"]
        self.message = widgets.HTML()
        self.message.add_class("bp-field-message")
        for key, field in self.fields.items():
            field.observe(functools.partial(self._on_text, key), names="value")
        self._shown = self._rule()
        self.session.observe(self._on_change, names="revision")

    def _rule(self) -> tuple[float, float]:
        return self.session.network.weight_decay, self.session.network.momentum

    def _on_change(self, _change: dict) -> None:
        if self._rule() != self._shown:  # the rule changed (here or by a file): refusals are past
            self.rejected.clear()
        self.render()

    def render(self) -> None:
        self._shown = self._rule()
        for key, field in self.fields.items():
            if key not in self.rejected:
                field.remove_class("bp-invalid")
                field.value = number(getattr(self.session.network, key))
        self.message.value = field_message(" ".join(self.rejected.values()))

    @handler(showing=lambda view, key: None if key in view.rejected else number(getattr(view.session.network, key)))
    def _on_text(self, key: str, change: dict) -> None:
        try:
            self.session.set_update_rule(**{key: change["new"]})
        except InputError as error:
            self.rejected[key] = str(error)
            self.fields[key].add_class("bp-invalid")
            self.message.value = field_message(" ".join(self.rejected.values()))
            return
        self.rejected.pop(key, None)
        self.render()  # +0.5 is shown as 0.5
