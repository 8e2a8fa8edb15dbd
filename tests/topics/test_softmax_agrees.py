"""Softmax outputs with categorical cross-entropy: the engine against a second implementation.

The oracle (tests/helpers/softmax_oracle.py) takes the output delta through
the softmax's full Jacobian; the engine uses the shortcut out - target.  They
must agree to 1e-12 on random networks, in gradients and after training,
and both must agree with central differences.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from explorer.engine.functions import ELEMENTWISE, LOSSES, softmax
from explorer.engine.presets import random_data, random_network, seed_network
from explorer.engine.training import train, train_many
from tests.helpers import softmax_oracle as oracle
from tests.helpers.gradients import RELU_MARGIN, assert_gradients_match, central_differences

RTOL, ATOL = 1e-12, 1e-14


@st.composite
def softmax_problems(draw, examples=None):
    """A random network with 2..5 softmax outputs, any elementwise hidden layers, and its data."""
    sizes = [*draw(st.lists(st.integers(1, 5), min_size=1, max_size=4)), draw(st.integers(2, 5))]
    hidden = draw(st.lists(st.sampled_from(ELEMENTWISE), min_size=len(sizes) - 2, max_size=len(sizes) - 2))
    seed = draw(st.integers(0, 10**6))
    m = 1 if examples is None else draw(examples)
    network = random_network(
        sizes,
        seed=seed,
        bias_mode=draw(st.sampled_from(("shared", "per-neuron"))),
        activations=[*hidden, "softmax"],
        loss="cce",
        order=draw(st.sampled_from(("textbook", "seed"))) if m == 1 else "textbook",
        update_biases=draw(st.booleans()),
        learning_rate=draw(st.sampled_from([0.05, 0.5, 2.0])),
    )
    x, t = random_data(network, m, seed)
    if draw(st.booleans()):  # one-hot targets, the usual case, as well as spread ones
        t = np.eye(sizes[-1])[np.argmax(t, axis=1)]
    if {"relu", "leaky_relu"} & set(hidden):
        assume(all(np.all(np.abs(z) >= RELU_MARGIN) for z in network.forward(x).nets[:-1]))
    return network, x, t


@settings(max_examples=60, deadline=None, database=None)
@given(softmax_problems(examples=st.integers(1, 3)))
def test_gradients_and_one_update_agree_with_the_jacobian_route(problem):
    network, x, t = problem
    s = oracle.as_softmax_scalar(network)
    fw = network.forward(x, t)
    for row, out in zip(x, fw.output):
        np.testing.assert_allclose(s.forward(row.tolist())[1][-1], out, rtol=RTOL, atol=1e-15)
    assert s.dataset_error(x.tolist(), t.tolist()) == pytest.approx(fw.total_error, rel=RTOL, abs=1e-15)
    g = network.backward(x, t, fw)
    g_w, g_b = s.gradients(x.tolist(), t.tolist())
    for l in range(len(network.weights)):
        np.testing.assert_allclose(g.weights[l], g_w[l], rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(g.biases[l], g_b[l], rtol=RTOL, atol=ATOL)
    network.update(g)
    s.update(g_w, g_b)
    for l in range(len(network.weights)):
        np.testing.assert_allclose(network.weights[l], s.W[l], rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(network.biases[l], s.B[l], rtol=RTOL, atol=ATOL)


@settings(max_examples=40, deadline=None, database=None)
@given(softmax_problems())
def test_gradients_match_central_differences(problem):
    network, x, t = problem
    if network.order == "seed":  # the seed's hidden gradients are not derivatives, by design
        network = network.with_options(order="textbook")
    assert_gradients_match(network.backward(x[0], t[0]), *central_differences(network, x[0], t[0]))


@pytest.mark.parametrize("mode", ["online", "batch"])
def test_training_agrees_with_the_oracle(mode):
    """20 iterations on 6 one-hot examples, 2-4-3: the same errors and weights to 1e-12."""
    network = random_network((2, 4, 3), seed=5, activations=["tanh", "softmax"], loss="cce", update_biases=True)
    x = np.random.default_rng(1).uniform(-1, 1, (6, 2))
    t = np.eye(3)[[0, 1, 2, 0, 1, 2]]
    result = train(network, x, t, 20, mode=mode)
    s = oracle.as_softmax_scalar(network)
    errors = s.train(x.tolist(), t.tolist(), 20, batch=mode == "batch")
    np.testing.assert_allclose(result.errors, errors, rtol=RTOL)
    for l in range(2):
        np.testing.assert_allclose(result.network.weights[l], s.W[l], rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(result.network.biases[l], s.B[l], rtol=RTOL, atol=ATOL)


def test_train_many_trains_each_copy_as_train_does():
    network = random_network((2, 3, 3), seed=2, activations=["sigmoid", "softmax"], loss="cce")
    x = np.random.default_rng(4).uniform(-1, 1, (5, 2))
    t = np.eye(3)[[0, 1, 2, 1, 0]]
    many = train_many(network, x, t, [0.1, 1.0], 30, record_every=10)
    for k, rate in enumerate([0.1, 1.0]):
        one = train(network.with_options(learning_rate=rate), x, t, 30)
        np.testing.assert_allclose(many.errors[k], one.errors[::10], rtol=1e-12)
        np.testing.assert_allclose(many.weights[1][k], one.network.weights[1], rtol=1e-12, atol=1e-15)


def test_the_seed_network_with_softmax_outputs_by_hand():
    """2-2-2 seed weights, softmax + cross-entropy: net_o1 = 1.10590597, net_o2 = 1.22492140 (as the seed)."""
    network = seed_network(activations=["sigmoid", "softmax"], loss="cce")
    fw = network.forward([0.05, 0.10], [0.01, 0.99])
    e1, e2 = np.exp(1.1059059670597702), np.exp(1.2249214040964653)
    assert fw.output == pytest.approx([e1 / (e1 + e2), e2 / (e1 + e2)], rel=1e-12)
    assert fw.total_error == pytest.approx(-0.01 * np.log(fw.output[0]) - 0.99 * np.log(fw.output[1]), rel=1e-12)
    g = network.backward([0.05, 0.10], [0.01, 0.99], fw)
    assert g.deltas[-1] == pytest.approx(fw.output - [0.01, 0.99], rel=1e-12)


def test_softmax_and_its_loss_stay_exact_far_out():
    """Nets of +-800: no overflow, the error exact from the net inputs, and no warning."""
    net = np.array([800.0, -800.0, 0.0])
    out = softmax(net)
    assert out.tolist() == [1.0, 0.0, 0.0]
    errors = LOSSES["cce"].errors(net, out, np.array([0.0, 1.0, 0.0]), 3)
    assert errors.tolist() == [0.0, 1600.0, 0.0]
