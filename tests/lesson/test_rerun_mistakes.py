"""The mistakes that are the engine run with one slip built in, on the seed (numbers worked by hand in the comments)."""

from __future__ import annotations

import math

import pytest

from explorer.engine.network import Network
from explorer.engine.training import train
from explorer.lesson import mistakes
from explorer.lesson import rerun_mistakes as rerun
from explorer.lesson.reruns import Context
from explorer.lesson.walkthrough import walkthrough

from .problems import by_symbol, found


@pytest.fixture
def seed_walk(seed_net, seed_inputs, seed_targets):
    return walkthrough(seed_net, seed_inputs, seed_targets)


def test_the_seed_forward_mistakes(seed_walk):
    # net_h1 = 0.15 * 0.05 + 0.2 * 0.1 + 0.35: without b1, 0.0275
    assert found(seed_walk, "net_h1") == {"bias": [pytest.approx(0.0275)]}
    # out_h1 given as net_h1 itself
    assert found(seed_walk, "out_h1") == {"net_for_out": [pytest.approx(0.3775)]}
    # net_o1 from net_h1, net_h2: 0.4 * 0.3775 + 0.45 * 0.3925 + 0.6 = 0.927625; without b2: 0.505905967
    got = found(seed_walk, "net_o1")
    assert got["net_for_out"] == [pytest.approx(0.927625)]
    assert got["bias"] == [pytest.approx(0.505905967, abs=1e-9)]


@pytest.mark.parametrize(
    "rule, symbol",
    [
        (rerun.eta, "dE_total/dw5"),
        (rerun.bias, "out_h1"),
        (rerun.sign, "net_o1"),
        (rerun.half, "dout_o1/dnet_o1"),
        (rerun.slope_as_out, "E_o1"),
        (rerun.order, "w5+"),
    ],
)
def test_a_slip_is_not_offered_where_it_cannot_be_made(seed_walk, rule, symbol):
    assert list(rule(Context(seed_walk), by_symbol(seed_walk)[symbol])) == []


def test_the_half_belongs_to_the_squared_error_only(make_seed_network, seed_inputs, seed_targets):
    walk = walkthrough(make_seed_network(loss="mse"), seed_inputs, seed_targets)
    assert list(rerun.half(Context(walk), by_symbol(walk)["E_o1"])) == []
    # mse's 1/n stays: E_o1 = (0.01 - 0.75136507)^2 / 2, with the sign slip in its slope
    (sign,) = rerun.sign(Context(walk), by_symbol(walk)["dE_total/dout_o1"])
    assert sign.value == pytest.approx(-(0.75136507 - 0.01), abs=1e-9)


def test_cross_entropy_slips_as_written_on_paper():
    """One sigmoid output, net 0.6 (so ln(net) exists), target 1: E = -ln(out) = softplus(-0.6)."""
    network = Network([[[0.5]]], [0.1], activations="sigmoid", loss="bce")
    walk = walkthrough(network, [1.0], [1.0])
    out = 1 / (1 + math.exp(-0.6))
    # net for out in the loss: -ln(net) = -ln(0.6) = 0.510826
    assert found(walk, "E_o1")["net_for_out"] == [pytest.approx(-math.log(0.6), rel=1e-12)]
    # net for out in dE/dout: (net - t) / (net (1 - net)) = -0.4 / 0.24
    assert found(walk, "dE_total/dout_o1")["net_for_out"] == [pytest.approx(-0.4 / 0.24, rel=1e-12)]
    # the slope taken as out, kept in the chain the fused delta cancels: dE/dout * out * 1 = (out - 1) / (1 - out)
    assert pytest.approx(-1.0, rel=1e-12) in found(walk, "dE_total/dw1")["slope_as_out"]
    assert walk.value("dE_total/dw1") == pytest.approx(out - 1, rel=1e-12)


def test_under_weight_decay_and_momentum_every_mistake_reruns_and_none_is_the_answer(
    seed_net, seed_inputs, seed_targets
):
    """The seed's order is no mistake to name where it cannot be chosen; the other mistakes keep the rule."""
    network = train(seed_net.with_options(weight_decay=0.01, momentum=0.9), seed_inputs, seed_targets, 3).network
    walk = walkthrough(network, seed_inputs, seed_targets)
    named = set()
    for step in walk.steps:
        for mistake in mistakes.mistakes(walk, step):
            assert not math.isclose(mistake.value, step.value, rel_tol=1e-9, abs_tol=1e-12), (step.symbol, mistake.key)
            named.add(mistake.key)
    assert "order" not in named and {"sign", "eta", "half"} <= named
