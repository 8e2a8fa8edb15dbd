"""Batch mode's part of the backward phase: every example's gradient, then their mean.

dE_total/dw5 = (1/m) (dE^(1)/dw5 + ... + dE^(m)/dw5): the mean is the
gradient the update uses, as ``train(..., mode="batch")`` does.
"""

from __future__ import annotations

import numpy as np

from explorer.engine.formatting import tex_name, tex_symbol, tex_term
from explorer.engine.network import Gradients

from .steps import Iteration


def batch_steps(it: Iteration, x_all: np.ndarray, t_all: np.ndarray, mean: Gradients) -> None:
    """Each example's gradient for every trained parameter, then their mean (the batch's gradient).

    Each example's gradients come from its own backward pass; the mean is the
    engine's gradient over the whole batch, so the formula's sum checks it.
    """
    network, nm = it.network, it.nm
    m = x_all.shape[0]
    per_example = [network.backward(x, t) for x, t in zip(x_all, t_all)]
    outs = [network.forward(x).outs for x in x_all]
    for l in reversed(range(len(network.weights))):
        for k, row in enumerate(nm.weights[l]):
            neuron = nm.neurons[l + 1][k]
            for j, w in enumerate(row):
                sender = it.value_name(l, j)
                _mean_steps(
                    it,
                    w,
                    [
                        (
                            ge.deltas[l][k],
                            ge.weights[l][k, j],
                            rf"{tex_term(ge.deltas[l][k])} \cdot "
                            rf"{tex_term(o[l][j])}",
                        )
                        for ge, o in zip(per_example, outs)
                    ],
                    mean.weights[l][k, j],
                    m,
                    rf"{tex_symbol(f'dE/dnet_{neuron}')} \cdot {tex_name(sender)}",
                    [w, nm.neurons[l][j], neuron],
                    layer=l + 1,
                )
        if network.update_biases:
            shared = network.bias_mode == "shared"
            for k, bias in enumerate(dict.fromkeys(nm.biases[l])):
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
                    m,
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
