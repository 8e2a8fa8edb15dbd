"""The test oracle: the same network, neuron by neuron, on plain Python floats.

An implementation independent of the package: its formulas are written
here again, on purpose, so that the tests can hold the numpy engine (and the
compiled trainer) to agreement with it on random networks.  Nothing in the
package imports it.

Sums are written as explicit loops, left to right, because ``sum()`` of
floats is compensated from Python 3.12 on.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from itertools import repeat
from operator import mul

Matrix = list[list[float]]


def _sigmoid(z: float) -> float:
    # exp only sees -|z| (no OverflowError); nan takes the second branch
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _softplus(z: float) -> float:
    # ln(1 + e^z) = max(z, 0) + ln(1 + e^-|z|)
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


ACTIVATIONS: dict[str, tuple[Callable[[float], float], Callable[[float, float], float]]] = {
    "sigmoid": (_sigmoid, lambda z, a: a * (1.0 - a)),
    "tanh": (math.tanh, lambda z, a: 1.0 - a * a),
    "relu": (lambda z: z if z > 0 else 0.0, lambda z, a: 1.0 if z > 0 else 0.0),
    "linear": (lambda z: z, lambda z, a: 1.0),
    "leaky_relu": (lambda z: z if z > 0 else 0.01 * z, lambda z, a: 1.0 if z > 0 else 0.01),
    "softplus": (_softplus, lambda z, a: _sigmoid(z)),
}


def _bce(z: float, o: float, t: float, n: int) -> float:
    # -(t ln o + (1 - t) ln(1 - o)) for o = sigmoid(z), written with z: ln o = -softplus(-z)
    return (t * _softplus(-z) + (1.0 - t) * _softplus(z)) / n


LOSSES: dict[str, tuple[Callable[[float, float, float, int], float], Callable[[float, float, int], float]]] = {
    # d * d rather than d ** 2: float ** raises OverflowError where * gives inf
    "squared": (lambda z, o, t, n: 0.5 * ((t - o) * (t - o)), lambda o, t, n: -(t - o)),
    "mse": (lambda z, o, t, n: (t - o) * (t - o) / n, lambda o, t, n: -2.0 * (t - o) / n),
    # dE/dnet of a sigmoid output is (o - t) / n: the d_out below is never used alone
    "bce": (_bce, lambda o, t, n: (o - t) / n),
}


class ScalarNetwork:
    """Parameters as nested lists; forward, backward and update on floats.

    Arguments mirror :class:`explorer.engine.network.Network`; ``biases[l]`` is a
    one-element list when the layer's bias is shared.  ``velocities``
    (momentum's, as nested lists like ``weights`` and ``biases``) start at 0
    when not given.
    """

    def __init__(
        self,
        weights: Sequence[Sequence[Sequence[float]]],
        biases: Sequence[Sequence[float]],
        activations: Sequence[str],
        loss: str,
        learning_rate: float,
        update_biases: bool = False,
        order: str = "textbook",
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        velocities: tuple[Sequence[Sequence[Sequence[float]]], Sequence[Sequence[float]]] | None = None,
    ):
        self.W: list[Matrix] = [[[float(w) for w in row] for row in layer] for layer in weights]
        self.B: list[list[float]] = [[float(b) for b in layer] for layer in biases]
        self.acts = [ACTIVATIONS[name] for name in activations]
        self.loss, self.loss_d = LOSSES[loss]
        self.fused = loss == "bce"  # loss_d already is dE/dnet
        self.eta = float(learning_rate)
        self.update_biases = update_biases
        self.seed_order = order == "seed"
        self.lam, self.mu = float(weight_decay), float(momentum)
        if velocities is None:
            velocities = ([[[0.0] * len(row) for row in layer] for layer in self.W], [[0.0] * len(b) for b in self.B])
        self.VW: list[Matrix] = [[[float(v) for v in row] for row in layer] for layer in velocities[0]]
        self.VB: list[list[float]] = [[float(v) for v in layer] for layer in velocities[1]]

    def forward(self, x: Sequence[float]) -> tuple[list[list[float]], list[list[float]]]:
        """(nets, outs) with outs[0] = x."""
        nets: list[list[float]] = []
        outs: list[list[float]] = [list(x)]
        a = outs[0]
        for W, b, (f, _df) in zip(self.W, self.B, self.acts):
            z = []
            rest = a[1:]
            for row, bk in zip(W, b * len(W) if len(b) == 1 else b):
                # row . a + b, added left to right (inlined: the hot path)
                acc = row[0] * a[0]
                j = 1
                for aj in rest:
                    acc += row[j] * aj
                    j += 1
                z.append(acc + bk)
            a = list(map(f, z))
            nets.append(z)
            outs.append(a)
        return nets, outs

    def error(self, net: Sequence[float], out: Sequence[float], t: Sequence[float]) -> float:
        """E_total: the per-output errors added in order."""
        return _ordered_sum(list(map(self.loss, net, out, t, repeat(len(out)))))

    def backward(
        self, passes: Sequence[tuple[list[list[float]], list[list[float]]]], targets: Sequence[Sequence[float]]
    ) -> tuple[list[Matrix], list[list[float]]]:
        """Gradients (weights, biases) of E_total, averaged over the examples.

        ``passes`` holds each example's ``(nets, outs)`` from :meth:`forward`.
        Under the seed's order the deltas travel down through the weights as
        the (mean) update leaves them, as in the engine.
        """
        L = len(self.W)
        d_outs = []
        for (_nets, outs), t in zip(passes, targets):
            out = outs[-1]
            d_outs.append([self.loss_d(o, tk, len(out)) for o, tk in zip(out, t)])
        g_w: list[Matrix] = [[]] * L
        g_b: list[list[float]] = [[]] * L
        for l in range(L - 1, -1, -1):
            df = (lambda z, a: 1.0) if self.fused and l == L - 1 else self.acts[l][1]
            deltas = [
                [d * df(z, a) for d, z, a in zip(d_out, nets[l], outs[l + 1])]
                for d_out, (nets, outs) in zip(d_outs, passes)
            ]
            per_w = [[[d * ap for ap in outs[l]] for d in delta] for delta, (_n, outs) in zip(deltas, passes)]
            per_b = [[_ordered_sum(delta)] if len(self.B[l]) == 1 else delta for delta in deltas]
            g_w[l] = [[_mean([g[k][j] for g in per_w]) for j in range(len(per_w[0][k]))] for k in range(len(per_w[0]))]
            g_b[l] = [_mean([g[k] for g in per_b]) for k in range(len(per_b[0]))]
            if l == 0:
                break
            W = self.W[l]
            if self.seed_order:
                eta = self.eta
                W = [[w - eta * g for w, g in zip(row, grow)] for row, grow in zip(W, g_w[l])]
            d_outs = [_backpropagate(W, delta) for delta in deltas]
        return g_w, g_b

    def update(self, g_w: list[Matrix], g_b: list[list[float]]) -> None:
        """The update rule, one parameter at a time.

        g = dE/dw + lambda w (weights only); without momentum w - eta g, with
        it v = mu v - eta g, then w + v.
        """
        for W, G, V in zip(self.W, g_w, self.VW):
            for row, grow, vrow in zip(W, G, V):
                for j in range(len(row)):
                    g = grow[j] + self.lam * row[j] if self.lam else grow[j]
                    row[j] = self._moved(row[j], g, vrow, j)
        if self.update_biases:
            for b, g, v in zip(self.B, g_b, self.VB):
                for k in range(len(b)):
                    b[k] = self._moved(b[k], g[k], v, k)

    def _moved(self, p: float, g: float, velocity: list[float], i: int) -> float:
        """``p`` after one step along gradient ``g``; under momentum ``velocity[i]`` is updated first."""
        if not self.mu:
            return p - self.eta * g
        velocity[i] = self.mu * velocity[i] - self.eta * g
        return p + velocity[i]

    def dataset_error(self, inputs: Sequence[Sequence[float]], targets: Sequence[Sequence[float]]) -> float:
        """Mean E_total over the examples (added in order)."""
        total = 0.0
        for x, t in zip(inputs, targets):
            nets, outs = self.forward(x)
            total += self.error(nets[-1], outs[-1], t)
        return total / len(inputs)

    def step(self, x: Sequence[float], t: Sequence[float]) -> float:
        """One online update on one example; returns E_total before it.

        The same arithmetic as ``backward`` then ``update``, fused so that no
        gradient lists are built: the training loop's hot path.  Weight decay
        and momentum take the long way, ``backward`` then ``update``.
        """
        if self.lam or self.mu:
            passes = [self.forward(x)]
            self.update(*self.backward(passes, [t]))
            nets, outs = passes[0]
            return self.error(nets[-1], outs[-1], t)
        nets, outs = self.forward(x)
        out = outs[-1]
        n = len(out)
        error = self.error(nets[-1], out, t)
        eta, seed_order, W_all, acts = self.eta, self.seed_order, self.W, self.acts
        d_out = list(map(self.loss_d, out, t, repeat(n, n)))
        for l in range(len(W_all) - 1, -1, -1):
            if self.fused and l == len(W_all) - 1:
                delta = d_out
            else:
                delta = list(map(mul, d_out, map(acts[l][1], nets[l], outs[l + 1])))
            a_prev = outs[l]
            if l > 0 and not seed_order:
                d_out = _backpropagate(self.W[l], delta)  # through the weights before the update
            # w - eta * (delta * a), grouped as the engine groups it; in place
            # because list building costs more than the arithmetic here
            W = W_all[l]
            for row, d in zip(W, delta):
                for j, ap in enumerate(a_prev):
                    row[j] -= eta * (d * ap)
            if self.update_biases:
                b = self.B[l]
                if len(b) == 1:
                    b[0] = b[0] - eta * _ordered_sum(delta)
                else:
                    self.B[l] = [bk - eta * d for bk, d in zip(b, delta)]
            if l > 0 and seed_order:
                d_out = _backpropagate(W, delta)  # through the already-updated weights
        return error

    def train(
        self,
        inputs: Sequence[Sequence[float]],
        targets: Sequence[Sequence[float]],
        iterations: int,
        batch: bool = False,
    ) -> list[float]:
        """Run ``iterations`` passes over the examples; return the error after each.

        The list has ``iterations + 1`` entries: entry i is the mean E_total
        with the parameters after i iterations.  It ends early, at the first
        non-finite error, when a too-large learning rate diverges.
        """
        m = len(inputs)
        history: list[float] = []
        isfinite = math.isfinite
        if m == 1:
            x, t = inputs[0], targets[0]
            step = self.step
            for _ in range(iterations):
                error = step(x, t)
                history.append(error)
                if not isfinite(error):
                    return history
        else:
            for _ in range(iterations):
                error = self.dataset_error(inputs, targets)
                history.append(error)
                if not isfinite(error):
                    return history
                if batch:
                    self.update(*self.backward([self.forward(x) for x in inputs], targets))
                else:
                    for x, t in zip(inputs, targets):
                        self.step(x, t)
        history.append(self.dataset_error(inputs, targets))
        return history


def _backpropagate(W: Matrix, delta: list[float]) -> list[float]:
    """dE_total/dout_j = sum over k of delta_k * w_kj, k in order."""
    d_out = []
    for j in range(len(W[0])):
        acc = delta[0] * W[0][j]
        for k in range(1, len(delta)):
            acc += delta[k] * W[k][j]
        d_out.append(acc)
    return d_out


def _ordered_sum(values: Sequence[float]) -> float:
    total = values[0]
    for value in values[1:]:
        total += value
    return total


def _mean(values: Sequence[float]) -> float:
    """The mean, adding in order; one value is returned as it is (x / 1 == x)."""
    return _ordered_sum(values) / len(values) if len(values) > 1 else values[0]


def as_scalar(network) -> ScalarNetwork:
    """The oracle's copy of an engine ``Network``: the one conversion between the two."""
    velocity = network.velocities()
    return ScalarNetwork(
        [w.tolist() for w in network.weights],
        [b.tolist() for b in network.biases],
        network.activations,
        network.loss,
        network.learning_rate,
        network.update_biases,
        network.order,
        network.weight_decay,
        network.momentum,
        ([v.tolist() for v in velocity.weights], [v.tolist() for v in velocity.biases]),
    )
