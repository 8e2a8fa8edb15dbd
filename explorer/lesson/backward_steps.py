"""The backward phase of the walkthrough: the chain rule, factor by factor.

For every weight (and bias, when biases are updated) each chain-rule factor
is its own step, then their product.  Output layer first; a hidden neuron's
dE_total/dout is the sum over the paths through the layer above
(dE_o1/dout_h1 + dE_o2/dout_h1), and a factor already shown is reused,
never repeated.

Values are the engine's backward pass (``Iteration.g``); only the slopes are
evaluated here, from the activation record, as the chain shows them.
"""

from __future__ import annotations

import numpy as np

from explorer.engine.formatting import tex_name, tex_symbol, tex_term
from explorer.engine.functions import ACTIVATIONS, LOSSES, shown_slope

from .forward_steps import loss_latex
from .softmax_steps import delta_factor, is_softmax_layer, softmax_delta_steps
from .steps import Iteration


def backward_steps(it: Iteration) -> None:
    """The chain rule for every parameter, output layer first."""
    output_d_out_steps(it)
    for l in reversed(range(len(it.network.weights))):
        for k in range(len(it.nm.neurons[l + 1])):
            neuron_steps(it, l, k)
        shared_bias_steps(it, l)


def output_d_out_steps(it: Iteration) -> None:
    """dE_total/dout of each output, from the loss record: where the chain starts."""
    network, nm, g = it.network, it.nm, it.g
    L = len(network.weights)
    loss = LOSSES[network.loss]
    for k, o in enumerate(nm.neurons[-1]):
        it.add(
            "backward",
            "d_out",
            f"dE_total/dout_{o}",
            g.d_outs[L - 1][k],
            loss_latex(loss.tex_d_out, it, k),
            f"How much E_total changes when out_{o} changes.",
            [o, f"E_{o}", "E_total"],
            neuron=o,
            layer=L,
        )


# ------------------------------------------------------------ one layer


def slopes(it: Iteration, l: int) -> np.ndarray:
    """dout/dnet of every neuron of layer l + 1, as the chain shows them (the deltas are the engine's)."""
    act, loss = ACTIVATIONS[it.network.activations[l]], LOSSES[it.network.loss]
    return shown_slope(act, loss, l == len(it.network.weights) - 1, it.fw.nets[l], it.fw.outs[l + 1])


def neuron_steps(it: Iteration, l: int, k: int) -> None:
    """The backward steps of neuron k of layer l + 1: its dE/dout (hidden), slope and parameter gradients."""
    if is_softmax_layer(it, l):  # the output delta through the Jacobian, then the gradients from it
        softmax_delta_steps(it, l, k)
        _parameter_steps(it, l, k, delta_factor(it, l, k))
        return
    slope = slopes(it, l)[k]
    if l < len(it.network.weights) - 1:
        _path_steps(it, l, k)
    _slope_step(it, l, k, slope)
    _parameter_steps(it, l, k, _chain(it, l, k, slope))


def shared_bias_steps(it: Iteration, l: int) -> None:
    """The gradient of layer l + 1's shared bias, when biases are shared and updated (else nothing)."""
    if it.network.update_biases and it.network.bias_mode == "shared":
        _shared_bias_step(it, l, slopes(it, l))


def _slope_step(it: Iteration, l: int, k: int, slope: float) -> None:
    """dout/dnet of neuron k of layer l + 1, from its activation record."""
    act = ACTIVATIONS[it.network.activations[l]]
    neuron = it.nm.neurons[l + 1][k]
    it.add(
        "backward",
        "slope",
        f"dout_{neuron}/dnet_{neuron}",
        slope,
        [
            act.tex_slope.format(out=tex_name(f"out_{neuron}"), net=tex_name(f"net_{neuron}")),
            act.tex_slope.format(out=tex_term(it.fw.outs[l + 1][k]), net=tex_term(it.fw.nets[l][k])),
        ],
        f"How much out_{neuron} changes when net_{neuron} changes: the slope of its activation.",
        [neuron],
        neuron=neuron,
        layer=l + 1,
    )


def _chain(it: Iteration, l: int, k: int, slope: float) -> tuple[str, str]:
    """dE_total/dout times dout/dnet of neuron k of layer l + 1, by name and by number: where the chain starts."""
    neuron = it.nm.neurons[l + 1][k]
    return (
        rf"{tex_symbol(f'dE_total/dout_{neuron}')} \cdot {tex_symbol(f'dout_{neuron}/dnet_{neuron}')}",
        rf"{tex_term(it.g.d_outs[l][k])} \cdot {tex_term(slope)}",
    )


