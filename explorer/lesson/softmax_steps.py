"""The walkthrough's steps for a softmax output layer scored by categorical cross-entropy.

Softmax couples its layer: out_k = e^net_k / sum_j e^net_j depends on every
net input of the layer, so dE_total/dnet_k is a sum over the outputs, through
the softmax's Jacobian,

    dE_total/dnet_k = sum_j dE_total/dout_j * dout_j/dnet_k,
    dout_j/dnet_k  = out_j (delta_jk - out_k),

and with dE_total/dout_j = -target_j / out_j and targets that add up to 1
the sum collapses to out_k - target_k.  For each output the steps show the
Jacobian's diagonal, its cross terms, then that sum and its short form.

Values are the engine's (the forward pass, its deltas); only the Jacobian's
entries are evaluated here, as the steps show them.
"""

from __future__ import annotations

from explorer.engine.formatting import tex_name, tex_symbol, tex_term
from explorer.engine.functions import ACTIVATIONS

from .steps import Iteration


def is_softmax_layer(it: Iteration, l: int) -> bool:
    """Whether layer l + 1 is a coupled (softmax) layer: only ever the output layer."""
    return ACTIVATIONS[it.network.activations[l]].coupled_loss is not None


def softmax_out_step(it: Iteration, l: int, k: int) -> None:
    """out_k = e^net_k / (e^net_1 + ... + e^net_n), with the layer's net inputs put in."""
    neurons = it.nm.neurons[l + 1]
    neuron, nets = neurons[k], it.fw.nets[l]

    def fraction(term) -> str:
        return rf"\frac{{e^{{{term(k)}}}}}{{{' + '.join(f'e^{{{term(j)}}}' for j in range(len(neurons)))}}}"

    it.add(
        "forward",
        "out",
        f"out_{neuron}",
        it.fw.outs[l + 1][k],
        [fraction(lambda j: tex_name(f"net_{neurons[j]}")), fraction(lambda j: tex_term(nets[j]))],
        f"The output of {neuron}: softmax, e to its net input over the sum for every output, "
        "so the outputs are probabilities that add up to 1.",
        [*neurons],
        neuron=neuron,
        layer=l + 1,
    )


def jacobian(out, j: int, k: int) -> float:
    """dout_j/dnet_k = out_j (delta_jk - out_k)."""
    return float(out[j] * ((1.0 if j == k else 0.0) - out[k]))


def softmax_delta_steps(it: Iteration, l: int, k: int) -> None:
    """dout_k/dnet_k, the cross terms dout_j/dnet_k, then dE_total/dnet_k through them and its short form."""
    neurons, out, t = it.nm.neurons[l + 1], it.fw.outs[l + 1], it.t
    n = neurons[k]
    where = dict(neuron=n, layer=l + 1)
    for j, o in enumerate(neurons):
        same = j == k
        it.add(
            "backward",
            "slope" if same else "cross_slope",
            f"dout_{o}/dnet_{n}",
            jacobian(out, j, k),
            [
                rf"{tex_name(f'out_{o}')}(1 - {tex_name(f'out_{n}')})"
                if same
                else rf"-{tex_name(f'out_{o}')}\,{tex_name(f'out_{n}')}",
                rf"{tex_term(out[k])}(1 - {tex_term(out[k])})"
                if same
                else rf"-{tex_term(out[j])} \cdot {tex_term(out[k])}",
            ],
            f"How much out_{o} changes when net_{n} changes"
            + (
                ": softmax's slope on its own output."
                if same
                else f": raising net_{n} takes probability from {o}, since the outputs add up to 1."
            ),
            [n, o],
            via=None if same else o,
            **where,
        )
    terms = [rf"{tex_symbol(f'dE_total/dout_{o}')} \cdot {tex_symbol(f'dout_{o}/dnet_{n}')}" for o in neurons]
    numbers = [rf"{tex_term(it.g.d_outs[l][j])} \cdot {tex_term(jacobian(out, j, k))}" for j in range(len(neurons))]
    it.add(
        "backward",
        "delta",
        f"dE_total/dnet_{n}",
        it.g.deltas[l][k],
        [
            " + ".join(terms),
            " + ".join(numbers),
            rf"{tex_name(f'out_{n}')} - {tex_name(f'target_{n}')}",
            rf"{tex_term(out[k])} - {tex_term(t[k])}",
        ],
        f"net_{n} moves every output, so the chain adds up over all of them; with -target/out for dE/dout "
        "and targets that add up to 1 the sum collapses to out - target.",
        [n, *neurons, *(f"E_{o}" for o in neurons), "E_total"],
        **where,
    )


def delta_factor(it: Iteration, l: int, k: int) -> tuple[str, str]:
    """dE_total/dnet_k of a softmax output, by name and by number, for the parameter steps' chain."""
    n = it.nm.neurons[l + 1][k]
    return tex_symbol(f"dE_total/dnet_{n}"), tex_term(it.g.deltas[l][k])
