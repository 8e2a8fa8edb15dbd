"""The classic mistakes of one step, each worked out by the engine with that mistake made.

For a step of a :class:`~explorer.lesson.walkthrough.Walkthrough`, :func:`mistakes`
lists what a student making one of the well-known slips would have written,
as numbers of this very network, so that a quiz can name the slip behind a
wrong answer on any network the explorer builds.  Nothing here is matched as
text or stored per figure.

Most mistakes are the engine itself run with one thing changed (an
:class:`~explorer.engine.network.Options` or record variant), then read at the
step's place by :func:`read` (the same place the walkthrough took the right
value from):

=====================  ====================================================
``sign``               the loss's slope written target - out: every
                       backward quantity changes sign, the update adds
``half``               the squared error without its 1/2 (a factor of 2)
``slope_as_out``       the sigmoid record's derivative written out, not
                       out(1 - out)
``updated_for_old``    the seed's update order where the textbook's belongs:
                       the already-updated weights where the old belong
``old_for_updated``    the reverse, for a walkthrough in the seed's order
``net_for_out``        the layer below (or this one) without its
                       activation, so net goes where out belongs
``bias``               this layer's bias set to 0
``eta``                the engine's update with the learning rate 1
=====================  ====================================================

Three are about one factor of one formula and are computed from the
engine's own factors for the step: ``factor`` (one chain-rule factor left
out of a product), ``one_path`` (a hidden neuron's dE_total/dout through one
neuron above only) and, for a slope, ``net_for_out`` / ``out_for_net``
(the activation record's derivative given net for out, or out for net).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from explorer.engine.formatting import number
from explorer.engine.functions import ACTIVATIONS, Activation, Loss
from explorer.engine.network import Gradients, Network, Options, backpropagate, feed_forward

from .walkthrough import Step, Walkthrough

#: Every mistake recognised, by key: its name as the quiz says it.
MISTAKES = {
    "sign": "the sign flipped",
    "factor": "a factor of the chain rule left out",
    "net_for_out": "net used where out belongs",
    "out_for_net": "out used where net belongs",
    "slope_as_out": "the sigmoid's slope taken as out",
    "updated_for_old": "the already-updated weight used where the old one belongs",
    "old_for_updated": "the old weight used where the already-updated one belongs",
    "one_path": "one path only",
    "bias": "the bias left out",
    "half": "the 1/2 of the squared error dropped",
    "eta": "the learning rate left out",
}


@dataclass(frozen=True)
class Mistake:
    """What one slip gives for a step: ``key`` (of :data:`MISTAKES`), the value, one sentence."""

    key: str
    value: float
    explanation: str

    @property
    def name(self) -> str:
        return MISTAKES[self.key]


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


def _position(names, parameter: str) -> tuple[str, int, int, int]:
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
            act = r.options.records[0][l - 1]
            return float(act.df(r.nets[l - 1], r.outs[l])[k])
        if q in ("weight_above", "path"):
            via = nm.neurons[l + 1].index(step.via)
            w = r.above(l - 1)[via, k]
            return float(w if q == "weight_above" else g.deltas[l][via] * w)
        kind, pl, pk, pj = _position(nm, step.parameter)
        if q == "input":
            return float(r.outs[pl][pj]) if kind == "w" else 1.0
        if q == "gradient":
            return float(g.weights[pl][pk, pj] if kind == "w" else g.biases[pl][pk])
        if q == "update":
            return float(r.after.weights[pl][pk, pj] if kind == "w" else r.after.biases[pl][pk])
    raise ValueError(f"unknown quantity {q!r}")


# ------------------------------------------------------------------ variants


def _negated(loss: Loss) -> Loss:
    """The loss with its slope written target - out: d_out (and a fused delta) change sign."""
    fused = loss.fused_delta
    return dataclasses.replace(
        loss,
        d_out=lambda out, t, n: -loss.d_out(out, t, n),
        fused_delta=None if fused is None else (lambda out, t, n: -fused(out, t, n)),
    )


def _doubled(loss: Loss) -> Loss:
    """The squared error without its 1/2: each error and its slope twice as large."""
    return dataclasses.replace(
        loss,
        errors=lambda net, out, t, n: 2.0 * loss.errors(net, out, t, n),
        d_out=lambda out, t, n: 2.0 * loss.d_out(out, t, n),
    )


def _out_as_slope(act: Activation) -> Activation:
    """The sigmoid with its derivative written out instead of out(1 - out)."""
    return dataclasses.replace(act, df=lambda net, out: out + 0.0) if act.name == "sigmoid" else act


_LINEAR = ACTIVATIONS["linear"]


class _Context:
    """One walkthrough's plain run and the variants asked for, each run once."""

    def __init__(self, walk: Walkthrough):
        self.walk = walk
        self.network = walk.network
        self.names = walk.network.names
        self._runs: dict[object, Run] = {}

    def run(self, key: object, make: Callable[[], dict]) -> Run:
        if key not in self._runs:
            self._runs[key] = run(self.network, self.walk.inputs, self.walk.targets, **make())
        return self._runs[key]

    @property
    def plain(self) -> Run:
        return self.run("plain", dict)

    def records(self, activations=None, loss=None) -> Options:
        acts, base_loss = self.network.options.records
        return with_records(self.network.options, activations or acts, loss or base_loss)

    def linear_layer(self, layer: int) -> Run:
        """The run with layer ``layer``'s activation left out: its out is its net."""
        acts = list(self.network.options.records[0])
        acts[layer - 1] = _LINEAR
        return self.run(("linear", layer), lambda: dict(options=self.records(activations=acts)))


