"""The iteration in matrix form: each phase, a layer at a time, as the vectorised algorithm.

The walkthrough works out one number a step; textbooks and frameworks write
the same iteration a layer at a time.  Layers are numbered from 1 and the
inputs are a^(0), so W^(l) is the engine's ``weights[l - 1]``::

    forward    z^(l) = W^(l) a^(l-1) + b^(l)           a^(l) = f(z^(l))
    error      e = loss(a^(L), t), one entry per output  E_total = 1^T e
    backward   dE/da^(L) from the loss;  dE/da^(l) = W^(l+1)T delta^(l+1)
               delta^(l) = dE/da^(l) (.) f'(z^(l))
               dE/dW^(l) = delta^(l) a^(l-1)T         dE/db^(l) = delta^(l)  (shared: 1^T delta^(l))
    update     W^(l)+ = W^(l) - eta dE/dW^(l)

A :class:`Part` is one phase of one layer; its :class:`Line` s hold this
iteration's numbers as small matrices, and every :class:`Entry` lists the
scalar steps whose value it is (:class:`Ref`): w5's entry of dE/dW^(2) is the
step dE_total/dw5.  The numbers come from the engine's passes, as the steps'
do, so an entry equals its steps' values exactly (a test checks every one).
Entries no step works out (a weight, a bias, a target; the deltas of the
first layer, which the chain multiplies straight into each gradient) have no
refs.

In batch mode the vectors become matrices, one column per example; the
column of the example shown carries the steps, and dE/dW^(l) is the mean
(1/m) Delta^(l) A^(l-1)T.  Under the seed's order the deltas travel down
through the updated weights W^(l+1)+, as the steps show them.
"""

from __future__ import annotations

import numpy as np

from explorer.engine.formatting import tex_number
from explorer.engine.functions import ACTIVATIONS, LOSSES, shown_slope

from .matrices import (
    Entry,
    Line,
    Matrix,
    Part,
    Position,
    Ref,
    RefsOf,
    describe,
    find_entry,
    matrix,
    part_for,
    step_index,
)
from .walkthrough import Walkthrough

__all__ = [
    "Entry", "Line", "Matrix", "Part", "Position", "Ref", "describe", "find_entry",
    "matrix", "matrix_form", "part_for", "step_index",
]  # fmt: skip


def activation_tex(name: str) -> str:
    """f as the text writes it: sigma for the sigmoid, tanh, else the activation's name."""
    return {"sigmoid": r"\sigma", "tanh": r"\tanh"}.get(name, rf"\mathrm{{{name.replace('_', '-')}}}")


