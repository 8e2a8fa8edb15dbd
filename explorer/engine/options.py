"""A network's options: everything about it that is not a parameter, checked once when made."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from . import validation as v
from .functions import ACTIVATIONS, LOSSES, Activation, Loss

ORDERS = ("textbook", "seed")
#: Why the seed's order takes plain gradient descent only, said alike wherever the pair is refused:
#: its hidden-layer gradients go through the output weights as w - eta dE/dw left them
SEED_ORDER_IS_PLAIN = "the seed's order goes with plain gradient descent: choose the textbook Update order first"
BIAS_MODES = ("shared", "per-neuron")


def check_order_and_rule(order: str, weight_decay: float, momentum: float, field: str) -> None:
    """Refuse the seed's order beside weight decay or momentum, naming the field that was changed."""
    if order == "seed" and (weight_decay or momentum):
        raise v.InputError(field, SEED_ORDER_IS_PLAIN)


def update_rule(options: Options, weight_decay: object = None, momentum: object = None) -> dict[str, float]:
    """``weight_decay`` and ``momentum`` for :meth:`Network.with_options`, read as the panel's fields are.

    None keeps the value of ``options``; a refusal names the field ("Weight
    decay" or "Momentum") and its range, before anything changes.
    """
    lam = options.weight_decay if weight_decay is None else v.parse_weight_decay(weight_decay, "Weight decay")
    mu = options.momentum if momentum is None else v.parse_momentum(momentum, "Momentum")
    check_order_and_rule(options.order, lam, mu, "Weight decay" if weight_decay is not None else "Momentum")
    return {"weight_decay": lam, "momentum": mu}


@dataclass(frozen=True)
class Options:
    """Everything about a network that is not a parameter, checked once when made.

    Change one with ``dataclasses.replace(options, order="seed")`` (or
    :meth:`Network.with_options`): the new value is checked the same way.

    ``weight_decay`` (lambda) adds ``lambda * w`` to every weight's gradient
    (L2 decay of the weights only: biases shift, they do not scale, so a
    penalty on them would not make the network any simpler); ``momentum``
    (mu) keeps a velocity per parameter, ``v+ = mu v - eta g``, ``w+ = w + v+``.
    Both 0 is plain gradient descent, bit for bit.
    """

    activations: tuple[str, ...]
    loss: str = "squared"
    bias_mode: str = "shared"
    update_biases: bool = False
    order: str = "textbook"
    learning_rate: float = 0.5
    weight_decay: float = 0.0
    momentum: float = 0.0

    def __post_init__(self) -> None:
        names = (self.activations,) if isinstance(self.activations, str) else self.activations
        checked = {
            "activations": tuple(v.check_choice("activation", a, tuple(ACTIVATIONS)) for a in names),
            "loss": v.check_choice("loss", self.loss, tuple(LOSSES)),
            "bias_mode": v.check_choice("biases", self.bias_mode, BIAS_MODES),
            "update_biases": bool(self.update_biases),
            "order": v.check_choice("order", self.order, ORDERS),
            "learning_rate": v.parse_learning_rate(self.learning_rate),
            "weight_decay": v.parse_weight_decay(self.weight_decay),
            "momentum": v.parse_momentum(self.momentum),
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
        check_order_and_rule(self.order, self.weight_decay, self.momentum, "order")
        self._check_coupled()

    @property
    def plain(self) -> bool:
        """Plain gradient descent: no weight decay, no momentum."""
        return self.weight_decay == 0 and self.momentum == 0

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
