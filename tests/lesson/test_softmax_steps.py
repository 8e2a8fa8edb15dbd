"""A softmax output layer in the walkthrough: e^net over the sum, the loss, and the delta through the Jacobian.

Every new step's value is checked against central differences of the
engine's own softmax and loss, and the seed's network with softmax outputs
against numbers worked by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from explorer.engine.functions import ACTIVATIONS, LOSSES
from explorer.engine.presets import random_data, random_network, seed_network
from explorer.lesson.softmax_steps import jacobian
from explorer.lesson.walkthrough import walkthrough

H = 1e-6


@pytest.fixture
def seed_walk():
    network = seed_network(activations=["sigmoid", "softmax"], loss="cce")
    return network, walkthrough(network, [0.05, 0.10], [0.01, 0.99])


def by_symbol(walk):
    return {s.symbol: s for s in walk.steps}


def test_the_seed_outputs_are_e_to_the_net_over_the_sum(seed_walk):
    _, walk = seed_walk
    steps = by_symbol(walk)
    e1, e2 = math.exp(1.105905967), math.exp(1.224921404)
    out = steps["out_o1"]
    assert out.value == pytest.approx(e1 / (e1 + e2), rel=1e-9)
    symbolic = r"\frac{e^{\mathit{net}_{o1}}}{e^{\mathit{net}_{o1}} + e^{\mathit{net}_{o2}}}"
    numeric = r"\frac{e^{1.105905967}}{e^{1.105905967} + e^{1.224921404}}"
    assert out.latex == rf"\mathit{{out}}_{{o1}} = {symbolic} = {numeric} = 0.470281212"
    assert steps["out_o1"].value + steps["out_o2"].value == pytest.approx(1.0, abs=1e-15)
    assert (
        steps["E_o2"].latex
        == r"E_{o2} = -\mathit{target}_{o2} \ln \mathit{out}_{o2} = -0.99 \ln 0.529718788 = 0.629054912"
    )
    assert steps["E_o2"].value == pytest.approx(-0.99 * math.log(steps["out_o2"].value), rel=1e-12)


def test_the_delta_is_derived_through_the_jacobian_and_collapses_to_out_minus_target(seed_walk):
    _, walk = seed_walk
    steps = by_symbol(walk)
    delta = steps["dE_total/dnet_o1"]
    assert delta.quantity == "delta" and delta.value == pytest.approx(0.470281212 - 0.01, abs=1e-9)
    parts = delta.latex.split(" = ")
    assert r"\frac{\partial \mathit{out}_{o2}}{\partial \mathit{net}_{o1}}" in parts[1]
    assert parts[-3:] == [r"\mathit{out}_{o1} - \mathit{target}_{o1}", "0.470281212 - 0.01", "0.460281212"]
    # the Jacobian's column: its diagonal is out(1 - out), the cross term -out_o2 out_o1
    assert steps["dout_o1/dnet_o1"].value == pytest.approx(0.470281212 * (1 - 0.470281212), rel=1e-8)
    assert steps["dout_o2/dnet_o1"].value == pytest.approx(-0.529718788 * 0.470281212, rel=1e-8)
    assert steps["dout_o2/dnet_o1"].quantity == "cross_slope" and steps["dout_o2/dnet_o1"].via == "o2"
    # the sum, with the numbers as shown, gives the short form
    d1, d2 = steps["dE_total/dout_o1"].value, steps["dE_total/dout_o2"].value
    assert d1 * steps["dout_o1/dnet_o1"].value + d2 * steps["dout_o2/dnet_o1"].value == pytest.approx(delta.value)
    assert steps["dE_total/dw5"].latex.startswith(
        r"\frac{\partial E_{total}}{\partial w_{5}} = \frac{\partial E_{total}}{\partial \mathit{net}_{o1}} \cdot "
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_new_step_matches_central_differences(seed):
    """dout_j/dnet_k and dE_total/dnet_k of a 2-3-4 softmax network, against the engine's softmax and loss."""
    network = random_network((2, 3, 4), seed=seed, activations=["sigmoid", "softmax"], loss="cce")
    x, t = random_data(network, 1, seed)
    steps = by_symbol(walkthrough(network, x[0], t[0]))
    net = network.forward(x[0]).nets[-1]
    softmax, loss = ACTIVATIONS["softmax"].f, LOSSES["cce"]
    names = network.names.neurons[-1]
    for k, n in enumerate(names):
        e = np.eye(4)[k] * H
        d_out = (softmax(net + e) - softmax(net - e)) / (2 * H)
        for j, o in enumerate(names):
            assert steps[f"dout_{o}/dnet_{n}"].value == pytest.approx(d_out[j], abs=1e-9)
        total = [loss.errors(z, softmax(z), t[0], 4).sum() for z in (net + e, net - e)]
        assert steps[f"dE_total/dnet_{n}"].value == pytest.approx((total[0] - total[1]) / (2 * H), abs=1e-8)
        assert steps[f"out_{n}"].value == pytest.approx(softmax(net)[k], rel=1e-15)


def test_the_jacobian_helper():
    out = np.array([0.2, 0.3, 0.5])
    assert jacobian(out, 0, 0) == pytest.approx(0.16) and jacobian(out, 1, 2) == pytest.approx(-0.15)


def test_a_softmax_layer_shows_every_net_before_any_out(seed_walk):
    _, walk = seed_walk
    forward = [s.symbol for s in walk.steps if s.phase == "forward"]
    assert forward[4:] == ["net_o1", "net_o2", "out_o1", "out_o2"]
    assert forward[:4] == ["net_h1", "out_h1", "net_h2", "out_h2"]  # an elementwise layer as before