class _Form:
    """The engine's numbers of one walkthrough, a column per example shown, and the names."""

    def __init__(self, walk: Walkthrough, example: int) -> None:
        net = walk.network
        self.walk, self.net, self.nm, self.L = walk, net, net.names, len(net.weights)
        m = walk.batch_inputs.shape[0]
        self.batch = walk.mode == "batch" and m > 1
        rows = range(m) if self.batch else [example]
        xs, ts = walk.batch_inputs[list(rows)], walk.batch_targets[list(rows)]
        self.shown = example if self.batch else 0  # the column of the example the steps work on
        self.m = len(xs)
        passes = [net.forward(x, t) for x, t in zip(xs, ts)]
        grads = [net.backward(x, t, fw) for x, t, fw in zip(xs, ts, passes)]

        def stack(vectors: list) -> np.ndarray:  # one column per example
            return np.stack([np.asarray(v, dtype=float) for v in vectors], axis=1)

        L = self.L
        self.outs = [stack([p.outs[l] for p in passes]) for l in range(L + 1)]
        # nets[l], deltas[l], d_outs[l] belong to layer l (1..L)
        self.nets = [None, *(stack([p.nets[l] for p in passes]) for l in range(L))]
        self.deltas = [None, *(stack([g.deltas[l] for g in grads]) for l in range(L))]
        self.d_outs = [None, *(stack([g.d_outs[l] for g in grads]) for l in range(L))]
        self.errors = np.stack([p.errors for p in passes], axis=1)
        self.totals = np.array([[p.total_error for p in passes]])
        self.targets = ts.T
        self.grads = grads

    def own(self, c: int, *refs: Ref) -> tuple[Ref, ...]:
        """``refs`` for the column of the example shown, none for the others."""
        return refs if c == self.shown else ()

    def neurons(self, l: int) -> tuple[str, ...]:
        return self.nm.neurons[l]

    def slopes(self, l: int) -> np.ndarray:
        # as the steps show it: a cross-entropy output's exact slope, else the activation's own
        activation, loss = ACTIVATIONS[self.net.activations[l - 1]], LOSSES[self.net.loss]
        return shown_slope(activation, loss, l == len(self.net.activations), self.nets[l], self.outs[l])

    def column_name(self, name: str) -> str:
        """``a^{(1)}`` online, ``A^{(1)}`` (a column per example) in batch mode."""
        if not self.batch:
            return name
        return r"\Delta" + name[len(r"\delta") :] if name.startswith(r"\delta") else name[0].upper() + name[1:]

    # --------------------------------------------------------- shared matrices
    def a(self, l: int, refs: RefsOf | None = None) -> Matrix:
        """a^(l), the outputs of layer l (the inputs at 0), each entry the step that worked it out."""
        if refs is None:
            if l == 0:  # an input has no step of its own: dnet_h1/dw1 = i1 shows it
                w, h = self.nm.weights[0][0], self.neurons(1)[0]
                refs = lambda r, c: self.own(c, Ref("input", w[r], "neuron", (0, 0), f"dnet_{h}/d{w[r]}"))  # noqa: E731
            else:
                refs = lambda r, c: self.own(c, Ref("out", self.neurons(l)[r], "forward", (l - 1,)))  # noqa: E731
        return matrix(self.column_name(f"a^{{({l})}}"), self.outs[l], refs)

    def delta(self, l: int) -> Matrix:
        """delta^(l) = dE/dz^(l): the steps dE/dnet of the layer below's first neuron block (none for layer 1)."""

        def refs(r: int, c: int) -> tuple[Ref, ...]:
            if l == 1:
                return ()
            n = self.neurons(l)[r]
            symbol = f"dE_{n}/dnet_{n}" if l == self.L else f"dE_total/dnet_{n}"
            return self.own(c, Ref("delta", n, "neuron", (l - 2, 0), symbol))

        return matrix(self.column_name(rf"\delta^{{({l})}}"), self.deltas[l], refs)

    def gradient_refs(self, l: int, name: str, k: int, j: int | None) -> tuple[Ref, ...]:
        """The step of the gradient the update uses: the chain's (online) or the batch mean."""
        if not self.batch:
            kind, where = (
                ("neuron", (l - 1, k)) if j is not None or self.net.bias_mode != "shared" else ("shared_bias", (l - 1,))
            )
            return (Ref("gradient", name, kind, where, f"dE_total/d{name}"),)
        kind, where = ("weight_mean", (l - 1, k, j)) if j is not None else ("bias_mean", (l - 1, k))
        return (
            Ref("gradient", name, kind, where, f"dE_total/d{name} (mean of {self.m})"),
            Ref("example_gradient", name, kind, where, same=False),  # one of the terms of the mean
        )

    def used_gradients(self, l: int) -> tuple[np.ndarray, np.ndarray]:
        """(dE/dW^(l), dE/db^(l)) as the update uses them."""
        g = self.walk.gradients
        return g.weights[l - 1], g.biases[l - 1]


# ------------------------------------------------------------------ parts
def _forward_part(f: _Form, l: int) -> Part:
    """z^(l) = W^(l) a^(l-1) + b^(l), then a^(l) = f(z^(l))."""
    e, names = l - 1, f.neurons(l)
    W = matrix(f"W^{{({l})}}", f.net.weights[e])
    b = matrix(f"b^{{({l})}}", np.broadcast_to(f.net.biases[e], (len(names),))[:, None])
    z = matrix(f.column_name(f"z^{{({l})}}"), f.nets[l], lambda r, c: f.own(c, Ref("net", names[r], "forward", (e,))))
    a = f.a(l, lambda r, c: f.own(c, Ref("out", names[r], "forward", (e,))))
    ones = [r"\mathbf{1}^\top"] if f.batch else []
    prev = f.a(l - 1)
    act = activation_tex(f.net.activations[e])
    return Part(
        "forward",
        l,
        f"Forward pass, layer {l}" + (" (the outputs)" if l == f.L else ""),
        (
            Line(f"{z.symbol} = {W.symbol} {prev.symbol} + {b.symbol}{''.join(ones)}", (W, prev, "+", b, *ones), z),
            Line(f"{a.symbol} = {act}({z.symbol})", (act, z), a),
        ),
    )


