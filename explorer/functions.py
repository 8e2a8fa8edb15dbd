"""Activations and losses: small tables of one-line functions.

Each activation gives ``f(net)`` and its derivative written in terms of both
``net`` and ``out = f(net)``, because the seed writes the logistic derivative
as ``out (1 - out)``.  Each loss gives the error of every output neuron
(``E_o1``, ``E_o2``, ...; ``E_total`` is always their sum) and the derivative
``dE_total/dout_o`` of each.

The same formulas exist twice: here on numpy arrays, and in
:mod:`explorer.scalar` on Python floats; the tests hold them to agreement.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

# Cross-entropy's logarithms and its derivative's division need an output
# strictly inside (0, 1); a saturated sigmoid returns exactly 0.0 or 1.0.
PROBABILITY_EPSILON = 1e-12


def sigmoid(net: np.ndarray) -> np.ndarray:
    """Logistic function 1 / (1 + e^-net), without overflow at any net.

    ``exp`` only ever sees ``-|net|``, so ``net = -1000`` gives 0 rather than
    an overflow warning.
    """
    e = np.exp(-np.abs(net))
    return np.where(net >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


class Activation(NamedTuple):
    name: str
    f: Callable[[np.ndarray], np.ndarray]
    #: d out / d net, given net and out
    df: Callable[[np.ndarray, np.ndarray], np.ndarray]


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("sigmoid", sigmoid, lambda net, out: out * (1.0 - out)),
        Activation("tanh", np.tanh, lambda net, out: 1.0 - out * out),
        Activation("relu", lambda net: np.maximum(net, 0.0), lambda net, out: (net > 0).astype(float)),
        Activation("linear", lambda net: net + 0.0, lambda net, out: np.ones_like(net)),
    )
}


def _clip(out: np.ndarray) -> np.ndarray:
    return np.clip(out, PROBABILITY_EPSILON, 1.0 - PROBABILITY_EPSILON)


class Loss(NamedTuple):
    name: str
    #: per-output errors E_o, shape like ``out``
    errors: Callable[[np.ndarray, np.ndarray], np.ndarray]
    #: dE_total/dout_o, shape like ``out``
    d_out: Callable[[np.ndarray, np.ndarray], np.ndarray]
    description: str


def _n(out: np.ndarray) -> int:
    return out.shape[-1]


LOSSES: dict[str, Loss] = {
    l.name: l
    for l in (
        # The seed's E_total = sum 1/2 (target - out)^2; the 1/2 cancels the 2.
        Loss("squared", lambda out, t: 0.5 * (t - out) ** 2,
             lambda out, t: -(t - out),
             "sum over outputs of 1/2 (target - out)^2 (the seed's)"),
        Loss("mse", lambda out, t: (t - out) ** 2 / _n(out),
             lambda out, t: -2.0 * (t - out) / _n(out),
             "mean over outputs of (target - out)^2"),
        Loss("bce",
             lambda out, t: -(t * np.log(_clip(out)) + (1.0 - t) * np.log(1.0 - _clip(out))) / _n(out),
             lambda out, t: (_clip(out) - t) / (_clip(out) * (1.0 - _clip(out))) / _n(out),
             "binary cross-entropy, mean over outputs (targets in [0, 1])"),
    )
}
