"""The classic mistakes: the engine with one mistake made, against the mistake's own formula.

Three ways, as for the engine itself: the seed's numbers worked by hand (in
the comments), each mistake's formula written out here on random networks,
and the plain run read at every step equal to the walkthrough's value
(test_reruns).  Each kind of mistake has its own module and tests
(test_rerun_mistakes, test_factor_mistakes); here, all of them together, as
the quiz asks them.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from explorer.engine.network import Network
from explorer.engine.presets import random_data
from explorer.lesson import mistakes as m
from explorer.lesson.walkthrough import walkthrough

from .problems import SHAPES, by_symbol, every_problem, found, problem


@pytest.fixture
def seed_walk(seed_net, seed_inputs, seed_targets):
    return walkthrough(seed_net, seed_inputs, seed_targets)


# ----------------------------------------------------------- the seed, by hand


def test_the_seed_sign_error_and_missing_factor_of_dw5(seed_walk):
    got = found(seed_walk, "dE_total/dw5")
    # dE_total/dw5 = 0.74136507 * 0.186815602 * 0.593269992 = 0.082167041
    assert got["sign"] == [pytest.approx(-0.082167041, abs=1e-9)]
    # leaving out dnet_o1/dw5 = out_h1: 0.74136507 * 0.186815602 = 0.138498562
    assert pytest.approx(0.138498562, abs=1e-9) in got["factor"]
    # leaving out dout/dnet: 0.74136507 * 0.593269992; leaving out dE/dout: 0.186815602 * 0.593269992
    assert sorted(got["factor"]) == pytest.approx(sorted([0.138498562, 0.439829649, 0.110832091]), abs=1e-9)
    # the sigmoid's slope as out_o1: 0.74136507 * 0.75136507 * 0.593269992
    assert got["slope_as_out"] == [pytest.approx(0.74136507 * 0.75136507 * 0.593269992, abs=1e-9)]
    assert got["half"] == [pytest.approx(2 * 0.082167041, abs=1e-9)]


def test_the_seed_error_and_output_mistakes(seed_walk):
    # E_o1 = 1/2 (0.01 - 0.75136507)^2 = 0.274811083; without the 1/2, twice that
    got = found(seed_walk, "E_o1")
    assert got["half"] == [pytest.approx(0.549622166, abs=1e-9)]
    # with net_o1 for out_o1: 1/2 (0.01 - 1.105905967)^2
    assert got["net_for_out"] == [pytest.approx(0.5 * (0.01 - 1.105905967) ** 2, abs=1e-9)]
    got = found(seed_walk, "dE_total/dout_o1")
    assert got["sign"] == [pytest.approx(0.01 - 0.75136507, abs=1e-9)]  # target - out
    assert got["half"] == [pytest.approx(2 * (0.75136507 - 0.01), abs=1e-9)]
    # the slope: out(1 - out) = 0.186815602; as out, 0.75136507; with net for out, net(1 - net)
    got = found(seed_walk, "dout_o1/dnet_o1")
    assert got["slope_as_out"] == [pytest.approx(0.75136507, abs=1e-9)]
    assert got["net_for_out"] == [pytest.approx(1.105905967 * (1 - 1.105905967), abs=1e-9)]


def test_the_seed_hidden_layer_mistakes(seed_walk, make_seed_network, seed_inputs, seed_targets):
    # dE_total/dout_h1 = 0.055399425 (through o1) + -0.019049118 (through o2)
    got = found(seed_walk, "dE_total/dout_h1")
    assert sorted(got["one_path"]) == pytest.approx([-0.019049118, 0.055399425], abs=1e-9)
    # textbook order: w5 = 0.4; the already-updated w5+ = 0.35891648 is the mistake
    assert found(seed_walk, "dnet_o1/dout_h1") == {"updated_for_old": [pytest.approx(0.35891648, abs=1e-8)]}
    # the seed's order: the other way round
    seed_order = walkthrough(make_seed_network(order="seed"), seed_inputs, seed_targets)
    assert found(seed_order, "dnet_o1/dout_h1") == {"old_for_updated": [pytest.approx(0.4)]}


def test_the_seed_update_mistakes(seed_walk):
    # w5+ = 0.4 - 0.5 * 0.082167041 = 0.35891648
    got = found(seed_walk, "w5+")
    assert got["eta"] == [pytest.approx(0.4 - 0.082167041, abs=1e-9)]
    assert got["sign"] == [pytest.approx(0.4 + 0.5 * 0.082167041, abs=1e-9)]  # the step added
    assert got["half"] == [pytest.approx(0.4 - 0.082167041, abs=1e-9)]  # 2 * 0.5 = 1: same number
    # the same number from two slips: both kept, the learning rate's named after the sign's and the 1/2's
    assert [x.key for x in m.mistakes(seed_walk, by_symbol(seed_walk)["w5+"])] == ["sign", "half", "eta"]


def test_steps_with_no_mistake_to_make(seed_walk):
    # dnet_h1/dw1 is the input i1 itself: nothing to get wrong but the reading
    assert found(seed_walk, "dnet_h1/dw1") == {}


# ----------------------------------------- random networks: formula by formula


@pytest.mark.parametrize("sizes,act,loss,bias_mode,update_biases,order", list(every_problem())[3::11])
def test_every_mistake_is_finite_and_differs_from_the_right_value(sizes, act, loss, bias_mode, update_biases, order):
    network, x, t = problem(sizes, 2, act, loss, bias_mode, update_biases=update_biases, order=order)
    walk = walkthrough(network, x, t)
    for step in walk.steps:
        for x_ in m.mistakes(walk, step):
            assert math.isfinite(x_.value) and x_.key in m.MISTAKES and x_.explanation.endswith(".")
            assert not m.agrees(x_.value, step.value, 6, slack=2.0)


@pytest.mark.parametrize("sizes", SHAPES)
@pytest.mark.parametrize("seed", [0, 1])
def test_each_mistake_is_its_formula_on_random_sigmoid_networks(sizes, seed):
    """Textbook order, squared error: each slip written out here as a student would make it."""
    network, x, t = problem(sizes, seed, update_biases=True, bias_mode="per-neuron")
    walk = walkthrough(network, x, t)
    fw = network.forward(x, t)
    nm, eta = network.names, network.learning_rate
    old = network.parameters()
    L = len(network.weights)
    for step in walk.steps:
        got = {}
        for x_ in m.mistakes(walk, step):
            got.setdefault(x_.key, []).append(x_.value)
        q, v = step.quantity, step.value
        if q in ("d_out", "delta", "path", "gradient"):
            assert got["sign"] == [pytest.approx(-v, rel=1e-12)], step.symbol
            assert got["half"] == [pytest.approx(2 * v, rel=1e-12)], step.symbol
        if q == "update":
            p = step.parameter
            g = walk.value(f"dE_total/d{p}")
            assert got["sign"] == [pytest.approx(old[p] + eta * g, rel=1e-12)]
            assert got["eta"] == [pytest.approx(old[p] - g, rel=1e-12)]
        if q == "slope":
            k = nm.neurons[step.layer].index(step.neuron)
            out = fw.outs[step.layer][k]
            assert got["slope_as_out"] == [pytest.approx(out, rel=1e-12)]
        if q == "net":
            k = nm.neurons[step.layer].index(step.neuron)
            b = network.biases[step.layer - 1][k]
            assert got["bias"] == [pytest.approx(v - b, rel=1e-9, abs=1e-12)]
            if step.layer >= 2:  # the layer below's nets where its outs belong
                W = network.weights[step.layer - 1][k]
                assert got["net_for_out"] == [pytest.approx(W @ fw.nets[step.layer - 2] + b, rel=1e-12)]
        if q == "d_out" and step.layer < L and network.sizes[step.layer + 1] >= 2:
            paths = [s.value for s in walk.steps if s.quantity == "path" and s.neuron == step.neuron]
            assert sorted(got["one_path"]) == pytest.approx(sorted(paths), rel=1e-12)
        if q == "gradient" and step.neuron:
            k = nm.neurons[step.layer].index(step.neuron)
            d_out = walk.value(f"dE_total/dout_{step.neuron}")
            slope = walk.value(f"dout_{step.neuron}/dnet_{step.neuron}")
            factors = [d_out, slope] + (
                [walk.value(f"dnet_{step.neuron}/d{step.parameter}")] if step.parameter.startswith("w") else []
            )
            leave_one_out = [np.prod(factors[:i] + factors[i + 1 :]) for i in range(len(factors))]
            expected = [f for f in leave_one_out if not m.agrees(f, v, 6, slack=2.0)]
            assert sorted(got.get("factor", [])) == pytest.approx(sorted(expected), rel=1e-12), step.symbol


def test_a_diverged_network_gives_only_finite_mistakes():
    network = Network([[[1e6, -1e6]], [[1e6]]], [0.0, 0.0], activations="sigmoid")
    network = network.with_parameter("w1", 100)  # a typed value is held to 100; the others stay huge
    walk = walkthrough(network, [1.0, 1.0], [0.5])
    for step in walk.steps:
        assert all(math.isfinite(x.value) for x in m.mistakes(walk, step))


def test_a_mistake_never_changes_the_network(seed_net, seed_inputs, seed_targets):
    before = seed_net.to_dict()
    walk = walkthrough(seed_net, seed_inputs, seed_targets)
    for step in walk.steps:
        m.mistakes(walk, step)
    assert seed_net.to_dict() == before
    assert seed_net.options.records[1].d_out(np.array([0.0]), np.array([1.0]), np.array([0.0]), 1)[0] == 1.0


# ------------------------------------------------------------------- agreement


@pytest.mark.parametrize(
    "answer,value,figures,expected",
    [
        (0.7514, 0.75136507, 4, True),
        (0.75137, 0.75136507, 4, True),
        (0.7513, 0.75136507, 4, False),
        (0.751, 0.75136507, 3, True),
        (0.751, 0.75136507, 4, False),
        (0.1235, 0.12345, 4, True),
        (0.1234, 0.12345, 4, True),  # a tie either way
        (-0.08217, -0.082167041, 4, True),
        (0.08217, -0.082167041, 4, False),
        (3.511e-05, 3.51085e-05, 4, True),
        (3.51e-05, 3.51085e-05, 4, False),
        (0.0, 0.0, 4, True),
        (1e-12, 0.0, 4, False),
        (1234600.0, 1234567.0, 5, True),
    ],
)
def test_agreement_to_significant_figures(answer, value, figures, expected):
    assert m.agrees(answer, value, figures) is expected


# ------------------------------------------------------------------ batch mode


@pytest.mark.parametrize("sizes", [(2, 2, 1), (3, 4, 2), (2, 3, 3, 2)])
@pytest.mark.parametrize("loss", ["squared", "mse"])
def test_in_batch_mode_each_mistake_is_its_formula_on_the_batch_or_its_example(sizes, loss):
    """The mean and the update from the batch's gradient, an example's gradient from that example."""
    network, _x, _t = problem(sizes, 3, "sigmoid", loss, "per-neuron", update_biases=True)
    X, T = random_data(network, 4, seed=3)
    walk = walkthrough(network, X, T, example=1, mode="batch")
    old, eta = network.parameters(), network.learning_rate
    mean = {s.parameter: s.value for s in walk.steps if s.symbol.endswith("(mean of 4)")}
    seen = set()
    for step in walk.steps:
        got = {}
        for x_ in m.mistakes(walk, step):
            got.setdefault(x_.key, []).append(x_.value)
        q, v, p = step.quantity, step.value, step.parameter
        if q == "example_gradient" or step.symbol.endswith("(mean of 4)"):
            assert got["sign"] == [pytest.approx(-v, rel=1e-12)], step.symbol
            if loss == "squared":
                assert got["half"] == [pytest.approx(2 * v, rel=1e-12)], step.symbol
            seen.add(q)
        if step.symbol.endswith("(mean of 4)"):
            assert "factor" not in got and "one_path" not in got, step.symbol  # a mean has no chain to cut
        if q == "example_gradient" and p.startswith("w"):
            e = int(step.symbol[4 : step.symbol.index(")")]) - 1
            fw = network.forward(X[e], T[e])
            l, k = step.layer, network.names.neurons[step.layer].index(_neuron(network, p))
            j = next(j for row in network.names.weights[l - 1] for j, w in enumerate(row) if w == p)
            slope = fw.outs[l][k] * (1 - fw.outs[l][k])
            d_out = network.backward(X[e], T[e]).d_outs[l - 1][k]
            factors = [d_out, slope, fw.outs[l - 1][j]]
            leave_one_out = [np.prod(factors[:i] + factors[i + 1 :]) for i in range(3)]
            assert sorted(got["factor"]) == pytest.approx(sorted(leave_one_out), rel=1e-10), step.symbol
        if q == "update":
            expected = {"sign": old[p] + eta * mean[p], "eta": old[p] - mean[p]}
            if loss == "squared":
                expected["half"] = old[p] - 2 * eta * mean[p]
            for key, value in expected.items():
                if m.agrees(value, v, 6, slack=2.0):
                    assert key not in got, step.symbol  # too close to the right value to tell
                else:
                    assert got[key] == [pytest.approx(value, rel=1e-12)], (step.symbol, key)
    assert seen == {"example_gradient", "gradient"}


def _neuron(network, parameter):
    """The neuron a weight leads into."""
    return next(
        network.names.neurons[l + 1][k]
        for l, layer in enumerate(network.names.weights)
        for k, row in enumerate(layer)
        if parameter in row
    )


# ------------------------------------------------- slips the seed's text invites


def test_the_seeds_order_sign_slips_and_the_slope_taken_as_out_in_one_product(
    make_seed_network, seed_inputs, seed_targets
):
    seed_order = walkthrough(make_seed_network(order="seed"), seed_inputs, seed_targets)
    # dE_o1/dout_h1 = dE_o1/dnet_o1 * w5+ = 0.138498562 * 0.35891648 = 0.049710; its sign flipped
    assert found(seed_order, "dE_o1/dout_h1")["sign"] == [pytest.approx(-0.049710, abs=1e-6)]
    assert found(seed_order, "dE_total/dout_h1")["sign"] == [pytest.approx(-seed_order.value("dE_total/dout_h1"))]
    assert found(seed_order, "dE_total/dw1")["sign"] == [pytest.approx(-seed_order.value("dE_total/dw1"))]
    # w1+ = 0.15 - 0.5 * 0.000364723 = 0.149817639: the step added, 0.15 + 0.000182361 = 0.150182
    assert found(seed_order, "w1+")["sign"] == [pytest.approx(0.150182361, abs=1e-9)]
    textbook = walkthrough(make_seed_network(), seed_inputs, seed_targets)
    # dE_total/dw1 with out_h1 for its slope: 0.036350306 * 0.593269992 * 0.05 = 0.0010783
    assert pytest.approx(0.036350306 * 0.593269992 * 0.05, abs=1e-9) in found(textbook, "dE_total/dw1")["slope_as_out"]