def _error_part(f: _Form) -> Part:
    """e = loss(a^(L), t) per output, then E_total = 1^T e."""
    L, outputs = f.L, f.neurons(f.L)
    loss = LOSSES[f.net.loss]
    out = f.a(L)
    t = matrix(f.column_name("t"), f.targets)
    e = matrix(f.column_name("e"), f.errors, lambda r, c: f.own(c, Ref("error", outputs[r], "error")))
    total = matrix("E_{total}", f.totals, lambda r, c: f.own(c, Ref("total_error", "", "error")))
    each = loss.tex_error.format(t="t_k", out=f"a^{{({L})}}_k", n=len(outputs), times=r"\,")
    return Part(
        "error",
        L,
        "Error" + (": a column per example" if f.batch else ""),
        (
            Line(
                rf"{e.symbol} = \ell({out.symbol}, {t.symbol}),\ e_k = {each}", (r"\ell\Big(", out, ",", t, r"\Big)"), e
            ),
            Line(rf"E_{{total}} = \mathbf{{1}}^\top {e.symbol}", (r"\mathbf{1}^\top", e), total),
        ),
    )


def _d_out_line(f: _Form, l: int) -> Line:
    """dE/da^(l): from the loss at the outputs, else W^(l+1)T delta^(l+1) (the sum over the paths up)."""
    names = f.neurons(l)
    symbol = rf"\frac{{\partial E}}{{\partial {f.column_name(f'a^{{({l})}}')}}}"
    if l == f.L:
        d = matrix(symbol, f.d_outs[l], lambda r, c: f.own(c, Ref("d_out", names[r], "output")))
        tex = LOSSES[f.net.loss].tex_d_out.format(t="t_k", out=f"a^{{({l})}}_k", n=len(names), times=r"\,")
        return Line(
            rf"\frac{{\partial E}}{{\partial a^{{({l})}}_k}} = {tex}",
            (r"\ell'\Big(", f.a(l), ",", matrix(f.column_name("t"), f.targets), r"\Big)"),
            d,
        )
    seed = f.net.order == "seed"
    W = (f.walk.after if seed else f.net).weights[l]
    above = f.nm.weights[l]
    wT = matrix(
        f"W^{{({l + 1}){'+' if seed else ''}\\top}}",
        W.T,
        lambda r, c: (
            Ref("weight_above", above[c][r], "neuron", (l - 1, r), f"dnet_{f.neurons(l + 1)[c]}/dout_{names[r]}"),
        ),
    )
    d = matrix(
        symbol,
        f.d_outs[l],
        lambda r, c: f.own(
            c, Ref("d_out", names[r], "neuron", (l - 1, r)), Ref("path", names[r], "neuron", (l - 1, r), same=False)
        ),
    )
    return Line(f"{symbol} = {wT.symbol} {f.delta(l + 1).symbol}", (wT, f.delta(l + 1)), d)


def _delta_line(f: _Form, l: int, d_out: Matrix) -> Line:
    """delta^(l) = dE/da^(l) (.) f'(z^(l)), elementwise."""
    names, act = f.neurons(l), activation_tex(f.net.activations[l - 1])
    slope = matrix(
        f"{act}'({f.column_name(f'z^{{({l})}}')})",
        f.slopes(l),
        lambda r, c: f.own(c, Ref("slope", names[r], "neuron", (l - 1, r))),
    )
    delta = f.delta(l)
    return Line(rf"{delta.symbol} = {d_out.symbol} \odot {slope.symbol}", (d_out, r"\odot", slope), delta)


