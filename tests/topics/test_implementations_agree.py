"""The numpy engine and the pure-Python oracle (tests/helpers/scalar_oracle.py): one answer.

Also the trainers (train's numpy and compiled backends, train_many's stacked
copies) against the oracle and each other, and what happens at the edges: a
diverging learning rate and a saturated sigmoid must stay quiet (no
warning, no exception).
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.engine import functions
from explorer.engine.network import Network
from explorer.engine.presets import random_data, random_network
from explorer.engine.training import train, train_many
from explorer.engine.validation import InputError
from tests.helpers import scalar_oracle as scalar
from tests.helpers.scalar_oracle import as_scalar

ACTIVATIONS = functions.ELEMENTWISE  # softmax: tests/topics/test_softmax_agrees.py
LOSSES = ("squared", "mse", "bce")
BIAS_MODES = ("shared", "per-neuron")
ORDERS = ("textbook", "seed")


def snapshot(network: Network) -> tuple:
    return (
        [w.copy() for w in network.weights],
        [b.copy() for b in network.biases],
        network.activations,
        network.loss,
        network.bias_mode,
        network.update_biases,
        network.learning_rate,
        network.order,
    )


def assert_same_network(a: tuple, b: tuple) -> None:
    for x, y in zip(a[0] + a[1], b[0] + b[1]):
        np.testing.assert_array_equal(x, y)
    assert a[2:] == b[2:]


@st.composite
def networks(draw):
    """Any shape (2..5 layers of 1..5), a mix of activations, every loss, option and order."""
    sizes = draw(st.lists(st.integers(1, 5), min_size=2, max_size=5))
    activations = draw(st.lists(st.sampled_from(ACTIVATIONS), min_size=len(sizes) - 1, max_size=len(sizes) - 1))
    loss = draw(st.sampled_from(LOSSES))
    if loss == "bce":
        activations[-1] = "sigmoid"  # the network refuses cross-entropy on other outputs
    seed = draw(st.integers(0, 10**6))
    network = random_network(
        sizes,
        seed=seed,
        bias_mode=draw(st.sampled_from(BIAS_MODES)),
        activations=activations,
        loss=loss,
        order=draw(st.sampled_from(ORDERS)),
        update_biases=draw(st.booleans()),
        learning_rate=draw(st.sampled_from([0.05, 0.5, 3.0])),
    )
    x, t = random_data(network, 1, seed)
    return network, x[0], t[0]


@settings(max_examples=60, deadline=None, database=None)
@given(networks())
def test_forward_error_and_gradients_agree(problem):
    network, x, t = problem
    s = as_scalar(network)
    fw = network.forward(x, t)
    nets, outs = s.forward(x.tolist())
    for l in range(len(network.weights)):
        np.testing.assert_allclose(nets[l], fw.nets[l], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(outs[l + 1], fw.outs[l + 1], rtol=1e-12, atol=1e-15)
    assert s.error(nets[-1], outs[-1], t.tolist()) == pytest.approx(fw.total_error, rel=1e-12, abs=1e-15)
    g = network.backward(x, t, fw)
    g_w, g_b = s.backward([(nets, outs)], [t.tolist()])
    for l in range(len(network.weights)):
        np.testing.assert_allclose(g_w[l], g.weights[l], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(g_b[l], g.biases[l], rtol=1e-12, atol=1e-15)
    # one update each: the same parameters afterwards
    network.update(g)
    s.update(g_w, g_b)
    for l in range(len(network.weights)):
        np.testing.assert_allclose(s.W[l], network.weights[l], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(s.B[l], network.biases[l], rtol=1e-12, atol=1e-15)


# Training: every activation x loss x order, with bias mode, bias updates and
# mode taken from a 4-row orthogonal array (every pair of their values occurs),
# the row shifted so each activation, loss and order meets all four rows.
_ROWS = [
    ("shared", False, "online"),
    ("shared", True, "batch"),
    ("per-neuron", False, "batch"),
    ("per-neuron", True, "online"),
]
_SIZES = [(2, 2, 2), (3, 4, 2), (2, 3, 3, 1), (1, 5, 2), (4, 2, 3, 2)]
TRAINING_CASES = [
    (ACTIVATIONS[a], LOSSES[l], ORDERS[o], *_ROWS[(a + l + 2 * o) % 4], _SIZES[i % 5], 3 + i)
    for i, (a, l, o) in enumerate(itertools.product(range(4), range(3), range(2)))
]


def test_training_cases_cover_every_pair_of_options():
    assert len({case[:3] for case in TRAINING_CASES}) == 24
    for i, j in itertools.combinations(range(6), 2):
        values_i, values_j = {c[i] for c in TRAINING_CASES}, {c[j] for c in TRAINING_CASES}
        assert {(c[i], c[j]) for c in TRAINING_CASES} == set(itertools.product(values_i, values_j))


@pytest.mark.parametrize("activation, loss, order, bias_mode, update_biases, mode, sizes, seed", TRAINING_CASES)
def test_trainers_agree_with_the_oracle(activation, loss, order, bias_mode, update_biases, mode, sizes, seed):
    activations = [activation] * (len(sizes) - 1)
    if loss == "bce":
        activations[-1] = "sigmoid"  # cross-entropy wants outputs in (0, 1)
    network = random_network(
        sizes,
        seed=seed,
        bias_mode=bias_mode,
        activations=activations,
        loss=loss,
        order=order,
        update_biases=update_biases,
        learning_rate=0.1,
    )
    x, t = random_data(network, 3, seed)
    if order == "seed" and mode == "batch":  # the pair the array must still cover: refused
        for backend in ("compiled", "numpy"):
            with pytest.raises(InputError, match="batch mode uses the textbook order"):
                train(network, x, t, 200, mode=mode, backend=backend)
        return
    oracle = as_scalar(network)
    oracle_errors = oracle.train(x.tolist(), t.tolist(), 200, batch=mode == "batch")
    assert oracle_errors[-1] < 0.99 * oracle_errors[0]  # it learned: the comparison means something
    for backend in ("compiled", "numpy"):
        result = train(network, x, t, 200, mode=mode, backend=backend)
        assert result.diverged_at is None
        assert len(result.errors) == 201
        np.testing.assert_allclose(result.errors, oracle_errors, rtol=1e-9, atol=1e-12)
        for l in range(len(sizes) - 1):
            np.testing.assert_allclose(result.network.weights[l], oracle.W[l], rtol=1e-9, atol=1e-12)
            np.testing.assert_allclose(result.network.biases[l], oracle.B[l], rtol=1e-9, atol=1e-12)
        if not update_biases:
            for a, b in zip(result.network.biases, network.biases):
                np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("backend", ["numpy", "compiled"])
def test_batch_mode_under_the_seed_order_is_refused_by_every_entry_point_alike(backend):
    """The seed's order sends each example's deltas through weights that example alone
    updated: its gradients do not average to a batch's, so nothing trains or steps that way."""
    from explorer.engine.sweep import sweep
    from explorer.engine.training import SEED_ORDER_IN_BATCH
    from explorer.lesson.session import Session
    from explorer.lesson.walkthrough import walkthrough

    network = random_network((2, 3, 2), seed=2, order="seed", learning_rate=0.5)
    X, T = random_data(network, 3, seed=2)
    message = f"mode: {SEED_ORDER_IN_BATCH}"
    for attempt in (
        lambda: train(network, X, T, 1, mode="batch", backend=backend),
        lambda: train_many(network, X, T, [0.1, 0.5], 10, mode="batch"),
        lambda: sweep(network, X, T, [0.1, 0.5], 10, mode="batch"),
        lambda: walkthrough(network, X, T, mode="batch"),
    ):
        with pytest.raises(InputError) as refused:
            attempt()
        assert str(refused.value) == message
    session = Session(network, X, T)
    with pytest.raises(InputError) as refused:
        session.set_mode("batch")
    assert str(refused.value) == f"Mode: {SEED_ORDER_IN_BATCH}"  # the panel's control is called Mode
    # one example: online and batch are the same update, and the seed's order is its home
    assert train(network, X[:1], T[:1], 1, mode="batch", backend=backend).network.weights[0].shape == (3, 2)


