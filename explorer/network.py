"""The engine: a small fully connected network, its forward and backward pass.

Notation (the seed's symbols on the right)::

    W[l][k, j]   weight from neuron j of layer l to neuron k of layer l+1   w1..w8
    b[l]         bias of layer l+1: shape (1,) shared, or one per neuron     b1, b2
    z = net      net input of a layer                                        net_h1
    a = out      output of a layer, a[0] = the inputs                        out_h1
    delta        dE_total/dnet of a layer                                    dE_o1/dnet_o1

``forward`` and ``backward`` are pure; ``update`` is the only method that
changes parameters.  Edits (a new weight, a new learning rate) return a new
network instead, so a rejected edit can never leave a half-changed one.

Sums are taken term by term, left to right (``_ordered_sum``), rather than by
``@``: BLAS reorders and fuses the additions, and then the walkthrough, which
adds the seed's terms in the seed's order, would differ in the last bit.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import reduce
from typing import Iterable, Sequence

import numpy as np

from . import validation as v
from .functions import ACTIVATIONS, LOSSES
from .naming import Names, names

ORDERS = ("textbook", "seed")
BIAS_MODES = ("shared", "per-neuron")
#: Parameters given in code may be large (a trained network's); typed ones
#: are held to validation.VALUE_LIMIT by ``with_parameter``.
PARAMETER_LIMIT = 1e6


@dataclass(frozen=True)
class Forward:
    """Everything a forward pass computed.

    ``outs[0]`` is the input; ``nets[l - 1]`` and ``outs[l]`` belong to layer
    ``l``.  With one example the arrays are vectors; with ``m`` examples they
    have a leading axis of length ``m``.  ``errors`` holds E_o per output
    (``None`` when no targets were given).
    """

    nets: tuple[np.ndarray, ...]
    outs: tuple[np.ndarray, ...]
    errors: np.ndarray | None = None

    @property
    def output(self) -> np.ndarray:
        return self.outs[-1]

    @property
    def total_error(self) -> float:
        """E_total, averaged over examples when there are several."""
        if self.errors is None:
            raise ValueError("forward pass was run without targets")
        return float(np.mean(_ordered_sum(np.moveaxis(self.errors, -1, 0))))


@dataclass(frozen=True)
class Gradients:
    """dE_total with respect to every parameter, plus the deltas behind them.

    ``weights[l]`` and ``biases[l]`` have the shapes of the network's
    parameters.  ``deltas[l - 1]`` is dE_total/dnet of layer ``l`` (per
    example).  Under the seed's order the hidden-layer entries were
    propagated through already-updated weights.
    """

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    deltas: tuple[np.ndarray, ...]


def _ordered_sum(terms: Iterable[np.ndarray]) -> np.ndarray:
    """Sum the terms left to right: ((t0 + t1) + t2) + ..., elementwise."""
    return reduce(np.add, terms)


class Network:
    """A fully connected network with per-layer activations.

    Parameters
    ----------
    weights : sequence of arrays, ``weights[l]`` of shape (n_{l+1}, n_l)
        Rows are receiving neurons, as in the seed (w1, w2 feed h1).
    biases : sequence of floats or arrays
        One value per layer (``bias_mode="shared"``, the seed's b1, b2) or
        one per neuron (``"per-neuron"``).
    activations : str or sequence of str
        One name per layer after the input, or one name for all.
    loss : str
        ``squared`` (the seed's), ``mse`` or ``bce``.
    update_biases : bool
        The seed never changes its biases; set True to train them too.
    learning_rate : float
        eta in ``w+ = w - eta * dE_total/dw``.
    order : ``"textbook"`` or ``"seed"``
        Whether hidden-layer gradients use the weights before the update
        (textbook) or the already-updated outer weights (the seed's summary).
    """

    def __init__(self, weights: Sequence[object], biases: Sequence[object],
                 activations: str | Sequence[str] = "sigmoid", loss: str = "squared",
                 bias_mode: str = "shared", update_biases: bool = False,
                 learning_rate: float = 0.5, order: str = "textbook"):
        weights, biases = v.as_list("weights", weights), v.as_list("biases", biases)
        if len(weights) == 0:
            raise v.InputError("weights", "give at least one layer of weights")
        self.weights = [self._check_matrix(f"weights[{l}]", w) for l, w in enumerate(weights)]
        self.sizes = (self.weights[0].shape[1],) + tuple(w.shape[0] for w in self.weights)
        v.check_sizes(self.sizes)
        for l in range(1, len(self.weights)):
            if self.weights[l].shape[1] != self.weights[l - 1].shape[0]:
                raise v.InputError(f"weights[{l}]", f"expected {self.weights[l - 1].shape[0]} "
                                   f"columns to match the layer before, got {self.weights[l].shape[1]}")
        self.bias_mode = v.check_choice("biases", bias_mode, BIAS_MODES)
        if len(biases) != len(self.weights):
            raise v.InputError("biases", f"expected {len(self.weights)} layers of biases, got {len(biases)}")
        self.biases = [self._check_bias(l, b) for l, b in enumerate(biases)]
        if isinstance(activations, str):
            activations = [activations] * len(self.weights)
        if len(activations) != len(self.weights):
            raise v.InputError("activation", f"expected {len(self.weights)} names, got {len(activations)}")
        self.activations = tuple(v.check_choice("activation", a, tuple(ACTIVATIONS)) for a in activations)
        self.loss = v.check_choice("loss", loss, tuple(LOSSES))
        _check_loss_fits(self.loss, self.activations)
        self.update_biases = bool(update_biases)
        self.learning_rate = v.parse_learning_rate(learning_rate)
        self.order = v.check_choice("order", order, ORDERS)

    # ----------------------------------------------------------- construction
    @staticmethod
    def _check_matrix(field: str, w: object) -> np.ndarray:
        array = np.array(w, dtype=object)
        if array.ndim != 2 or 0 in array.shape:
            raise v.InputError(field, "expected a non-empty matrix (rows = receiving neurons)")
        return np.stack([v.check_vector(field, row, array.shape[1], PARAMETER_LIMIT) for row in array])

    def _check_bias(self, l: int, b: object) -> np.ndarray:
        size = 1 if self.bias_mode == "shared" else self.sizes[l + 1]
        values = np.atleast_1d(np.array(b, dtype=object))
        if self.bias_mode == "shared" and values.size > 1 and len(set(values.tolist())) == 1:
            values = values[:1]  # a shared bias written out once per neuron
        return v.check_vector(f"biases[{l}]", values, size, PARAMETER_LIMIT)

    @property
    def names(self) -> Names:
        return names(self.sizes, self.bias_mode == "shared")

    def copy(self) -> "Network":
        return copy.deepcopy(self)

    def with_options(self, **options: object) -> "Network":
        """A copy with other options: learning_rate, order, update_biases, loss, activations.

        Parameters are copied as they are (a trained network may hold values
        no one could type), only the new options are checked.
        """
        new = self.copy()
        for name, value in options.items():
            if name == "learning_rate":
                new.learning_rate = v.parse_learning_rate(value)
            elif name == "order":
                new.order = v.check_choice("order", value, ORDERS)
            elif name == "update_biases":
                new.update_biases = bool(value)
            elif name == "loss":
                new.loss = v.check_choice("loss", value, tuple(LOSSES))
            elif name == "activations":
                names = [value] * len(self.weights) if isinstance(value, str) else list(value)  # type: ignore[arg-type]
                if len(names) != len(self.weights):
                    raise v.InputError("activation", f"expected {len(self.weights)} names, got {len(names)}")
                new.activations = tuple(v.check_choice("activation", a, tuple(ACTIVATIONS)) for a in names)
            else:
                raise v.InputError("option", f"choose from learning_rate, order, update_biases, loss, "
                                   f"activations (got {v.quote(name)})")
        _check_loss_fits(new.loss, new.activations)
        return new

    def with_parameter(self, name: str, value: object) -> "Network":
        """A copy with one weight or bias (by its seed-style name) set to ``value``."""
        number = v.parse_number(name, value)
        new = self.copy()
        array, index = new._locate(name)
        array[index] = number
        return new

    def numerical_gradient(self, name: str, inputs: np.ndarray, targets: np.ndarray,
                           h: float = 1e-6) -> float:
        """dE_total/d(name) by central differences: (E(p + h) - E(p - h)) / 2h.

        The walkthrough's chain rule, checked the long way round; under the
        seed's order the hidden-layer gradients differ from it, on purpose.
        """
        errors = []
        for shift in (h, -h):
            nudged = self.copy()
            array, index = nudged._locate(name)
            array[index] += shift
            errors.append(nudged.forward(inputs, targets).total_error)
        return (errors[0] - errors[1]) / (2 * h)

    def _locate(self, name: str) -> tuple[np.ndarray, tuple[int, ...]]:
        """The array holding parameter ``name`` and its index there."""
        for l, layer in enumerate(self.names.weights):
            for k, row in enumerate(layer):
                if name in row:
                    return self.weights[l], (k, row.index(name))
        for l, layer in enumerate(self.names.biases):
            if name in layer:
                return self.biases[l], (0 if self.bias_mode == "shared" else layer.index(name),)
        raise v.InputError("parameter", f"no weight or bias is called {v.quote(name)}")

    def parameters(self) -> dict[str, float]:
        """Every weight and bias by name, in naming order (w1, w2, ..., b1, b2)."""
        result = {}
        for l, layer in enumerate(self.names.weights):
            for k, row in enumerate(layer):
                for j, name in enumerate(row):
                    result[name] = float(self.weights[l][k, j])
        for l, layer in enumerate(self.names.biases):
            for k, name in enumerate(dict.fromkeys(layer)):
                result[name] = float(self.biases[l][k])
        return result

    def to_dict(self) -> dict:
        """Plain JSON-ready description of the network and its options."""
        return {
            "layers": list(self.sizes),
            "activations": list(self.activations),
            "loss": self.loss,
            "biases_mode": self.bias_mode,
            "update_biases": self.update_biases,
            "order": self.order,
            "weights": [w.tolist() for w in self.weights],
            "biases": [b.tolist() for b in self.biases],
        }

    def __repr__(self) -> str:
        shape = "-".join(map(str, self.sizes))
        acts = ",".join(dict.fromkeys(self.activations))
        return (f"Network({shape}, activation={acts}, loss={self.loss}, biases={self.bias_mode}"
                f"{' (updated)' if self.update_biases else ''}, eta={self.learning_rate:g}, "
                f"order={self.order})")

    # ------------------------------------------------------------------ maths
    def forward(self, inputs: np.ndarray, targets: np.ndarray | None = None) -> Forward:
        """Feed ``inputs`` (shape (n_0,) or (m, n_0)) forward; errors if ``targets`` given."""
        a = np.asarray(inputs, dtype=float)
        nets, outs = [], [a]
        with np.errstate(over="ignore", invalid="ignore"):  # a diverged network gives inf/nan, quietly
            for W, b, name in zip(self.weights, self.biases, self.activations):
                # net_k = ((w_k1 a_1 + w_k2 a_2) + ...) + b_k, in the seed's order
                z = _ordered_sum(W[:, j] * a[..., j, None] for j in range(W.shape[1])) + b
                a = ACTIVATIONS[name].f(z)
                nets.append(z)
                outs.append(a)
            errors = None if targets is None else LOSSES[self.loss].errors(a, np.asarray(targets, float))
        return Forward(tuple(nets), tuple(outs), errors)

    def backward(self, inputs: np.ndarray, targets: np.ndarray,
                 forward: Forward | None = None) -> Gradients:
        """dE_total/d(every parameter), averaged over examples when ``inputs`` has rows.

        Under ``order="seed"`` each layer's deltas are propagated to the layer
        below through that layer's weights *after* their update, as the seed's
        summary figures were computed.
        """
        fw = forward if forward is not None else self.forward(inputs, targets)
        targets = np.asarray(targets, dtype=float)
        batched = fw.output.ndim == 2
        g_w: list[np.ndarray] = [np.empty(0)] * len(self.weights)
        g_b: list[np.ndarray] = [np.empty(0)] * len(self.weights)
        deltas: list[np.ndarray] = [np.empty(0)] * len(self.weights)
        with np.errstate(over="ignore", invalid="ignore"):
            d_out = LOSSES[self.loss].d_out(fw.output, targets)
            for l in reversed(range(len(self.weights))):
                z, a, a_prev = fw.nets[l], fw.outs[l + 1], fw.outs[l]
                delta = d_out * ACTIVATIONS[self.activations[l]].df(z, a)
                deltas[l] = delta
                g_w[l] = _mean_over_examples(delta[..., :, None] * a_prev[..., None, :], batched)
                per_neuron = (delta if self.bias_mode == "per-neuron"
                              else _ordered_sum(np.moveaxis(delta, -1, 0))[..., None])
                g_b[l] = _mean_over_examples(per_neuron, batched)
                if l == 0:
                    break
                W = self.weights[l]
                if self.order == "seed":
                    W = W - self.learning_rate * g_w[l]
                # dE_total/dout_j = sum over k of dE/dnet_k * dnet_k/dout_j, k in order
                d_out = _ordered_sum(delta[..., k, None] * W[k] for k in range(W.shape[0]))
        return Gradients(tuple(g_w), tuple(g_b), tuple(deltas))

    def update(self, gradients: Gradients) -> None:
        """Take one gradient step: ``w+ = w - eta * dE_total/dw`` (biases if enabled).

        The only method that changes the network's parameters.
        """
        with np.errstate(over="ignore", invalid="ignore"):
            for l, g in enumerate(gradients.weights):
                self.weights[l] = self.weights[l] - self.learning_rate * g
            if self.update_biases:
                for l, g in enumerate(gradients.biases):
                    self.biases[l] = self.biases[l] - self.learning_rate * g

    def check_data(self, inputs: object, targets: object) -> tuple[np.ndarray, np.ndarray]:
        """Validated ``(inputs, targets)`` as arrays of shape (m, n_0) and (m, n_L)."""
        x = v.check_examples("inputs", inputs, self.sizes[0])
        t = v.check_examples("targets", targets, self.sizes[-1])
        if x.shape[0] != t.shape[0]:
            raise v.InputError("targets", f"expected one row per input example ({x.shape[0]}), got {t.shape[0]}")
        if self.loss == "bce" and (np.any(t < 0) or np.any(t > 1)):
            raise v.InputError("targets", "binary cross-entropy needs targets from 0 to 1")
        return x, t


def _check_loss_fits(loss: str, activations: Sequence[str]) -> None:
    # cross-entropy takes logarithms of the outputs: they must lie in (0, 1)
    if loss == "bce" and activations[-1] != "sigmoid":
        raise v.InputError("loss", "binary cross-entropy (bce) needs sigmoid outputs; "
                           f"the output layer is {activations[-1]}")


def _mean_over_examples(per_example: np.ndarray, batched: bool) -> np.ndarray:
    """Average over the leading example axis (examples added in order)."""
    return _ordered_sum(per_example) / per_example.shape[0] if batched else per_example
