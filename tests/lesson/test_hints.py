"""The hint: which quantities a step's formula combines, by name."""

from __future__ import annotations

import pytest

from explorer.engine.presets import random_data, random_network
from explorer.lesson.hints import hint, operands
from explorer.lesson.walkthrough import walkthrough

from .problems import by_symbol


@pytest.mark.parametrize(
    "symbol, expected",
    [
        ("net_h1", ["w1", "i1", "w2", "i2", "b1"]),
        ("out_h1", ["net_h1"]),
        ("E_o1", ["target_o1", "out_o1"]),
        ("E_total", ["E_o1", "E_o2"]),
        ("dE_total/dout_h1", ["dE_o1/dout_h1", "dE_o2/dout_h1"]),
        ("dout_o1/dnet_o1", ["out_o1"]),
        ("dE_total/dw5", ["dE_total/dout_o1", "dout_o1/dnet_o1", "dnet_o1/dw5"]),
        ("dnet_o1/dw5", ["out_h1"]),
        ("w5+", ["w5", "eta", "dE_total/dw5"]),
    ],
)
def test_the_seeds_operands(seed_net, seed_inputs, seed_targets, symbol, expected):
    walk = walkthrough(seed_net, seed_inputs, seed_targets)
    assert operands(by_symbol(walk)[symbol], seed_net) == expected


def test_the_hint_lists_the_operands_or_says_the_value_is_read_off(seed_net, seed_inputs, seed_targets):
    walk = walkthrough(seed_net, seed_inputs, seed_targets)
    assert hint(by_symbol(walk)["dE_total/dw5"], seed_net) == (
        "The formula uses dE_total/dout_o1, dout_o1/dnet_o1 and dnet_o1/dw5: they are highlighted on the diagram."
    )
    network = random_network((2, 2, 2), seed=0, bias_mode="per-neuron", update_biases=True)
    x, t = random_data(network, seed=0)
    step = by_symbol(walkthrough(network, x[0], t[0]))["dnet_h1/db_h1"]
    assert hint(step, network) == "dnet_h1/db_h1 is read straight off the network."


@pytest.mark.parametrize("bias_mode", ["shared", "per-neuron"])
def test_a_softmax_layers_operands_are_steps_shown_before_or_the_networks_names(bias_mode):
    network = random_network(
        (2, 3, 3), seed=3, activations=["sigmoid", "softmax"], loss="cce", bias_mode=bias_mode, update_biases=True
    )
    x, t = random_data(network, seed=3)
    walk = walkthrough(network, x[0], t[0])
    names = set(network.parameters()) | set(network.names.neurons[0]) | {"eta"}
    names |= {f"target_{o}" for o in network.names.neurons[-1]}
    shown: set[str] = set()
    for step in walk.steps:
        for operand in operands(step, network):
            assert operand in shown or operand in names, (step.symbol, operand)
        assert hint(step, network).startswith(("The formula uses", step.symbol))
        shown.add(step.symbol)
    steps = by_symbol(walk)
    assert operands(steps["dout_o2/dnet_o1"], network) == ["out_o2", "out_o1"]
    assert operands(steps["dE_total/dnet_o1"], network)[:3] == [
        "dE_total/dout_o1",
        "dE_total/dout_o2",
        "dE_total/dout_o3",
    ]
