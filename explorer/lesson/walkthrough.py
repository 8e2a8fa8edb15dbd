"""One training iteration as an ordered list of immutable steps.

Four phases, in the seed's order, each built by its own function:

``forward``   each neuron's net input, then its output (net_h1, out_h1, ...)
``error``     each output's error, then their sum (E_o1, E_o2, E_total)
``backward``  for every weight (and bias, when biases are updated) each
              chain-rule factor as its own step, then their product.  Output
              layer first; a hidden neuron's dE_total/dout is the sum over the
              paths through the layer above (dE_o1/dout_h1 + dE_o2/dout_h1),
              and a factor already shown is reused, never repeated.
``update``    each new value, w5+ = w5 - eta * dE_total/dw5

In batch mode the backward phase ends with every example's gradient for
each parameter, then their mean, which is the gradient the update uses:
dE_total/dw5 = (1/m) (dE^(1)/dw5 + ... + dE^(m)/dw5).

The walkthrough does no mathematics of its own: every value comes from the
engine's :meth:`Network.forward`, :meth:`Network.backward` and
:meth:`Network.update` (the "after" network), and every formula from the
records of :mod:`explorer.engine.functions`.  It only arranges them into steps a
student can follow, and never changes the network it is given.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from explorer.engine import validation as v
from explorer.engine.formatting import number, tex_name, tex_number, tex_symbol, tex_term
from explorer.engine.functions import ACTIVATIONS, LOSSES
from explorer.engine.naming import Names
from explorer.engine.network import Forward, Gradients, Network

PHASES = ("forward", "error", "backward", "update")

#: What a step computes: Step.quantity, with Step.neuron / Step.parameter naming whose.
QUANTITIES = {
    "net": "net input of a neuron (net_h1)",
    "out": "output of a neuron (out_h1)",
    "error": "error of one output (E_o1)",
    "total_error": "the sum of the output errors (E_total)",
    "d_out": "dE_total/dout of a neuron",
    "slope": "dout/dnet of a neuron: its activation's slope",
    "input": "dnet/d(parameter): what the parameter multiplies",
    "gradient": "dE_total/d(parameter)",
    "delta": "dE/dnet of a neuron of the layer above (via)",
    "weight_above": "dnet_via/dout of a neuron: the weight between them",
    "path": "the part of dE_total/dout of a neuron that passes through via",
    "update": "the parameter's new value (w5+)",
    "example_gradient": "dE/d(parameter) for one example of a batch",
}


@dataclass(frozen=True)
class Step:
    """One quantity of the iteration, as a student would write it down.

    ``symbol`` is plain text in the seed's naming (``dE_total/dw5``), for
    reading only; code asks the explicit fields: ``quantity`` (a key of
    :data:`QUANTITIES`), ``neuron`` and ``layer`` (the neuron it belongs to
    and its layer, 0 = inputs), ``parameter`` (a weight or bias name) and
    ``via`` (the neuron of the layer above a path goes through).  ``latex`` is
    the formula with numbers substituted and its result; ``formula`` the same
    without its result (``latex == formula + " = " + tex_number(value)``, for
    a quiz to hide the result); ``elements`` the ids of the diagram's
    neurons, connections and error nodes it uses.
    """

    phase: str
    symbol: str
    value: float
    latex: str
    meaning: str
    elements: tuple[str, ...]
    quantity: str = ""
    neuron: str | None = None
    layer: int | None = None
    parameter: str | None = None
    via: str | None = None
    formula: str = ""

    @property
    def key(self) -> tuple[str, str]:
        """(quantity, parameter or neuron): what the diagram looks values up by."""
        return self.quantity, self.parameter or self.neuron or ""

    def text(self) -> str:
        return f"{self.symbol} = {number(self.value)}"

    def to_dict(self) -> dict:
        return {
            "phase": self.phase,
            "symbol": self.symbol,
            "value": self.value,
            "latex": self.latex,
            "meaning": self.meaning,
            "elements": list(self.elements),
            "quantity": self.quantity,
            "neuron": self.neuron,
            "layer": self.layer,
            "parameter": self.parameter,
            "via": self.via,
            "formula": self.formula,
        }


@dataclass(frozen=True)
class Walkthrough:
    """The steps of one iteration, the gradients they show, and the network after it."""

    network: Network
    inputs: np.ndarray
    targets: np.ndarray
    steps: tuple[Step, ...]
    gradients: Gradients
    after: Network
    #: ``"batch"``: the gradients and the update are the means over ``batch_inputs``
    mode: str = "online"
    batch_inputs: np.ndarray | None = None
    batch_targets: np.ndarray | None = None

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
        """E_total once the update is applied (the seed's 0.291027924 under its order).

        Over the example shown, or in batch mode the mean over the batch.
        """
        if self.mode == "batch":
            return self.after.forward(self.batch_inputs, self.batch_targets).total_error
        return self.after.forward(self.inputs, self.targets).total_error


@dataclass
class _Iteration:
    """The engine's results for one example, and the steps arranged from them so far."""

    network: Network
    x: np.ndarray
    t: np.ndarray
    fw: Forward
    g: Gradients
    after: Network
    steps: list[Step] = field(default_factory=list)
    shown: dict[str, float] = field(default_factory=dict)

    @property
    def nm(self) -> Names:
        return self.network.names

    def add(
        self,
        phase: str,
        quantity: str,
        symbol: str,
        value: float,
        rhs: Iterable[str],
        meaning: str,
        elements: Iterable[str],
        lhs: str | None = None,
        **fields: object,
    ) -> float:
        """Append one step: ``lhs = rhs[0] = rhs[1] = value`` in LaTeX."""
        value = float(value)
        formula = " = ".join([lhs or tex_symbol(symbol), *rhs])
        latex = f"{formula} = {tex_number(value)}"
        self.steps.append(
            Step(
                phase,
                symbol,
                value,
                latex,
                meaning,
                tuple(dict.fromkeys(elements)),
                quantity,
                **fields,
                formula=formula,
            )
        )  # type: ignore[arg-type]
        self.shown[symbol] = value
        return value

    def value_name(self, layer: int, j: int) -> str:
        """What a neuron feeds forward: i1 for inputs, out_h1 otherwise."""
        return self.nm.neurons[0][j] if layer == 0 else f"out_{self.nm.neurons[layer][j]}"

    def bias_elements(self, l: int, k: int) -> list[str]:
        return [self.nm.bias_units[l], self.nm.biases[l][k]]


def walkthrough(
    network: Network, inputs: object, targets: object, example: int = 0, mode: str = "online"
) -> Walkthrough:
    """Every step of one iteration on one example (``example`` picks the row).

    In ``"batch"`` mode the chain rule is shown on that example, then every
    example's gradient and their mean; the update uses the mean, as
    ``train(..., mode="batch")`` does.

    Raises :class:`~explorer.engine.validation.InputError` for inputs or targets of
    the wrong length or non-finite values.  A diverged network (inf or nan
    weights) gives steps with inf or nan values, quietly, as the engine does.
    """
    x_all, t_all = network.check_data(inputs, targets)
    mode = v.check_choice("mode", mode, ("online", "batch"))
    example = v.parse_whole("example", example, 0, x_all.shape[0] - 1, f"choose an example from 1 to {x_all.shape[0]}")
    x, t = x_all[example], t_all[example]
    fw = network.forward(x, t)
    g = network.backward(x, t, fw)
    batch = mode == "batch" and x_all.shape[0] > 1
    if batch and network.order == "seed":
        # the seed's order sends each example's deltas through weights updated by that
        # example alone, so the examples' gradients would not average to the batch's
        raise v.InputError(
            "mode",
            "batch mode steps through the textbook order (gradients before "
            "any update); the seed's order belongs to its one example",
        )
    used = network.backward(x_all, t_all) if batch else g
    after = network.copy()
    after.update(used)
    it = _Iteration(network, x, t, fw, g, after)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        _forward_steps(it)
        _error_steps(it)
        _backward_steps(it)
        if batch:
            _batch_steps(it, x_all, t_all, used)
        _update_steps(it, used)
    return Walkthrough(network, x, t, tuple(it.steps), used, after, mode, x_all, t_all)


def _forward_steps(it: _Iteration) -> None:
    """net = sum of weight times input plus bias, then out = f(net), neuron by neuron."""
    network, nm, fw = it.network, it.nm, it.fw
    shared = network.bias_mode == "shared"
    for l in range(len(network.weights)):
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


def _error_steps(it: _Iteration) -> None:
    """Each output's error from the loss record, then E_total, their sum."""
    outputs, L = it.nm.neurons[-1], len(it.network.weights)
    loss = LOSSES[it.network.loss]
    for k, o in enumerate(outputs):
        it.add(
            "error",
            "error",
            f"E_{o}",
            it.fw.errors[k],
            _loss_latex(loss.tex_error, it, k),
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


def _loss_latex(template: str, it: _Iteration, k: int) -> list[str]:
    """A loss formula written with names, then with the numbers of output k."""
    o, n = it.nm.neurons[-1][k], it.network.sizes[-1]
    return [
        template.format(t=tex_name(f"target_{o}"), out=tex_name(f"out_{o}"), n=n, times=r"\,"),
        template.format(t=tex_number(it.t[k]), out=tex_term(it.fw.output[k]), n=n, times=r" \cdot "),
    ]


def _backward_steps(it: _Iteration) -> None:
    """The chain rule for every parameter, output layer first."""
    network, nm, g = it.network, it.nm, it.g
    L = len(network.weights)
    loss = LOSSES[network.loss]
    for k, o in enumerate(nm.neurons[-1]):
        it.add(
            "backward",
            "d_out",
            f"dE_total/dout_{o}",
            g.d_outs[L - 1][k],
            _loss_latex(loss.tex_d_out, it, k),
            f"How much E_total changes when out_{o} changes.",
            [o, f"E_{o}", "E_total"],
            neuron=o,
            layer=L,
        )
    for l in reversed(range(L)):
        _layer_steps(it, l)


def _layer_steps(it: _Iteration, l: int) -> None:
    """The backward steps of layer l + 1: its neurons' dE/dout, slopes and parameter gradients."""
    network, nm, g, fw = it.network, it.nm, it.g, it.fw
    L = len(network.weights)
    act = ACTIVATIONS[network.activations[l]]
    neurons = nm.neurons[l + 1]
    z, a, a_prev = fw.nets[l], fw.outs[l + 1], fw.outs[l]
    # the slopes, as the chain shows them; the deltas themselves are the engine's
    slopes = act.df(z, a)
    shared = network.bias_mode == "shared"
    error_nodes = (lambda n: [f"E_{n}"]) if l == L - 1 else (lambda n: [])
    for k, neuron in enumerate(neurons):
        where = dict(neuron=neuron, layer=l + 1)
        if l < L - 1:
            _path_steps(it, l, k)
        s_act = f"dout_{neuron}/dnet_{neuron}"
        it.add(
            "backward",
            "slope",
            s_act,
            slopes[k],
            [
                act.tex_slope.format(out=tex_name(f"out_{neuron}"), net=tex_name(f"net_{neuron}")),
                act.tex_slope.format(out=tex_term(a[k]), net=tex_term(z[k])),
            ],
            f"How much out_{neuron} changes when net_{neuron} changes: the slope of its activation.",
            [neuron],
            **where,
        )
        chain = rf"{tex_symbol(f'dE_total/dout_{neuron}')} \cdot {tex_symbol(s_act)}"
        numbers = rf"{tex_term(g.d_outs[l][k])} \cdot {tex_term(slopes[k])}"
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
                [w, nm.neurons[l][j], neuron, *error_nodes(neuron)],
                parameter=w,
                **where,
            )
        if network.update_biases and not shared:
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
                it.bias_elements(l, k) + [neuron, *error_nodes(neuron)],
                parameter=bias,
                **where,
            )
    if network.update_biases and shared:
        unit = nm.bias_units[l]
        it.add(
            "backward",
            "gradient",
            f"dE_total/d{unit}",
            g.biases[l][0],
            [
                " + ".join(
                    rf"{tex_symbol(f'dE_total/dout_{n}')} \cdot {tex_symbol(f'dout_{n}/dnet_{n}')} \cdot 1"
                    for n in neurons
                ),
                " + ".join(
                    rf"{tex_term(g.d_outs[l][k])} \cdot {tex_term(slopes[k])} \cdot 1" for k in range(len(neurons))
                ),
            ],
            f"{unit} feeds every neuron of its layer, so its gradient adds up their contributions.",
            [unit, *neurons],
            parameter=unit,
            layer=l + 1,
        )


