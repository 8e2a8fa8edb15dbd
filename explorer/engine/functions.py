"""Activations and losses: one record per function, and nothing else spells them out.

Each :class:`Activation` holds, side by side, everything the package ever
needs of one function: its array form ``f(net)``, its derivative ``f'``
written in terms of ``net`` and ``out = f(net)`` (the seed writes the
logistic derivative as ``out (1 - out)``), the same two as Python
expressions for the straight-line trainer (:mod:`explorer.engine.compiled`), their
LaTeX with names or numbers put in, and one line saying what it does.  Each
:class:`Loss` holds the error of one output neuron (``E_o1``; ``E_total`` is
always their sum), ``dE_total/dout_o``, the same as expressions, and LaTeX.

Adding an activation means adding one record to :data:`ACTIVATIONS`: the
engine, the trainers, the walkthrough, the diagram and the command line all
read this table.

The array forms are called under ``np.errstate(over="ignore", invalid="ignore")``
by the engine: a diverging network turns to inf and nan quietly, and
``1 / (1 + exp(1000))`` is the right 0.0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray


def sigmoid(net: Array) -> Array:
    """Logistic function 1 / (1 + e^-net); 0.0 and 1.0 far out (exp overflows to inf)."""
    return 1.0 / (1.0 + np.exp(-net))


def softplus(net: Array) -> Array:
    """ln(1 + e^net), written so that exp never overflows: max(net, 0) + ln(1 + e^-|net|)."""
    return np.logaddexp(0.0, net)


def softmax(net: Array) -> Array:
    """e^net_k / sum_j e^net_j over the last axis (the layer); the largest net is taken out first.

    e^(net_k - c) / sum_j e^(net_j - c) is the same number for any c, and
    with c = max_j net_j no exp overflows and the sum is at least 1.
    """
    e = np.exp(net - np.max(net, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def log_softmax(net: Array) -> Array:
    """ln softmax(net) = net_k - ln sum_j e^net_j, exact where softmax itself rounds to 0."""
    top = np.max(net, axis=-1, keepdims=True)
    return net - top - np.log(np.sum(np.exp(net - top), axis=-1, keepdims=True))


def sigmoid_slope_exact(net: Array, out: Array) -> Array:
    """out (1 - out), with 1 - out taken as sigmoid(-net) where out is sigmoid(net) > 1/2.

    So exact where out has rounded to 1 (net beyond ~37), and near it: the
    slope a cross-entropy output shows beside its exact dE/dout (their
    product is the fused delta).  Given any other pair (a quiz's mistake puts
    net where out belongs) it is the formula as written, out (1 - out).
    About a dozen array operations where the engine's ``out (1 - out)`` takes
    two: the trainers, whose sums it would slow by half, keep the seed's form.
    """
    e = np.exp(-np.abs(net))
    upper = (net > 0.0) & (out == 1.0 / (1.0 + e))  # sigmoid's own rounding for net > 0
    return out * np.where(upper, e / (1.0 + e), 1.0 - out)


# exp in these expressions only ever sees a number <= 0, so math.exp cannot
# raise OverflowError; a nan takes the second branch and stays nan.
_PY_SIGMOID = "(1.0 / (1.0 + exp(-{net})) if {net} >= 0.0 else exp({net}) / (1.0 + exp({net})))"
_PY_SOFTPLUS = "({net} + log1p(exp(-{net})) if {net} > 0.0 else log1p(exp({net})))"
LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    """One activation function in every form the package uses.

    Templates use ``{net}`` and ``{out}``; the ``py_`` ones must be given
    plain variable names (they may repeat them).
    """

    name: str
    #: out = f(net), elementwise on arrays
    f: Callable[[Array], Array]
    #: dout/dnet given (net, out), elementwise on arrays
    df: Callable[[Array, Array], Array]
    #: the same two as Python expressions on floats (names from ``math``: exp, log1p, tanh, ...)
    py_out: str
    py_slope: str
    #: LaTeX of out in terms of {net}, and of dout/dnet in terms of {net}, {out}
    tex_out: str
    tex_slope: str
    #: what it does to the net input, as the walkthrough says it
    meaning: str
    #: out_k depends on every net input of its layer (softmax), not on net_k
    #: alone: ``f`` works on the last axis, ``df`` is only the Jacobian's
    #: diagonal dout_k/dnet_k, and the layer must be the output layer, scored
    #: by the loss named here, whose fused delta carries the whole Jacobian
    coupled_loss: str | None = None


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation(
            "sigmoid",
            sigmoid,
            # the seed's form, as the oracle and every trainer take it: 1 - out
            # has rounded to 0 where net passes ~37, a slope below 1e-16 anyway
            lambda net, out: out * (1.0 - out),
            _PY_SIGMOID,
            "{out} * (1.0 - {out})",
            r"\frac{{1}}{{1 + e^{{-{net}}}}}",
            r"{out}(1 - {out})",
            "the logistic function squashes it into (0, 1)",
        ),
        Activation(
            "tanh",
            np.tanh,
            lambda net, out: 1.0 - out * out,
            "tanh({net})",
            "1.0 - {out} * {out}",
            r"\tanh({net})",
            r"1 - {out}^2",
            "tanh squashes it into (-1, 1)",
        ),
        # the slope at exactly 0 is taken as 0 (net > 0), as most libraries do
        Activation(
            "relu",
            lambda net: np.maximum(net, 0.0),
            lambda net, out: (net > 0.0) * 1.0,
            "({net} if not {net} <= 0.0 else 0.0)",
            "(1.0 if {net} > 0.0 else 0.0)",
            r"\max(0, {net})",
            r"[{net} > 0]",
            "ReLU passes it if positive, else gives 0",
        ),
        Activation(
            "linear",
            lambda net: net + 0.0,
            lambda net, out: np.ones_like(net),
            "{net}",
            "1.0",
            r"{net}",
            r"1",
            "a linear neuron passes it unchanged",
        ),
        Activation(
            "leaky_relu",
            lambda net: np.where(net > 0.0, net, LEAKY_SLOPE * net),
            lambda net, out: np.where(net > 0.0, 1.0, LEAKY_SLOPE),
            f"({{net}} if not {{net}} <= 0.0 else {LEAKY_SLOPE} * {{net}})",
            f"(1.0 if {{net}} > 0.0 else {LEAKY_SLOPE})",
            rf"\max({LEAKY_SLOPE}\,{{net}}, {{net}})",
            rf"[{{net}} > 0] + {LEAKY_SLOPE}\,[{{net}} \le 0]",
            f"leaky ReLU passes it if positive, else lets {LEAKY_SLOPE} of it through",
        ),
        Activation(
            "softplus",
            softplus,
            lambda net, out: sigmoid(net),
            _PY_SOFTPLUS,
            _PY_SIGMOID,
            r"\ln(1 + e^{{{net}}})",
            r"\frac{{1}}{{1 + e^{{-{net}}}}}",
            "softplus, a smooth ReLU, makes it positive",
        ),
        # No float form: the straight-line trainer declines a coupled layer
        Activation(
            "softmax",
            softmax,
            lambda net, out: out * (1.0 - out),
            "",
            "",
            r"\frac{{e^{{{net}}}}}{{\sum_j e^{{net_j}}}}",
            r"{out}(1 - {out})",
            "softmax turns the layer's net inputs into probabilities that add up to 1",
            coupled_loss="cce",
        ),
    )
}

#: The activations that act on each neuron alone: any layer may use them.
ELEMENTWISE = tuple(name for name, act in ACTIVATIONS.items() if act.coupled_loss is None)


@dataclass(frozen=True)
class Loss:
    """One loss in every form the package uses.

    Functions take ``n``, the number of output neurons, explicitly, so that
    they work whichever axis holds the outputs.  Templates use ``{t}``
    (target), ``{out}``, ``{net}`` and ``{n}``.
    """

    name: str
    #: E_o per output, from (net, out, target, n)
    errors: Callable[[Array, Array, Array, int], Array]
    #: dE_total/dout_o, from (net, out, target, n): the textbook chain's first factor
    d_out: Callable[[Array, Array, Array, int], Array]
    py_error: str
    py_d_out: str
    tex_error: str
    tex_d_out: str
    description: str
    #: the only output activation the loss accepts (None: any)
    output_activation: str | None = None
    #: dE_total/dnet_o in one piece, from (net, out, target, n), where the chain's
    #: factors would divide zero by zero; used when ``output_activation`` is set
    fused_delta: Callable[[Array, Array, Array, int], Array] | None = None
    py_fused_delta: str | None = None
    #: dout/dnet of the output layer as the chain shows it beside an exact dE/dout,
    #: from (net, out), where the activation's own slope would round to 0 (None: that slope)
    output_slope: Callable[[Array, Array], Array] | None = None


def shown_slope(activation: Activation, loss: Loss, output: bool, net: Array, out: Array) -> Array:
    """dout/dnet of a layer as the walkthrough shows it: the loss's exact form at its output, if it has one."""
    if output and loss.output_slope is not None:
        return loss.output_slope(net, out)
    return activation.df(net, out)