# -------------------------------------------------------------- the mistakes


def _backward(step: Step) -> bool:
    return step.quantity in ("d_out", "delta", "path", "gradient", "update")


def _sign(c: _Context, step: Step) -> Iterator[Mistake]:
    if not _backward(step):
        return
    loss = c.network.options.records[1]
    r = c.run("sign", lambda: dict(options=c.records(loss=_negated(loss))))
    if step.quantity == "update":
        text = (
            f"The step was added: {step.parameter}+ = {step.parameter} - eta · dE_total/d{step.parameter} "
            "moves against the gradient."
        )
    else:
        text = "The error's slope is out - target, not target - out: check the sign of each factor."
    yield Mistake("sign", read(r, step, c.network), text)


def _factors(c: _Context, step: Step) -> list[tuple[str, np.ndarray]]:
    """The factors of a chain-rule product, as (symbol, value) from the engine; [] for other steps."""
    r, nm, q, l = c.plain, c.names, step.quantity, step.layer
    g = r.gradients
    if q == "path":
        k = nm.neurons[l].index(step.neuron)
        via = nm.neurons[l + 1].index(step.via)
        to_output = l + 1 == len(c.network.weights)
        return [
            (f"dE_{step.via}/dnet_{step.via}" if to_output else f"dE_total/dnet_{step.via}", g.deltas[l][via]),
            (f"dnet_{step.via}/dout_{step.neuron}", r.above(l - 1)[via, k]),
        ]
    if q == "delta" or (q == "gradient" and step.neuron):
        k = nm.neurons[l].index(step.neuron)
        slope = r.options.records[0][l - 1].df(r.nets[l - 1], r.outs[l])[k]
        factors = [
            (f"dE_total/dout_{step.neuron}", g.d_outs[l - 1][k]),
            (f"dout_{step.neuron}/dnet_{step.neuron}", slope),
        ]
        if q == "gradient":
            kind, pl, _pk, pj = _position(nm, step.parameter)
            if kind == "w":
                factors.append((f"dnet_{step.neuron}/d{step.parameter}", r.outs[pl][pj]))
        return factors
    if q == "gradient":  # a shared bias: the sum over its layer of dE_total/dout times the slope
        layer = l - 1
        slopes = r.options.records[0][layer].df(r.nets[layer], r.outs[l])
        return [
            (f"dE_total/dout of each neuron of layer {l}", g.d_outs[layer]),
            (f"dout/dnet of each neuron of layer {l}", slopes),
        ]
    return []


