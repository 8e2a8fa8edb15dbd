"""The mistakes that are the engine run with one slip built in, read at the step's place.

=====================  ====================================================
``sign``               the loss's slope written target - out: every
                       backward quantity changes sign, the update adds
                       (written out from the right value, not re-run)
``half``               the squared error without its 1/2 (a factor of 2)
``slope_as_out``       the sigmoid record's derivative written out, not
                       out(1 - out), in every layer; cross-entropy's chain
                       as written, dE/dout times the slope, not fused
``updated_for_old``    the seed's update order where the textbook's belongs:
                       the already-updated weights where the old belong
``old_for_updated``    the reverse, for a walkthrough in the seed's order
``net_for_out``        the layer below (or this one) without its
                       activation, so net goes where out belongs (in
                       cross-entropy's logarithms too)
``bias``               this layer's bias set to 0
``eta``                the engine's update with the learning rate 1
=====================  ====================================================

Each rule takes the :class:`~.reruns.Context` of one walkthrough and a step,
and yields what the slip gives there, or nothing where it cannot apply.  The
context runs the engine on the examples the step is computed from: in batch
mode the batch for a mean or an update, one example for its own gradient.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import numpy as np

from explorer.engine.formatting import number

from .known_mistakes import Mistake
from .reruns import Context, doubled, is_mean, out_as_slope, position, read, written
from .steps import Step


def _backward(step: Step) -> bool:
    return step.quantity in ("d_out", "delta", "path", "gradient", "example_gradient", "update")


def sign(c: Context, step: Step) -> Iterator[Mistake]:
    """Every backward quantity with its sign flipped, and the update's step added.

    Written out rather than re-run: a student who flips the sign of the loss's slope
    flips each product after it, but (in the seed's order) not the updated weights
    the figures already show.
    """
    if not _backward(step):
        return
    if step.quantity == "update":
        p = step.parameter
        old = c.network.parameters()[p]
        text = f"The step was added: {p}+ = {p} - eta · dE_total/d{p} moves against the gradient."
        yield Mistake("sign", old + (old - step.value), text)  # old + eta g, as old - eta g is step.value
    else:
        text = "The error's slope is out - target, not target - out: check the sign of each factor."
        yield Mistake("sign", -step.value, text)


def net_for_out(c: Context, step: Step) -> Iterator[Mistake]:
    q, l, nm = step.quantity, step.layer, c.names
    L = len(c.network.weights)
    if (
        q in ("net", "input")
        and l is not None
        and l >= 2
        and not (q == "input" and step.parameter and position(nm, step.parameter)[0] == "b")
    ):
        below = l - 1
        layer_names = ", ".join(f"net_{n}" for n in nm.neurons[below])
        yield Mistake(
            "net_for_out",
            read(c.linear_layer(below, step), step, c.network),
            f"The net inputs of the layer below ({layer_names}) were used where their outputs belong.",
        )
    elif q == "out":
        act = c.network.activations[l - 1]
        yield Mistake(
            "net_for_out",
            read(c.linear_layer(l, step), step, c.network),
            f"That is net_{step.neuron} itself: out_{step.neuron} is the {act} of it.",
        )
    elif q in ("error", "total_error") or (q == "d_out" and l == L):
        outputs = nm.neurons[-1] if q == "total_error" else (step.neuron,)
        yield Mistake(
            "net_for_out",
            read(c.linear_layer(L, step), step, c.network),
            f"{', '.join('net_' + o for o in outputs)} {'was' if len(outputs) == 1 else 'were'} "
            f"used where {', '.join('out_' + o for o in outputs)} belong{'s' * (len(outputs) == 1)}.",
        )


def slope_as_out(c: Context, step: Step) -> Iterator[Mistake]:
    """Every sigmoid slope taken as out, all the way down (cross-entropy's chain as written, not fused)."""
    if step.quantity not in ("slope", "delta", "gradient", "example_gradient") or step.layer is None:
        return
    if c.network.activations[step.layer - 1] != "sigmoid" or is_mean(step):
        return
    acts = [out_as_slope(a) for a in c.network.options.records[0]]
    loss = written(c.network.options.records[1])
    r = c.run("slope_as_out", lambda: dict(options=c.records(activations=acts, loss=loss)), step)
    yield Mistake(
        "slope_as_out",
        read(r, step, c.network),
        "The sigmoid's slope is out(1 - out), not out: the derivative of 1/(1 + e^-net).",
    )


def order(c: Context, step: Step) -> Iterator[Mistake]:
    L = len(c.network.weights)
    if step.layer is None or step.layer >= L or not (_backward(step) or step.quantity == "weight_above"):
        return
    if c.batch:  # one update for the whole batch: the seed's order, example by example, has no place here
        return
    if not c.network.options.plain:  # weight decay or momentum: the seed's order is not on offer
        return
    seed = c.network.order == "seed"
    r = c.run(
        "order",
        lambda: dict(options=dataclasses.replace(c.network.options, order="textbook" if seed else "seed")),
        step,
    )
    if step.quantity == "weight_above":
        w = c.names.weights[step.layer][c.names.neurons[step.layer + 1].index(step.via)][
            c.names.neurons[step.layer].index(step.neuron)
        ]
        which = (
            f"the old {w} was used where the updated {w}+ belongs"
            if seed
            else f"the already-updated {w}+ was used where the old {w} belongs"
        )
    else:
        which = (
            "old weights were used where the already-updated ones belong"
            if seed
            else "already-updated weights were used where the old ones belong"
        )
    rule = (
        "in the worked example's order the hidden layer sees the weights above after their update"
        if seed
        else "in the textbook order every gradient uses the weights from before the update"
    )
    yield Mistake(
        "old_for_updated" if seed else "updated_for_old",
        read(r, step, c.network),
        f"{which[0].upper()}{which[1:]}: {rule}.",
    )


def bias(c: Context, step: Step) -> Iterator[Mistake]:
    if step.quantity != "net":
        return
    l = step.layer
    biases = [np.zeros_like(b) if i == l - 1 else b for i, b in enumerate(c.network.biases)]
    r = c.run(("bias", l), lambda: dict(biases=biases), step)
    bias = c.names.biases[l - 1][c.names.neurons[l].index(step.neuron)]
    yield Mistake(
        "bias",
        read(r, step, c.network),
        f"The bias {bias} was left out: net_{step.neuron} adds {bias} · 1 to the weighted inputs.",
    )


def half(c: Context, step: Step) -> Iterator[Mistake]:
    if c.network.loss != "squared" or step.quantity in ("net", "out", "slope", "input", "weight_above"):
        return
    loss = c.network.options.records[1]
    r = c.run("half", lambda: dict(options=c.records(loss=doubled(loss))), step)
    if step.quantity in ("error", "total_error"):
        text = "The 1/2 was dropped: each output's error is 1/2 (target - out)^2."
    else:
        text = (
            "A factor of 2: the squared error's 1/2 cancels the 2 of the square, "
            "so dE_total/dout is out - target, not 2(out - target)."
        )
    yield Mistake("half", read(r, step, c.network), text)


def eta(c: Context, step: Step) -> Iterator[Mistake]:
    if step.quantity != "update":
        return
    r = c.run("eta", lambda: dict(update_rate=1.0), step)
    p = step.parameter
    yield Mistake(
        "eta",
        read(r, step, c.network),
        f"The learning rate was left out: {p}+ = {p} - eta · dE_total/d{p}, "
        f"with eta = {number(c.network.learning_rate)}.",
    )
