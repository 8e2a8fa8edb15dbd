"""Weight decay and momentum: the engine's update rule against the oracle's, through every trainer.

The oracle (tests/helpers/scalar_oracle.py) writes the rule again, one
parameter at a time: g = dE/dw + lambda w (weights only), then w - eta g, or
with momentum v = mu v - eta g and w + v.  Every trainer (Network.update,
train's backends, train_many's stacked copies, the history's recomputation)
must agree with it, and with both coefficients at 0 nothing may change.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from explorer.engine import compiled
from explorer.engine.history import History
from explorer.engine.network import Network
from explorer.engine.presets import random_data, random_network, seed_network
from explorer.engine.training import train, train_many
from tests.helpers.scalar_oracle import as_scalar

RULES = [(0.0, 0.0), (0.05, 0.0), (0.0, 0.9), (0.1, 0.5)]


def flat_velocities(network: Network) -> np.ndarray:
    v = network.velocities()
    return np.concatenate([a.ravel() for a in (*v.weights, *v.biases)])


def oracle_flat(oracle) -> tuple[np.ndarray, np.ndarray]:
    params = [w for layer in oracle.W for row in layer for w in row] + [b for layer in oracle.B for b in layer]
    velocities = [v for layer in oracle.VW for row in layer for v in row] + [v for layer in oracle.VB for v in layer]
    return np.array(params), np.array(velocities)


def make(sizes, seed, lam, mu, bias_mode="per-neuron", update_biases=True, activations="tanh"):
    net = random_network(sizes, seed=seed, bias_mode=bias_mode, activations=activations, update_biases=update_biases)
    return net.with_options(weight_decay=lam, momentum=mu, learning_rate=0.3)


@pytest.mark.parametrize(("lam", "mu"), RULES)
@pytest.mark.parametrize("mode", ["online", "batch"])
@pytest.mark.parametrize("bias_mode", ["shared", "per-neuron"])
def test_update_agrees_with_the_oracle_step_after_step(lam, mu, mode, bias_mode):
    for seed in range(3):
        net = make((3, 4, 2), seed, lam, mu, bias_mode, activations=("tanh", "sigmoid"))
        x, t = random_data(net, 3, seed=seed)
        oracle = as_scalar(net)
        for _ in range(6):
            if mode == "batch":
                net.update(net.backward(x, t))
                oracle.update(*oracle.backward([oracle.forward(xi) for xi in x.tolist()], t.tolist()))
            else:
                for xi, ti in zip(x, t):
                    net.update(net.backward(xi, ti))
                    oracle.step(xi.tolist(), ti.tolist())
        params, velocities = oracle_flat(oracle)
        np.testing.assert_allclose(net.flat_parameters(), params, rtol=0, atol=1e-12)
        np.testing.assert_allclose(flat_velocities(net), velocities, rtol=0, atol=1e-12)
        if mu:
            assert np.abs(velocities).max() > 1e-3  # the velocities did build up


@pytest.mark.parametrize(("lam", "mu"), RULES[1:])
@pytest.mark.parametrize("mode", ["online", "batch"])
@pytest.mark.parametrize("backend", ["numpy", "auto", "compiled"])
def test_train_agrees_with_the_oracle(lam, mu, mode, backend):
    net = make((2, 3, 2), 7, lam, mu, "shared", activations="sigmoid")
    x, t = random_data(net, 4, seed=7)
    result = train(net, x, t, 40, mode=mode, backend=backend)
    oracle = as_scalar(net)
    errors = oracle.train(x.tolist(), t.tolist(), 40, batch=mode == "batch")
    np.testing.assert_allclose(result.errors, errors, rtol=1e-12, atol=1e-14)
    params, velocities = oracle_flat(oracle)
    np.testing.assert_allclose(result.network.flat_parameters(), params, rtol=0, atol=1e-12)
    np.testing.assert_allclose(flat_velocities(result.network), velocities, rtol=0, atol=1e-12)


@pytest.mark.parametrize(("lam", "mu"), RULES[1:])
@pytest.mark.parametrize("examples", [1, 3])
@pytest.mark.parametrize("mode", ["online", "batch"])
@pytest.mark.parametrize("bias_mode", ["shared", "per-neuron"])
def test_the_straight_line_trainer_writes_the_rule_out_as_numpy_runs_it(lam, mu, examples, mode, bias_mode):
    net = make((2, 3, 2), 5, lam, mu, bias_mode, activations=("tanh", "sigmoid"))
    x, t = random_data(net, examples, seed=5)
    fast = compiled.train_compiled(net, x, t, 30, mode)
    assert fast is not None
    slow = train(net, x, t, 30, mode=mode, backend="numpy")
    np.testing.assert_allclose(fast[1], slow.errors, rtol=1e-12)
    np.testing.assert_allclose(fast[0].flat_state(), slow.network.flat_state(), rtol=0, atol=1e-12)
    source = compiled.source_code(net.sizes, compiled._shape_options(net.options), "single" if examples == 1 else mode)
    assert source.startswith("def run(params, data, eta, iterations, errors, due, keep, lam, mu):")
    assert ("+ lam * w0_0_0)" in source) == bool(lam) and "lam * b" not in source  # biases are not decayed
    assert ("vw0_0_0 = mu * vw0_0_0 - eta * (" in source) == bool(mu)


@pytest.mark.parametrize("mode", ["online", "batch"])
def test_train_many_agrees_with_separate_train_runs(mode):
    net = make((2, 3, 2), 3, 0.02, 0.8, "shared", activations="sigmoid")
    x, t = random_data(net, 3, seed=3)
    rates = [0.05, 0.3, 1.0]
    sweep = train_many(net, x, t, rates, 60, record_every=20, mode=mode)
    for k, rate in enumerate(rates):
        alone = train(net.with_options(learning_rate=rate), x, t, 60, mode=mode, backend="numpy")
        np.testing.assert_allclose(sweep.errors[k], alone.errors[::20], rtol=1e-12)
        for l, W in enumerate(alone.network.weights):
            np.testing.assert_allclose(sweep.weights[l][k], W, rtol=0, atol=1e-12)
            np.testing.assert_allclose(sweep.biases[l][k], alone.network.biases[l], rtol=0, atol=1e-12)


def test_train_many_starts_from_the_networks_velocities():
    net = make((2, 2, 2), 1, 0.0, 0.9, "shared", activations="sigmoid")
    x, t = random_data(net, 2, seed=1)
    moving = train(net, x, t, 5).network  # velocities built up
    sweep = train_many(moving, x, t, [moving.learning_rate], 10, record_every=10)
    alone = train(moving, x, t, 10, backend="numpy")
    np.testing.assert_allclose(sweep.errors[0], alone.errors[::10], rtol=1e-12)
    fresh = moving.copy()
    fresh.velocity = None
    assert train_many(fresh, x, t, [moving.learning_rate], 10).errors[0, -1] != sweep.errors[0, -1]


def test_with_both_at_zero_every_trainer_gives_the_plain_rule_bit_for_bit():
    net = seed_network()
    x, t = np.array([[0.05, 0.1]]), np.array([[0.01, 0.99]])
    explicit = net.with_options(weight_decay=0.0, momentum=0.0)
    for backend, mode in itertools.product(("numpy", "compiled"), ("online", "batch")):
        a, b = train(net, x, t, 50, mode, backend), train(explicit, x, t, 50, mode, backend)
        np.testing.assert_array_equal(a.errors, b.errors)
        np.testing.assert_array_equal(a.network.flat_parameters(), b.network.flat_parameters())
    # the plain rule written out: w+ = w - eta g
    g = net.backward(x[0], t[0])
    stepped = net.copy()
    stepped.update(g)
    for W, G, new in zip(net.weights, g.weights, stepped.weights):
        np.testing.assert_array_equal(new, W - 0.5 * G)
    assert stepped.velocity is None


@pytest.mark.parametrize("mode", ["online", "batch"])
def test_opening_iteration_k_under_momentum_equals_training_straight_to_k(mode):
    net = make((2, 3, 2), 11, 0.01, 0.9, "shared", activations="sigmoid")
    x, t = random_data(net, 3, seed=11)
    history = History(net, x, t, mode=mode)
    trained, _errors, _ = history.train(net, 0, 237, x, t, mode)
    for k in (0, 1, 49, 50, 51, 137, 237):
        straight = train(net, x, t, k, mode=mode, backend="numpy").network if k else net
        opened = history.network_at(k)
        np.testing.assert_allclose(opened.flat_parameters(), straight.flat_parameters(), rtol=0, atol=1e-12)
        np.testing.assert_allclose(flat_velocities(opened), flat_velocities(straight), rtol=0, atol=1e-12)
    np.testing.assert_allclose(trained.flat_state(), history.network_at(237).flat_state(), rtol=0, atol=1e-12)


def test_without_the_velocities_an_opened_iteration_would_differ():
    """The test above can fail: a checkpoint of the weights alone restarts the velocity at 0."""
    net = make((2, 2, 2), 2, 0.0, 0.9, "shared", activations="sigmoid")
    x, t = random_data(net, 1, seed=2)
    at_50 = train(net, x, t, 50).network
    forgetful = at_50.copy()
    forgetful.velocity = None
    a, b = train(at_50, x, t, 10).network, train(forgetful, x, t, 10).network
    assert np.abs(a.flat_parameters() - b.flat_parameters()).max() > 1e-6


#: The README's table: E_total after 1, 100, 1,000 and 10,000 iterations of the seed under each rule.
README_FIGURES = {
    (0.0, 0.0): ("0.291027774", "0.020046828", "0.001114349", "3.51019e-05"),
    (0.001, 0.0): ("0.291003732", "0.021446888", "0.00359094", "0.003360172"),
    (0.0, 0.5): ("0.291027774", "0.008114267", "0.000442194", "7.83198e-06"),
    (0.0, 0.9): ("0.291027774", "0.000360754", "1.97273e-05", "5.49192e-09"),
}


@pytest.mark.parametrize(("lam", "mu"), list(README_FIGURES))
def test_the_readmes_figures_for_each_rule(lam, mu):
    net = seed_network(weight_decay=lam, momentum=mu)
    errors = train(net, [0.05, 0.1], [0.01, 0.99], 10_000).errors
    for i, printed in zip((1, 100, 1000, 10_000), README_FIGURES[lam, mu]):
        assert errors[i] == pytest.approx(float(printed), rel=5e-6), (i, printed)