def _factor(c: _Context, step: Step) -> Iterator[Mistake]:
    factors = _factors(c, step)
    for i, (symbol, _value) in enumerate(factors):
        rest = [value for j, (_s, value) in enumerate(factors) if j != i]
        value = float(np.sum(np.prod(rest, axis=0)))
        yield Mistake("factor", value, f"{symbol} is missing from the product.")


def _net_for_out(c: _Context, step: Step) -> Iterator[Mistake]:
    q, l, nm = step.quantity, step.layer, c.names
    L = len(c.network.weights)
    if (
        q in ("net", "input")
        and l is not None
        and l >= 2
        and not (q == "input" and step.parameter and _position(nm, step.parameter)[0] == "b")
    ):
        below = l - 1
        layer_names = ", ".join(f"net_{n}" for n in nm.neurons[below])
        yield Mistake(
            "net_for_out",
            read(c.linear_layer(below), step, c.network),
            f"The net inputs of the layer below ({layer_names}) were used where their outputs belong.",
        )
    elif q == "out":
        act = c.network.activations[l - 1]
        yield Mistake(
            "net_for_out",
            read(c.linear_layer(l), step, c.network),
            f"That is net_{step.neuron} itself: out_{step.neuron} is the {act} of it.",
        )
    elif q in ("error", "total_error") or (q == "d_out" and l == L):
        outputs = nm.neurons[-1] if q == "total_error" else (step.neuron,)
        yield Mistake(
            "net_for_out",
            read(c.linear_layer(L), step, c.network),
            f"{', '.join('net_' + o for o in outputs)} {'was' if len(outputs) == 1 else 'were'} "
            f"used where {', '.join('out_' + o for o in outputs)} belong{'s' * (len(outputs) == 1)}.",
        )
    elif q == "slope":
        k = nm.neurons[l].index(step.neuron)
        act = c.network.options.records[0][l - 1]
        net, out = c.plain.nets[l - 1], c.plain.outs[l]
        n = step.neuron
        with np.errstate(over="ignore", invalid="ignore"):
            yield Mistake(
                "net_for_out",
                float(act.df(net, net)[k]),
                f"net_{n} was put where out_{n} belongs in the slope {_slope_words(act, n)}.",
            )
            yield Mistake(
                "out_for_net",
                float(act.df(out, out)[k]),
                f"out_{n} was put where net_{n} belongs in the slope {_slope_words(act, n)}.",
            )


def _slope_words(act: Activation, neuron: str) -> str:
    """The activation's slope written in plain text, for a sentence."""
    text = act.tex_slope.format(out=f"out_{neuron}", net=f"net_{neuron}")
    return text.replace(r"\frac{1}{1 + e^{-", "1/(1 + e^-").replace("}}", ")").replace(r"\le", "<=").replace(r"\,", " ")


def _slope_as_out(c: _Context, step: Step) -> Iterator[Mistake]:
    if step.quantity not in ("slope", "delta", "gradient") or step.layer is None:
        return
    if c.network.activations[step.layer - 1] != "sigmoid":
        return
    acts = [_out_as_slope(a) for a in c.network.options.records[0]]
    r = c.run("slope_as_out", lambda: dict(options=c.records(activations=acts)))
    yield Mistake(
        "slope_as_out",
        read(r, step, c.network),
        "The sigmoid's slope is out(1 - out), not out: the derivative of 1/(1 + e^-net).",
    )