@pytest.mark.parametrize("mode", ["online", "batch"])
def test_online_and_batch_differ_with_several_examples(mode):
    """So that mode= cannot be silently ignored by the trainers compared above."""
    network = random_network((2, 3, 2), seed=1, learning_rate=0.5)
    x, t = random_data(network, 3, seed=1)
    other = "batch" if mode == "online" else "online"
    for backend in ("compiled", "numpy"):
        a = train(network, x, t, 20, mode=mode, backend=backend)
        b = train(network, x, t, 20, mode=other, backend=backend)
        assert abs(a.errors[-1] - b.errors[-1]) > 1e-6


# ------------------------------------------------------------------------- train_many


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("update_biases", [False, True])
@pytest.mark.parametrize("bias_mode", BIAS_MODES)
def test_train_many_equals_separate_runs(order, update_biases, bias_mode):
    activations = {"shared": ["tanh", "sigmoid"], "per-neuron": ["relu", "sigmoid"]}[bias_mode]
    network = random_network(
        (3, 4, 2),
        seed=11,
        bias_mode=bias_mode,
        activations=activations,
        loss="squared",
        order=order,
        update_biases=update_biases,
    )
    x, t = random_data(network, 1, seed=11)
    rates = [0.05, 0.3, 1.0]
    sweep = train_many(network, x, t, rates, 200, record_every=10)
    np.testing.assert_array_equal(sweep.learning_rates, rates)
    assert sweep.errors.shape == (3, 21)
    for k, rate in enumerate(rates):
        single = train(network.with_options(learning_rate=rate), x, t, 200)
        assert single.diverged_at is None
        np.testing.assert_allclose(sweep.errors[k], single.errors[::10], rtol=1e-9, atol=1e-12)
        for l in range(2):
            np.testing.assert_allclose(sweep.weights[l][k], single.network.weights[l], rtol=1e-9, atol=1e-12)
            np.testing.assert_allclose(sweep.biases[l][k], single.network.biases[l], rtol=1e-9, atol=1e-12)
    # the copies really did train at different rates
    final = sweep.errors[:, -1]
    assert np.all(np.isfinite(final)) and np.all(np.abs(np.diff(final)) > 1e-6 * final[1:])


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("mode", ["online", "batch"])
def test_train_many_trains_on_every_example_like_train(mode, order):
    network = random_network(
        (3, 4, 2), seed=7, bias_mode="per-neuron", activations=["tanh", "sigmoid"], order=order, update_biases=True
    )
    x, t = random_data(network, 3, seed=7)
    rates = [0.05, 0.5, 2.0]
    if mode == "batch" and order == "seed":  # refused, as train refuses it
        with pytest.raises(InputError, match="batch mode uses the textbook order"):
            train_many(network, x, t, rates, 100, record_every=10, mode=mode)
        return
    sweep = train_many(network, x, t, rates, 100, record_every=10, mode=mode)
    assert sweep.errors.shape == (3, 11) and sweep.diverged_at.tolist() == [-1, -1, -1]
    for k, rate in enumerate(rates):
        single = train(network.with_options(learning_rate=rate), x, t, 100, mode=mode)
        np.testing.assert_allclose(sweep.errors[k], single.errors[::10], rtol=1e-9, atol=1e-12)
        for l in range(2):
            np.testing.assert_allclose(sweep.weights[l][k], single.network.weights[l], rtol=1e-9, atol=1e-12)
            np.testing.assert_allclose(sweep.biases[l][k], single.network.biases[l], rtol=1e-9, atol=1e-12)
    # the first example alone trains to something else: all three were used
    alone = train(network.with_options(learning_rate=0.5), x[:1], t[:1], 100, mode=mode)
    assert not np.allclose(sweep.weights[0][1], alone.network.weights[0], rtol=1e-3)


