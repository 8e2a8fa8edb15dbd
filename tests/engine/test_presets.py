"""Ready-made networks and data: the seed's example, and random ones reproducible from a seed."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.engine.presets import SEED_INPUTS, SEED_TARGETS, problem, random_data, random_network, seed_network
from explorer.engine.validation import InputError


def test_the_seed_network_is_the_worked_example():
    net = seed_network()
    assert net.sizes == (2, 2, 2) and net.activations == ("sigmoid", "sigmoid")
    assert net.loss == "squared" and net.learning_rate == 0.5 and net.bias_mode == "shared"
    assert net.parameters() == {
        "w1": 0.15, "w2": 0.20, "w3": 0.25, "w4": 0.30,
        "w5": 0.40, "w6": 0.45, "w7": 0.50, "w8": 0.55,
        "b1": 0.35, "b2": 0.60,
    }  # fmt: skip
    assert (SEED_INPUTS, SEED_TARGETS) == ((0.05, 0.10), (0.01, 0.99))


def test_the_seed_network_takes_options_and_a_fresh_copy_each_time():
    net = seed_network(order="seed", learning_rate=0.1, update_biases=True)
    assert (net.order, net.learning_rate, net.update_biases) == ("seed", 0.1, True)
    a, b = seed_network(), seed_network()
    a.weights[0][0, 0] = 9.0
    assert b.weights[0][0, 0] == 0.15


def test_random_networks_are_reproducible_from_their_seed():
    a, b, c = random_network((3, 4, 2), seed=7), random_network((3, 4, 2), seed=7), random_network((3, 4, 2), seed=8)
    for x, y in zip(a.weights + a.biases, b.weights + b.biases):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a.weights[0], c.weights[0])
    assert [w.shape for w in a.weights] == [(4, 3), (2, 4)] and [b.shape for b in a.biases] == [(1,), (1,)]
    per_neuron = random_network((3, 4, 2), seed=7, bias_mode="per-neuron", activations="tanh")
    assert [b.shape for b in per_neuron.biases] == [(4,), (2,)] and per_neuron.activations == ("tanh", "tanh")


def test_random_weights_are_scaled_to_the_layer_they_come_from():
    # N(0, 1/n_in): the wider the layer feeding a neuron, the smaller its weights
    wide = np.concatenate([random_network((16, 16, 1), seed=s).weights[0].ravel() for s in range(40)])
    narrow = np.concatenate([random_network((1, 16, 1), seed=s).weights[0].ravel() for s in range(400)])
    assert wide.std() == pytest.approx(0.25, rel=0.1) and narrow.std() == pytest.approx(1.0, rel=0.1)
    biases = np.concatenate([random_network((2, 16), seed=s, bias_mode="per-neuron").biases[0] for s in range(400)])
    assert biases.std() == pytest.approx(0.5, rel=0.1)


def test_random_data_is_reproducible_and_in_range():
    net = random_network((3, 4, 2), seed=0)
    x, t = random_data(net, 50, seed=3)
    assert x.shape == (50, 3) and t.shape == (50, 2)
    assert np.all((x >= -1) & (x <= 1)) and np.all((t >= 0.05) & (t <= 0.95))
    again = random_data(net, 50, seed=3)
    np.testing.assert_array_equal(x, again[0])
    np.testing.assert_array_equal(t, again[1])


@pytest.mark.parametrize(
    "make, field",
    [
        (lambda: random_network((2, 17), seed=0), "layers"),
        (lambda: random_network((2, 2), seed=-1), "seed"),
        (lambda: random_data(seed_network(), 0), "examples"),
        (lambda: random_data(seed_network(), 1, seed="x"), "seed"),
    ],
)
def test_bad_arguments_are_refused_by_name(make, field):
    with pytest.raises(InputError) as caught:
        make()
    assert caught.value.field == field


def test_problem_is_the_seeds_unless_a_network_is_given():
    net, x, t = problem()
    assert net.parameters() == seed_network().parameters()
    assert x.tolist() == [[0.05, 0.10]] and t.tolist() == [[0.01, 0.99]]
    _, x, t = problem(None, (0.2, 0.3), None)  # the seed's network, another input
    assert x.tolist() == [[0.2, 0.3]] and t.tolist() == [[0.01, 0.99]]
    mine = random_network((3, 1), seed=0)
    net, x, t = problem(mine, [[1, 2, 3], [4, 5, 6]], [[0], [1]])
    assert net is mine and x.shape == (2, 3) and t.shape == (2, 1)


@pytest.mark.parametrize(
    "args, field",
    [
        (("a network",), "network"),
        ((seed_network(), None, (0.01, 0.99)), "inputs"),
        ((seed_network(), (0.05, 0.1), None), "inputs"),
        ((seed_network(), (0.05,), (0.01, 0.99)), "inputs"),
    ],
)
def test_problem_refuses_a_network_without_its_data(args, field):
    with pytest.raises(InputError) as caught:
        problem(*args)
    assert caught.value.field == field