# Cross-entropy from the net input z, with out = sigmoid(z), 1 - out = sigmoid(-z),
# -ln out = softplus(-z) and -ln(1 - out) = softplus(z).  Every form below adds
# terms of one sign, or subtracts only where the exact value passes through 0,
# so it keeps its relative precision however far out saturates (|z| up to ~700,
# where e^|z| overflows): no logarithm or reciprocal of an out that has rounded
# to 0 or 1, and no softplus(z) - t z, which cancels for t = 1 and large z.
def _bce_errors(net: Array, out: Array, t: Array, n: int) -> Array:
    # -(t ln out + (1 - t) ln(1 - out))
    return ((1.0 - t) * softplus(net) + t * softplus(-net)) / n


def _sigmoids(net: Array) -> tuple[Array, Array]:
    """(sigmoid(net), sigmoid(-net)), each to full relative precision, exp never overflowing."""
    e = np.exp(-np.abs(net))
    near_one, near_zero = 1.0 / (1.0 + e), e / (1.0 + e)
    positive = net >= 0.0
    return np.where(positive, near_one, near_zero), np.where(positive, near_zero, near_one)


def _bce_d_out(net: Array, out: Array, t: Array, n: int) -> Array:
    # (out - t) / (out (1 - out)) = (1 - t) / (1 - out) - t / out
    out, complement = _sigmoids(net)
    return ((1.0 - t) / complement - t / out) / n


