"""The network: options checked once, parameters by name, forward and backward on its arrays, update."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from explorer.engine.validation import InputError


def test_with_options_changes_only_what_it_names(seed_net):
    changed = seed_net.with_options(order="seed", learning_rate=0.1, activations="tanh")
    assert changed.options == dataclasses.replace(
        seed_net.options, order="seed", learning_rate=0.1, activations=("tanh", "tanh")
    )
    assert seed_net.order == "textbook" and seed_net.learning_rate == 0.5  # untouched
    for a, b in zip(changed.weights, seed_net.weights):
        assert np.array_equal(a, b) and a is not b
    with pytest.raises(InputError, match="choose from activations, loss, bias_mode") as caught:
        seed_net.with_options(colour="red")
    assert caught.value.field == "option" and "colour" in caught.value.message
    with pytest.raises(InputError):
        seed_net.with_options(activations=["tanh"])  # one name per layer


def test_with_options_bias_mode_spreads_a_shared_bias(seed_net):
    per_neuron = seed_net.with_options(bias_mode="per-neuron")
    assert [b.tolist() for b in per_neuron.biases] == [[0.35, 0.35], [0.6, 0.6]]
    assert per_neuron.parameters()["b_o2"] == 0.6
    back = per_neuron.with_options(bias_mode="shared")
    assert [b.tolist() for b in back.biases] == [[0.35], [0.6]]


# ------------------------------------------------------------ the network itself
def test_parameters_come_in_naming_order(seed_net):
    assert list(seed_net.parameters()) == ["w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "b1", "b2"]
    per_neuron = seed_net.with_options(bias_mode="per-neuron")
    assert list(per_neuron.parameters())[-4:] == ["b_h1", "b_h2", "b_o1", "b_o2"]


def test_to_dict_and_repr_describe_the_network(seed_net):
    d = seed_net.to_dict()
    assert d["layers"] == [2, 2, 2] and d["biases"] == [[0.35], [0.6]]
    assert d["weights"] == [[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]]
    assert (d["loss"], d["biases_mode"], d["update_biases"], d["order"]) == ("squared", "shared", False, "textbook")
    assert repr(seed_net) == "Network(2-2-2, activation=sigmoid, loss=squared, biases=shared, eta=0.5, order=textbook)"
    tanh = seed_net.with_options(activations=("tanh", "sigmoid"), update_biases=True)
    assert "activation=tanh,sigmoid" in repr(tanh) and "biases=shared (updated)" in repr(tanh)


def test_update_is_the_only_change_and_moves_biases_only_when_asked(seed_net, seed_inputs, seed_targets):
    copy = seed_net.copy()
    g = seed_net.backward(seed_inputs, seed_targets)
    copy.update(g)
    assert copy.weights[1][0, 0] == pytest.approx(0.35891648, abs=1e-9)  # the seed's w5+
    assert copy.biases[0].tolist() == [0.35] and seed_net.weights[1][0, 0] == 0.40
    moving = seed_net.with_options(update_biases=True)
    moving.update(moving.backward(seed_inputs, seed_targets))
    assert moving.biases[1][0] == pytest.approx(0.6 - 0.5 * g.biases[1][0], abs=1e-15)


def test_forward_and_backward_are_the_passes_on_the_networks_arrays(seed_net, seed_inputs, seed_targets):
    from explorer.engine.passes import backpropagate, feed_forward

    fw = seed_net.forward(seed_inputs, seed_targets)
    nets, outs = feed_forward(seed_net.weights, seed_net.biases, seed_net.options.records[0], seed_inputs)
    np.testing.assert_array_equal(fw.output, outs[-1])
    assert fw.total_error == pytest.approx(0.298371109, abs=1e-9)
    g = seed_net.backward(seed_inputs, seed_targets, fw)
    direct = backpropagate(seed_net.weights, seed_net.options, nets, outs, np.asarray(seed_targets))
    for a, b in zip(g.weights, direct.weights):
        np.testing.assert_array_equal(a, b)


def test_numerical_gradient_agrees_with_backward(seed_net, seed_inputs, seed_targets):
    g = seed_net.backward(seed_inputs, seed_targets)
    assert seed_net.numerical_gradient("w5", seed_inputs, seed_targets) == pytest.approx(g.weights[1][0, 0], abs=1e-9)
    assert seed_net.numerical_gradient("b1", seed_inputs, seed_targets) == pytest.approx(g.biases[0][0], abs=1e-9)


def test_a_copy_shares_nothing(seed_net):
    copy = seed_net.copy()
    copy.weights[0][0, 0] = 9.0
    copy.biases[0][0] = 9.0
    assert seed_net.weights[0][0, 0] == 0.15 and seed_net.biases[0][0] == 0.35


def test_check_data_gives_rows_and_refuses_mismatched_counts(seed_net):
    x, t = seed_net.check_data((0.05, 0.1), (0.01, 0.99))
    assert x.shape == (1, 2) and t.shape == (1, 2)
    with pytest.raises(InputError, match=r"targets: expected one row per input example \(2\), got 1"):
        seed_net.check_data([[0, 0], [1, 1]], [[0, 1]])


def test_decay_and_momentum_in_to_dict_repr_and_the_update(seed_net, seed_inputs, seed_targets):
    net = seed_net.with_options(weight_decay=0.01, momentum=0.9, update_biases=True)
    assert (net.to_dict()["weight_decay"], net.to_dict()["momentum"]) == (0.01, 0.9)
    assert repr(net).endswith("order=textbook, lambda=0.01, mu=0.9)")
    assert "lambda" not in repr(seed_net) and seed_net.to_dict()["momentum"] == 0.0
    g = net.backward(seed_inputs, seed_targets)
    once = net.copy()
    once.update(g)
    # from v = 0: v+ = -eta (g + lambda w), w+ = w + v+; the biases are not decayed
    v5 = -0.5 * (g.weights[1][0, 0] + 0.01 * 0.40)
    assert once.velocity.weights[1][0, 0] == pytest.approx(v5, abs=1e-15)
    assert once.weights[1][0, 0] == pytest.approx(0.40 + v5, abs=1e-15)
    assert once.biases[1][0] == pytest.approx(0.6 - 0.5 * g.biases[1][0], abs=1e-15)
    assert net.velocity is None  # the copy moved, not the network
    twice = once.copy()
    g2 = once.backward(seed_inputs, seed_targets)
    twice.update(g2)
    v5_2 = 0.9 * v5 - 0.5 * (g2.weights[1][0, 0] + 0.01 * once.weights[1][0, 0])
    assert twice.weights[1][0, 0] == pytest.approx(once.weights[1][0, 0] + v5_2, abs=1e-15)


def test_velocities_travel_with_copies_and_state_and_go_when_momentum_does(seed_net, seed_inputs, seed_targets):
    net = seed_net.with_options(momentum=0.5)
    net.update(net.backward(seed_inputs, seed_targets))
    state = net.flat_state()
    assert state.size == 2 * net.flat_parameters().size
    back = seed_net.with_options(momentum=0.5).with_state(state)
    np.testing.assert_array_equal(back.flat_state(), state)
    assert net.with_options(learning_rate=0.1).velocity is net.velocity
    assert net.with_options(momentum=0).velocity is None
    assert net.with_options(bias_mode="per-neuron").velocity is None
    assert seed_net.flat_state().size == seed_net.flat_parameters().size


def test_cross_entropy_targets_must_add_up_to_one_per_example():
    from explorer.engine.network import Network
    from explorer.engine.presets import seed_network

    network = seed_network(activations=("sigmoid", "softmax"), loss="cce")
    assert network.check_data([[0.05, 0.1]], [[0.01, 0.99]])[1].tolist() == [[0.01, 0.99]]
    with pytest.raises(InputError, match="example 2 adds up to 1.5"):
        network.check_data([[0, 0], [1, 1]], [[0, 1], [0.5, 1]])
    with pytest.raises(InputError, match="from 0 to 1"):
        network.check_data([[0, 0]], [[-0.5, 1.5]])
    with pytest.raises(InputError, match="single output"):
        Network([[[1.0, 2.0]], [[1.0]]], [0.0, 0.0], ("sigmoid", "softmax"), "cce")