def _order(c: _Context, step: Step) -> Iterator[Mistake]:
    L = len(c.network.weights)
    if step.layer is None or step.layer >= L or not (_backward(step) or step.quantity == "weight_above"):
        return
    seed = c.network.order == "seed"
    r = c.run(
        "order", lambda: dict(options=dataclasses.replace(c.network.options, order="textbook" if seed else "seed"))
    )
    if step.quantity == "weight_above":
        w = c.names.weights[step.layer][c.names.neurons[step.layer + 1].index(step.via)][
            c.names.neurons[step.layer].index(step.neuron)
        ]
        which = (
            f"the old {w} was used where the updated {w}+ belongs"
            if seed
            else f"the already-updated {w}+ was used where the old {w} belongs"
        )
    else:
        which = (
            "old weights were used where the already-updated ones belong"
            if seed
            else "already-updated weights were used where the old ones belong"
        )
    rule = (
        "in the worked example's order the hidden layer sees the weights above after their update"
        if seed
        else "in the textbook order every gradient uses the weights from before the update"
    )
    yield Mistake(
        "old_for_updated" if seed else "updated_for_old",
        read(r, step, c.network),
        f"{which[0].upper()}{which[1:]}: {rule}.",
    )


def _one_path(c: _Context, step: Step) -> Iterator[Mistake]:
    L = len(c.network.weights)
    if step.layer is None or step.layer >= L or not step.neuron:
        return
    if step.quantity == "gradient" and _position(c.names, step.parameter)[0] == "b" and c.network.bias_mode == "shared":
        return
    if step.quantity not in ("d_out", "gradient"):
        return
    r, l, nm = c.plain, step.layer, c.names
    k = nm.neurons[l].index(step.neuron)
    above = nm.neurons[l + 1]
    if len(above) < 2:
        return
    rest = 1.0
    if step.quantity == "gradient":  # the same path through the rest of the chain
        rest = [value for _s, value in _factors(c, step)[1:]]
        rest = float(np.prod(rest))
    for via, n in enumerate(above):
        path = r.gradients.deltas[l][via] * r.above(l - 1)[via, k]
        yield Mistake(
            "one_path",
            float(path * rest),
            f"Only the path through {n} was counted: {step.neuron} feeds every neuron above it, "
            f"so dE_total/dout_{step.neuron} adds the paths through {', '.join(above)}.",
        )


def _bias(c: _Context, step: Step) -> Iterator[Mistake]:
    if step.quantity != "net":
        return
    l = step.layer
    biases = [np.zeros_like(b) if i == l - 1 else b for i, b in enumerate(c.network.biases)]
    r = c.run(("bias", l), lambda: dict(biases=biases))
    bias = c.names.biases[l - 1][c.names.neurons[l].index(step.neuron)]
    yield Mistake(
        "bias",
        read(r, step, c.network),
        f"The bias {bias} was left out: net_{step.neuron} adds {bias} · 1 to the weighted inputs.",
    )


def _half(c: _Context, step: Step) -> Iterator[Mistake]:
    if c.network.loss != "squared" or step.quantity in ("net", "out", "slope", "input", "weight_above"):
        return
    loss = c.network.options.records[1]
    r = c.run("half", lambda: dict(options=c.records(loss=_doubled(loss))))
    if step.quantity in ("error", "total_error"):
        text = "The 1/2 was dropped: each output's error is 1/2 (target - out)^2."
    else:
        text = (
            "A factor of 2: the squared error's 1/2 cancels the 2 of the square, "
            "so dE_total/dout is out - target, not 2(out - target)."
        )
    yield Mistake("half", read(r, step, c.network), text)


def _eta(c: _Context, step: Step) -> Iterator[Mistake]:
    if step.quantity != "update":
        return
    r = c.run("eta", lambda: dict(update_rate=1.0))
    p = step.parameter
    yield Mistake(
        "eta",
        read(r, step, c.network),
        f"The learning rate was left out: {p}+ = {p} - eta · dE_total/d{p}, "
        f"with eta = {number(c.network.learning_rate)}.",
    )


