"""Training loops: many iterations of one network, and many networks at once.

:func:`train` is pure: it returns a trained copy and the error curve, leaving
the network it was given untouched (``Network.update`` stays the only thing
that changes parameters in place).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import validation as v
from .functions import ACTIVATIONS, LOSSES
from .network import Network
from .scalar import ScalarNetwork
from .validation import MAX_ITERATIONS, check_iterations  # noqa: F401 - re-exported

MODES = ("online", "batch")
BACKENDS = ("auto", "scalar", "numpy")
#: Up to this many parameters, Python floats beat numpy's per-call overhead.
SCALAR_PARAMETER_LIMIT = 400


@dataclass(frozen=True)
class TrainingResult:
    """A trained copy of the network and its error curve.

    ``errors[i]`` is the mean E_total with the parameters after ``i``
    iterations, so ``errors[0]`` is the starting error.  When the error
    became non-finite (a diverging learning rate) the curve stops there and
    ``diverged_at`` gives that iteration.
    """

    network: Network
    errors: np.ndarray
    diverged_at: int | None = None

    @property
    def iterations(self) -> int:
        return len(self.errors) - 1


def train(network: Network, inputs: object, targets: object, iterations: int,
          mode: str = "online", backend: str = "auto") -> TrainingResult:
    """Train a copy of ``network`` for ``iterations`` passes over the examples.

    Parameters
    ----------
    inputs, targets : arrays of shape (n_0,) or (m, n_0), and (n_L,) or (m, n_L)
    mode : ``"online"`` (one update per example, in order) or ``"batch"``
        (one update per iteration with the mean gradient).
    backend : ``"scalar"``, ``"numpy"`` or ``"auto"`` (scalar for small networks).
    """
    x, t = network.check_data(inputs, targets)
    iterations = check_iterations(iterations)
    mode = v.check_choice("mode", mode, MODES)
    backend = v.check_choice("backend", backend, BACKENDS)
    count = sum(w.size for w in network.weights) + sum(b.size for b in network.biases)
    if backend == "scalar" or (backend == "auto" and count <= SCALAR_PARAMETER_LIMIT):
        return _train_scalar(network, x, t, iterations, mode)
    return _train_numpy(network, x, t, iterations, mode)


def _train_scalar(network: Network, x: np.ndarray, t: np.ndarray, iterations: int,
                  mode: str) -> TrainingResult:
    s = ScalarNetwork([w.tolist() for w in network.weights], [b.tolist() for b in network.biases],
                      network.activations, network.loss, network.learning_rate,
                      network.update_biases, network.order)
    errors = s.train(x.tolist(), t.tolist(), iterations, batch=mode == "batch")
    trained = network.copy()
    trained.weights = [np.array(w) for w in s.W]
    trained.biases = [np.array(b) for b in s.B]
    return _result(trained, errors)


def _train_numpy(network: Network, x: np.ndarray, t: np.ndarray, iterations: int,
                 mode: str) -> TrainingResult:
    trained = network.copy()
    errors = []
    per_example = mode == "online" and x.shape[0] > 1
    for _ in range(iterations):
        fw = trained.forward(x, t)
        errors.append(fw.total_error)
        if not np.isfinite(errors[-1]):
            return _result(trained, errors)
        if per_example:
            for xi, ti in zip(x, t):
                trained.update(trained.backward(xi, ti))
        else:
            trained.update(trained.backward(x, t, fw))
    errors.append(trained.forward(x, t).total_error)
    return _result(trained, errors)


def _result(trained: Network, errors: list[float]) -> TrainingResult:
    curve = np.array(errors, dtype=float)
    finite = np.isfinite(curve)
    diverged = None if finite.all() else int(np.argmin(finite))
    return TrainingResult(trained, curve, diverged)


@dataclass(frozen=True)
class SweepResult:
    """``K`` copies of one network trained side by side, one learning rate each.

    ``errors[k, i]`` is network k's E_total after ``i * record_every``
    iterations; ``weights[l][k]`` and ``biases[l][k]`` its final parameters.
    """

    learning_rates: np.ndarray
    errors: np.ndarray
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    record_every: int


def train_many(network: Network, inputs: object, targets: object,
               learning_rates: object, iterations: int, record_every: int = 100) -> SweepResult:
    """Train one copy of ``network`` per learning rate, all at once on a batch axis.

    Every copy sees the same single example (the first row of ``inputs``)
    and the network's options (order, bias updates).  Diverging copies turn
    to inf/nan quietly and do not disturb the others.
    """
    x, t = network.check_data(inputs, targets)
    x, t = x[0], t[0]
    iterations = check_iterations(iterations)
    rates = np.array([v.parse_learning_rate(r) for r in np.atleast_1d(np.asarray(learning_rates, dtype=object))])
    K = rates.size
    # The K copies run along the LAST axis, so every array operation works on
    # contiguous rows of K values: several times faster than K leading.
    W = [np.repeat(w[:, :, None], K, axis=2) for w in network.weights]   # (n_out, n_in, K)
    B = [np.repeat(b[:, None], K, axis=1) for b in network.biases]       # (1 or n_out, K)
    a0 = np.repeat(x[:, None], K, axis=1)                                 # (n_0, K)
    acts = [ACTIVATIONS[name] for name in network.activations]
    loss = LOSSES[network.loss]
    shared = network.bias_mode == "shared"
    seed_order = network.order == "seed"
    record_every = v.parse_whole("record_every", record_every, 1, MAX_ITERATIONS)
    history = []

    with np.errstate(over="ignore", invalid="ignore"):
        for i in range(iterations + 1):
            outs, nets = [a0], []
            for Wl, bl, act in zip(W, B, acts):
                z = np.einsum("ijk,jk->ik", Wl, outs[-1]) + bl
                nets.append(z)
                outs.append(act.f(z))
            if i % record_every == 0 or i == iterations:
                # the loss table wants the output axis last
                history.append(loss.errors(outs[-1].T, t).sum(axis=-1))
            if i == iterations:
                break
            d_out = loss.d_out(outs[-1].T, t).T
            for l in reversed(range(len(W))):
                delta = d_out * acts[l].df(nets[l], outs[l + 1])              # (n_out, K)
                new_W = W[l] - rates * (delta[:, None, :] * outs[l][None, :, :])
                if l > 0:
                    d_out = np.einsum("ijk,ik->jk", new_W if seed_order else W[l], delta)
                W[l] = new_W
                if network.update_biases:
                    B[l] = B[l] - rates * (delta.sum(axis=0, keepdims=True) if shared else delta)
    return SweepResult(rates, np.array(history).T, tuple(np.moveaxis(w, 2, 0) for w in W),
                       tuple(np.moveaxis(b, 1, 0) for b in B), record_every)
