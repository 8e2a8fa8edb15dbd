"""Training loops: many iterations of one network, and many networks at once.

:func:`train` is pure: it returns a trained copy and the error curve, leaving
the network it was given untouched.  Every step goes through
:func:`~explorer.engine.network.backpropagate` and ``Network.update``; the small
networks of the worked example run a straight-line version of the same
arithmetic (:mod:`explorer.engine.compiled`) where numpy's per-call cost would
outweigh the sums.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from . import validation as v
from .network import Network
from .options import Options
from .passes import Gradients, backpropagate, feed_forward
from .validation import MAX_ITERATIONS, check_iterations  # noqa: F401 - re-exported

MODES = ("online", "batch")
#: Why batch mode and the seed's update order exclude each other, said alike by every
#: entry point that trains or steps: the seed's order sends each example's deltas through
#: weights that example alone updated, so the examples' gradients would not average to a batch's
SEED_ORDER_IN_BATCH = (
    "batch mode uses the textbook order; the seed's order goes with one example at a time: "
    "choose the textbook Update order first"
)
BACKENDS = ("auto", "compiled", "numpy")
#: Straight-line Python floats cost about the same per weight-times-example
#: product of an update; numpy costs about the same per layer, whatever its
#: width (its calls, not its sums, dominate).  The two cross, online and batch
#: alike, at about this many products per update and layer of weights: the
#: straight-line trainer is chosen up to there (benchmarks/crossover.py measures
#: both sides of it; 4-4-4-4 with 4 examples in batch, 64 a layer, runs 2x
#: faster compiled, 16-16-16 online, 256 a layer, 2x faster in numpy).
COMPILED_WORK_PER_LAYER = 128


def compiled_is_faster(network: Network, examples: int, mode: str) -> bool:
    """Whether the straight-line trainer beats numpy here (see :data:`COMPILED_WORK_PER_LAYER`)."""
    per_update = examples if mode == "batch" else 1
    work = sum(w.size for w in network.weights) * per_update
    return work <= COMPILED_WORK_PER_LAYER * len(network.weights)


#: Why the seed's order and batch mode exclude each other, told from the field that was changed.
_SEED_ORDER_IS_ONLINE = {
    "Mode": SEED_ORDER_IN_BATCH,
    "Update order": "the seed's order goes with online mode (one example at a time); switch Mode to online first",
}


def check_order_and_mode(order: str, mode: str, field: str) -> None:
    """Refuse the seed's order with batch updates, naming ``field`` ("Mode" or "Update order").

    The seed takes the hidden layer's gradients through output weights
    already updated for the one example at hand; with a batch there is no
    such example.  :func:`check_mode` refuses the same pair where training
    and the walkthrough start.
    """
    if order == "seed" and mode == "batch":
        raise v.InputError(field, _SEED_ORDER_IS_ONLINE[field])


class Checkpoints(NamedTuple):
    """Parameters to keep along one run, without cutting it into separate runs.

    ``keep(i, parameters)`` is called with the flat state after ``i``
    iterations (``Network.flat_state``: all weights, then all biases, then
    under momentum their velocities; an array or, from the straight-line
    trainer, a list), first at ``i = first``; it returns the next ``i`` it
    wants.  The parameters are the callee's to keep.
    """

    first: int
    keep: Callable[[int, Sequence[float]], int]


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


def check_mode(mode: object, network: Network, examples: int) -> str:
    """``mode`` checked, and refused as batch mode under the seed's order with several examples."""
    mode = v.check_choice("mode", mode, MODES)
    if mode == "batch" and examples > 1 and network.order == "seed":
        raise v.InputError("mode", SEED_ORDER_IN_BATCH)
    return mode


def train(
    network: Network, inputs: object, targets: object, iterations: int, mode: str = "online", backend: str = "auto"
) -> TrainingResult:
    """Train a copy of ``network`` for ``iterations`` passes over the examples.

    Parameters
    ----------
    inputs, targets : arrays of shape (n_0,) or (m, n_0), and (n_L,) or (m, n_L)
    mode : ``"online"`` (one update per example, in order) or ``"batch"``
        (one update per iteration with the mean gradient).
    backend : ``"numpy"``, ``"compiled"`` (straight-line floats, small
        networks) or ``"auto"`` (the faster of the two, by the measured
        crossover: :func:`compiled_is_faster`).

    Returns
    -------
    TrainingResult
        ``errors[i]`` is the mean E_total over all examples with the
        parameters after ``i`` iterations (``iterations + 1`` entries).
    """
    x, t = network.check_data(inputs, targets)
    iterations = check_iterations(iterations)
    mode = check_mode(mode, network, x.shape[0])
    backend = v.check_choice("backend", backend, BACKENDS)
    return train_checked(network, x, t, iterations, mode, backend)


