"""The engine run again on the walkthrough's example with one thing changed, and read at a step's place.

A mistake is, most of the time, the engine itself with one slip built in:
an :class:`~explorer.engine.network.Options` or record variant
(:func:`with_records`, :func:`negated`, :func:`doubled`, :func:`out_as_slope`),
other biases or another learning rate for the update.  :func:`run` does one
such forward pass, backward pass and update; :func:`read` takes from it the
number at the place of a step, the same place the walkthrough took the right
value from.  A :class:`Context` runs each variant a step asks for once.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from explorer.engine.functions import ACTIVATIONS, Activation, Loss, shown_slope
from explorer.engine.naming import Names
from explorer.engine.network import Gradients, Network, backpropagate, feed_forward
from explorer.engine.options import Options

from .steps import Step
from .walkthrough import Walkthrough


@dataclass(frozen=True)
class Run:
    """The engine's numbers for one example under one variant of the options and records.

    ``weights`` are the network's (before the update), ``after`` the updated network.
    """

    options: Options
    weights: tuple[np.ndarray, ...]
    nets: tuple[np.ndarray, ...]
    outs: tuple[np.ndarray, ...]
    errors: np.ndarray
    gradients: Gradients
    after: Network

    def above(self, l: int) -> np.ndarray:
        """Weights from layer l+1 to l+2 as the backward pass carried the deltas down through them.

        Under the seed's order, as the update leaves them; else as they were.
        """
        return (self.after.weights if self.options.order == "seed" else self.weights)[l + 1]


def with_records(options: Options, activations: Sequence[Activation], loss: Loss) -> Options:
    """``options`` whose engine records are the ones given (a mistake's variant of them).

    The records are a cached property of the (frozen) options: filling its
    slot in the instance dictionary is how a cached value is stored.
    """
    variant = dataclasses.replace(options)
    variant.__dict__["records"] = (tuple(activations), loss)
    return variant


def run(
    network: Network,
    x: np.ndarray,
    t: np.ndarray,
    options: Options | None = None,
    biases: Sequence[np.ndarray] | None = None,
    update_rate: float | None = None,
) -> Run:
    """Forward pass, errors, backward pass and update of one example, with the engine's functions.

    Parameters
    ----------
    network : the network (its weights; its biases unless ``biases`` is given)
    x, t : shape (n_0,) and (n_L,)
    options : default ``network.options``; a variant from :func:`with_records` or ``replace``
    biases : the biases the forward pass uses, ``biases[l]`` shaped like ``network.biases[l]``
    update_rate : the learning rate of the update only (the backward pass keeps ``options``');
        read only the update steps of such a run: under the seed's order
        :meth:`Run.above` gives the weights after *this* update
    """
    options = options or network.options
    acts, loss = options.records
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        nets, outs = feed_forward(network.weights, network.biases if biases is None else biases, acts, x)
        errors = loss.errors(nets[-1], outs[-1], t, len(t))
        g = backpropagate(network.weights, options, nets, outs, t)
        after = network.copy()
        rate = options.learning_rate if update_rate is None else update_rate
        after.options = dataclasses.replace(options, learning_rate=rate)
        after.update(g)
    return Run(options, tuple(network.weights), tuple(nets), tuple(outs), errors, g, after)


# ------------------------------------------------------------------- reading


def position(names: Names, parameter: str) -> tuple[str, int, int, int]:
    """("w", l, k, j) for weight W[l][k, j], or ("b", l, index, -1) for a bias array's entry."""
    for l, layer in enumerate(names.weights):
        for k, row in enumerate(layer):
            if parameter in row:
                return "w", l, k, row.index(parameter)
    for l, layer in enumerate(names.biases):
        unique = list(dict.fromkeys(layer))
        if parameter in unique:
            return "b", l, unique.index(parameter), -1
    raise KeyError(parameter)


def read(r: Run, step: Step, network: Network) -> float:
    """The number ``r`` holds at the place of ``step`` (the walkthrough's value, for the plain run)."""
    nm = network.names
    q, l = step.quantity, step.layer
    k = nm.neurons[l].index(step.neuron) if step.neuron and l is not None else -1
    g = r.gradients
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if q == "net":
            return float(r.nets[l - 1][k])
        if q == "out":
            return float(r.outs[l][k])
        if q == "error":
            return float(r.errors[k])
        if q == "total_error":
            return float(np.sum(r.errors))
        if q in ("d_out", "delta"):
            return float((g.d_outs if q == "d_out" else g.deltas)[l - 1][k])
        if q == "slope":
            acts, loss = r.options.records
            return float(shown_slope(acts[l - 1], loss, l == len(acts), r.nets[l - 1], r.outs[l])[k])
        if q in ("weight_above", "path"):
            via = nm.neurons[l + 1].index(step.via)
            w = r.above(l - 1)[via, k]
            return float(w if q == "weight_above" else g.deltas[l][via] * w)
        kind, pl, pk, pj = position(nm, step.parameter)
        if q == "input":
            return float(r.outs[pl][pj]) if kind == "w" else 1.0
        if q in ("gradient", "example_gradient"):  # of a run on that one example
            return float(g.weights[pl][pk, pj] if kind == "w" else g.biases[pl][pk])
        if q == "update":
            return float(r.after.weights[pl][pk, pj] if kind == "w" else r.after.biases[pl][pk])
    raise ValueError(f"unknown quantity {q!r}")


# ------------------------------------------------------------------ variants


def negated(loss: Loss) -> Loss:
    """The loss with its slope written target - out: d_out (and a fused delta) change sign."""
    fused = loss.fused_delta
    return dataclasses.replace(
        loss,
        d_out=lambda net, out, t, n: -loss.d_out(net, out, t, n),
        fused_delta=None if fused is None else (lambda net, out, t, n: -fused(net, out, t, n)),
    )


def doubled(loss: Loss) -> Loss:
    """The squared error without its 1/2: each error and its slope twice as large."""
    return dataclasses.replace(
        loss,
        errors=lambda net, out, t, n: 2.0 * loss.errors(net, out, t, n),
        d_out=lambda net, out, t, n: 2.0 * loss.d_out(net, out, t, n),
    )


def written(loss: Loss) -> Loss:
    """The loss as a student writes it on paper, from out: cross-entropy with its logarithms and
    its chain factor dE/dout, no fused delta (the engine's forms take the net input, so a slip
    that changes out alone would leave them right).  Other losses are written from out already.
    """
    if loss.fused_delta is None:
        return loss
    return dataclasses.replace(
        loss,
        # -(t ln out + (1 - t) ln(1 - out)) / n and (out - t) / (out (1 - out)) / n
        errors=lambda net, out, t, n: -(t * np.log(out) + (1.0 - t) * np.log1p(-out)) / n,
        d_out=lambda net, out, t, n: (out - t) / (out * (1.0 - out)) / n,
        fused_delta=None,
    )


def out_as_slope(act: Activation) -> Activation:
    """The sigmoid with its derivative written out instead of out(1 - out)."""
    return dataclasses.replace(act, df=lambda net, out: out + 0.0) if act.name == "sigmoid" else act


LINEAR = ACTIVATIONS["linear"]


_EXAMPLE = re.compile(r"dE\^\((\d+)\)/d")


def example_of(step: Step) -> int | None:
    """The row of the batch a per-example gradient step belongs to (0-based), else None."""
    match = _EXAMPLE.match(step.symbol) if step.quantity == "example_gradient" else None
    return int(match.group(1)) - 1 if match else None


def is_mean(step: Step) -> bool:
    """Whether ``step`` is batch mode's mean of the examples' gradients."""
    return step.quantity == "gradient" and " (mean of " in step.symbol


def neuron_of(network: Network, step: Step) -> str | None:
    """The neuron whose chain rule ``step`` belongs to (a per-example gradient names only its parameter)."""
    if step.neuron or step.quantity != "example_gradient":
        return step.neuron
    kind, l, k, _j = position(network.names, step.parameter)
    return None if kind == "b" and network.bias_mode == "shared" else network.names.neurons[l + 1][k]


class Context:
    """One walkthrough's plain run and the variants asked for, each run once per set of examples.

    A step is worked out on the examples its value comes from: in batch mode
    the mean and the update from the whole batch, a per-example gradient from
    its example; every other step from the example shown.
    """

    def __init__(self, walk: Walkthrough):
        self.walk = walk
        self.network = walk.network
        self.names = walk.network.names
        inputs = walk.batch_inputs
        self.batch = walk.mode == "batch" and inputs is not None and len(inputs) > 1
        self._runs: dict[object, Run] = {}

    def data(self, step: Step) -> tuple[object, np.ndarray, np.ndarray]:
        """(key, inputs, targets) of the examples ``step`` is computed from."""
        walk = self.walk
        if self.batch:
            e = example_of(step)
            if e is not None:
                return e, walk.batch_inputs[e], walk.batch_targets[e]
            if is_mean(step) or step.quantity == "update":
                return "batch", walk.batch_inputs, walk.batch_targets
        return "shown", walk.inputs, walk.targets

    def run(self, key: object, make: Callable[[], dict], step: Step) -> Run:
        data, x, t = self.data(step)
        if (data, key) not in self._runs:
            self._runs[data, key] = run(self.network, x, t, **make())
        return self._runs[data, key]

    def plain(self, step: Step) -> Run:
        return self.run("plain", dict, step)

    def records(self, activations=None, loss=None) -> Options:
        acts, base_loss = self.network.options.records
        return with_records(self.network.options, activations or acts, loss or base_loss)

    def linear_layer(self, layer: int, step: Step) -> Run:
        """The run with layer ``layer``'s activation left out (its out is its net), the loss as written."""
        acts = list(self.network.options.records[0])
        acts[layer - 1] = LINEAR
        loss = written(self.network.options.records[1])
        return self.run(("linear", layer), lambda: dict(options=self.records(activations=acts, loss=loss)), step)