def _gradient_lines(f: _Form, l: int) -> list[Line]:
    """dE/dW^(l) = delta^(l) a^(l-1)T for the example shown; in batch mode, then the mean over the batch."""
    e, w = l - 1, f.nm.weights[l - 1]
    receivers = f.neurons(l)
    inputs = lambda r, c: tuple(  # noqa: E731
        Ref("input", w[k][c], "neuron", (e, k), f"dnet_{receivers[k]}/d{w[k][c]}") for k in range(len(w))
    )
    k0 = f.shown
    delta = f.delta(l)
    own = matrix(rf"\delta^{{({l})}}", f.deltas[l][:, k0 : k0 + 1], lambda r, c: delta.entries[r][k0].refs)
    a_T = matrix(rf"a^{{({l - 1})\top}}", f.outs[l - 1][:, k0][None, :], inputs)

    def chain(r: int, c: int) -> tuple[Ref, ...]:
        refs = (Ref("gradient", w[r][c], "neuron", (e, r), f"dE_total/d{w[r][c]}"),)
        if f.batch:
            refs += (Ref("example_gradient", w[r][c], "weight_mean", (e, r, c), f"dE^({k0 + 1})/d{w[r][c]}"),)
        return refs

    name = rf"\frac{{\partial E{f'^{{({k0 + 1})}}' if f.batch else ''}}}{{\partial W^{{({l})}}}}"
    lines = [Line(f"{name} = {own.symbol} {a_T.symbol}", (own, a_T), matrix(name, f.grads[k0].weights[e], chain))]
    if f.batch:
        g_w, _ = f.used_gradients(l)
        A_T = matrix(rf"A^{{({l - 1})\top}}", f.outs[l - 1].T)
        mean = matrix(
            rf"\frac{{\partial E}}{{\partial W^{{({l})}}}}", g_w, lambda r, c: f.gradient_refs(l, w[r][c], r, c)
        )
        m = rf"\tfrac{{1}}{{{f.m}}}"
        lines.append(Line(f"{mean.symbol} = {m} {delta.symbol} {A_T.symbol}", (m, delta, A_T), mean))
    return lines


def _bias_lines(f: _Form, l: int) -> list[Line]:
    """dE/db^(l) (biases updated only): delta^(l), or 1^T delta^(l) for a shared bias; in batch mode, then the mean."""
    shared, e = f.net.bias_mode == "shared", l - 1
    biases = list(dict.fromkeys(f.nm.biases[e]))
    one = [r"\mathbf{1}^\top"] if shared else []
    k0 = f.shown
    delta = f.delta(l)
    own = matrix(rf"\delta^{{({l})}}", f.deltas[l][:, k0 : k0 + 1], lambda r, c: delta.entries[r][k0].refs)

    def chain(r: int, c: int) -> tuple[Ref, ...]:
        b = biases[r]
        kind, where = ("shared_bias", (e,)) if shared else ("neuron", (e, r))
        refs = (Ref("gradient", b, kind, where, f"dE_total/d{b}"),)
        if f.batch:
            refs += (Ref("example_gradient", b, "bias_mean", (e, r), f"dE^({k0 + 1})/d{b}"),)
        return refs

    name = rf"\frac{{\partial E{f'^{{({k0 + 1})}}' if f.batch else ''}}}{{\partial b^{{({l})}}}}"
    g = matrix(name, f.grads[k0].biases[e][:, None], chain)
    lines = [Line(f"{name} = {' '.join([*one, own.symbol])}", (*one, own), g)]
    if f.batch:
        _, g_b = f.used_gradients(l)
        mean = matrix(
            rf"\frac{{\partial E}}{{\partial b^{{({l})}}}}",
            g_b[:, None],
            lambda r, c: f.gradient_refs(l, biases[r], r, None),
        )
        terms = (rf"\tfrac{{1}}{{{f.m}}}", *one, delta, r"\mathbf{1}")
        formula = " ".join(t if isinstance(t, str) else t.symbol for t in terms)
        lines.append(Line(f"{mean.symbol} = {formula}", terms, mean))
    return lines


def _backward_part(f: _Form, l: int) -> Part:
    d_out = _d_out_line(f, l)
    lines = [d_out, _delta_line(f, l, d_out.result), *_gradient_lines(f, l)]
    if f.net.update_biases:
        lines += _bias_lines(f, l)
    return Part("backward", l, f"Backward pass, layer {l}" + (" (the outputs)" if l == f.L else ""), tuple(lines))


