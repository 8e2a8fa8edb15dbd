"""The mistakes about one factor of one formula, on the seed (numbers worked by hand in the comments)."""

from __future__ import annotations

import pytest

from explorer.engine.presets import random_data, random_network
from explorer.lesson import factor_mistakes as factor
from explorer.lesson.reruns import Context
from explorer.lesson.walkthrough import walkthrough

from .problems import by_symbol


@pytest.fixture
def seed_walk(seed_net, seed_inputs, seed_targets):
    return walkthrough(seed_net, seed_inputs, seed_targets)


def values(rule, walk, symbol):
    return [(x.key, x.value) for x in rule(Context(walk), by_symbol(walk)[symbol])]


def test_each_factor_of_dw5_left_out_in_turn(seed_walk):
    # dE_total/dw5 = 0.74136507 * 0.186815602 * 0.593269992
    got = values(factor.factor, seed_walk, "dE_total/dw5")
    assert [k for k, _ in got] == ["factor"] * 3
    assert [v for _, v in got] == pytest.approx(
        [0.186815602 * 0.593269992, 0.74136507 * 0.593269992, 0.74136507 * 0.186815602], abs=1e-9
    )


def test_a_hidden_neurons_paths_one_at_a_time(seed_walk):
    # dE_total/dout_h1 = 0.055399425 (through o1) + -0.019049118 (through o2)
    got = values(factor.one_path, seed_walk, "dE_total/dout_h1")
    assert [k for k, _ in got] == ["one_path", "one_path"]
    assert [v for _, v in got] == pytest.approx([0.055399425, -0.019049118], abs=1e-9)
    # dE_total/dw1 through o1 only: 0.055399425 * out_h1(1 - out_h1) * i1
    got = values(factor.one_path, seed_walk, "dE_total/dw1")
    assert got[0][1] == pytest.approx(0.055399425 * 0.241300709 * 0.05, abs=1e-10)


def test_net_and_out_swapped_in_a_slope(seed_walk):
    # the sigmoid's slope out(1 - out) with net_o1 = 1.105905967 for out
    got = dict(values(factor.slope_arguments, seed_walk, "dout_o1/dnet_o1"))
    assert got["net_for_out"] == pytest.approx(1.105905967 * (1 - 1.105905967), abs=1e-9)
    # softplus: the slope is sigmoid(net); sigmoid(out) is the mistake
    network = random_network((1, 1), seed=0, activations="softplus")
    x, t = random_data(network, seed=0)
    walk = walkthrough(network, x[0], t[0])
    out = walk.value("out_o1")
    got = dict(values(factor.slope_arguments, walk, "dout_o1/dnet_o1"))
    assert got["out_for_net"] == pytest.approx(1 / (1 + 2.718281828459045**-out), rel=1e-12)


@pytest.mark.parametrize("symbol", ["net_h1", "out_h1", "E_o1", "dnet_o1/dw5", "w5+"])
def test_no_factor_mistake_where_no_product_is_formed(seed_walk, symbol):
    for rule in (factor.factor, factor.one_path, factor.slope_arguments):
        assert values(rule, seed_walk, symbol) == []