def _path_steps(it: _Iteration, l: int, j: int) -> None:
    """Steps for dE_total/dout of neuron j of layer l+1: the sum over its paths upward.

    The weights of the layer above are shown as the engine's backward pass
    used them: as they are (textbook order) or as the update leaves them
    (the seed's order, the "after" network's).
    """
    network, nm, g = it.network, it.nm, it.g
    above = nm.neurons[l + 2]
    h = nm.neurons[l + 1][j]
    to_output = l + 2 == len(nm.neurons) - 1
    seed_order = network.order == "seed"
    W = (it.after if seed_order else network).weights[l + 1]
    delta_above = g.deltas[l + 1]
    terms, term_tex = [], []
    for k, n in enumerate(above):
        s_delta = f"dE_{n}/dnet_{n}" if to_output else f"dE_total/dnet_{n}"
        if s_delta not in it.shown:
            first = f"dE_{n}/dout_{n}" if to_output else f"dE_total/dout_{n}"
            it.add(
                "backward",
                "delta",
                s_delta,
                delta_above[k],
                [
                    rf"{tex_symbol(first)} \cdot {tex_symbol(f'dout_{n}/dnet_{n}')}",
                    rf"{tex_term(it.shown[f'dE_total/dout_{n}'])} \cdot {tex_term(it.shown[f'dout_{n}/dnet_{n}'])}",
                ],
                f"How much {'E_' + n if to_output else 'E_total'} changes when net_{n} changes.",
                [n] + ([f"E_{n}"] if to_output else []),
                neuron=n,
                layer=l + 2,
            )
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
        terms.append(
            it.add(
                "backward",
                "path",
                s_path,
                delta_above[k] * W[k, j],
                [
                    rf"{tex_symbol(s_delta)} \cdot {tex_symbol(s_w)}",
                    rf"{tex_term(delta_above[k])} \cdot {tex_term(W[k, j])}",
                ],
                f"The part of the error change that reaches {h} through {n}.",
                [w, h, n] + ([f"E_{n}"] if to_output else []),
                lhs=path_tex,
                neuron=h,
                layer=l + 1,
                via=n,
            )
        )
        term_tex.append(path_tex)
    outgoing = [nm.weights[l + 1][k][j] for k in range(len(above))]
    it.add(
        "backward",
        "d_out",
        f"dE_total/dout_{h}",
        g.d_outs[l][j],
        [" + ".join(term_tex), " + ".join(tex_term(term) for term in terms)],
        f"{h} affects the error through every neuron it feeds, so the paths add up.",
        [h, *outgoing, *above] + ([f"E_{n}" for n in above] if to_output else []),
        neuron=h,
        layer=l + 1,
    )