def _bce_delta(net: Array, out: Array, t: Array, n: int) -> Array:
    # out - t = (1 - t) out - t (1 - out)
    out, complement = _sigmoids(net)
    return ((1.0 - t) * out - t * complement) / n


def _py_bce(template: str) -> str:
    """A cross-entropy form for the straight-line trainer, with S(z) sigmoid(z) and P(z) softplus(z)."""
    forms = {
        "S(z)": _PY_SIGMOID,
        "S(-z)": _PY_SIGMOID.replace("{net}", "(-{net})"),
        "P(z)": _PY_SOFTPLUS,
        "P(-z)": _PY_SOFTPLUS.replace("{net}", "(-{net})"),
    }
    for name, form in forms.items():
        template = template.replace(name, form)
    return template


# Categorical cross-entropy, -sum_k t_k ln out_k, with ln out_k from the net
# inputs (log_softmax): exact where out_k has rounded to 0.  A target of 0
# adds nothing, even where ln out_k is -inf.
def _cce_errors(net: Array, out: Array, t: Array, n: int) -> Array:
    return np.where(t == 0.0, 0.0, -t * log_softmax(net))


def _cce_d_out(net: Array, out: Array, t: Array, n: int) -> Array:
    # -t_k / out_k, with out_k = e^(ln out_k): 0 where the target is 0
    return np.where(t == 0.0, 0.0, -t * np.exp(-log_softmax(net)))


def _cce_delta(net: Array, out: Array, t: Array, n: int) -> Array:
    # sum_j (-t_j / out_j) out_j (delta_jk - out_k) = -t_k + out_k sum_j t_j = out_k - t_k,
    # since the targets of an example add up to 1 (Network.check_data holds them to it)
    return out - t


LOSSES: dict[str, Loss] = {
    l.name: l
    for l in (
        # The seed's E_total = sum 1/2 (target - out)^2; the 1/2 cancels the 2.
        # -(t - out) is written out - t: the same number, one operation fewer
        Loss(
            "squared",
            lambda net, out, t, n: 0.5 * np.square(t - out),
            lambda net, out, t, n: out - t,
            "0.5 * (({t} - {out}) * ({t} - {out}))",
            "({out} - {t})",
            r"\tfrac{{1}}{{2}}({t} - {out})^2",
            r"-({t} - {out})",
            "sum over outputs of 1/2 (target - out)^2 (the seed's)",
        ),
        Loss(
            "mse",
            lambda net, out, t, n: np.square(t - out) / n,
            lambda net, out, t, n: 2.0 * (out - t) / n,
            "({t} - {out}) * ({t} - {out}) / {n}",
            "2.0 * ({out} - {t}) / {n}",
            r"\tfrac{{1}}{{{n}}}({t} - {out})^2",
            r"-\tfrac{{2}}{{{n}}}({t} - {out})",
            "mean over outputs of (target - out)^2",
        ),
        Loss(
            "bce",
            _bce_errors,
            _bce_d_out,
            _py_bce("((1.0 - {t}) * P(z) + {t} * P(-z)) / {n}"),
            _py_bce("((1.0 - {t}) / S(-z) - {t} / S(z)) / {n}"),
            r"-\tfrac{{1}}{{{n}}}[{t} \ln {out} + (1 - {t}) \ln(1 - {out})]",
            r"\frac{{{out} - {t}}}{{{n}{times}{out}(1 - {out})}}",
            "binary cross-entropy, mean over outputs (targets in [0, 1]), computed from the net input",
            output_activation="sigmoid",
            fused_delta=_bce_delta,
            py_fused_delta=_py_bce("((1.0 - {t}) * S(z) - {t} * S(-z)) / {n}"),
            output_slope=sigmoid_slope_exact,
        ),
        # a sum over the classes, not a mean: the textbook's E = -sum_k t_k ln out_k
        Loss(
            "cce",
            _cce_errors,
            _cce_d_out,
            "",
            "",
            r"-{t} \ln {out}",
            r"-\frac{{{t}}}{{{out}}}",
            "categorical cross-entropy, summed over the classes (targets of each example add up to 1)",
            output_activation="softmax",
            fused_delta=_cce_delta,
        ),
    )
}