def operands(step: Step, network: Network) -> list[str]:
    """The quantities ``step``'s formula combines, by name (for a hint): ``["w1", "i1", ...]``."""
    nm, q, l, n = network.names, step.quantity, step.layer, step.neuron
    L = len(network.weights)

    def value_name(layer: int, j: int) -> str:
        return nm.neurons[0][j] if layer == 0 else f"out_{nm.neurons[layer][j]}"

    if q == "net":
        k = nm.neurons[l].index(n)
        pairs = [(w, value_name(l - 1, j)) for j, w in enumerate(nm.weights[l - 1][k])]
        return [x for pair in pairs for x in pair] + [nm.biases[l - 1][k]]
    if q == "out":
        return [f"net_{n}"]
    if q == "error" or (q == "d_out" and l == L):
        return [f"target_{n}", f"out_{n}"]
    if q == "total_error":
        return [f"E_{o}" for o in nm.neurons[-1]]
    if q == "d_out":
        return [f"dE_{v}/dout_{n}" if l + 1 == L else f"dE_total/dout_{n} via {v}" for v in nm.neurons[l + 1]]
    if q == "slope":
        tex = ACTIVATIONS[network.activations[l - 1]].tex_slope
        return [f"{kind}_{n}" for kind in ("net", "out") if "{" + kind + "}" in tex]
    if q == "delta":
        return [f"dE_{n}/dout_{n}" if l == L else f"dE_total/dout_{n}", f"dout_{n}/dnet_{n}"]
    if q == "weight_above":
        w = nm.weights[l][nm.neurons[l + 1].index(step.via)][nm.neurons[l].index(n)]
        return [w + "+" if network.order == "seed" else w]
    if q == "path":
        v = step.via
        return [f"dE_{v}/dnet_{v}" if l + 1 == L else f"dE_total/dnet_{v}", f"dnet_{v}/dout_{n}"]
    kind, pl, _pk, pj = _position(nm, step.parameter)
    if q == "input":
        return [value_name(pl, pj)] if kind == "w" else []
    if q == "gradient":
        neurons = (n,) if n else nm.neurons[l]
        return [f"{s}" for x in neurons for s in (f"dE_total/dout_{x}", f"dout_{x}/dnet_{x}")] + (
            [f"dnet_{n}/d{step.parameter}"] if kind == "w" else []
        )
    if q == "update":
        return [step.parameter, "eta", f"dE_total/d{step.parameter}"]
    return []


#: In the order a diagnosis names them when two give the same number.
_ALL = (_sign, _factor, _one_path, _order, _slope_as_out, _net_for_out, _bias, _half, _eta)


def mistakes(walk: Walkthrough, step: Step, figures: int = 6) -> list[Mistake]:
    """The classic mistakes that apply to ``step``, each with the value it gives.

    A mistake is left out where it gives no finite number, or one within a
    unit of the right value's ``figures``-th significant figure (written to
    that many figures it could read as right: no mistake to tell about).  Two mistakes giving
    the same number are both kept, in the order of :data:`MISTAKES`' checks.

    Parameters
    ----------
    walk : the iteration (its network, inputs and targets)
    step : one of ``walk.steps``
    figures : significant figures that tell a mistake from the right value
    """
    c = _Context(walk)
    found = []
    for rule in _ALL:
        for mistake in rule(c, step):
            if math.isfinite(mistake.value) and not agrees(mistake.value, step.value, figures, slack=2.0):
                found.append(mistake)
    return found


def agrees(answer: float, value: float, figures: int, slack: float = 1.0) -> bool:
    """Whether ``answer`` is ``value`` to ``figures`` significant figures.

    That is: within half a unit of the ``figures``-th significant figure of
    ``value`` (0.7514 and 0.75137 are 0.75136507 to 4 figures, 0.7513 is
    not); ``slack`` times half a unit, if given.  Zero is only ever 0.
    """
    if value == 0 or not math.isfinite(value):
        return answer == value
    unit = 10.0 ** (math.floor(math.log10(abs(value))) - figures + 1)
    # a hair over half a unit: 0.1235 must count for 0.12345, stored as 0.123449999...
    return abs(answer - value) <= slack * 0.5 * unit * (1 + 1e-9)
