"""The backward phase: each chain-rule factor once, a hidden neuron's dE_total/dout as the sum of its paths."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.engine.network import Network
from explorer.lesson.walkthrough import walkthrough


def test_bias_gradients_are_reported_even_when_biases_stay_fixed(seed_net, seed_inputs, seed_targets):
    walk = walkthrough(seed_net, seed_inputs, seed_targets)
    gradients = seed_net.backward(seed_inputs, seed_targets)
    assert gradients.biases[1][0] != 0
    for l in range(2):
        assert np.array_equal(walk.gradients.biases[l], gradients.biases[l])


def test_seed_backward_factors_each_shown_once(seed_net, seed_inputs, seed_targets):
    walk = walkthrough(seed_net, seed_inputs, seed_targets)
    symbols = [s.symbol for s in walk.steps if s.phase == "backward"]
    # dE_o1/dnet_o1 is used by both h1's and h2's paths, but written once
    for factor in ("dE_o1/dnet_o1", "dE_o2/dnet_o2", "dout_o1/dnet_o1", "dE_total/dout_o1"):
        assert symbols.count(factor) == 1
    assert symbols.index("dE_o1/dnet_o1") < symbols.index("dE_o1/dout_h1") < symbols.index("dE_o1/dout_h2")
    expected = {f"dE_total/dw{i}" for i in range(1, 9)}
    assert expected <= set(symbols)


@pytest.mark.parametrize("hidden", ["h1", "h2"])
def test_hidden_output_gradient_is_the_sum_of_its_paths(seed_net, seed_inputs, seed_targets, hidden):
    walk = walkthrough(seed_net, seed_inputs, seed_targets)
    symbols = [s.symbol for s in walk.steps]
    total = walk.steps[symbols.index(f"dE_total/dout_{hidden}")]
    via_o1, via_o2 = f"dE_o1/dout_{hidden}", f"dE_o2/dout_{hidden}"
    assert symbols.index(via_o1) < symbols.index(via_o2) < symbols.index(total.symbol)
    assert total.value == walk.value(via_o1) + walk.value(via_o2)
    assert total.latex.startswith(
        rf"\frac{{\partial E_{{total}}}}{{\partial \mathit{{out}}_{{{hidden}}}}} = "
        rf"\frac{{\partial E_{{o1}}}}{{\partial \mathit{{out}}_{{{hidden}}}}} + "
        rf"\frac{{\partial E_{{o2}}}}{{\partial \mathit{{out}}_{{{hidden}}}}} = "
    )
    # and each path is its delta times the weight it crosses
    index = {"h1": (0, 1), "h2": (1, 1)}[hidden]
    assert walk.value(via_o1) == walk.value("dE_o1/dnet_o1") * seed_net.weights[1][0, index[0]]


def test_seed_order_paths_cross_the_updated_weights(make_seed_network, seed_inputs, seed_targets):
    textbook = walkthrough(make_seed_network(), seed_inputs, seed_targets)
    seed = walkthrough(make_seed_network(order="seed"), seed_inputs, seed_targets)
    assert textbook.value("dnet_o1/dout_h1") == 0.4
    assert textbook.value("dnet_o2/dout_h1") == 0.5
    assert seed.value("dnet_o1/dout_h1") == pytest.approx(0.35891648, abs=1e-8)
    assert seed.value("dnet_o1/dout_h1") == seed.value("w5+") == seed.after.weights[1][0, 0]
    assert seed.value("dnet_o2/dout_h1") == seed.value("w7+")
    step = next(s for s in seed.steps if s.symbol == "dnet_o1/dout_h1")
    assert r"w_{5}^{+}" in step.latex
    step = next(s for s in textbook.steps if s.symbol == "dnet_o1/dout_h1")
    assert "^{+}" not in step.latex


def test_binary_cross_entropy_shows_the_textbook_chain_with_the_fused_value():
    network = Network([[[30.0]]], [0.0], activations="sigmoid", loss="bce")
    walk = walkthrough(network, [1.0], [0.3])
    assert walk.value("E_total") == pytest.approx(21.0, rel=1e-14)
    assert walk.value("dE_total/dw1") == pytest.approx(0.7, rel=1e-14)
    step = next(s for s in walk.steps if s.symbol == "dE_total/dw1")
    assert step.latex.endswith(" = 0.7")
