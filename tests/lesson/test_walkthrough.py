"""The walkthrough: one iteration as steps, every value read from the engine.

The walkthrough takes its values from Network.forward, backward and update,
so its gradients and its "after" network equal the engine's exactly
(np.array_equal); it never changes the network it is given.  The phases'
own steps are tested in test_forward_steps, test_backward_steps,
test_batch_steps and test_update_steps; what every step shows, in test_steps.
"""

from __future__ import annotations

import itertools
import math
from decimal import Decimal, localcontext

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.engine.formatting import number
from explorer.engine.functions import ACTIVATIONS as ACTIVATION_TABLE
from explorer.engine.network import Network
from explorer.engine.presets import random_data, random_network
from explorer.lesson.walkthrough import PHASES, walkthrough

from .problems import OPTIONS, random_problem

ACTIVATION_NAMES = tuple(n for n, a in ACTIVATION_TABLE.items() if a.coupled_loss is None)


def engine_step(network, x, t):
    """Network.backward then Network.update, on a copy."""
    gradients = network.backward(x, t)
    after = network.copy()
    after.update(gradients)
    return gradients, after


def assert_exact(walk, gradients, after, biases: bool) -> None:
    for l in range(len(gradients.weights)):
        assert np.array_equal(walk.gradients.weights[l], gradients.weights[l]), f"weights[{l}]"
        assert np.array_equal(walk.gradients.deltas[l], gradients.deltas[l]), f"deltas[{l}]"
        if biases:
            assert np.array_equal(walk.gradients.biases[l], gradients.biases[l]), f"biases[{l}]"
        assert np.array_equal(walk.after.weights[l], after.weights[l]), f"after.weights[{l}]"
        assert np.array_equal(walk.after.biases[l], after.biases[l]), f"after.biases[{l}]"


def snapshot(network):
    return [w.copy() for w in network.weights] + [b.copy() for b in network.biases]


# ------------------------------------------------------------- exact agreement


@pytest.mark.parametrize("order", ["textbook", "seed"])
def test_seed_walkthrough_equals_the_engine_exactly(make_seed_network, seed_inputs, seed_targets, order):
    network = make_seed_network(order=order)
    walk = walkthrough(network, seed_inputs, seed_targets)
    assert_exact(walk, *engine_step(network, seed_inputs, seed_targets), biases=False)


@pytest.mark.parametrize("bias_mode, update_biases, order", OPTIONS)
def test_every_option_equals_the_engine_exactly(bias_mode, update_biases, order):
    network, x, t = random_problem(
        (3, 4, 3, 2), seed=3, activation="tanh", bias_mode=bias_mode, update_biases=update_biases, order=order
    )
    walk = walkthrough(network, x, t)
    gradients, after = engine_step(network, x, t)
    assert_exact(walk, gradients, after, biases=update_biases)
    if update_biases:  # the biases moved, and by their gradient
        assert not any(np.array_equal(a, b) for a, b in zip(walk.after.biases, network.biases))
    else:
        assert all(np.array_equal(a, b) for a, b in zip(walk.after.biases, network.biases))


@settings(max_examples=40, deadline=None, database=None)
@given(
    sizes=st.lists(st.integers(1, 5), min_size=2, max_size=5),
    seed=st.integers(0, 10**6),
    activation=st.sampled_from(ACTIVATION_NAMES),
    option=st.sampled_from(OPTIONS),
    loss=st.sampled_from(["squared", "mse"]),
)
def test_random_networks_equal_the_engine_exactly(sizes, seed, activation, option, loss):
    bias_mode, update_biases, order = option
    network, x, t = random_problem(sizes, seed, activation, bias_mode, update_biases, order, loss)
    walk = walkthrough(network, x, t)
    assert_exact(walk, *engine_step(network, x, t), biases=update_biases)


@pytest.mark.parametrize("bias_mode, update_biases, order", OPTIONS)
def test_softmax_outputs_equal_the_engine_exactly(bias_mode, update_biases, order):
    network = random_network(
        (3, 4, 3),
        seed=9,
        activations=["tanh", "softmax"],
        loss="cce",
        bias_mode=bias_mode,
        update_biases=update_biases,
        order=order,
    )
    x, t = random_data(network, 1, seed=9)
    walk = walkthrough(network, x[0], t[0])
    assert_exact(walk, *engine_step(network, x[0], t[0]), biases=update_biases)
    assert len({s.symbol for s in walk.steps}) == len(walk.steps)


def test_larger_network_is_still_exact():
    network, x, t = random_problem(
        (8, 8, 8, 8), seed=1, activation="sigmoid", bias_mode="per-neuron", update_biases=True, order="seed"
    )
    walk = walkthrough(network, x, t)
    assert_exact(walk, *engine_step(network, x, t), biases=True)
    symbols = [s.symbol for s in walk.steps]
    assert len(symbols) == len(set(symbols))
    assert sum(s.phase == "update" for s in walk.steps) == 3 * 64 + 3 * 8  # every weight and bias


# ------------------------------------------------------------------- structure


def test_phases_come_in_order(seed_net, seed_inputs, seed_targets):
    phases = [s.phase for s in walkthrough(seed_net, seed_inputs, seed_targets).steps]
    assert [p for p, _ in itertools.groupby(phases)] == list(PHASES)
    assert list(PHASES) == ["forward", "error", "backward", "update"]