def test_train_many_reports_where_each_copy_diverged():
    network = random_network((2, 3, 2), seed=0, activations="linear")
    x, t = random_data(network, 2, seed=0)
    rates = [0.05, 5.0, 10.0]
    sweep = train_many(network, x, t, rates, 300, record_every=50, mode="batch")
    expected = []
    for rate in rates:
        single = train(network.with_options(learning_rate=rate), x, t, 300, mode="batch")
        expected.append(-1 if single.diverged_at is None else single.diverged_at)
    assert expected[0] == -1 and expected[2] > 0  # one stays, one diverges
    assert sweep.diverged_at.tolist() == expected


def test_train_many_seed_example_in_both_orders(make_seed_network, seed_inputs, seed_targets):
    for order, one_update in (("textbook", 0.291027774), ("seed", 0.291027924)):
        sweep = train_many(make_seed_network(order=order), seed_inputs, seed_targets, [0.5, 0.1], 1, record_every=1)
        assert sweep.errors[0, 1] == pytest.approx(one_update, abs=1e-9)
        assert sweep.errors[1, 1] != pytest.approx(one_update, abs=1e-6)


# ------------------------------------------------------------------------------ purity


@pytest.mark.parametrize("backend", ["compiled", "numpy"])
@pytest.mark.parametrize("mode", ["online", "batch"])
def test_train_does_not_change_its_network(backend, mode):
    order = "seed" if mode == "online" else "textbook"  # batch mode goes with the textbook order
    network = random_network(
        (2, 3, 2), seed=5, bias_mode="per-neuron", update_biases=True, order=order, activations="tanh"
    )
    x, t = random_data(network, 3, seed=5)
    before = snapshot(network)
    result = train(network, x, t, 30, mode=mode, backend=backend)
    assert_same_network(before, snapshot(network))
    assert result.network is not network
    assert not np.array_equal(result.network.weights[0], network.weights[0])
    assert not np.array_equal(result.network.biases[0], network.biases[0])
    train_many(network, x, t, [0.1, 1.0], 30)
    assert_same_network(before, snapshot(network))