def _rule_lines(f: _Form, l: int, name: str, old: Matrix, grad: Matrix, new: Matrix, decay: bool) -> list[Line]:
    """The update rule's lines for one parameter matrix, as Network.update applies it.

    Plain descent: X+ = X - eta dE/dX.  Weight decay (weights only) adds
    lambda X to the gradient; momentum first makes the velocity
    V+ = mu V - eta (gradient), then X+ = X + V+.
    """
    net = f.net
    eta = tex_number(net.learning_rate)
    lam = decay and net.weight_decay != 0
    gradient: tuple[Matrix | str, ...] = (grad,)
    grad_tex = grad.symbol
    if lam:
        gradient = (r"\left(", grad, "+", tex_number(net.weight_decay), old, r"\right)")
        grad_tex = rf"\left({grad.symbol} + \lambda\, {old.symbol}\right)"
    if net.momentum == 0:
        return [Line(rf"{new.symbol} = {old.symbol} - \eta\, {grad_tex}", (old, "-", eta, *gradient), new)]
    e = l - 1
    which = 0 if name == "W" else 1
    after = f.walk.after.velocity[which][e]
    before = net.velocity[which][e] if net.velocity is not None else np.zeros_like(after)  # v starts at 0
    if which == 1:
        before, after = before[:, None], after[:, None]
    v_old = matrix(f"V_{{{name}}}^{{({l})}}", before)
    v_new = matrix(f"V_{{{name}}}^{{({l})+}}", after)
    mu = tex_number(net.momentum)
    return [
        Line(rf"{v_new.symbol} = \mu\, {v_old.symbol} - \eta\, {grad_tex}", (mu, v_old, "-", eta, *gradient), v_new),
        Line(rf"{new.symbol} = {old.symbol} + {v_new.symbol}", (old, "+", v_new), new),
    ]


def _update_part(f: _Form, l: int) -> Part:
    """W^(l)+ = W^(l) - eta dE/dW^(l) (with the update rule's terms), and the biases when they are updated."""
    e, w = l - 1, f.nm.weights[l - 1]
    g_w, g_b = f.used_gradients(l)
    after = f.walk.after
    grad = matrix(rf"\frac{{\partial E}}{{\partial W^{{({l})}}}}", g_w, lambda r, c: f.gradient_refs(l, w[r][c], r, c))
    new = matrix(f"W^{{({l})+}}", after.weights[e], lambda r, c: (Ref("update", w[r][c], "update", (e,)),))
    old = matrix(f"W^{{({l})}}", f.net.weights[e])
    lines = _rule_lines(f, l, "W", old, grad, new, decay=True)
    if f.net.update_biases:
        biases = list(dict.fromkeys(f.nm.biases[e]))
        g = matrix(
            rf"\frac{{\partial E}}{{\partial b^{{({l})}}}}",
            g_b[:, None],
            lambda r, c: f.gradient_refs(l, biases[r], r, None),
        )
        new_b = matrix(
            f"b^{{({l})+}}", after.biases[e][:, None], lambda r, c: (Ref("update", biases[r], "update", (e,)),)
        )
        old_b = matrix(f"b^{{({l})}}", f.net.biases[e][:, None])
        lines += _rule_lines(f, l, "b", old_b, g, new_b, decay=False)
    return Part("update", l, f"Update, layer {l}", tuple(lines))


# ------------------------------------------------------------------- public
def not_covered(network) -> str | None:
    """Why the matrix form leaves this network to the steps (a softmax output has no elementwise f'(z)), or None."""
    name = network.activations[-1]
    if ACTIVATIONS[name].coupled_loss is not None:
        return (
            f"The matrix form covers elementwise activations; "
            f"a {name} output's delta, out - target, is derived in the steps."
        )
    return None


def matrix_form(walk: Walkthrough, example: int | None = None) -> tuple[Part, ...]:
    """Every part of the iteration ``walk`` in matrix form, in the walkthrough's order.

    ``example`` is the row of ``walk.batch_inputs`` the steps work on (the
    session's ``example``); by default the first row equal to ``walk.inputs``.
    """
    if example is None:
        rows = np.all(walk.batch_inputs == walk.inputs, axis=1) & np.all(walk.batch_targets == walk.targets, axis=1)
        example = int(np.argmax(rows))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # a diverged network: inf, nan
        f = _Form(walk, example)
        layers = range(1, f.L + 1)
        return (
            *(_forward_part(f, l) for l in layers),
            _error_part(f),
            *(_backward_part(f, l) for l in reversed(layers)),
            *(_update_part(f, l) for l in reversed(layers)),
        )