def train_checked(
    network: Network,
    x: np.ndarray,
    t: np.ndarray,
    iterations: int,
    mode: str,
    backend: str = "auto",
    checkpoints: Checkpoints | None = None,
) -> TrainingResult:
    """:func:`train` on arguments already checked, keeping ``checkpoints`` on the way.

    For callers that checked their examples once, when they came in
    (``Network.check_data``: arrays of shape (m, n_0) and (m, n_L)), and call
    this many times: the session's Train button, the history's recomputation.
    """
    if backend == "compiled" or (backend == "auto" and compiled_is_faster(network, x.shape[0], mode)):
        from .compiled import train_compiled  # noqa: PLC0415 (built on first use)

        result = train_compiled(network, x, t, iterations, mode, checkpoints)
        if result is not None:
            return _result(*result)
    return _result(*_train_numpy(network, x, t, iterations, mode, checkpoints))


def _train_numpy(
    network: Network, x: np.ndarray, t: np.ndarray, iterations: int, mode: str, checkpoints: Checkpoints | None
) -> tuple[Network, np.ndarray]:
    trained = network.copy()
    options = trained.options
    acts, loss = options.records
    m, n = t.shape
    errors = np.empty(iterations + 1)
    # with one example, online and batch are the same step
    per_example = list(zip(x, t)) if mode == "online" and x.shape[0] > 1 else None
    isfinite = math.isfinite
    due, keep = checkpoints if checkpoints is not None else (-1, None)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for i in range(iterations + 1):
            if i == due:
                due = keep(i, trained.flat_state())
            nets, outs = feed_forward(trained.weights, trained.biases, acts, x)
            # the mean over examples of E_total: ndarray.mean's own bookkeeping
            # costs more than the sums here; sum / m is the same number
            errors[i] = error = loss.errors(nets[-1], outs[-1], t, n).sum(axis=1).sum() / m
            if i == iterations or not isfinite(error):
                return trained, errors[: i + 1]
            if per_example is None:
                trained.update(backpropagate(trained.weights, options, nets, outs, t, full=False), quiet=False)
            else:
                for xi, ti in per_example:
                    nets, outs = feed_forward(trained.weights, trained.biases, acts, xi)
                    trained.update(backpropagate(trained.weights, options, nets, outs, ti, full=False), quiet=False)
    raise AssertionError("unreachable")


def _result(trained: Network, errors: np.ndarray) -> TrainingResult:
    curve = np.asarray(errors, dtype=float)
    finite = np.isfinite(curve)
    diverged = None if finite.all() else int(np.argmin(finite))
    return TrainingResult(trained, curve, diverged)


@dataclass(frozen=True)
class SweepResult:
    """``K`` copies of one network trained side by side, one learning rate each.

    ``errors[k, i]`` is copy k's mean E_total after ``i * record_every``
    iterations (and after the last); ``weights[l][k]`` and ``biases[l][k]``
    its final parameters; ``diverged_at[k]`` the first iteration whose
    error was not finite, or -1 if it never diverged.
    """

    learning_rates: np.ndarray
    errors: np.ndarray
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    record_every: int
    diverged_at: np.ndarray


_CHUNK = 256


def _note_divergence(errors: np.ndarray, first: int, diverged: np.ndarray) -> None:
    """Set ``diverged[k]`` to the first iteration whose error is not finite, where still -1."""
    finite = np.isfinite(errors)  # (iterations in chunk, K)
    new = (diverged < 0) & ~finite.all(axis=0)
    diverged[new] = first + np.argmin(finite[:, new], axis=0)