def _batch_steps(it: _Iteration, x_all: np.ndarray, t_all: np.ndarray, mean: Gradients) -> None:
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
    it: _Iteration, parameter: str, rows: list, mean: float, m: int, chain: str, elements: list[str], layer: int
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


def _update_steps(it: _Iteration, g: Gradients) -> None:
    """Each parameter's new value, as Network.update left it in the "after" network."""
    network, nm, after = it.network, it.nm, it.after
    eta = network.learning_rate
    eta_tex = tex_number(eta)
    for l in reversed(range(len(network.weights))):
        for k, row in enumerate(nm.weights[l]):
            for j, w in enumerate(row):
                old = network.weights[l][k, j]
                it.add(
                    "update",
                    "update",
                    f"{w}+",
                    after.weights[l][k, j],
                    [
                        rf"{tex_name(w)} - \eta \cdot {tex_symbol(f'dE_total/d{w}')}",
                        rf"{tex_term(old)} - {eta_tex} \cdot {tex_term(g.weights[l][k, j])}",
                    ],
                    f"Step {w} against its gradient, scaled by the learning rate eta = {number(eta)}.",
                    [w],
                    parameter=w,
                    layer=l + 1,
                )
        if network.update_biases:
            for k, bias in enumerate(dict.fromkeys(nm.biases[l])):
                old = network.biases[l][k]
                it.add(
                    "update",
                    "update",
                    f"{bias}+",
                    after.biases[l][k],
                    [
                        rf"{tex_name(bias)} - \eta \cdot {tex_symbol(f'dE_total/d{bias}')}",
                        rf"{tex_term(old)} - {eta_tex} \cdot {tex_term(g.biases[l][k])}",
                    ],
                    f"Step the bias {bias} against its gradient.",
                    [nm.bias_units[l], bias],
                    parameter=bias,
                    layer=l + 1,
                )