def _parameter_steps(it: Iteration, l: int, k: int, start: tuple[str, str]) -> None:
    """For each weight into neuron k of layer l + 1 (and its own bias): dnet/d(parameter), then the gradient.

    ``start`` is dE_total/dnet by name and by number, from :func:`_chain` or a softmax layer's own step.
    """
    network, nm, g = it.network, it.nm, it.g
    neuron = nm.neurons[l + 1][k]
    a_prev = it.fw.outs[l]
    where = dict(neuron=neuron, layer=l + 1)
    error_nodes = [f"E_{neuron}"] if l == len(network.weights) - 1 else []
    chain, numbers = start
    for j, w in enumerate(nm.weights[l][k]):
        s_in = f"dnet_{neuron}/d{w}"
        it.add(
            "backward",
            "input",
            s_in,
            a_prev[j],
            [tex_name(it.value_name(l, j))],
            f"How much net_{neuron} changes when {w} changes: the value {w} multiplies.",
            [w, nm.neurons[l][j]],
            parameter=w,
            **where,
        )
        it.add(
            "backward",
            "gradient",
            f"dE_total/d{w}",
            g.weights[l][k, j],
            [rf"{chain} \cdot {tex_symbol(s_in)}", rf"{numbers} \cdot {tex_term(a_prev[j])}"],
            f"The chain rule: how much E_total changes when {w} changes.",
            [w, nm.neurons[l][j], neuron, *error_nodes],
            parameter=w,
            **where,
        )
    if not network.update_biases or network.bias_mode == "shared":
        return
    bias = nm.biases[l][k]
    it.add(
        "backward",
        "input",
        f"dnet_{neuron}/d{bias}",
        1.0,
        [],
        f"The bias is multiplied by 1, so net_{neuron} moves one for one with it.",
        it.bias_elements(l, k) + [neuron],
        parameter=bias,
        **where,
    )
    it.add(
        "backward",
        "gradient",
        f"dE_total/d{bias}",
        g.biases[l][k],
        [rf"{chain} \cdot 1", rf"{numbers} \cdot 1"],
        f"How much E_total changes when the bias {bias} changes.",
        it.bias_elements(l, k) + [neuron, *error_nodes],
        parameter=bias,
        **where,
    )


def _shared_bias_step(it: Iteration, l: int, slopes: np.ndarray) -> None:
    """The gradient of layer l + 1's one shared bias: the sum of its neurons' contributions."""
    nm, g = it.nm, it.g
    neurons = nm.neurons[l + 1]
    unit = nm.bias_units[l]
    softmax = is_softmax_layer(it, l)
    if softmax:
        factors = [delta_factor(it, l, k) for k in range(len(neurons))]
        rhs = [" + ".join(rf"{a} \cdot 1" for a, _ in factors), " + ".join(rf"{b} \cdot 1" for _, b in factors)]
    else:
        rhs = [
            " + ".join(
                rf"{tex_symbol(f'dE_total/dout_{n}')} \cdot {tex_symbol(f'dout_{n}/dnet_{n}')} \cdot 1" for n in neurons
            ),
            " + ".join(rf"{tex_term(g.d_outs[l][k])} \cdot {tex_term(slopes[k])} \cdot 1" for k in range(len(neurons))),
        ]
    it.add(
        "backward",
        "gradient",
        f"dE_total/d{unit}",
        g.biases[l][0],
        rhs,
        f"{unit} feeds every neuron of its layer, so its gradient adds up their contributions"
        + (": 0 up to rounding, as softmax ignores a shift shared by every net input." if softmax else "."),
        [unit, *neurons],
        parameter=unit,
        layer=l + 1,
    )


# ------------------------------------------------ a hidden neuron's paths


def _path_steps(it: Iteration, l: int, j: int) -> None:
    """Steps for dE_total/dout of neuron j of layer l+1: the sum over its paths upward.

    The weights of the layer above are shown as the engine's backward pass
    used them: as they are (textbook order) or as the update leaves them
    (the seed's order, the "after" network's).
    """
    nm = it.nm
    above = nm.neurons[l + 2]
    h = nm.neurons[l + 1][j]
    to_output = l + 2 == len(nm.neurons) - 1
    terms, term_tex = [], []
    for k in range(len(above)):
        if j == 0:  # the first neuron's paths show the deltas above; the others reuse them
            _delta_step(it, l, k)
        path_tex, term = _one_path_steps(it, l, j, k)
        terms.append(term)
        term_tex.append(path_tex)
    outgoing = [nm.weights[l + 1][k][j] for k in range(len(above))]
    it.add(
        "backward",
        "d_out",
        f"dE_total/dout_{h}",
        it.g.d_outs[l][j],
        [" + ".join(term_tex), " + ".join(tex_term(term) for term in terms)],
        f"{h} affects the error through every neuron it feeds, so the paths add up.",
        [h, *outgoing, *above] + ([f"E_{n}" for n in above] if to_output else []),
        neuron=h,
        layer=l + 1,
    )


