"""The mistakes about one factor of one formula, computed from the engine's own factors for the step.

=====================  ====================================================
``factor``             one chain-rule factor left out of a product
``one_path``           a hidden neuron's dE_total/dout through one neuron
                       above only
``slope_as_out``       this neuron's sigmoid slope taken as out in this
                       one product (dE_total/dout_h1 * out_h1 * i1)
``net_for_out``,       in a slope, the activation record's derivative given
``out_for_net``        net for out, or out for net
=====================  ====================================================
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from explorer.engine.functions import Activation, shown_slope

from .known_mistakes import Mistake
from .reruns import Context, is_mean, neuron_of, position
from .steps import Step


def _factors(c: Context, step: Step) -> list[tuple[str, np.ndarray]]:
    """The factors of a chain-rule product, as (symbol, value) from the engine; [] for other steps."""
    r, nm, q, l = c.plain(step), c.names, step.quantity, step.layer
    g = r.gradients
    neuron = neuron_of(c.network, step)
    if q == "path":
        k = nm.neurons[l].index(neuron)
        via = nm.neurons[l + 1].index(step.via)
        to_output = l + 1 == len(c.network.weights)
        return [
            (f"dE_{step.via}/dnet_{step.via}" if to_output else f"dE_total/dnet_{step.via}", g.deltas[l][via]),
            (f"dnet_{step.via}/dout_{neuron}", r.above(l - 1)[via, k]),
        ]
    gradient = q in ("gradient", "example_gradient") and not is_mean(step)
    # a softmax output's delta is a sum through the Jacobian (softmax_mistakes), not a product
    softmax = l == len(c.network.weights) and c.network.activations[-1] == "softmax"
    if softmax and (q == "delta" or not neuron):
        return []
    if q == "delta" or (gradient and neuron):
        k = nm.neurons[l].index(neuron)
        acts, loss = r.options.records
        slope = shown_slope(acts[l - 1], loss, l == len(acts), r.nets[l - 1], r.outs[l])[k]
        factors = [(f"dE_total/dout_{neuron}", g.d_outs[l - 1][k]), (f"dout_{neuron}/dnet_{neuron}", slope)]
        if softmax:
            factors = [(f"dE_total/dnet_{neuron}", g.deltas[l - 1][k])]
        if gradient:
            kind, pl, _pk, pj = position(nm, step.parameter)
            if kind == "w":
                factors.append((f"dnet_{neuron}/d{step.parameter}", r.outs[pl][pj]))
        return factors
    if gradient:  # a shared bias: the sum over its layer of dE_total/dout times the slope
        layer = l - 1
        acts, loss = r.options.records
        slopes = shown_slope(acts[layer], loss, l == len(acts), r.nets[layer], r.outs[l])
        return [
            (f"dE_total/dout of each neuron of layer {l}", g.d_outs[layer]),
            (f"dout/dnet of each neuron of layer {l}", slopes),
        ]
    return []


def factor(c: Context, step: Step) -> Iterator[Mistake]:
    factors = _factors(c, step)
    for i, (symbol, _value) in enumerate(factors):
        rest = [value for j, (_s, value) in enumerate(factors) if j != i]
        value = float(np.sum(np.prod(rest, axis=0)))
        yield Mistake("factor", value, f"{symbol} is missing from the product.")


def slope_as_out_here(c: Context, step: Step) -> Iterator[Mistake]:
    """This neuron's sigmoid slope taken as out in this one product, the factors before it right."""
    neuron = neuron_of(c.network, step)
    if step.quantity not in ("delta", "gradient", "example_gradient") or not neuron:
        return
    if c.network.activations[step.layer - 1] != "sigmoid":
        return
    factors = _factors(c, step)
    out = c.plain(step).outs[step.layer][c.names.neurons[step.layer].index(neuron)]
    values = [out if symbol.startswith("dout_") else value for symbol, value in factors]
    yield Mistake(
        "slope_as_out",
        float(np.prod(values)),
        f"The sigmoid's slope dout_{neuron}/dnet_{neuron} is out_{neuron}(1 - out_{neuron}), not out_{neuron}.",
    )


def one_path(c: Context, step: Step) -> Iterator[Mistake]:
    L = len(c.network.weights)
    neuron = neuron_of(c.network, step)
    if step.layer is None or step.layer >= L or not neuron or is_mean(step):
        return
    if step.quantity not in ("d_out", "gradient", "example_gradient"):
        return
    r, l, nm = c.plain(step), step.layer, c.names
    k = nm.neurons[l].index(neuron)
    above = nm.neurons[l + 1]
    if len(above) < 2:
        return
    rest = 1.0
    if step.quantity != "d_out":  # the same path through the rest of the chain
        rest = [value for _s, value in _factors(c, step)[1:]]
        rest = float(np.prod(rest))
    for via, n in enumerate(above):
        path = r.gradients.deltas[l][via] * r.above(l - 1)[via, k]
        yield Mistake(
            "one_path",
            float(path * rest),
            f"Only the path through {n} was counted: {neuron} feeds every neuron above it, "
            f"so dE_total/dout_{neuron} adds the paths through {', '.join(above)}.",
        )


def slope_arguments(c: Context, step: Step) -> Iterator[Mistake]:
    """net and out swapped in the activation record's slope."""
    if step.quantity != "slope":
        return
    l, nm = step.layer, c.names
    k = nm.neurons[l].index(step.neuron)
    act = c.network.options.records[0][l - 1]
    plain = c.plain(step)
    net, out = plain.nets[l - 1], plain.outs[l]
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
