"""The mistakes of a softmax output layer scored by cross-entropy, worked out from the engine's numbers.

=====================  ====================================================
``independent``        dE/dnet_k taken as (out_k - target_k) out_k(1 - out_k),
                       as if each output were a sigmoid of its own net input
``cross_terms``        the sum over the Jacobian cut to its diagonal term,
                       dE/dout_k out_k(1 - out_k): net_k's effect on the
                       other outputs dropped
``log_sign``           E = +target ln out: the minus sign of the log lost
=====================  ====================================================

Each applies to the steps of the example shown (not to batch means) where
the slip changes the number: the delta of a softmax output and the
gradients of the weights into it, and for the log's sign the errors.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .known_mistakes import Mistake
from .reruns import Context, is_mean, position
from .steps import Step


def _output_index(c: Context, step: Step) -> int | None:
    """k when ``step`` is the delta or a weight's gradient of softmax output k, on the example shown."""
    network = c.network
    L = len(network.weights)
    if network.activations[-1] != "softmax" or step.layer != L or is_mean(step) or not step.neuron:
        return None
    if step.quantity == "delta" or (step.quantity == "gradient" and step.parameter in _weights(c, L)):
        return c.names.neurons[L].index(step.neuron)
    return None


def _weights(c: Context, L: int) -> set[str]:
    return {w for row in c.names.weights[L - 1] for w in row}


def _with_delta(c: Context, step: Step, delta: float) -> float:
    """The step's value had the output's delta been ``delta``: itself, or times the weight's input."""
    if step.quantity == "delta":
        return delta
    _kind, l, _k, j = position(c.names, step.parameter)
    return delta * float(c.plain(step).outs[l][j])


def independent(c: Context, step: Step) -> Iterator[Mistake]:
    k = _output_index(c, step)
    if k is None:
        return
    r, t = c.plain(step), c.data(step)[2]
    out = float(r.outs[-1][k])
    n = c.names.neurons[-1][k]
    yield Mistake(
        "independent",
        _with_delta(c, step, (out - float(t[k])) * out * (1.0 - out)),
        f"out_{n}(1 - out_{n}) is a sigmoid's slope: softmax's outputs are not independent, and with "
        f"cross-entropy the slopes and dE/dout combine into dE_total/dnet_{n} = out_{n} - target_{n}, "
        "with no slope factor left.",
    )


def cross_terms(c: Context, step: Step) -> Iterator[Mistake]:
    k = _output_index(c, step)
    if k is None:
        return
    r = c.plain(step)
    out, d_out = float(r.outs[-1][k]), float(r.gradients.d_outs[-1][k])
    n = c.names.neurons[-1][k]
    yield Mistake(
        "cross_terms",
        _with_delta(c, step, d_out * out * (1.0 - out)),
        f"Only the term through out_{n} was kept: net_{n} moves every output of a softmax, so "
        f"dE_total/dnet_{n} adds dE_total/dout_j times dout_j/dnet_{n} = -out_j out_{n} for every other j.",
    )


def log_sign(c: Context, step: Step) -> Iterator[Mistake]:
    if c.network.loss != "cce" or step.quantity not in ("error", "total_error"):
        return
    errors = np.asarray(c.plain(step).errors)
    value = errors[c.names.neurons[-1].index(step.neuron)] if step.quantity == "error" else np.sum(errors)
    yield Mistake(
        "log_sign",
        -float(value),
        "The error is -target ln out: ln of a probability is negative, and the minus makes the error positive.",
    )
