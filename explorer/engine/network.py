"""The engine: a small fully connected network, its options, parameters and names.

Notation (the seed's symbols on the right)::

    W[l][k, j]   weight from neuron j of layer l to neuron k of layer l+1   w1..w8
    b[l]         bias of layer l+1: shape (1,) shared, or one per neuron     b1, b2

``forward`` and ``backward`` are pure; ``update`` is the only method that
changes parameters (and, under momentum, their velocities).  Edits (a new
weight, a new learning rate) return a new network instead, so a rejected
edit can never leave a half-changed one.

:func:`~explorer.engine.passes.backpropagate` is the one place the chain
rule is written (in :mod:`explorer.engine.passes`, with ``feed_forward``);
``forward`` and ``backward`` call them on the network's arrays.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from . import validation as v
from .formatting import number
from .functions import LOSSES
from .naming import Names, names
from .options import Options, update_rule
from .passes import Forward, Gradients, backpropagate, feed_forward

#: Parameters given in code may be large (a trained network's); typed ones
#: are held to validation.VALUE_LIMIT by ``with_parameter``.
PARAMETER_LIMIT = 1e6


class Velocity(NamedTuple):
    """Momentum's velocity of every parameter: arrays shaped like the weights and biases.

    Never changed in place (``update`` makes new arrays), so copies of a
    network may share one.
    """

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]


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
        ``squared`` (the seed's), ``mse``, ``bce`` (sigmoid outputs) or ``cce``
        (softmax outputs, whose targets add up to 1 per example).
    update_biases : bool
        The seed never changes its biases; set True to train them too.
    learning_rate : float
        eta in ``w+ = w - eta * dE_total/dw``.
    order : ``"textbook"`` or ``"seed"``
        Whether hidden-layer gradients use the weights before the update
        (textbook) or the already-updated outer weights (the seed's summary).
    weight_decay, momentum : float
        lambda and mu of the update rule (see :meth:`update`); 0 and 0 is
        the seed's plain gradient descent.

    ``velocity`` holds momentum's velocities (None: all zero, as at the start).
    """

    def __init__(
        self,
        weights: Sequence[object],
        biases: Sequence[object],
        activations: str | Sequence[str] = "sigmoid",
        loss: str = "squared",
        bias_mode: str = "shared",
        update_biases: bool = False,
        learning_rate: float = 0.5,
        order: str = "textbook",
        weight_decay: float = 0.0,
        momentum: float = 0.0,
    ):
        weights, biases = v.as_list("weights", weights), v.as_list("biases", biases)
        if len(weights) == 0:
            raise v.InputError("weights", "give at least one layer of weights")
        self.weights = [self._check_matrix(f"weights[{l}]", w) for l, w in enumerate(weights)]
        self.sizes = (self.weights[0].shape[1],) + tuple(w.shape[0] for w in self.weights)
        v.check_sizes(self.sizes)
        for l in range(1, len(self.weights)):
            if self.weights[l].shape[1] != self.weights[l - 1].shape[0]:
                raise v.InputError(
                    f"weights[{l}]",
                    f"expected {self.weights[l - 1].shape[0]} "
                    f"columns to match the layer before, got {self.weights[l].shape[1]}",
                )
        self.options = Options(
            self._activation_names(activations),
            loss,
            bias_mode,
            update_biases,
            order,
            learning_rate,
            weight_decay,
            momentum,
        )
        self.velocity: Velocity | None = None
        self.options.check_sizes(self.sizes)
        if len(biases) != len(self.weights):
            raise v.InputError("biases", f"expected {len(self.weights)} layers of biases, got {len(biases)}")
        self.biases = [self._check_bias(l, b) for l, b in enumerate(biases)]

    # Each option reads through to the Options object: network.order is network.options.order.
    activations = property(lambda self: self.options.activations)
    loss = property(lambda self: self.options.loss)
    bias_mode = property(lambda self: self.options.bias_mode)
    update_biases = property(lambda self: self.options.update_biases)
    order = property(lambda self: self.options.order)
    learning_rate = property(lambda self: self.options.learning_rate)
    weight_decay = property(lambda self: self.options.weight_decay)
    momentum = property(lambda self: self.options.momentum)

    def _activation_names(self, activations: object) -> tuple[str, ...]:
        """One name per layer after the input, from one name or a sequence."""
        if isinstance(activations, str):
            return (activations,) * len(self.weights)
        names = tuple(activations)  # type: ignore[arg-type]
        if len(names) != len(self.weights):
            raise v.InputError("activation", f"expected {len(self.weights)} names, got {len(names)}")
        return names

    # ----------------------------------------------------------- construction
    @staticmethod
    def _check_matrix(field: str, w: object) -> np.ndarray:
        return v.check_matrix(field, w, PARAMETER_LIMIT, "expected a non-empty matrix (rows = receiving neurons)")

    def _check_bias(self, l: int, b: object) -> np.ndarray:
        size = 1 if self.bias_mode == "shared" else self.sizes[l + 1]
        values = np.atleast_1d(np.array(b, dtype=object))
        if self.bias_mode == "shared" and values.size > 1 and len(set(values.tolist())) == 1:
            values = values[:1]  # a shared bias written out once per neuron
        return v.check_vector(f"biases[{l}]", values, size, PARAMETER_LIMIT)

    @property
    def names(self) -> Names:
        return names(self.sizes, self.bias_mode == "shared")

    def copy(self) -> Network:
        """A copy with its own parameter arrays (the options are frozen, so shared).

        Not ``copy.deepcopy``: that costs tens of microseconds, and the
        trainers and the history copy a network on every call.
        """
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.weights = [W.copy() for W in self.weights]
        new.biases = [b.copy() for b in self.biases]
        return new

    def with_options(self, **options: object) -> Network:
        """A copy with other options (any field of :class:`Options`), checked as when made.

        Parameters are copied as they are (a trained network may hold values
        no one could type).  Changing ``bias_mode`` to per-neuron copies each
        shared bias to every neuron of its layer.  The velocities go (back to
        zero) when momentum is turned off or the biases' shapes change.
        """
        fields = [f.name for f in dataclasses.fields(Options)]
        for name in options:
            if name not in fields:
                raise v.InputError("option", f"choose from {', '.join(fields)} (got {v.quote(name)})")
        if "activations" in options:
            options["activations"] = self._activation_names(options["activations"])
        new = self.copy()
        new.options = dataclasses.replace(self.options, **options)  # type: ignore[arg-type]
        new.options.check_sizes(new.sizes)
        if new.bias_mode != self.bias_mode:
            new.biases = [
                new._check_bias(l, np.broadcast_to(b, (n,)))
                for l, (b, n) in enumerate(zip(self.biases, self.sizes[1:]))
            ]
        if new.momentum == 0 or new.bias_mode != self.bias_mode:
            new.velocity = None
        return new

    def with_update_rule(self, weight_decay: object = None, momentum: object = None) -> Network:
        """A copy with weight decay and/or momentum (None: as it is), read as the panel's fields are.

        A refusal names the field ("Weight decay" or "Momentum") and its range.
        """
        return self.with_options(**update_rule(self.options, weight_decay, momentum))

    def with_parameter(self, name: str, value: object) -> Network:
        """A copy with one weight or bias (by its seed-style name) set to ``value``."""
        number = v.parse_number(name, value)
        new = self.copy()
        array, index = new._locate(name)
        array[index] = number
        return new

    def numerical_gradient(self, name: str, inputs: np.ndarray, targets: np.ndarray, h: float = 1e-6) -> float:
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

    def flat_parameters(self) -> np.ndarray:
        """All weights, then all biases, as one new float64 vector of length P."""
        return np.concatenate([w.ravel() for w in self.weights] + [b.ravel() for b in self.biases])

    def velocities(self) -> Velocity:
        """The velocities, zeros where none was built up yet."""
        if self.velocity is not None:
            return self.velocity
        return Velocity(tuple(np.zeros_like(W) for W in self.weights), tuple(np.zeros_like(b) for b in self.biases))

    def flat_state(self) -> np.ndarray:
        """What the next update depends on, flat: the parameters, then under momentum the velocities.

        P floats (:meth:`flat_parameters`), or 2P with momentum: the
        history's checkpoints, so an iteration reopened under momentum goes
        on with the velocities it had.
        """
        if self.momentum == 0:
            return self.flat_parameters()
        v = self.velocities()
        return np.concatenate([self.flat_parameters(), *[a.ravel() for a in (*v.weights, *v.biases)]])

    def with_state(self, flat: np.ndarray) -> Network:
        """A copy holding the state of ``flat`` (from :meth:`flat_state` of a network of this shape)."""
        net = self.copy()
        arrays = [*net.weights, *net.biases]
        offset = 0
        for array in arrays:
            array[...] = flat[offset : offset + array.size].reshape(array.shape)
            offset += array.size
        if self.momentum != 0 and len(flat) > offset:  # P floats alone: velocities from zero
            shapes = [a.shape for a in arrays]
            parts = []
            for shape in shapes:
                size = int(np.prod(shape))
                parts.append(np.array(flat[offset : offset + size], dtype=float).reshape(shape))
                offset += size
            net.velocity = Velocity(tuple(parts[: len(net.weights)]), tuple(parts[len(net.weights) :]))
        return net

    def to_dict(self) -> dict:
        """Plain JSON-ready description of the network and its options."""
        return {
            "layers": list(self.sizes),
            "activations": list(self.activations),
            "loss": self.loss,
            "biases_mode": self.bias_mode,
            "update_biases": self.update_biases,
            "order": self.order,
            "weight_decay": self.weight_decay,
            "momentum": self.momentum,
            "weights": [w.tolist() for w in self.weights],
            "biases": [b.tolist() for b in self.biases],
        }

    def __repr__(self) -> str:
        shape = "-".join(map(str, self.sizes))
        acts = ",".join(dict.fromkeys(self.activations))
        return (
            f"Network({shape}, activation={acts}, loss={self.loss}, biases={self.bias_mode}"
            f"{' (updated)' if self.update_biases else ''}, eta={self.learning_rate:g}, "
            f"order={self.order}"
            + (f", lambda={self.weight_decay:g}" if self.weight_decay else "")
            + (f", mu={self.momentum:g}" if self.momentum else "")
            + ")"
        )

    # ------------------------------------------------------------------ maths
    def forward(self, inputs: np.ndarray, targets: np.ndarray | None = None) -> Forward:
        """Feed ``inputs`` (shape (n_0,) or (m, n_0)) forward; errors if ``targets`` given."""
        a = np.asarray(inputs, dtype=float)
        with np.errstate(over="ignore", invalid="ignore"):  # a diverged network gives inf/nan, quietly
            nets, outs = feed_forward(self.weights, self.biases, self.options.records[0], a)
            errors = None
            if targets is not None:
                errors = LOSSES[self.loss].errors(nets[-1], outs[-1], np.asarray(targets, float), self.sizes[-1])
        return Forward(tuple(nets), tuple(outs), errors)

    def backward(self, inputs: np.ndarray, targets: np.ndarray, forward: Forward | None = None) -> Gradients:
        """dE_total/d(every parameter), averaged over examples when ``inputs`` has rows.

        Under ``order="seed"`` each layer's deltas are propagated to the layer
        below through that layer's weights *after* their update, as the seed's
        summary figures were computed.  See :func:`backpropagate`.
        """
        fw = forward if forward is not None else self.forward(inputs, targets)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return backpropagate(self.weights, self.options, fw.nets, fw.outs, np.asarray(targets, dtype=float))

    def update(self, gradients: Gradients, quiet: bool = True) -> None:
        """Take one step of the update rule (biases too if enabled)::

            g  = dE_total/dw + lambda * w     (lambda: weight decay, weights only)
            w+ = w - eta * g                  (no momentum: the seed's rule when lambda = 0)
            v+ = mu * v - eta * g,  w+ = w + v+   (momentum mu > 0; v starts at 0)

        The only method that changes the network's parameters and velocities.
        A term whose coefficient is 0 is left out, not multiplied by 0, so the
        seed's figures are the same to the last bit.  ``quiet`` holds numpy's
        overflow warnings (a diverging network turns to inf and nan); the
        trainers, which hold them for the whole run, pass False.
        """
        if quiet:
            with np.errstate(over="ignore", invalid="ignore"):
                return self.update(gradients, quiet=False)
        eta, lam, mu = self.options.learning_rate, self.options.weight_decay, self.options.momentum
        g_w = gradients.weights
        if lam:
            g_w = [g + lam * W for g, W in zip(g_w, self.weights)]
        biases = self.options.update_biases
        if not mu:
            self.weights = [W - eta * g for W, g in zip(self.weights, g_w)]
            if biases:
                self.biases = [b - eta * g for b, g in zip(self.biases, gradients.biases)]
            return None
        v = self.velocities()
        v_w = tuple(mu * vw - eta * g for vw, g in zip(v.weights, g_w))
        self.weights = [W + vw for W, vw in zip(self.weights, v_w)]
        v_b = v.biases
        if biases:
            v_b = tuple(mu * vb - eta * g for vb, g in zip(v.biases, gradients.biases))
            self.biases = [b + vb for b, vb in zip(self.biases, v_b)]
        self.velocity = Velocity(v_w, v_b)
        return None

    def check_data(self, inputs: object, targets: object) -> tuple[np.ndarray, np.ndarray]:
        """Validated ``(inputs, targets)`` as arrays of shape (m, n_0) and (m, n_L)."""
        x = v.check_examples("inputs", inputs, self.sizes[0])
        t = v.check_examples("targets", targets, self.sizes[-1])
        if x.shape[0] != t.shape[0]:
            raise v.InputError("targets", f"expected one row per input example ({x.shape[0]}), got {t.shape[0]}")
        if self.loss == "bce" and (np.any(t < 0) or np.any(t > 1)):
            raise v.InputError("targets", "binary cross-entropy needs targets from 0 to 1")
        if self.loss == "cce":
            check_distributions(t)
        return x, t


def check_distributions(t: np.ndarray) -> None:
    """Refuse targets that are not, row by row, probabilities adding up to 1 (a one-hot class, say).

    Categorical cross-entropy's delta out_k - target_k holds only then.
    """
    if np.any(t < 0) or np.any(t > 1):
        raise v.InputError("targets", "categorical cross-entropy needs targets from 0 to 1")
    sums = t.sum(axis=1)
    bad = np.flatnonzero(np.abs(sums - 1.0) > 1e-9)
    if bad.size:
        raise v.InputError(
            "targets",
            "categorical cross-entropy needs each example's targets to add up to 1 (one class 1, the others 0); "
            f"example {bad[0] + 1} adds up to {number(float(sums[bad[0]]))}",
        )
