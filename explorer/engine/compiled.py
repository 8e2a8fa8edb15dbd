"""A straight-line trainer for the small networks of the worked example.

On a 2-2-2 network a numpy call costs more (about a microsecond) than the
arithmetic it does, so the seed's example trains fastest as plain float
code with one local variable per weight, like a hand-written loop.  This
module writes that code for a given shape and set of options, from the
layer sizes and the expression templates of :mod:`explorer.engine.functions`, and
compiles it once per shape.  Nothing a user types reaches the source: it is
built from integers, the fixed option names and the records' templates.

The arithmetic is :func:`explorer.engine.network.backpropagate`'s, written out
neuron by neuron; the tests hold the two to agreement on random networks of
every activation, loss and option.  Variable names: ``w{l}_{k}_{j}`` is
``W[l][k, j]``, ``b{l}_{k}`` is ``b[l][k]``, ``z{l}_{k}`` / ``a{l}_{k}`` the
net input / output of neuron k of layer l (``a0_j`` = inputs), ``d{l}_{k}``
its delta, ``t{k}`` the targets.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache

import numpy as np

from .functions import ACTIVATIONS, LOSSES
from .network import Network
from .options import Options

Trainer = Callable[..., list]
#: ``(first, keep)``: :class:`explorer.engine.training.Checkpoints` (not imported: training imports this module)
Keeping = tuple[int, Callable[[int, list], int]]


def train_compiled(
    network: Network, x: np.ndarray, t: np.ndarray, iterations: int, mode: str, checkpoints: Keeping | None = None
) -> tuple[Network, np.ndarray] | None:
    """Train a copy as :func:`explorer.engine.training.train` does; None where this cannot.

    Returns None for a softmax layer (its outputs share one sum: there is no
    float form per neuron), for a batch update under the seed's order with several
    examples (each layer's mean gradient is needed before the layer below
    can start), and when float arithmetic raised (the numpy trainer then
    takes over from the start; the checkpoints kept so far are its own
    numbers, to rounding).
    """
    m = x.shape[0]
    kind = "single" if m == 1 else mode
    options = network.options
    if kind == "batch" and options.order == "seed":
        return None
    if any(ACTIVATIONS[a].coupled_loss is not None for a in options.activations):
        return None
    run = _trainer(network.sizes, _shape_options(options), kind)
    state = network.flat_state().tolist()  # under momentum the velocities follow the parameters
    data = [tuple(row) for row in np.hstack([x, t]).tolist()]
    errors: list[float] = []
    due, keep = (-1, None) if checkpoints is None else checkpoints  # keep(i, state) takes the list as it is
    rule = () if options.plain else (options.weight_decay, options.momentum)
    try:
        state = run(state, data, options.learning_rate, iterations, errors, due, keep, *rule)
    except (OverflowError, ZeroDivisionError):
        return None
    return network.with_state(np.array(state)), np.array(errors)


def _shape_options(options: Options) -> Options:
    """The options the code depends on: the rates are its arguments; only whether decay and momentum are on counts."""
    return Options(
        options.activations,
        options.loss,
        options.bias_mode,
        options.update_biases,
        options.order,
        1.0,
        0.5 if options.weight_decay else 0.0,
        0.5 if options.momentum else 0.0,
    )


@lru_cache(maxsize=32)
def _trainer(sizes: tuple[int, ...], options: Options, kind: str) -> Trainer:
    # the records' expressions may use any name of the math module (exp, log1p, tanh, ...)
    namespace = {name: getattr(math, name) for name in dir(math) if not name.startswith("_")}
    source = source_code(sizes, options, kind)
    # the source is generated from integers and fixed templates only (see module docstring)
    exec(compile(source, f"<trainer {'-'.join(map(str, sizes))} {kind}>", "exec"), namespace)  # noqa: S102
    return namespace["run"]  # type: ignore[return-value]


def source_code(sizes: tuple[int, ...], options: Options, kind: str) -> str:
    """The Python source of ``run(params, data, eta, iterations, errors, due, keep) -> params``.

    Under weight decay or momentum the function takes ``lam, mu`` after
    ``keep``, and under momentum ``params`` is followed by a velocity per
    parameter (``Network.flat_state``): ``v`` + the parameter's name.

    ``kind`` is ``"single"`` (one example), ``"online"`` or ``"batch"``.
    ``errors`` receives the mean E_total before each iteration and after the
    last; the loop stops early at the first non-finite one.  At the start of
    iteration ``i == due`` it calls ``due = keep(i, params)`` (the history's
    checkpoints; ``due = -1`` never): one comparison an iteration, where a
    second function per shape would double the time spent compiling.
    """
    g = _Writer(sizes, options)
    params = ", ".join(g.params + g.velocities)
    rule = "" if options.plain else ", lam, mu"
    example = ", ".join([f"a0_{j}" for j in range(sizes[0])] + [f"t{k}" for k in range(sizes[-1])])
    m_lines = ["m = len(data)"] if kind != "single" else [f"{example}, = data[0]"]
    lines = [
        f"def run(params, data, eta, iterations, errors, due, keep{rule}):",
        f"    {params}, = params",
        *[f"    {line}" for line in m_lines],
        "    for i in range(iterations + 1):",
    ]
    body = ["if i == due:", f"    due = keep(i, [{params}])"]
    if kind == "single":
        body += g.forward() + [
            f"E = {g.error()}",
            "errors.append(E)",
            "if i == iterations or not isfinite(E):",
            "    break",
        ]
        body += g.step()
    elif kind == "online":
        body += ["E = 0.0", f"for {example} in data:"]
        body += ["    " + line for line in g.forward() + [f"E += {g.error()}"]]
        body += [
            "E = E / m",
            "errors.append(E)",
            "if i == iterations or not isfinite(E):",
            "    break",
            f"for {example} in data:",
        ]
        body += ["    " + line for line in g.forward() + g.step()]
    else:
        body += ["E = 0.0"] + [f"g{p} = 0.0" for p in g.trained] + [f"for {example} in data:"]
        body += ["    " + line for line in g.forward() + [f"E += {g.error()}"] + g.accumulate()]
        body += ["E = E / m", "errors.append(E)", "if i == iterations or not isfinite(E):", "    break"]
        body += [line for p in g.trained for line in g.moved(p, f"g{p} / m")]
    lines += ["        " + line for line in body]
    lines.append(f"    return [{params}]")
    return "\n".join(lines) + "\n"


class _Writer:
    """Lines of straight-line code for one network shape and its options."""

    def __init__(self, sizes: tuple[int, ...], options: Options):
        self.sizes, self.options = sizes, options
        self.L = len(sizes) - 1
        self.acts = [ACTIVATIONS[a] for a in options.activations]
        self.loss = LOSSES[options.loss]
        self.shared = options.bias_mode == "shared"
        self.params = [self.w(l, k, j) for l in range(self.L) for k in range(sizes[l + 1]) for j in range(sizes[l])]
        self.params += [f"b{l}_{k}" for l in range(self.L) for k in range(1 if self.shared else sizes[l + 1])]
        self.trained = [p for p in self.params if p.startswith("w") or options.update_biases]
        self.decay, self.momentum = options.weight_decay != 0, options.momentum != 0
        self.velocities = [f"v{p}" for p in self.params] if self.momentum else []

    def moved(self, p: str, gradient: str) -> list[str]:
        """Lines moving parameter ``p`` along ``gradient`` (an expression): Network.update's rule, term for term."""
        if self.decay and p.startswith("w"):  # L2 decay: the weights only
            gradient = f"{gradient} + lam * {p}"
        if not self.momentum:
            return [f"{p} = {p} - eta * ({gradient})"]
        return [f"v{p} = mu * v{p} - eta * ({gradient})", f"{p} = {p} + v{p}"]

    def w(self, l: int, k: int, j: int) -> str:
        return f"w{l}_{k}_{j}"

    def b(self, l: int, k: int) -> str:
        return f"b{l}_{0 if self.shared else k}"

    def forward(self) -> list[str]:
        lines = []
        for l in range(self.L):
            for k in range(self.sizes[l + 1]):
                terms = " + ".join(f"{self.w(l, k, j)} * a{l}_{j}" for j in range(self.sizes[l]))
                lines.append(f"z{l + 1}_{k} = {terms} + {self.b(l, k)}")
                lines.append(f"a{l + 1}_{k} = {self.acts[l].py_out.format(net=f'z{l + 1}_{k}')}")
        return lines

    def error(self) -> str:
        L, n = self.L, self.sizes[-1]
        return " + ".join(self.loss.py_error.format(net=f"z{L}_{k}", out=f"a{L}_{k}", t=f"t{k}", n=n) for k in range(n))

    def output_deltas(self) -> list[str]:
        L, n = self.L, self.sizes[-1]
        lines = []
        for k in range(n):
            z, a, t = f"z{L}_{k}", f"a{L}_{k}", f"t{k}"
            if self.loss.py_fused_delta is not None:
                lines.append(f"d{L}_{k} = {self.loss.py_fused_delta.format(net=z, out=a, t=t, n=n)}")
            else:
                d_out = self.loss.py_d_out.format(net=z, out=a, t=t, n=n)
                slope = self.acts[-1].py_slope.format(net=z, out=a)
                lines.append(f"d{L}_{k} = ({d_out}) * ({slope})")
        return lines

    def hidden_deltas(self, l: int) -> list[str]:
        """Deltas of layer l from layer l+1's, through the weights w{l}_..: as they are now."""
        lines = []
        for j in range(self.sizes[l]):
            d_out = " + ".join(f"d{l + 1}_{k} * {self.w(l, k, j)}" for k in range(self.sizes[l + 1]))
            slope = self.acts[l - 1].py_slope.format(net=f"z{l}_{j}", out=f"a{l}_{j}")
            lines.append(f"d{l}_{j} = ({d_out}) * ({slope})")
        return lines

    def step(self) -> list[str]:
        """One online update, layer by layer from the outputs down."""
        lines = self.output_deltas()
        seed_order = self.options.order == "seed"
        for l in range(self.L - 1, -1, -1):
            if l > 0 and not seed_order:
                lines += self.hidden_deltas(l)  # through the weights before their update
            for k in range(self.sizes[l + 1]):
                for j in range(self.sizes[l]):
                    w = self.w(l, k, j)
                    lines += self.moved(w, f"d{l + 1}_{k} * a{l}_{j}")
            if self.options.update_biases:
                lines += self._bias_updates(l)
            if l > 0 and seed_order:
                lines += self.hidden_deltas(l)  # the seed's order: through the updated weights
        return lines

    def _bias_updates(self, l: int) -> list[str]:
        deltas = [f"d{l + 1}_{k}" for k in range(self.sizes[l + 1])]
        if self.shared:  # a shared bias: the sum of its layer's deltas
            return self.moved(f"b{l}_0", " + ".join(deltas))
        return [line for k, d in enumerate(deltas) for line in self.moved(f"b{l}_{k}", d)]

    def accumulate(self) -> list[str]:
        """Add one example's gradients to the sums (textbook order only)."""
        lines = self.output_deltas()
        for l in range(self.L - 1, -1, -1):
            if l > 0:
                lines += self.hidden_deltas(l)
            for k in range(self.sizes[l + 1]):
                for j in range(self.sizes[l]):
                    lines.append(f"g{self.w(l, k, j)} += d{l + 1}_{k} * a{l}_{j}")
            if self.options.update_biases:
                deltas = [f"d{l + 1}_{k}" for k in range(self.sizes[l + 1])]
                if self.shared:
                    lines.append(f"gb{l}_0 += {' + '.join(deltas)}")
                else:
                    lines += [f"gb{l}_{k} += {d}" for k, d in enumerate(deltas)]
        return lines
