"""Batch mode's part of the backward phase: every example's gradient, then their mean.

dE_total/dw5 = (1/m) (dE^(1)/dw5 + ... + dE^(m)/dw5): the mean is the
gradient the update uses, as ``train(..., mode="batch")`` does.
"""

from __future__ import annotations

import numpy as np

from explorer.engine.formatting import tex_name, tex_symbol, tex_term
from explorer.engine.network import Gradients, Network

from .steps import Iteration


def batch_steps(it: Iteration, x_all: np.ndarray, t_all: np.ndarray, mean: Gradients) -> None:
    """Each example's gradient for every trained parameter, then their mean (the batch's gradient).

    Each example's gradients come from its own backward pass; the mean is the
    engine's gradient over the whole batch, so the formula's sum checks it.
    """
    examples = example_gradients(it.network, x_all, t_all)
    for l in reversed(range(len(it.network.weights))):
        for k, row in enumerate(it.nm.weights[l]):
            for j in range(len(row)):
                weight_mean_steps(it, examples, mean, l, k, j)
        if it.network.update_biases:
            for k in range(len(dict.fromkeys(it.nm.biases[l]))):
                bias_mean_steps(it, examples, mean, l, k)


def example_gradients(network: Network, x_all: np.ndarray, t_all: np.ndarray) -> tuple[list, list]:
    """(each example's gradients, each example's layer outputs): one forward and backward pass per example."""
    passes = [network.forward(x, t) for x, t in zip(x_all, t_all)]
    return [network.backward(x, t, fw) for x, t, fw in zip(x_all, t_all, passes)], [fw.outs for fw in passes]


def weight_mean_steps(it: Iteration, examples: tuple[list, list], mean: Gradients, l: int, k: int, j: int) -> None:
    """dE^(e)/dw for each example e, then their mean, for the weight from neuron j of layer l to k of l + 1."""
    nm, (per_example, outs) = it.nm, examples
    w, neuron, sender = nm.weights[l][k][j], nm.neurons[l + 1][k], it.value_name(l, j)
    rows = [
        (ge.deltas[l][k], ge.weights[l][k, j], rf"{tex_term(ge.deltas[l][k])} \cdot {tex_term(o[l][j])}")
        for ge, o in zip(per_example, outs)
    ]
    chain = rf"{tex_symbol(f'dE/dnet_{neuron}')} \cdot {tex_name(sender)}"
    _mean_steps(it, w, rows, mean.weights[l][k, j], len(rows), chain, [w, nm.neurons[l][j], neuron], layer=l + 1)


def bias_mean_steps(it: Iteration, examples: tuple[list, list], mean: Gradients, l: int, k: int) -> None:
    """dE^(e)/db for each example e, then their mean, for the k-th bias of layer l + 1 (biases updated)."""
    nm, per_example = it.nm, examples[0]
    shared = it.network.bias_mode == "shared"
    bias = list(dict.fromkeys(nm.biases[l]))[k]
    rows = []
    for ge in per_example:
        deltas = ge.deltas[l] if shared else ge.deltas[l][k : k + 1]
        rows.append((None, ge.biases[l][k], " + ".join(tex_term(d) for d in deltas)))
    neurons = nm.neurons[l + 1] if shared else (nm.neurons[l + 1][k],)
    _mean_steps(
        it,
        bias,
        rows,
        mean.biases[l][k],
        len(rows),
        " + ".join(tex_symbol(f"dE/dnet_{n}") for n in neurons),
        [nm.bias_units[l], bias, *neurons],
        layer=l + 1,
    )


def _mean_steps(
    it: Iteration, parameter: str, rows: list, mean: float, m: int, chain: str, elements: list[str], layer: int
) -> None:
    """dE^(e)/d(parameter) for each example e (its chain's numbers), then their mean."""
    terms = []
    for e, (_delta, value, numbers) in enumerate(rows, start=1):
        lhs = rf"\frac{{\partial E^{{({e})}}}}{{\partial {tex_name(parameter)}}}"
        terms.append((lhs, value))
        it.add(
            "backward",
            "example_gradient",
            f"dE^({e})/d{parameter}",
            value,
            [chain, numbers],
            f"Example {e}'s own gradient for {parameter}, by the same chain rule on its inputs.",
            elements,
            lhs=lhs,
            parameter=parameter,
            layer=layer,
        )
    it.add(
        "backward",
        "gradient",
        f"dE_total/d{parameter} (mean of {m})",
        mean,
        [
            rf"\tfrac{{1}}{{{m}}}\left({' + '.join(lhs for lhs, _ in terms)}\right)",
            rf"\tfrac{{1}}{{{m}}}\left({' + '.join(tex_term(value) for _, value in terms)}\right)",
        ],
        f"Batch mode: the update uses the mean of the {m} examples' gradients for {parameter}.",
        elements,
        lhs=tex_symbol(f"dE_total/d{parameter}"),
        parameter=parameter,
        layer=layer,
    )
