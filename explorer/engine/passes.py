"""The forward and backward passes on arrays: the one place the chain rule is written.

Notation (the seed's symbols on the right)::

    W[l][k, j]   weight from neuron j of layer l to neuron k of layer l+1   w1..w8
    b[l]         bias of layer l+1: shape (1,) shared, or one per neuron     b1, b2
    z = net      net input of a layer                                        net_h1
    a = out      output of a layer, a[0] = the inputs                        out_h1
    delta        dE_total/dnet of a layer                                    dE_o1/dnet_o1

:func:`feed_forward` and :func:`backpropagate` take bare arrays (one network,
or many stacked on a leading axis) and return what they computed; nothing
here changes a parameter.  :class:`~explorer.engine.network.Network`'s
``forward`` and ``backward``, the trainers, the sweep and the walkthrough all
take their numbers from these two functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .functions import Activation, Loss
from .options import Options


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
        return float(np.mean(np.sum(self.errors, axis=-1)))


class Gradients(NamedTuple):  # a NamedTuple: made once per training step, and cheap to make
    """dE_total with respect to every parameter, plus the deltas behind them.

    ``weights[l]`` and ``biases[l]`` have the shapes of the network's
    parameters (means over examples).  ``deltas[l - 1]`` is dE_total/dnet of
    layer ``l`` and ``d_outs[l - 1]`` dE_total/dout of layer ``l``, per
    example.  Under the seed's order the hidden-layer entries were
    propagated through already-updated weights.
    """

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    deltas: tuple[np.ndarray, ...]
    d_outs: tuple[np.ndarray, ...] = ()


def _transpose(W: np.ndarray) -> np.ndarray:
    """W with its last two axes swapped (``W.T`` for one matrix, stacked ones too)."""
    # the method, not np.swapaxes: the function's dispatch costs 0.7 us, once per layer and example
    return W.T if W.ndim == 2 else W.swapaxes(-1, -2)


# Networks stacked on a leading axis (train_many) are thousands of tiny
# matrices: einsum's loop beats a matmul call per matrix there, by 1.5-2.5x.
# Not for inputs shared by every copy with several examples (shape (1, m, n),
# m > 1), where matmul's broadcasting is 2-3x faster than einsum's.
def _stacked_times_transposed(a: np.ndarray, W: np.ndarray) -> np.ndarray:
    """a @ W.T per stacked network: sum over j of W[k, j] a[j], per example."""
    if a.shape[0] == 1 and a.shape[-2] > 1:
        return a @ W.swapaxes(-1, -2)
    return np.einsum("...ij,...mj->...mi", W, a)


def _stacked_times(delta: np.ndarray, W: np.ndarray) -> np.ndarray:
    """delta @ W per stacked network: sum over k of delta[k] W[k, j], per example."""
    return np.einsum("...mi,...ij->...mj", delta, W)


def feed_forward(
    weights: Sequence[np.ndarray], biases: Sequence[np.ndarray], activations: Sequence[Activation], a: np.ndarray
) -> tuple[list, list]:
    """(nets, outs) of every layer for inputs ``a``, shape (n_0,) or (m, n_0).

    Call under ``np.errstate(over="ignore", invalid="ignore")``.
    """
    nets, outs = [], [a]
    for W, b, act in zip(weights, biases, activations):
        # net_k = sum over j of w_kj out_j, plus b_k
        z = (a @ W.T if W.ndim == 2 else _stacked_times_transposed(a, W)) + b
        a = act.f(z)
        nets.append(z)
        outs.append(a)
    return nets, outs


def backpropagate(
    weights: Sequence[np.ndarray],
    options: Options,
    nets: Sequence[np.ndarray],
    outs: Sequence[np.ndarray],
    targets: np.ndarray,
    eta: float | np.ndarray | None = None,
    full: bool = True,
) -> Gradients:
    """The chain rule, layer by layer from the outputs down: the one place it is written.

    Parameters
    ----------
    weights : ``weights[l]`` of shape (n_{l+1}, n_l)
    nets, outs : from :func:`feed_forward`, one example (vectors) or m (rows)
    targets : shape like ``outs[-1]``
    eta : learning rate for the seed's order (default ``options.learning_rate``)
    full : also work out what an update may not use: the bias gradients when
        biases stay fixed, and dE_total/dout of a fused output layer

    Networks stacked on a leading axis (``weights[l]`` of shape (K, n_{l+1}, n_l),
    ``outs[l]`` of shape (K, m, n_l), ``eta`` of shape (K, 1, 1)) work the same.

    Returns
    -------
    Gradients
        Means over the examples when there are rows.

    Call under ``np.errstate(over="ignore", invalid="ignore", divide="ignore")``.
    """
    acts, loss = options.records
    eta = options.learning_rate if eta is None else eta
    with_biases = full or options.update_biases
    L = len(weights)
    m = outs[-1].shape[-2] if outs[-1].ndim >= 2 else 0
    g_w, g_b, deltas, d_outs = [None] * L, [None] * L, [None] * L, [None] * L
    delta, d_out = _output_delta(acts[-1], loss, nets[-1], outs[-1], targets, full)
    for l in range(L - 1, -1, -1):
        deltas[l], d_outs[l] = delta, d_out
        g_w[l] = _weight_gradient(delta, outs[l], m)
        if with_biases:
            per_neuron = delta.sum(axis=-2) / m if m else delta
            # a shared bias feeds every neuron of its layer: the sum of their deltas
            g_b[l] = per_neuron if options.bias_mode == "per-neuron" else np.sum(per_neuron, axis=-1, keepdims=True)
        if l == 0:
            break
        W = weights[l]
        if options.order == "seed":
            # The seed's summary figures: the deltas travel down through the
            # weights as this layer's update leaves them.
            W = W - eta * g_w[l]
        # dE_total/dout_j = sum over k of delta_k w_kj
        d_out = delta @ W if W.ndim == 2 else _stacked_times(delta, W)
        delta = d_out * acts[l - 1].df(nets[l - 1], outs[l])
    return Gradients(tuple(g_w), tuple(g_b), tuple(deltas), tuple(d_outs))


def _output_delta(
    act: Activation, loss: Loss, net: np.ndarray, out: np.ndarray, targets: np.ndarray, full: bool
) -> tuple[np.ndarray, np.ndarray | None]:
    """(delta, dE_total/dout) of the output layer; dE/dout is None when fused and not ``full``."""
    n = out.shape[-1]
    if loss.fused_delta is not None:
        # dE/dout * dout/dnet would be 0/0 where the sigmoid saturates; the product is exact
        return loss.fused_delta(net, out, targets, n), loss.d_out(net, out, targets, n) if full else None
    d_out = loss.d_out(net, out, targets, n)
    return d_out * act.df(net, out), d_out


def _weight_gradient(delta: np.ndarray, a_prev: np.ndarray, m: int) -> np.ndarray:
    """dE_total/dW of one layer: delta_k out_j, the mean over the ``m`` examples (0: one vector)."""
    if m > 1:
        delta_T = delta.T if delta.ndim == 2 else delta.swapaxes(-1, -2)
        return (delta_T @ a_prev) / m  # mean of delta_k out_j over examples
    if m:
        return _transpose(delta) * a_prev  # one row: an outer product, no sum
    return delta[:, None] * a_prev  # delta_k out_j
