"""Reshaping a network, on its own: pure functions, a network in and a new one out.

Each function is checked against what it must build (sizes, activations,
weights from the seed, biases), and against the network it was given, which
must come out unchanged.  The session's use of them is tested in
tests/lesson/test_session_architecture.py.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from explorer.engine import reshape
from explorer.engine.datasets import dataset, parse_table
from explorer.engine.presets import random_network, seed_network
from explorer.engine.validation import InputError


def parameters(network) -> list[np.ndarray]:
    return [a.copy() for a in network.weights + network.biases]


def assert_same_arrays(a: list, b: list) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


def test_options_of_holds_every_option_but_the_bias_mode():
    net = random_network((2, 3, 1), seed=1, bias_mode="per-neuron", activations=("tanh", "sigmoid"), loss="bce")
    net = net.with_options(order="seed", update_biases=True, learning_rate=0.25)
    assert reshape.options_of(net) == dict(
        activations=("tanh", "sigmoid"),
        loss="bce",
        update_biases=True,
        order="seed",
        learning_rate=0.25,
        weight_decay=0.0,
        momentum=0.0,
    )
    ruled = net.with_options(order="textbook", weight_decay=0.01, momentum=0.9)
    assert reshape.options_of(ruled)["weight_decay"] == 0.01 and reshape.options_of(ruled)["momentum"] == 0.9
    assert reshape.random_like(ruled, (2, 2, 1), seed=3).momentum == 0.9


def test_bias_mode_spreads_a_shared_bias_and_takes_the_mean_back():
    net = seed_network()
    before = parameters(net)
    per_neuron = reshape.with_bias_mode(net, "per-neuron")
    assert [b.tolist() for b in per_neuron.biases] == [[0.35, 0.35], [0.6, 0.6]]
    per_neuron = per_neuron.with_parameter("b_h1", "0.15")
    shared = reshape.with_bias_mode(per_neuron, "shared")
    assert shared.bias_mode == "shared" and [b.tolist() for b in shared.biases] == [[0.25], [0.6]]
    assert_same_arrays(shared.weights, net.weights)
    assert shared.options == net.options
    same = reshape.with_bias_mode(net, "shared")
    assert same is not net and same.biases[0] is not net.biases[0]
    assert_same_arrays(parameters(net), before)


def test_with_options_of_puts_the_parameters_under_the_other_networks_options():
    initial = seed_network()
    now = reshape.with_bias_mode(seed_network(), "per-neuron").with_options(learning_rate=0.1, order="seed")
    back = reshape.with_options_of(initial, now)
    assert back.options == now.options
    assert_same_arrays(back.weights, initial.weights)
    assert [b.tolist() for b in back.biases] == [[0.35, 0.35], [0.6, 0.6]]


def test_random_like_is_reproducible_and_keeps_the_options():
    net = seed_network(activations="tanh", learning_rate=0.2)
    a = reshape.random_like(net, (2, 4, 2), seed=3)
    b = reshape.random_like(net, (2, 4, 2), seed=3)
    assert a.sizes == (2, 4, 2) and a.options == net.options
    assert_same_arrays(parameters(a), parameters(b))
    assert_same_arrays(a.weights, random_network((2, 4, 2), seed=3).weights)
    deeper = reshape.random_like(net, (2, 3, 3, 2), seed=3)  # one name per layer: the output layer's for all
    assert deeper.activations == ("tanh", "tanh", "tanh")
    relu = reshape.random_like(net, (2, 3, 3, 2), seed=3, activations=("relu", "relu", "sigmoid"))
    assert relu.activations == ("relu", "relu", "sigmoid")


def test_with_activation_changes_one_layer_and_keeps_the_weights():
    net = seed_network()
    tanh = reshape.with_activation(net, "1", "tanh")
    assert tanh.activations == ("tanh", "sigmoid") and net.activations == ("sigmoid", "sigmoid")
    assert_same_arrays(parameters(tanh), parameters(net))
    with pytest.raises(InputError, match=re.escape("Activation: choose a layer from 1 to 2 (got 3)")):
        reshape.with_activation(net, 3, "tanh")
    with pytest.raises(InputError, match="Activation of layer 2: choose one of sigmoid"):
        reshape.with_activation(net, 2, "step")


@pytest.mark.parametrize(
    "hidden, sizes, activations",
    [
        ((), (2, 2), ("sigmoid",)),
        ((3,), (2, 3, 2), ("tanh", "sigmoid")),
        ((3, 4), (2, 3, 4, 2), ("tanh", "tanh", "sigmoid")),  # a new layer copies the last hidden one
        ([np.int64(5), "2"], (2, 5, 2, 2), ("tanh", "tanh", "sigmoid")),
    ],
)
def test_with_hidden_builds_the_sizes_and_extends_the_activations(hidden, sizes, activations):
    net = seed_network(activations=("tanh", "sigmoid"))
    before = parameters(net)
    new = reshape.with_hidden(net, hidden, seed=4)
    assert new.sizes == sizes and new.activations == activations
    assert_same_arrays(new.weights, random_network(sizes, seed=4).weights)
    assert_same_arrays(parameters(net), before)


def test_a_network_without_hidden_layers_gets_sigmoid_hidden_layers():
    flat = random_network((2, 1), seed=0, activations="linear")
    assert reshape.with_hidden(flat, [3], seed=0).activations == ("sigmoid", "linear")


@pytest.mark.parametrize(
    "hidden, message",
    [
        ([2, 2, 2, 2, 2], "Hidden layers: at most 4 hidden layers"),
        ([17], "Hidden layers: at most 16 neurons in a layer"),
        ([0], "Hidden layers: give 2 to 6 layer sizes, each a whole number from 1 to 16"),
        (["x"], "Hidden layers: give 2 to 6 layer sizes"),
        ([True], "Hidden layers: give 2 to 6 layer sizes"),
    ],
)
def test_with_hidden_refuses_what_the_panel_does_not_allow(hidden, message):
    with pytest.raises(InputError, match=re.escape(message)):
        reshape.with_hidden(seed_network(), hidden, seed=0)


def test_hidden_layer_edits_on_the_list_of_sizes():
    assert reshape.add_neuron((2, 3), 2) == [2, 4]
    assert reshape.add_neuron((16,), 1) == [17]  # the limit is with_hidden's to refuse
    assert reshape.remove_neuron((2, 3), "1") == [1, 3]
    assert reshape.remove_neuron((1, 3), 1) == [3]  # its last neuron: the layer goes
    assert reshape.add_layer((2, 5)) == [2, 5, 5]
    assert reshape.add_layer(()) == [2]
    assert reshape.remove_layer((2, 5)) == [2]
    hidden = (2, 3)
    reshape.add_neuron(hidden, 1)
    assert hidden == (2, 3)


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda: reshape.add_neuron((), 1), "Hidden layer: there is no hidden layer: add one first"),
        (lambda: reshape.remove_neuron((), 1), "Hidden layer: there is no hidden layer: add one first"),
        (lambda: reshape.remove_layer(()), "Hidden layers: there is no hidden layer to remove"),
        (lambda: reshape.add_neuron((2, 3), 3), "Hidden layer: choose a hidden layer from 1 to 2 (got 3)"),
        (lambda: reshape.remove_neuron((2, 3), "0"), "Hidden layer: choose a hidden layer from 1 to 2 (got '0')"),
    ],
)
def test_hidden_layer_edits_refuse_layers_that_are_not_there(edit, message):
    with pytest.raises(InputError, match=re.escape(message)):
        edit()


def test_fitting_to_a_dataset_keeps_the_hidden_layers_and_says_what_changed():
    net = seed_network()
    before = parameters(net)
    xor, said = reshape.fit_to_data(net, dataset("xor"), seed=0)
    assert xor.sizes == (2, 2, 1)
    assert_same_arrays(xor.weights, random_network((2, 2, 1), seed=0).weights)
    assert said == (
        "Dataset xor: 4 examples, 2 inputs, 1 target. Changed: output layer 2 -> 1 neurons; "
        "the network is 2-2-1, with new random weights (seed 0)."
    )
    same, said = reshape.fit_to_data(xor, dataset("and"), seed=5)
    assert_same_arrays(parameters(same), parameters(xor))
    assert same is not xor
    assert said.endswith("The network stays 2-2-1, with the same weights.")
    assert_same_arrays(parameters(net), before)


def test_the_seed_dataset_on_a_2_2_2_network_brings_back_the_worked_example():
    drawn = reshape.with_bias_mode(random_network((2, 2, 2), seed=9, learning_rate=0.3), "per-neuron")
    back, said = reshape.fit_to_data(drawn, dataset("seed"), seed=1)
    reference = seed_network()
    assert_same_arrays(back.weights, reference.weights)
    assert [b.tolist() for b in back.biases] == [[0.35, 0.35], [0.6, 0.6]]  # the bias mode stays
    assert back.learning_rate == 0.3 and said.endswith("with the worked example's weights.")


def test_fitting_refuses_targets_the_loss_cannot_take():
    bce = seed_network(loss="bce")
    table = parse_table("0,0,2\n1,1,0", 2)
    with pytest.raises(InputError, match="binary cross-entropy needs targets from 0 to 1"):
        reshape.fit_to_data(bce, table, seed=0)


def test_the_sentences():
    old, new = seed_network(), random_network((2, 3, 3, 2), seed=0)
    assert reshape.said_hidden(old, new, 4) == (
        "The network is now 2-3-3-2 (was 2-2-2), with new random weights (seed 4)."
    )
    assert reshape.said_bias_mode("per-neuron").startswith("Each neuron now has its own bias")
    assert reshape.said_bias_mode("shared") == "Each layer now shares one bias: the mean of its neurons' biases."
    assert reshape.shape((4, 16, 1)) == "4-16-1"


def test_softmax_and_its_loss_are_chosen_together():
    net = seed_network()
    paired = reshape.with_loss(net, "cce")
    assert paired.activations == ("sigmoid", "softmax") and reshape.said_pairing(net, paired)
    back = reshape.with_loss(paired, "mse")
    assert back.activations == ("sigmoid", "sigmoid") and back.loss == "mse"
    assert reshape.with_activation(net, 2, "softmax").loss == "cce"
    assert reshape.with_activation(paired, 2, "linear").loss == "squared"
    assert reshape.said_pairing(net, reshape.with_loss(net, "mse")) is None
    with pytest.raises(InputError, match="needs sigmoid outputs"):
        reshape.with_loss(reshape.with_activation(net, 2, "tanh"), "bce")
    # a new hidden layer under softmax outputs is sigmoid, not softmax
    deeper = reshape.random_like(paired, (2, 3, 3, 2), seed=1)
    assert deeper.activations == ("sigmoid", "sigmoid", "softmax")
    assert net.activations == ("sigmoid", "sigmoid") and net.loss == "squared"  # untouched
