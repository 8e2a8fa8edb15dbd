"""Random problems for the lesson's tests, and ways to look into a walkthrough's steps.

Test modules share these helpers through this module and never import each other.
"""

from __future__ import annotations

import itertools

import pytest

from explorer.engine.presets import random_data, random_network
from explorer.lesson import mistakes as m

#: (bias_mode, update_biases, order): every combination of the options a walkthrough shows
OPTIONS = list(itertools.product(("shared", "per-neuron"), (False, True), ("textbook", "seed")))
SHAPES = [(2, 2, 2), (3, 4, 2, 3), (1, 1), (2, 3, 3, 3, 1)]
ACTIVATIONS = ["sigmoid", "tanh", "relu", "softplus", "leaky_relu", "linear"]


def random_problem(
    sizes, seed, activation="sigmoid", bias_mode="shared", update_biases=False, order="textbook", loss="squared"
):
    """A random network and one example of its data (bce only with sigmoid outputs)."""
    network = random_network(
        sizes,
        seed=seed,
        bias_mode=bias_mode,
        activations=activation,
        update_biases=update_biases,
        order=order,
        loss=loss,
    )
    x, t = random_data(network, 1, seed)
    return network, x[0], t[0]


def problem(sizes, seed=0, activation="sigmoid", loss="squared", bias_mode="shared", **options):
    """A random network (bce gets sigmoid outputs, which it needs) and its data."""
    acts = activation
    if loss == "bce" and activation != "sigmoid":
        acts = [activation] * (len(sizes) - 2) + ["sigmoid"]
    network = random_network(sizes, seed=seed, bias_mode=bias_mode, activations=acts, loss=loss, **options)
    x, t = random_data(network, seed=seed)
    return network, x[0], t[0]


def every_problem():
    """pytest params (sizes, act, loss, bias_mode, update_biases, order) over every combination."""
    for sizes, act, loss, bias_mode, update_biases, order in itertools.product(
        SHAPES, ACTIVATIONS, ["squared", "mse", "bce"], ["shared", "per-neuron"], [False, True], ["textbook", "seed"]
    ):
        yield pytest.param(
            sizes,
            act,
            loss,
            bias_mode,
            update_biases,
            order,
            id=f"{'-'.join(map(str, sizes))}-{act}-{loss}-{bias_mode}-{update_biases}-{order}",
        )


def by_symbol(walk):
    return {s.symbol: s for s in walk.steps}


def found(walk, symbol):
    """{key: [values]} of the mistakes of one step."""
    result: dict[str, list[float]] = {}
    for x in m.mistakes(walk, by_symbol(walk)[symbol]):
        result.setdefault(x.key, []).append(x.value)
    return result
