"""Network.backward against central differences, on random networks of every kind.

``(E(p + h) - E(p - h)) / 2h`` knows nothing about the chain rule, so it is an
independent check of every weight's and bias's gradient, for every
activation, loss and bias mode.  The seed's order is checked separately: its
hidden-layer gradients are, by design, *not* derivatives of E_total.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from explorer.engine.functions import ACTIVATIONS as ACTIVATION_TABLE
from explorer.engine.functions import ELEMENTWISE
from explorer.engine.network import Network
from explorer.engine.presets import random_data, random_network
from tests.helpers.gradients import (
    ATOL,
    RELU_MARGIN,
    RTOL,
    assert_gradients_match,
    central_differences,
    difference_quotients,
)

ACTIVATIONS = ELEMENTWISE  # softmax outputs: tests/topics/test_softmax_agrees.py
KINKED = {"relu", "leaky_relu"}  # no derivative at net = 0: keep differences away from it
LOSSES = ("squared", "mse", "bce")
BIAS_MODES = ("shared", "per-neuron")

FAST = settings(max_examples=50, deadline=None, database=None)


@st.composite
def problems(draw, examples=None, order="textbook", min_layers=2):
    """A random network (2..5 layers of 1..5 neurons), its data and options."""
    sizes = draw(st.lists(st.integers(1, 5), min_size=min_layers, max_size=5))
    activation = draw(st.sampled_from(ACTIVATIONS))
    loss = draw(st.sampled_from(LOSSES))
    bias_mode = draw(st.sampled_from(BIAS_MODES))
    seed = draw(st.integers(0, 10**6))
    activations = [activation] * (len(sizes) - 1)
    if loss == "bce":
        # cross-entropy is only defined for outputs in (0, 1): a sigmoid output
        # layer, with the activation under test in the hidden layers
        activations[-1] = "sigmoid"
    network = random_network(
        sizes,
        seed=seed,
        bias_mode=bias_mode,
        activations=activations,
        loss=loss,
        order=order,
        learning_rate=draw(st.sampled_from([0.1, 0.5, 2.0])),
    )
    m = draw(st.just(1) if examples is None else examples)
    inputs, targets = random_data(network, m, seed)  # targets in [0.05, 0.95], fine for bce
    if m == 1:
        inputs, targets = inputs[0], targets[0]
    if KINKED & set(activations):
        nets = network.forward(inputs).nets
        assume(all(np.all(np.abs(z) >= RELU_MARGIN) for z in nets))
    return network, inputs, targets


def test_central_differences_reproduce_the_seed(seed_net, seed_inputs, seed_targets):
    """The difference quotient itself is right: it gives the seed's dE_total/dw5 and /dw1."""
    numerical_w, numerical_b = central_differences(seed_net, seed_inputs, seed_targets)
    assert numerical_w[1][0, 0] == pytest.approx(0.082167041, abs=2e-9)
    assert numerical_w[0][0, 0] == pytest.approx(0.000438568, abs=2e-9)
    assert seed_net.weights[1][0, 0] == 0.40  # restored
    assert_gradients_match(seed_net.backward(seed_inputs, seed_targets), numerical_w, numerical_b)


@FAST
@given(problems())
def test_backward_matches_central_differences(problem):
    network, x, t = problem
    gradients = network.backward(x, t)
    assert_gradients_match(gradients, *central_differences(network, x, t))


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("bias_mode", BIAS_MODES)
def test_every_activation_loss_and_bias_mode(activation, loss, bias_mode):
    """A fixed 3-4-2 network per combination, so none depends on hypothesis's draw."""
    output = "sigmoid" if loss == "bce" else activation
    network = random_network((3, 4, 2), seed=7, bias_mode=bias_mode, activations=[activation, output], loss=loss)
    x, t = random_data(network, 1, seed=7)
    assert all(np.all(np.abs(z) >= RELU_MARGIN) for z in network.forward(x[0]).nets)
    assert_gradients_match(network.backward(x[0], t[0]), *central_differences(network, x[0], t[0]))