# ------------------------------------------------------------------------------ edges


@pytest.mark.parametrize("backend", ["compiled", "numpy"])
def test_diverging_learning_rate_is_reported_quietly(backend):
    network = random_network((2, 3, 2), seed=0, activations="linear", learning_rate=10)
    x, t = random_data(network, 1, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = train(network, x[0], t[0], 200, backend=backend)
    assert result.diverged_at is not None
    assert 1 <= result.diverged_at < 200
    assert len(result.errors) == result.diverged_at + 1
    assert np.all(np.isfinite(result.errors[:-1]))
    assert not np.isfinite(result.errors[-1])
    assert result.errors[result.diverged_at - 1] > 1e6 * result.errors[0]  # it blew up on the way


def test_both_backends_diverge_at_the_same_iteration():
    network = random_network((2, 3, 2), seed=0, activations="linear", learning_rate=10)
    x, t = random_data(network, 1, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = train(network, x[0], t[0], 200, backend="compiled")
        b = train(network, x[0], t[0], 200, backend="numpy")
    assert a.diverged_at == b.diverged_at


def test_train_many_diverging_copy_leaves_the_others_alone():
    network = random_network((2, 3, 2), seed=0, activations="linear")
    x, t = random_data(network, 1, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sweep = train_many(network, x, t, [0.05, 10.0], 200, record_every=10)
    assert not np.isfinite(sweep.errors[1, -1])
    single = train(network.with_options(learning_rate=0.05), x, t, 200)
    # the error falls to 1e-23: the two summation orders differ below 1e-15
    np.testing.assert_allclose(sweep.errors[0], single.errors[::10], rtol=1e-9, atol=1e-15)
    diverging = train(network.with_options(learning_rate=10.0), x, t, 200)
    assert diverging.diverged_at is not None
    assert sweep.diverged_at.tolist() == [-1, diverging.diverged_at]


@pytest.mark.parametrize("weight", [100.0, -100.0])
def test_saturated_sigmoid_with_cross_entropy_stays_finite_and_quiet(weight):
    # net = 100 * 10 = +/-1000: exp(1000) would overflow, log(0) would be -inf
    network = Network([[[weight]]], [0.0], activations="sigmoid", loss="bce", update_biases=True)
    x, t = np.array([10.0]), np.array([1.0 if weight < 0 else 0.0])  # the wrong answer, confidently
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fw = network.forward(x, t)
        assert fw.nets[0][0] == 10 * weight
        assert fw.output[0] == (1.0 if weight > 0 else 0.0)
        assert np.isfinite(fw.total_error)
        # computed from the net input, not a clipped output: softplus(1000) - 0 = 1000 exactly
        assert fw.total_error == 1000.0
        g = network.backward(x, t, fw)
        assert all(np.all(np.isfinite(a)) for a in g.weights + g.biases + g.deltas)
        # the fused delta out - target: the whole error, times the input 10
        assert g.weights[0][0, 0] == pytest.approx(10.0 if weight > 0 else -10.0, rel=1e-15)
        s = as_scalar(network)
        nets, outs = s.forward(x.tolist())
        assert outs[-1][0] == fw.output[0]
        assert s.error(nets[-1], outs[-1], t.tolist()) == pytest.approx(fw.total_error, rel=1e-12)
        for backend in ("compiled", "numpy"):
            result = train(network, x, t, 20, backend=backend)
            assert result.diverged_at is None and np.all(np.isfinite(result.errors))
            assert result.errors[-1] < 1e-3  # it left the saturated wrong answer, it did not stall


@pytest.mark.parametrize("net, error", [(30.0, 21.0), (40.0, 28.0)])
def test_cross_entropy_is_exact_where_the_sigmoid_saturates(net, error):
    """E = softplus(net) - target * net and dE/dw = (out - target) * input, to the last digit."""
    network = Network([[[net]]], [0.0], activations="sigmoid", loss="bce")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fw = network.forward([1.0], [0.3])
        g = network.backward([1.0], [0.3], fw)
    assert fw.total_error == pytest.approx(error, rel=1e-14)
    assert g.weights[0][0, 0] == pytest.approx(0.7, rel=1e-14)
    assert g.biases[0][0] == pytest.approx(0.7, rel=1e-14)
    s = as_scalar(network)
    nets, outs = s.forward([1.0])
    assert s.error(nets[-1], outs[-1], [0.3]) == pytest.approx(error, rel=1e-14)


def test_cross_entropy_does_not_stall_at_a_high_learning_rate():
    """A run that starts saturated must still learn (a clipped loss gave zero slope)."""
    drawn = random_network((2, 4, 1), seed=3)
    # weights 20 times larger: the outputs start far out on the sigmoid's flat tails
    network = Network([20 * w for w in drawn.weights], [20 * b for b in drawn.biases], loss="bce", learning_rate=10)
    x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    t = np.array([[0.0], [1.0], [1.0], [0.0]])
    result = train(network, x, t, 2000, mode="batch")
    assert result.errors[0] > 1.5  # saturated: far above ln 2, where a run from small weights starts
    assert np.all(np.isfinite(result.errors))
    assert result.errors[-1] < 0.5 * result.errors[1]


def test_saturated_two_layer_network_stays_finite_and_quiet():
    # weights of +/-100 and inputs of 10 put every net input in the thousands
    network = Network(
        [[[100.0, 100.0], [-100.0, -100.0]], [[100.0, -100.0], [-100.0, 100.0]]],
        [0.0, 0.0],
        activations="sigmoid",
        loss="bce",
    )
    x, t = np.array([10.0, 10.0]), np.array([0.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fw = network.forward(x, t)
        assert np.abs(fw.nets[0]).min() >= 1000
        assert np.isfinite(fw.total_error)
        g = network.backward(x, t, fw)
        assert all(np.all(np.isfinite(a)) for a in g.weights + g.biases)
        for backend in ("compiled", "numpy"):
            assert np.all(np.isfinite(train(network, x, t, 5, backend=backend).errors))


def test_activation_and_loss_functions_at_the_extremes():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net = np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0])
        with np.errstate(over="ignore"):  # as the engine calls it: exp(1000) = inf gives 0
            out = functions.sigmoid(net)
        assert out[0] == 0.0 and out[-1] == 1.0 and out[2] == 0.5
        assert np.all(np.diff(out) >= 0)
        assert [scalar._sigmoid(z) for z in net] == pytest.approx(out.tolist(), rel=1e-15, abs=0)
        assert scalar._sigmoid(-1000.0) == 0.0 and scalar._sigmoid(1000.0) == 1.0
        bce = functions.LOSSES["bce"]
        nets, saturated, targets = np.array([-1000.0, 1000.0]), np.array([0.0, 1.0]), np.array([1.0, 0.0])
        np.testing.assert_array_equal(bce.errors(nets, saturated, targets, 2), [500.0, 500.0])
        np.testing.assert_array_equal(bce.fused_delta(nets, saturated, targets, 2), [-0.5, 0.5])
        assert [scalar.LOSSES["bce"][0](z, o, t, 2) for z, o, t in zip(nets, saturated, targets)] == [500.0, 500.0]
