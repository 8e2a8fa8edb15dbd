"""A network's options: everything about it that is not a parameter, checked once when made."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from . import validation as v
from .functions import ACTIVATIONS, LOSSES, Activation, Loss

ORDERS = ("textbook", "seed")
BIAS_MODES = ("shared", "per-neuron")


@dataclass(frozen=True)
class Options:
    """Everything about a network that is not a parameter, checked once when made.

    Change one with ``dataclasses.replace(options, order="seed")`` (or
    :meth:`Network.with_options`): the new value is checked the same way.
    """

    activations: tuple[str, ...]
    loss: str = "squared"
    bias_mode: str = "shared"
    update_biases: bool = False
    order: str = "textbook"
    learning_rate: float = 0.5

    def __post_init__(self) -> None:
        names = (self.activations,) if isinstance(self.activations, str) else self.activations
        checked = {
            "activations": tuple(v.check_choice("activation", a, tuple(ACTIVATIONS)) for a in names),
            "loss": v.check_choice("loss", self.loss, tuple(LOSSES)),
            "bias_mode": v.check_choice("biases", self.bias_mode, BIAS_MODES),
            "update_biases": bool(self.update_biases),
            "order": v.check_choice("order", self.order, ORDERS),
            "learning_rate": v.parse_learning_rate(self.learning_rate),
        }
        for name, value in checked.items():
            object.__setattr__(self, name, value)
        loss = LOSSES[self.loss]
        # cross-entropy takes logarithms of the outputs: they must lie in (0, 1)
        if loss.output_activation is not None and self.activations[-1] != loss.output_activation:
            what = loss.description.split(",")[0]
            raise v.InputError(
                "loss",
                f"{what} ({self.loss}) needs {loss.output_activation} outputs; "
                f"the output layer is {self.activations[-1]}",
            )
        self._check_coupled()

    def _check_coupled(self) -> None:
        """Softmax only on the output layer, and only scored by its own loss (cross-entropy).

        Softmax couples its layer: below the outputs each delta would need the
        full Jacobian, and under squared error the output delta would too,
        which the walkthrough does not teach; with cross-entropy the Jacobian
        collapses to out - target, the form every course shows.
        """
        for l, name in enumerate(self.activations):
            act = ACTIVATIONS[name]
            if act.coupled_loss is None:
                continue
            if l < len(self.activations) - 1:
                raise v.InputError(
                    "activation",
                    f"{name} couples a layer's outputs into probabilities: it is offered for the output layer only "
                    f"(layer {l + 1} is hidden)",
                )
            if self.loss != act.coupled_loss:
                wanted = LOSSES[act.coupled_loss].description.split(",")[0]
                raise v.InputError(
                    "loss",
                    f"{name} outputs are scored by {wanted} ({act.coupled_loss}), "
                    f"whose gradient is out - target; the loss is {self.loss}",
                )

    def check_sizes(self, sizes: tuple[int, ...]) -> None:
        """Refuse a coupled output layer (softmax) of a single neuron: its output is always 1."""
        name = self.activations[-1]
        if ACTIVATIONS[name].coupled_loss is not None and sizes[-1] < 2:
            raise v.InputError(
                "activation",
                f"{name} of a single output is always 1 and cannot learn: give the output layer 2 or more neurons",
            )

    @cached_property
    def records(self) -> tuple[tuple[Activation, ...], Loss]:
        """The activation records, layer by layer, and the loss record."""
        return tuple(ACTIVATIONS[a] for a in self.activations), LOSSES[self.loss]
