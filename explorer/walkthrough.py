"""One training iteration as an ordered list of immutable steps.

Four phases, in the seed's order:

``forward``   each neuron's net input, then its output (net_h1, out_h1, ...)
``error``     each output's error, then their sum (E_o1, E_o2, E_total)
``backward``  for every weight (and bias, when biases are updated) each
              chain-rule factor as its own step, then their product.  Output
              layer first; a hidden neuron's dE_total/dout is the sum over the
              paths through the layer above (dE_o1/dout_h1 + dE_o2/dout_h1),
              and a factor already shown is reused, never repeated.
``update``    each new value, w5+ = w5 - eta * dE_total/dw5

The walkthrough computes its chain-rule products itself, one scalar at a
time, from the forward pass; the tests hold its final gradients equal to
:meth:`Network.backward`'s.  It never changes the network it is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np

from . import validation as v
from .formatting import number, tex_name, tex_number, tex_symbol, tex_term
from .functions import ACTIVATIONS, LOSSES
from .network import Gradients, Network

PHASES = ("forward", "error", "backward", "update")

_OUT_LATEX = {
    "sigmoid": (r"\frac{{1}}{{1 + e^{{-{net}}}}}", "the logistic function squashes it into (0, 1)"),
    "tanh": (r"\tanh({net})", "tanh squashes it into (-1, 1)"),
    "relu": (r"\max(0, {net})", "ReLU passes it if positive, else gives 0"),
    "linear": (r"{net}", "a linear neuron passes it unchanged"),
}
_DOUT_DNET_LATEX = {
    "sigmoid": r"{out}(1 - {out})",
    "tanh": r"1 - {out}^2",
    "relu": r"[{net} > 0]",
    "linear": r"1",
}


@dataclass(frozen=True)
class Step:
    """One quantity of the iteration, as a student would write it down.

    ``symbol`` is plain text in the seed's naming (``dE_total/dw5``);
    ``latex`` the formula with numbers substituted; ``elements`` the ids of
    the diagram's neurons, connections and error nodes it uses.
    """

    phase: str
    symbol: str
    value: float
    latex: str
    meaning: str
    elements: tuple[str, ...]

    def text(self) -> str:
        return f"{self.symbol} = {number(self.value)}"

    def to_dict(self) -> dict:
        return {"phase": self.phase, "symbol": self.symbol, "value": self.value,
                "latex": self.latex, "meaning": self.meaning, "elements": list(self.elements)}


@dataclass(frozen=True)
class Walkthrough:
    """The steps of one iteration, the gradients they add up to, and the result."""

    network: Network
    inputs: np.ndarray
    targets: np.ndarray
    steps: tuple[Step, ...]
    gradients: Gradients
    after: Network

    def __len__(self) -> int:
        return len(self.steps)

    def value(self, symbol: str) -> float:
        """The value of the step with this symbol."""
        for step in self.steps:
            if step.symbol == symbol:
                return step.value
        raise KeyError(symbol)

    def phase_start(self, phase: str) -> int:
        """Index of the first step of ``phase`` (len(steps) if it has none)."""
        return next((i for i, s in enumerate(self.steps) if s.phase == phase), len(self.steps))

    @property
    def error_after(self) -> float:
        """E_total once the update is applied (the seed's 0.291027924 under its order)."""
        return self.after.forward(self.inputs, self.targets).total_error


class _Builder:
    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.shown: dict[str, float] = {}

    def add(self, phase: str, symbol: str, value: float, rhs: Iterable[str], meaning: str,
            elements: Iterable[str], lhs: str | None = None) -> float:
        value = float(value)
        parts = [lhs or tex_symbol(symbol), *rhs, tex_number(value)]
        self.steps.append(Step(phase, symbol, value, " = ".join(parts), meaning,
                               tuple(dict.fromkeys(elements))))
        self.shown[symbol] = value
        return value


def walkthrough(network: Network, inputs: object, targets: object, example: int = 0) -> Walkthrough:
    """Every step of one iteration on one example (``example`` picks the row).

    Raises :class:`~explorer.validation.InputError` for inputs or targets of
    the wrong length or non-finite values.  A diverged network (inf or nan
    weights) gives steps with inf or nan values, quietly, as the engine does.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        return _walkthrough(network, inputs, targets, example)


def _walkthrough(network: Network, inputs: object, targets: object, example: int) -> Walkthrough:
    x_all, t_all = network.check_data(inputs, targets)
    example = v.parse_whole("example", example, 0, x_all.shape[0] - 1,
                            f"choose an example from 1 to {x_all.shape[0]}")
    x, t = x_all[example], t_all[example]
    fw = network.forward(x, t)
    nm = network.names
    L = len(network.weights)
    b = _Builder()
    eta = network.learning_rate
    shared = network.bias_mode == "shared"

    def value_name(layer: int, j: int) -> str:
        """What a neuron feeds forward: i1 for inputs, out_h1 otherwise."""
        return nm.neurons[0][j] if layer == 0 else f"out_{nm.neurons[layer][j]}"

    def bias_elements(l: int, k: int) -> list[str]:
        return [nm.bias_units[l], nm.biases[l][k]]

    # ---------------------------------------------------------------- forward
    for l in range(L):
        act = network.activations[l]
        for k, neuron in enumerate(nm.neurons[l + 1]):
            row, bias = network.weights[l][k], network.biases[l][0 if shared else k]
            names_in = [value_name(l, j) for j in range(len(row))]
            symbolic = " + ".join(f"{tex_name(w)} {tex_name(a)}" for w, a in zip(nm.weights[l][k], names_in))
            numeric = " + ".join(rf"{tex_term(w)} \cdot {tex_term(a)}" for w, a in zip(row, fw.outs[l]))
            b.add("forward", f"net_{neuron}", fw.nets[l][k],
                  [rf"{symbolic} + {tex_name(nm.biases[l][k])} \cdot 1",
                   rf"{numeric} + {tex_term(bias)} \cdot 1"],
                  f"The total net input to {neuron}: each incoming value times its weight, plus the bias.",
                  [*nm.neurons[l], *nm.weights[l][k], *bias_elements(l, k), neuron])
            template, how = _OUT_LATEX[act]
            b.add("forward", f"out_{neuron}", fw.outs[l + 1][k],
                  [template.format(net=tex_name(f"net_{neuron}")),
                   template.format(net=tex_term(fw.nets[l][k]))],
                  f"The output of {neuron}: {how}.", [neuron])

    # ------------------------------------------------------------------ error
    outputs = nm.neurons[-1]
    out = fw.output
    n_out = len(outputs)
    for k, o in enumerate(outputs):
        b.add("error", f"E_{o}", fw.errors[k], _loss_latex(_ERROR_LATEX, network.loss, o, t[k], out[k], n_out),
              f"How far {o} is from its target {number(t[k])}.", [o, f"E_{o}"])
    total = fw.errors[0]
    for e in fw.errors[1:]:
        total = total + e
    b.add("error", "E_total", total,
          [" + ".join(tex_name(f"E_{o}") for o in outputs),
           " + ".join(tex_term(e) for e in fw.errors)],
          "The total error: the sum of the output errors. Backpropagation makes it smaller.",
          [f"E_{o}" for o in outputs] + ["E_total"])

    # --------------------------------------------------------------- backward
    g_w = [np.zeros_like(w) for w in network.weights]
    g_b = [np.zeros_like(bias) for bias in network.biases]
    deltas: list[np.ndarray] = [np.zeros(0)] * L
    # d_out[k]: dE_total/dout of neuron k of the layer being handled
    d_out = LOSSES[network.loss].d_out(out, t)
    d_out_symbols = [f"dE_total/dout_{o}" for o in outputs]
    for k, o in enumerate(outputs):
        b.add("backward", d_out_symbols[k], d_out[k], _loss_latex(_D_ERROR_LATEX, network.loss, o, t[k], out[k], n_out),
              f"How much E_total changes when out_{o} changes.", [o, f"E_{o}", "E_total"])

    for l in reversed(range(L)):
        act = network.activations[l]
        neurons = nm.neurons[l + 1]
        z, a, a_prev = fw.nets[l], fw.outs[l + 1], fw.outs[l]
        dact = ACTIVATIONS[act].df(z, a)
        if l < L - 1:
            W_above = network.weights[l + 1]
            if network.order == "seed":  # the seed's summary: paths through already-updated weights
                W_above = W_above - eta * g_w[l + 1]
            d_out = np.empty(len(neurons))
        delta = np.empty(len(neurons))
        for k, neuron in enumerate(neurons):
            if l < L - 1:
                d_out[k] = _path_sum(b, network, l, k, deltas[l + 1], W_above)
            s_act = f"dout_{neuron}/dnet_{neuron}"
            b.add("backward", s_act, dact[k],
                  [_DOUT_DNET_LATEX[act].format(out=tex_name(f"out_{neuron}"), net=tex_name(f"net_{neuron}")),
                   _DOUT_DNET_LATEX[act].format(out=tex_term(a[k]), net=tex_term(z[k]))],
                  f"How much out_{neuron} changes when net_{neuron} changes: the slope of its activation.",
                  [neuron])
            delta[k] = d_out[k] * dact[k]
            error_nodes = [f"E_{neuron}"] if l == L - 1 else []
            for j, w in enumerate(nm.weights[l][k]):
                s_in = f"dnet_{neuron}/d{w}"
                source = value_name(l, j)
                b.add("backward", s_in, a_prev[j], [tex_name(source)],
                      f"How much net_{neuron} changes when {w} changes: the value {w} multiplies.",
                      [w, nm.neurons[l][j]])
                g_w[l][k, j] = b.add(
                    "backward", f"dE_total/d{w}", delta[k] * a_prev[j],
                    [rf"{tex_symbol(f'dE_total/dout_{neuron}')} \cdot {tex_symbol(s_act)} \cdot {tex_symbol(s_in)}",
                     rf"{tex_term(d_out[k])} \cdot {tex_term(dact[k])} \cdot {tex_term(a_prev[j])}"],
                    f"The chain rule: how much E_total changes when {w} changes.",
                    [w, nm.neurons[l][j], neuron, *error_nodes])
            if not shared:
                g_b[l][k] = delta[k] * 1.0  # dnet/db = 1; shown as steps only when biases train
            if network.update_biases and not shared:
                bias = nm.biases[l][k]
                b.add("backward", f"dnet_{neuron}/d{bias}", 1.0, [],
                      f"The bias is multiplied by 1, so net_{neuron} moves one for one with it.",
                      bias_elements(l, k) + [neuron])
                b.add(
                    "backward", f"dE_total/d{bias}", g_b[l][k],
                    [rf"{tex_symbol(f'dE_total/dout_{neuron}')} \cdot {tex_symbol(s_act)} \cdot 1",
                     rf"{tex_term(d_out[k])} \cdot {tex_term(dact[k])} \cdot 1"],
                    f"How much E_total changes when the bias {bias} changes.",
                    bias_elements(l, k) + [neuron, *error_nodes])
        deltas[l] = delta
        if shared:
            total = delta[0] * 1.0
            for d in delta[1:]:
                total = total + d * 1.0
            g_b[l][0] = total
        if network.update_biases and shared:
            unit = nm.bias_units[l]
            b.add(
                "backward", f"dE_total/d{unit}", total,
                [" + ".join(rf"{tex_symbol(f'dE_total/dout_{n}')} \cdot {tex_symbol(f'dout_{n}/dnet_{n}')} \cdot 1"
                            for n in neurons),
                 " + ".join(rf"{tex_term(d_out[k])} \cdot {tex_term(dact[k])} \cdot 1" for k in range(len(neurons)))],
                f"{unit} feeds every neuron of its layer, so its gradient adds up their contributions.",
                [unit, *neurons])

    gradients = Gradients(tuple(g_w), tuple(g_b), tuple(deltas))

    # ----------------------------------------------------------------- update
    after = network.copy()
    eta_tex = tex_number(eta)
    for l in reversed(range(L)):
        for k, row in enumerate(nm.weights[l]):
            for j, w in enumerate(row):
                old = network.weights[l][k, j]
                after.weights[l][k, j] = b.add(
                    "update", f"{w}+", old - eta * g_w[l][k, j],
                    [rf"{tex_name(w)} - \eta \cdot {tex_symbol(f'dE_total/d{w}')}",
                     rf"{tex_term(old)} - {eta_tex} \cdot {tex_term(g_w[l][k, j])}"],
                    f"Step {w} against its gradient, scaled by the learning rate eta = {number(eta)}.", [w])
        if network.update_biases:
            for k, bias in enumerate(dict.fromkeys(nm.biases[l])):
                old = network.biases[l][k]
                after.biases[l][k] = b.add(
                    "update", f"{bias}+", old - eta * g_b[l][k],
                    [rf"{tex_name(bias)} - \eta \cdot {tex_symbol(f'dE_total/d{bias}')}",
                     rf"{tex_term(old)} - {eta_tex} \cdot {tex_term(g_b[l][k])}"],
                    f"Step the bias {bias} against its gradient.",
                    [nm.bias_units[l], bias])

    return Walkthrough(network, x, t, tuple(b.steps), gradients, after)


def _path_sum(b: _Builder, network: Network, l: int, j: int, delta_above: np.ndarray,
              W: np.ndarray) -> float:
    """Steps for dE_total/dout of neuron j of layer l+1: the sum over its paths upward.

    ``W`` holds the weights of the layer above as the paths see them (already
    updated under the seed's order).
    """
    nm = network.names
    above = nm.neurons[l + 2]
    h = nm.neurons[l + 1][j]
    to_output = l + 2 == len(nm.neurons) - 1
    seed_order = network.order == "seed"
    terms, term_tex = [], []
    for k, n in enumerate(above):
        s_delta = f"dE_{n}/dnet_{n}" if to_output else f"dE_total/dnet_{n}"
        if s_delta not in b.shown:
            first = f"dE_{n}/dout_{n}" if to_output else f"dE_total/dout_{n}"
            b.add("backward", s_delta, delta_above[k],
                  [rf"{tex_symbol(first)} \cdot {tex_symbol(f'dout_{n}/dnet_{n}')}",
                   rf"{tex_term(b.shown[f'dE_total/dout_{n}'])} \cdot {tex_term(b.shown[f'dout_{n}/dnet_{n}'])}"],
                  f"How much {'E_' + n if to_output else 'E_total'} changes when net_{n} changes.",
                  [n] + ([f"E_{n}"] if to_output else []))
        w = nm.weights[l + 1][k][j]
        s_w = f"dnet_{n}/dout_{h}"
        b.add("backward", s_w, W[k, j], [tex_name(w + "+" if seed_order else w)],
              f"net_{n} = ... + {w} out_{h} + ..., so it changes by {w} per unit of out_{h}"
              + (" (already updated, as in the worked example's summary figures)." if seed_order else "."),
              [w, h, n])
        # an output's own error E_o1 names the path, as the seed writes it; deeper
        # paths are the part of dE_total/dout_h that passes through neuron n
        s_path = f"dE_{n}/dout_{h}" if to_output else f"dE_total/dout_{h} via {n}"
        path_tex = (tex_symbol(s_path) if to_output
                    else rf"{tex_symbol(f'dE_total/dout_{h}')}\big|_{{{tex_name(n)}}}")
        terms.append(b.add("backward", s_path, delta_above[k] * W[k, j],
                           [rf"{tex_symbol(s_delta)} \cdot {tex_symbol(s_w)}",
                            rf"{tex_term(delta_above[k])} \cdot {tex_term(W[k, j])}"],
                           f"The part of the error change that reaches {h} through {n}.",
                           [w, h, n] + ([f"E_{n}"] if to_output else []), lhs=path_tex))
        term_tex.append(path_tex)
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    outgoing = [nm.weights[l + 1][k][j] for k in range(len(above))]
    return b.add("backward", f"dE_total/dout_{h}", total,
                 [" + ".join(term_tex), " + ".join(tex_term(term) for term in terms)],
                 f"{h} affects the error through every neuron it feeds, so the paths add up.",
                 [h, *outgoing, *above] + ([f"E_{n}" for n in above] if to_output else []))


# Per loss: E_o and dE_total/dout_o with {t} = target, {out} = output, {n} = outputs;
# each is written once with names and once with the numbers substituted.
_ERROR_LATEX = {
    "squared": r"\tfrac{{1}}{{2}}({t} - {out})^2",
    "mse": r"\tfrac{{1}}{{{n}}}({t} - {out})^2",
    "bce": r"-\tfrac{{1}}{{{n}}}[{t} \ln {out} + (1 - {t}) \ln(1 - {out})]",
}
_D_ERROR_LATEX = {
    "squared": r"-({t} - {out})",
    "mse": r"-\tfrac{{2}}{{{n}}}({t} - {out})",
    "bce": r"\frac{{{out} - {t}}}{{{n}{times}{out}(1 - {out})}}",
}


def _loss_latex(templates: dict[str, str], loss: str, o: str, t: float, out: float, n: int) -> list[str]:
    template = templates[loss]
    return [template.format(t=tex_name(f"target_{o}"), out=tex_name(f"out_{o}"), n=n, times=r"\,"),
            template.format(t=tex_number(t), out=tex_term(out), n=n, times=r" \cdot ")]
