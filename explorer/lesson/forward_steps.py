"""The forward and error phases of the walkthrough.

``forward``  each neuron's net input, then its output (net_h1, out_h1, ...),
             layer by layer
``error``    each output's error, then their sum (E_o1, E_o2, E_total)

Values are the engine's forward pass (``Iteration.fw``); formulas come from
the activation and loss records of :mod:`explorer.engine.functions`.
"""

from __future__ import annotations

from explorer.engine.formatting import number, tex_name, tex_number, tex_term
from explorer.engine.functions import ACTIVATIONS, LOSSES

from .softmax_steps import softmax_out_step
from .steps import Iteration


def forward_steps(it: Iteration) -> None:
    """net = sum of weight times input plus bias, then out = f(net), neuron by neuron."""
    for l in range(len(it.network.weights)):
        forward_layer_steps(it, l)


def forward_layer_steps(it: Iteration, l: int) -> None:
    """The forward steps of layer l + 1: net, then out, of each of its neurons (a softmax layer: every net first)."""
    network, nm, fw = it.network, it.nm, it.fw
    shared = network.bias_mode == "shared"
    act = ACTIVATIONS[network.activations[l]]
    for k, neuron in enumerate(nm.neurons[l + 1]):
        row, bias = network.weights[l][k], network.biases[l][0 if shared else k]
        names_in = [it.value_name(l, j) for j in range(len(row))]
        symbolic = " + ".join(f"{tex_name(w)} {tex_name(a)}" for w, a in zip(nm.weights[l][k], names_in))
        numeric = " + ".join(rf"{tex_term(w)} \cdot {tex_term(a)}" for w, a in zip(row, fw.outs[l]))
        where = dict(neuron=neuron, layer=l + 1)
        it.add(
            "forward",
            "net",
            f"net_{neuron}",
            fw.nets[l][k],
            [rf"{symbolic} + {tex_name(nm.biases[l][k])} \cdot 1", rf"{numeric} + {tex_term(bias)} \cdot 1"],
            f"The total net input to {neuron}: each incoming value times its weight, plus the bias.",
            [*nm.neurons[l], *nm.weights[l][k], *it.bias_elements(l, k), neuron],
            **where,
        )
        if act.coupled_loss is not None:
            continue  # softmax: every out needs the whole layer's nets, so the outs come after them
        it.add(
            "forward",
            "out",
            f"out_{neuron}",
            fw.outs[l + 1][k],
            [act.tex_out.format(net=tex_name(f"net_{neuron}")), act.tex_out.format(net=tex_term(fw.nets[l][k]))],
            f"The output of {neuron}: {act.meaning}.",
            [neuron],
            **where,
        )
    if act.coupled_loss is not None:
        for k in range(len(nm.neurons[l + 1])):
            softmax_out_step(it, l, k)


def error_steps(it: Iteration) -> None:
    """Each output's error from the loss record, then E_total, their sum."""
    outputs, L = it.nm.neurons[-1], len(it.network.weights)
    loss = LOSSES[it.network.loss]
    for k, o in enumerate(outputs):
        it.add(
            "error",
            "error",
            f"E_{o}",
            it.fw.errors[k],
            loss_latex(loss.tex_error, it, k),
            f"How far {o} is from its target {number(it.t[k])}.",
            [o, f"E_{o}"],
            neuron=o,
            layer=L,
        )
    it.add(
        "error",
        "total_error",
        "E_total",
        it.fw.total_error,
        [" + ".join(tex_name(f"E_{o}") for o in outputs), " + ".join(tex_term(e) for e in it.fw.errors)],
        "The total error: the sum of the output errors. Backpropagation makes it smaller.",
        [f"E_{o}" for o in outputs] + ["E_total"],
    )


def loss_latex(template: str, it: Iteration, k: int) -> list[str]:
    """A loss formula written with names, then with the numbers of output k."""
    o, n = it.nm.neurons[-1][k], it.network.sizes[-1]
    return [
        template.format(t=tex_name(f"target_{o}"), out=tex_name(f"out_{o}"), n=n, times=r"\,"),
        template.format(t=tex_number(it.t[k]), out=tex_term(it.fw.output[k]), n=n, times=r" \cdot "),
    ]