@pytest.mark.parametrize("bias_mode, update_biases, order", OPTIONS)
def test_every_symbol_appears_once(bias_mode, update_biases, order):
    network, x, t = random_problem((2, 3, 2, 2), seed=4, bias_mode=bias_mode, update_biases=update_biases, order=order)
    symbols = [s.symbol for s in walkthrough(network, x, t).steps]
    repeated = {s for s in symbols if symbols.count(s) > 1}
    assert not repeated


def test_value_of_an_unknown_symbol_raises(seed_net, seed_inputs, seed_targets):
    walk = walkthrough(seed_net, seed_inputs, seed_targets)
    with pytest.raises(KeyError):
        walk.value("dE_total/dw9")


def test_example_picks_the_row():
    network = random_network((2, 2, 2), seed=6)
    X, T = random_data(network, 3, seed=6)
    second = walkthrough(network, X, T, example=1)
    assert np.array_equal(second.inputs, X[1]) and np.array_equal(second.targets, T[1])
    assert np.array_equal(second.gradients.weights[0], network.backward(X[1], T[1]).weights[0])


# ---------------------------------------------------------------------- purity


@pytest.mark.parametrize("bias_mode, update_biases, order", OPTIONS)
def test_walkthrough_does_not_change_the_network(bias_mode, update_biases, order):
    network, x, t = random_problem((2, 3, 2), seed=9, bias_mode=bias_mode, update_biases=update_biases, order=order)
    before = snapshot(network)
    walk = walkthrough(network, x, t)
    assert all(np.array_equal(a, b) for a, b in zip(before, snapshot(network)))
    assert walk.network is network and walk.after is not network
    assert not np.array_equal(walk.after.weights[0], network.weights[0])
    # the result shares no arrays with the network it came from
    assert not any(np.shares_memory(a, b) for a in snapshot(walk.after) for b in network.weights + network.biases)


# ------------------------------------------------- cross-entropy in saturation


def exact_cross_entropy(z: float, t: float) -> dict[str, Decimal]:
    """One sigmoid output with net input z and target t, from the definitions, in 50-digit decimals.

    out = 1 / (1 + e^-z), E = -(t ln out + (1 - t) ln(1 - out)), dE/dout = (out - t) / (out (1 - out)),
    dout/dnet = out (1 - out), dE/dnet = (out - t); one output, so n = 1.
    """
    with localcontext() as context:
        context.prec = 50
        z, t = Decimal(z), Decimal(t)
        out = 1 / (1 + (-z).exp())
        complement = 1 / (1 + z.exp())  # 1 - out, without the cancellation
        return {
            "out": out,
            "error": -(t * out.ln() + (1 - t) * complement.ln()),
            "d_out": (out - t) / (out * complement) if t != 1 else -1 / out,
            "slope": out * complement,
            "delta": (1 - t) * out - t * complement,
        }


@pytest.mark.parametrize("t", [0.0, 0.3, 1.0])
@pytest.mark.parametrize("z", [-40.0, -30.0, 30.0, 40.0])
def test_cross_entropy_is_exact_far_in_saturation(z, t):
    """Loss and gradient to 1e-12 relative, and every value the walkthrough shows right to its digits."""
    network = Network([[[z]]], [0.0], activations="sigmoid", loss="bce")
    walk = walkthrough(network, [1.0], [t])
    exact = exact_cross_entropy(z, t)
    assert walk.value("E_total") == pytest.approx(float(exact["error"]), rel=1e-12, abs=0)
    assert walk.value("dE_total/dw1") == pytest.approx(float(exact["delta"]), rel=1e-12, abs=0)
    assert walk.gradients.weights[0][0, 0] == pytest.approx(float(exact["delta"]), rel=1e-12, abs=0)
    shown = {
        "net_o1": Decimal(z),
        "out_o1": exact["out"],
        "E_o1": exact["error"],
        "E_total": exact["error"],
        "dE_total/dout_o1": exact["d_out"],
        "dout_o1/dnet_o1": exact["slope"],
        "dnet_o1/dw1": Decimal(1),
        "dE_total/dw1": exact["delta"],
        "w1+": Decimal(z) - Decimal(network.learning_rate) * exact["delta"],
    }
    assert {s.symbol for s in walk.steps} == set(shown)
    for step in walk.steps:
        assert math.isfinite(step.value), step.symbol
        assert number(step.value) == number(float(shown[step.symbol])), step.symbol


@pytest.mark.parametrize("mode", ["online", "batch"])
def test_the_error_before_and_after_are_over_the_same_examples(mode):
    network = random_network((2, 2, 1), seed=1)
    X, T = random_data(network, 4, seed=1)
    walk = walkthrough(network, X, T, example=2, mode=mode)
    rows = (X, T) if mode == "batch" else (X[2], T[2])  # batch: the mean over the batch
    assert walk.error_before == network.forward(*rows).total_error
    assert walk.error_after == walk.after.forward(*rows).total_error
    if mode == "online":
        assert walk.error_before == walk.value("E_total")
    else:
        assert walk.error_before != walk.value("E_total")  # that is the example shown's