@settings(max_examples=40, deadline=None, database=None)
@given(problems(examples=st.integers(2, 4)))
def test_batch_gradient_is_the_mean_of_the_examples(problem):
    network, X, T = problem
    batch = network.backward(X, T)
    per_example = [network.backward(x, t) for x, t in zip(X, T)]
    for l in range(len(network.weights)):
        mean_w = sum(g.weights[l] for g in per_example) / len(X)
        mean_b = sum(g.biases[l] for g in per_example) / len(X)
        assert batch.weights[l].shape == network.weights[l].shape
        assert batch.biases[l].shape == network.biases[l].shape
        np.testing.assert_allclose(batch.weights[l], mean_w, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(batch.biases[l], mean_b, rtol=1e-12, atol=1e-15)
    # and the mean is the derivative of the mean error
    assert_gradients_match(batch, *central_differences(network, X, T))


# ------------------------------------------------------------------------- seed order


def test_seed_order_hidden_gradient_from_the_seeds_own_numbers(make_seed_network, seed_inputs, seed_targets):
    """Worked by hand from the post's printed figures, through w5+ and w7+."""
    d_net_o1, d_net_o2 = 0.138498562, -0.038098237  # dE_o1/dnet_o1, dE_o2/dnet_o2
    w5_plus, w7_plus = 0.35891648, 0.511301270
    dout_h1_dnet_h1, i1 = 0.241300709, 0.05
    d_out_h1 = d_net_o1 * w5_plus + d_net_o2 * w7_plus  # 0.030229...
    expected_w1 = d_out_h1 * dout_h1_dnet_h1 * i1
    seed = make_seed_network(order="seed").backward(seed_inputs, seed_targets)
    textbook = make_seed_network().backward(seed_inputs, seed_targets)
    assert seed.weights[0][0, 0] == pytest.approx(expected_w1, rel=1e-7)
    assert textbook.weights[0][0, 0] == pytest.approx(0.000438568, abs=1e-9)
    assert seed.weights[0][0, 0] != pytest.approx(textbook.weights[0][0, 0], rel=1e-3)
    # the output layer is the same under both orders
    np.testing.assert_array_equal(seed.weights[1], textbook.weights[1])


def seed_surrogate_gradients(network: Network, gradients, x, t, l: int):
    """Central differences of the seed order's objective for hidden layer ``l``.

    The seed order takes the deltas of layer l+1 as fixed and sends them down
    through that layer's *updated* weights, so layer l's gradient is the
    derivative of the linear surrogate

        S(W_l, b_l) = sum_k delta_{l+1, k} * (W_{l+1}^+ f(W_l a_l + b_l))_k

    with a_l from the original forward pass.
    """
    a = np.asarray(network.forward(x).outs[l], dtype=float)
    f = ACTIVATION_TABLE[network.activations[l]].f
    W_above = network.weights[l + 1] - network.learning_rate * gradients.weights[l + 1]
    delta_above = gradients.deltas[l + 1]
    W, b = network.weights[l].copy(), network.biases[l].copy()

    def surrogate() -> float:
        return float(np.sum(delta_above * (f(a @ W.T + b) @ W_above.T)))

    return difference_quotients((W, b), surrogate)


@FAST
@given(problems(order="seed", min_layers=3))
def test_seed_order_sends_deltas_through_the_updated_weights(problem):
    network, x, t = problem
    seed = network.backward(x, t)
    textbook = network.with_options(order="textbook").backward(x, t)
    # output layer: no weights above it, so the orders agree, and it is the true gradient
    np.testing.assert_array_equal(seed.weights[-1], textbook.weights[-1])
    np.testing.assert_array_equal(seed.biases[-1], textbook.biases[-1])
    # each hidden layer: the derivative of the seed's surrogate, layer by layer downwards
    for l in reversed(range(len(network.weights) - 1)):
        numerical_w, numerical_b = seed_surrogate_gradients(network, seed, x, t, l)
        # the rounding noise of a difference quotient grows with the surrogate's size: where
        # (linear, leaky) layers make gradients of 1e3, a 1e-3 entry beside them is known to ~1e-6
        atol = ATOL * max(1.0, float(np.abs(numerical_w).max()))
        np.testing.assert_allclose(seed.weights[l], numerical_w, rtol=RTOL, atol=atol)
        np.testing.assert_allclose(seed.biases[l], numerical_b, rtol=RTOL, atol=atol)


@FAST
@given(problems(order="seed", examples=st.integers(1, 3)))
def test_seed_order_equals_textbook_backward_through_updated_outer_weights(problem):
    """Seed order == textbook backward, same forward pass, with every layer above
    the first replaced by its updated weights (with several examples: updated
    by the mean gradient, the weights the batch update really produces)."""
    network, x, t = problem
    seed = network.backward(x, t)
    replaced = network.with_options(order="textbook")
    for l in range(1, len(network.weights)):
        replaced.weights[l] = network.weights[l] - network.learning_rate * seed.weights[l]
    through_updated = replaced.backward(x, t, forward=network.forward(x, t))
    for l in range(len(network.weights)):
        np.testing.assert_allclose(seed.weights[l], through_updated.weights[l], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(seed.biases[l], through_updated.biases[l], rtol=1e-12, atol=1e-15)


def test_numerical_gradient_matches_backward_for_every_parameter(make_seed_network, seed_inputs, seed_targets):
    net = make_seed_network(update_biases=True)
    grads = net.backward(seed_inputs, seed_targets)
    expected = {
        **{f"w{i + 1}": g for i, g in enumerate(np.concatenate([w.ravel() for w in grads.weights]))},
        "b1": grads.biases[0][0],
        "b2": grads.biases[1][0],
    }
    for name, value in expected.items():
        assert net.numerical_gradient(name, seed_inputs, seed_targets) == pytest.approx(value, rel=1e-6, abs=1e-10)
    assert net.numerical_gradient("w5", seed_inputs, seed_targets) == pytest.approx(0.082167041, abs=1e-9)
