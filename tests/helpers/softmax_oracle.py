"""A second oracle for softmax outputs scored by categorical cross-entropy, on plain floats.

Written apart from the engine on purpose, the long way round: the output
delta is the chain rule through the softmax's full Jacobian,

    dE/dnet_k = sum_j dE/dout_j * dout_j/dnet_k,   dE/dout_j = -t_j / out_j,
    dout_j/dnet_k = out_j (delta_jk - out_k),

never the engine's shortcut out_k - t_k.  Hidden layers reuse the elementwise
activations of :mod:`tests.helpers.scalar_oracle`.  Sums are explicit loops,
left to right.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from tests.helpers.scalar_oracle import ACTIVATIONS, _backpropagate, _mean, _ordered_sum

Matrix = list[list[float]]


def softmax(z: Sequence[float]) -> list[float]:
    """e^z_k / sum_j e^z_j, the largest z taken out first (the same number, no overflow)."""
    top = max(z)
    e = [math.exp(zk - top) for zk in z]
    total = _ordered_sum(e)
    return [ek / total for ek in e]


def jacobian(out: Sequence[float]) -> Matrix:
    """J[j][k] = dout_j/dnet_k = out_j (delta_jk - out_k)."""
    return [[oj * ((1.0 if j == k else 0.0) - ok) for k, ok in enumerate(out)] for j, oj in enumerate(out)]


def output_delta(out: Sequence[float], t: Sequence[float]) -> list[float]:
    """dE/dnet_k through the Jacobian: sum over j of (-t_j / out_j) J[j][k]."""
    J = jacobian(out)
    d_out = [-tj / oj for tj, oj in zip(t, out)]
    return [_ordered_sum([d_out[j] * J[j][k] for j in range(len(out))]) for k in range(len(out))]


class SoftmaxNetwork:
    """Hidden layers of any elementwise activation, a softmax output layer, cross-entropy.

    ``biases[l]`` is a one-element list when the layer's bias is shared.
    """

    def __init__(
        self, weights, biases, hidden: Sequence[str], learning_rate: float, update_biases=False, order="textbook"
    ):
        self.W: list[Matrix] = [[[float(w) for w in row] for row in layer] for layer in weights]
        self.B: list[list[float]] = [[float(b) for b in layer] for layer in biases]
        self.hidden = [ACTIVATIONS[name] for name in hidden]
        self.eta, self.update_biases, self.seed_order = float(learning_rate), update_biases, order == "seed"

    def forward(self, x: Sequence[float]) -> tuple[list[list[float]], list[list[float]]]:
        nets, outs = [], [list(x)]
        for l, (W, b) in enumerate(zip(self.W, self.B)):
            a = outs[-1]
            z = [
                _ordered_sum([w * aj for w, aj in zip(row, a)]) + (b[0] if len(b) == 1 else b[k])
                for k, row in enumerate(W)
            ]
            nets.append(z)
            outs.append(softmax(z) if l == len(self.W) - 1 else [self.hidden[l][0](zk) for zk in z])
        return nets, outs

    @staticmethod
    def error(out: Sequence[float], t: Sequence[float]) -> float:
        """-sum_k t_k ln out_k (a zero target adds nothing)."""
        return _ordered_sum([-tk * math.log(ok) if tk else 0.0 for tk, ok in zip(t, out)])

    def gradients(self, xs, ts) -> tuple[list[Matrix], list[list[float]]]:
        """Mean gradients over the examples (the seed's order: deltas through updated weights)."""
        per_w, per_b = [], []
        for x, t in zip(xs, ts):
            nets, outs = self.forward(x)
            delta = output_delta(outs[-1], t)
            gw, gb = [None] * len(self.W), [None] * len(self.W)
            for l in range(len(self.W) - 1, -1, -1):
                gw[l] = [[d * a for a in outs[l]] for d in delta]
                gb[l] = [_ordered_sum(delta)] if len(self.B[l]) == 1 else list(delta)
                if l == 0:
                    break
                W = self.W[l]
                if self.seed_order:
                    W = [[w - self.eta * g for w, g in zip(row, grow)] for row, grow in zip(W, gw[l])]
                d_out = _backpropagate(W, delta)
                delta = [d * self.hidden[l - 1][1](z, a) for d, z, a in zip(d_out, nets[l - 1], outs[l])]
            per_w.append(gw)
            per_b.append(gb)
        L = len(self.W)
        g_w = [
            [[_mean([g[l][k][j] for g in per_w]) for j in range(len(self.W[l][0]))] for k in range(len(self.W[l]))]
            for l in range(L)
        ]
        g_b = [[_mean([g[l][k] for g in per_b]) for k in range(len(self.B[l]))] for l in range(L)]
        return g_w, g_b

    def update(self, g_w, g_b) -> None:
        self.W = [
            [[w - self.eta * g for w, g in zip(row, grow)] for row, grow in zip(W, G)] for W, G in zip(self.W, g_w)
        ]
        if self.update_biases:
            self.B = [[b - self.eta * g for b, g in zip(bs, gs)] for bs, gs in zip(self.B, g_b)]

    def dataset_error(self, xs, ts) -> float:
        return _ordered_sum([self.error(self.forward(x)[1][-1], t) for x, t in zip(xs, ts)]) / len(xs)

    def train(self, xs, ts, iterations: int, batch: bool = False) -> list[float]:
        """Errors before each iteration and after the last; online (one example at a time) or batch."""
        errors = []
        for _ in range(iterations):
            errors.append(self.dataset_error(xs, ts))
            if batch or len(xs) == 1:
                self.update(*self.gradients(xs, ts))
            else:
                for x, t in zip(xs, ts):
                    self.update(*self.gradients([x], [t]))
        errors.append(self.dataset_error(xs, ts))
        return errors


def as_softmax_scalar(network) -> SoftmaxNetwork:
    """The oracle's copy of an engine ``Network`` with softmax outputs."""
    return SoftmaxNetwork(
        [w.tolist() for w in network.weights],
        [b.tolist() for b in network.biases],
        network.activations[:-1],
        network.learning_rate,
        network.update_biases,
        network.order,
    )