def _delta_symbol(it: Iteration, l: int, k: int) -> str:
    """dE/dnet of neuron k of layer l + 2, named as the seed names it (dE_o1/dnet_o1 at the outputs)."""
    n = it.nm.neurons[l + 2][k]
    own_error = l + 2 == len(it.nm.neurons) - 1 and not is_softmax_layer(it, l + 1)
    return f"dE_{n}/dnet_{n}" if own_error else f"dE_total/dnet_{n}"


def _delta_step(it: Iteration, l: int, k: int) -> None:
    """dE/dnet of neuron k of layer l + 2 (the layer above), from its dE/dout and slope shown before.

    Those two are the engine's numbers, as their own steps showed them, so a
    neuron's steps can be worked out without the steps before them.
    """
    if is_softmax_layer(it, l + 1):
        return  # a softmax output's dE_total/dnet was a step of its own, with the Jacobian
    n = it.nm.neurons[l + 2][k]
    to_output = l + 2 == len(it.nm.neurons) - 1
    s_delta = _delta_symbol(it, l, k)
    first = f"dE_{n}/dout_{n}" if to_output else f"dE_total/dout_{n}"
    it.add(
        "backward",
        "delta",
        s_delta,
        it.g.deltas[l + 1][k],
        [
            rf"{tex_symbol(first)} \cdot {tex_symbol(f'dout_{n}/dnet_{n}')}",
            rf"{tex_term(float(it.g.d_outs[l + 1][k]))} \cdot {tex_term(float(slopes(it, l + 1)[k]))}",
        ],
        f"How much {'E_' + n if to_output else 'E_total'} changes when net_{n} changes.",
        [n] + ([f"E_{n}"] if to_output else []),
        neuron=n,
        layer=l + 2,
    )


def _one_path_steps(it: Iteration, l: int, j: int, k: int) -> tuple[str, float]:
    """The weight from neuron j of layer l + 1 up to neuron k, then the path's part of dE_total/dout.

    Returns the path's LaTeX name and its value, for the sum over the paths.
    """
    network, nm = it.network, it.nm
    n, h = nm.neurons[l + 2][k], nm.neurons[l + 1][j]
    # a path named by the output's own error E_o1 (the seed's); a softmax output's error depends on every net
    to_output = l + 2 == len(nm.neurons) - 1 and not is_softmax_layer(it, l + 1)
    seed_order = network.order == "seed"
    W = (it.after if seed_order else network).weights[l + 1]
    delta = it.g.deltas[l + 1][k]
    w = nm.weights[l + 1][k][j]
    s_w = f"dnet_{n}/dout_{h}"
    it.add(
        "backward",
        "weight_above",
        s_w,
        W[k, j],
        [tex_name(w + "+" if seed_order else w)],
        f"net_{n} = ... + {w} out_{h} + ..., so it changes by {w} per unit of out_{h}"
        + (" (already updated, as in the worked example's summary figures)." if seed_order else "."),
        [w, h, n],
        neuron=h,
        layer=l + 1,
        parameter=w,
        via=n,
    )
    # an output's own error E_o1 names the path, as the seed writes it; deeper
    # paths are the part of dE_total/dout_h that passes through neuron n
    s_path = f"dE_{n}/dout_{h}" if to_output else f"dE_total/dout_{h} via {n}"
    path_tex = tex_symbol(s_path) if to_output else rf"{tex_symbol(f'dE_total/dout_{h}')}\big|_{{{tex_name(n)}}}"
    value = it.add(
        "backward",
        "path",
        s_path,
        delta * W[k, j],
        [
            rf"{tex_symbol(_delta_symbol(it, l, k))} \cdot {tex_symbol(s_w)}",
            rf"{tex_term(delta)} \cdot {tex_term(W[k, j])}",
        ],
        f"The part of the error change that reaches {h} through {n}.",
        [w, h, n] + ([f"E_{n}"] if to_output else []),
        lhs=path_tex,
        neuron=h,
        layer=l + 1,
        via=n,
    )
    return path_tex, value