def train_many(
    network: Network,
    inputs: object,
    targets: object,
    learning_rates: object,
    iterations: int,
    record_every: int = 100,
    mode: str = "online",
) -> SweepResult:
    """Train one copy of ``network`` per learning rate, all at once on a stacked axis.

    Every copy trains on all the examples, online or batch as :func:`train`
    does, with the network's options (order, bias updates, weight decay,
    momentum from the network's velocities).  Diverging
    copies turn to inf/nan quietly and do not disturb the others.

    Parameters
    ----------
    inputs, targets : arrays of shape (n_0,) or (m, n_0), and (n_L,) or (m, n_L)
    learning_rates : K values
    record_every : keep the error every this many iterations (and the last)
    mode : ``"online"`` or ``"batch"``
    """
    x, t = network.check_data(inputs, targets)
    iterations = check_iterations(iterations)
    mode = check_mode(mode, network, x.shape[0])
    rates = np.array([v.parse_learning_rate(r) for r in np.atleast_1d(np.asarray(learning_rates, dtype=object))])
    record_every = v.parse_whole("record_every", record_every, 1, MAX_ITERATIONS)
    K = rates.size
    # the copies stack on a leading axis: W (K, n_out, n_in), b (K, 1, n_b)
    W = [np.repeat(w[None], K, axis=0) for w in network.weights]
    B = [np.repeat(b[None, None], K, axis=0) for b in network.biases]
    velocity = network.velocities()
    V = (
        [np.repeat(v[None], K, axis=0) for v in velocity.weights],
        [np.repeat(b[None, None], K, axis=0) for b in velocity.biases],
    )
    history, diverged = _train_stacked(
        W, B, V, network.options, rates[:, None, None], x, t, iterations, record_every, mode
    )
    return SweepResult(rates, np.array(history).T, tuple(W), tuple(b[:, 0, :] for b in B), record_every, diverged)


def _update_stacked(W: list, B: list, V: tuple[list, list], options: Options, eta: np.ndarray, g: Gradients) -> None:
    """The copies' own update, in place: Network.update's rule, term for term, one eta per copy.

    ``V`` holds the copies' velocities (weights, biases), stacked as ``W`` and ``B``.
    """
    lam, mu, biases = options.weight_decay, options.momentum, options.update_biases
    for l in range(len(W)):
        g_w = g.weights[l] + lam * W[l] if lam else g.weights[l]
        g_b = g.biases[l][:, None, :] if biases else None
        if not mu:
            W[l] = W[l] - eta * g_w
            if biases:
                B[l] = B[l] - eta * g_b
            continue
        V[0][l] = mu * V[0][l] - eta * g_w
        W[l] = W[l] + V[0][l]
        if biases:
            V[1][l] = mu * V[1][l] - eta * g_b
            B[l] = B[l] + V[1][l]


def _train_stacked(
    W: list,
    B: list,
    V: tuple[list, list],
    options: Options,
    eta: np.ndarray,
    x: np.ndarray,
    t: np.ndarray,
    iterations: int,
    every: int,
    mode: str,
) -> tuple[list, np.ndarray]:
    """Train the stacked copies ``W``, ``B`` and velocities ``V`` in place, one rate each (``eta``: (K, 1, 1)).

    Returns the errors kept (every ``every`` iterations and the last, each
    of shape (K,)) and where each copy diverged (-1: never).
    """
    acts, loss = options.records
    K, m, n = eta.shape[0], x.shape[0], t.shape[1]
    x3, t3 = x[None], t[None]  # (1, m, n): shared by the copies
    per_example = [(x3[:, e : e + 1], t3[:, e : e + 1]) for e in range(m)] if mode == "online" and m > 1 else None
    # errors go to a buffer of CHUNK iterations; where each copy diverged is
    # worked out once per chunk rather than once per iteration
    chunk = np.empty((min(_CHUNK, iterations + 1), K))
    history, diverged = [], np.full(K, -1)

    def step(target: np.ndarray, nets: list, outs: list) -> None:
        _update_stacked(W, B, V, options, eta, backpropagate(W, options, nets, outs, target, eta, full=False))

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for i in range(iterations + 1):
            nets, outs = feed_forward(W, B, acts, x3)
            error = chunk[i % _CHUNK]
            np.sum(loss.errors(nets[-1], outs[-1], t3, n), axis=(-2, -1), out=error)
            if m > 1:
                error /= m  # the mean over examples
            if i % every == 0 or i == iterations:
                history.append(error.copy())
            if i % _CHUNK == _CHUNK - 1 or i == iterations:
                _note_divergence(chunk[: i % _CHUNK + 1], i - i % _CHUNK, diverged)
            if i == iterations:
                break
            if per_example is None:
                step(t3, nets, outs)
            else:
                for xe, te in per_example:
                    step(te, *feed_forward(W, B, acts, xe))
    return history, diverged
