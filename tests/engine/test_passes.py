"""feed_forward and backpropagate on bare arrays: one example, rows of examples, stacked networks.

Gradients against central differences on random networks are in
tests/topics/test_gradients.py, and the seed's printed figures in
tests/topics/test_seed_figures.py; here, the shapes each form takes and
gives, and that the three forms are one computation.
"""

from __future__ import annotations

import numpy as np
import pytest

from explorer.engine.network import Network
from explorer.engine.passes import Forward, Gradients, backpropagate, feed_forward
from explorer.engine.presets import random_data, random_network

QUIET = dict(over="ignore", invalid="ignore", divide="ignore")


def passes(network: Network, x: np.ndarray, t: np.ndarray, **kwargs) -> Gradients:
    acts = network.options.records[0]
    with np.errstate(**QUIET):
        nets, outs = feed_forward(network.weights, network.biases, acts, x)
        return backpropagate(network.weights, network.options, nets, outs, t, **kwargs)


def test_one_linear_neuron_by_hand():
    # out = 2 x + 1 at x = 3: 7; E = 1/2 (t - out)^2 with t = 4: delta = out - t = 3
    net = Network([[[2.0]]], [1.0], activations="linear", update_biases=True)
    nets, outs = feed_forward(net.weights, net.biases, net.options.records[0], np.array([3.0]))
    assert [a.tolist() for a in nets] == [[7.0]] and [a.tolist() for a in outs] == [[3.0], [7.0]]
    g = backpropagate(net.weights, net.options, nets, outs, np.array([4.0]))
    assert g.deltas[0].tolist() == [3.0] and g.d_outs[0].tolist() == [3.0]
    assert g.weights[0].tolist() == [[9.0]] and g.biases[0].tolist() == [3.0]  # delta x, delta


def test_shapes_for_one_example_and_for_rows():
    net = random_network((3, 4, 2), seed=0, bias_mode="per-neuron")
    x, t = random_data(net, 5, seed=0)
    acts = net.options.records[0]
    nets, outs = feed_forward(net.weights, net.biases, acts, x[0])
    assert [a.shape for a in nets] == [(4,), (2,)] and [a.shape for a in outs] == [(3,), (4,), (2,)]
    nets, outs = feed_forward(net.weights, net.biases, acts, x)
    assert [a.shape for a in nets] == [(5, 4), (5, 2)] and [a.shape for a in outs] == [(5, 3), (5, 4), (5, 2)]
    g = passes(net, x, t)
    assert [a.shape for a in g.weights] == [(4, 3), (2, 4)] and [a.shape for a in g.biases] == [(4,), (2,)]
    assert [a.shape for a in g.deltas] == [(5, 4), (5, 2)]


@pytest.mark.parametrize("bias_mode", ["shared", "per-neuron"])
def test_rows_give_the_mean_of_the_examples_gradients(bias_mode):
    net = random_network((3, 4, 2), seed=1, bias_mode=bias_mode, activations=("tanh", "sigmoid"))
    x, t = random_data(net, 6, seed=1)
    whole = passes(net, x, t)
    apart = [passes(net, x[e], t[e]) for e in range(6)]
    for l in range(2):
        np.testing.assert_allclose(whole.weights[l], np.mean([g.weights[l] for g in apart], axis=0), atol=1e-15)
        np.testing.assert_allclose(whole.biases[l], np.mean([g.biases[l] for g in apart], axis=0), atol=1e-15)
        np.testing.assert_allclose(
            whole.deltas[l][2], apart[2].deltas[l], rtol=1e-14
        )  # a matrix and a vector may round the last bit apart
    one_row = passes(net, x[:1], t[:1])  # one row: the single example's numbers
    np.testing.assert_array_equal(one_row.weights[0], apart[0].weights[0])


@pytest.mark.parametrize("order", ["textbook", "seed"])
def test_stacked_networks_are_each_their_own_computation(order):
    copies = [random_network((2, 3, 2), seed=s, order=order) for s in range(3)]
    x, t = random_data(copies[0], 4, seed=2)
    W = [np.stack([c.weights[l] for c in copies]) for l in range(2)]
    B = [np.stack([c.biases[l][None] for c in copies]) for l in range(2)]
    eta = np.array([0.1, 0.5, 2.0])[:, None, None]
    acts = copies[0].options.records[0]
    nets, outs = feed_forward(W, B, acts, x[None])
    assert [a.shape for a in outs] == [(1, 4, 2), (3, 4, 3), (3, 4, 2)]
    g = backpropagate(W, copies[0].options, nets, outs, t[None], eta)
    for k, copy in enumerate(copies):
        own = passes(copy.with_options(learning_rate=float(eta[k, 0, 0])), x, t)
        for l in range(2):
            np.testing.assert_allclose(g.weights[l][k], own.weights[l], rtol=1e-13, atol=1e-16)


def test_full_false_skips_what_an_update_does_not_use():
    net = random_network((2, 3, 1), seed=3, loss="bce")  # biases fixed, a fused output delta
    x, t = random_data(net, 2, seed=3)
    lean, full = passes(net, x, t, full=False), passes(net, x, t)
    assert lean.biases == (None, None) and lean.d_outs[-1] is None
    assert full.biases[0].shape == (1,) and full.d_outs[-1].shape == (2, 1)
    for a, b in zip(lean.weights, full.weights):
        np.testing.assert_array_equal(a, b)


def test_a_forward_record_needs_targets_for_its_error():
    fw = Forward((np.zeros(2),), (np.zeros(2), np.full(2, 0.5)))
    assert fw.output.tolist() == [0.5, 0.5]
    with pytest.raises(ValueError, match="without targets"):
        _ = fw.total_error
    with_errors = Forward(fw.nets, fw.outs, np.array([[0.25, 0.5], [0.5, 0.75]]))
    assert with_errors.total_error == 1.0  # the mean over examples of each example's sum
