"""train and train_many: checked arguments, pure results, and tiny runs worked out by hand.

The trainers' agreement with each other and with a pure-Python oracle, on
random networks of every option, is in tests/topics/test_implementations_agree.py;
here each is held to numbers a reader can check on paper.
"""

from __future__ import annotations

import numpy as np
import pytest

from explorer.engine.network import Network
from explorer.engine.training import (
    BACKENDS,
    COMPILED_WORK_PER_LAYER,
    MODES,
    Checkpoints,
    TrainingResult,
    check_order_and_mode,
    compiled_is_faster,
    train,
    train_checked,
    train_many,
)
from explorer.engine.validation import InputError


def one_weight(w: float = 0.5, eta: float = 0.5) -> Network:
    """out = w * x: one linear neuron, no bias to train, E = 1/2 (t - out)^2."""
    return Network([[[w]]], [0.0], activations="linear", learning_rate=eta)


@pytest.mark.parametrize("backend", BACKENDS)
def test_one_weight_by_hand(backend):
    # x = 1, t = 1, w = 0.5, eta = 0.5: dE/dw = (out - t) x
    # out 0.5   E = 0.125       dE/dw = -0.5   w+ = 0.5 + 0.25 = 0.75
    # out 0.75  E = 0.03125     dE/dw = -0.25  w+ = 0.875
    # out 0.875 E = 0.0078125
    result = train(one_weight(), [1.0], [1.0], 2, backend=backend)
    assert result.errors.tolist() == [0.125, 0.03125, 0.0078125]
    assert result.network.weights[0].tolist() == [[0.875]]
    assert result.iterations == 2 and result.diverged_at is None


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_examples_online_and_in_batch_by_hand(backend):
    # x = 1, 2 and t = 1, 2 (the answer is w = 1), w = 0.5, eta = 0.5
    x, t = [[1.0], [2.0]], [[1.0], [2.0]]
    # E before: mean of 1/2 (0.5)^2 and 1/2 (1)^2 = (0.125 + 0.5) / 2
    # batch: mean dE/dw = ((0.5 - 1) 1 + (1 - 2) 2) / 2 = -1.25, w+ = 0.5 + 0.625 = 1.125
    batch = train(one_weight(), x, t, 1, mode="batch", backend=backend)
    assert batch.errors[0] == 0.3125 and batch.network.weights[0].tolist() == [[1.125]]
    # online: example 1 gives w = 0.75; then out = 1.5 on example 2, dE/dw = -1, w+ = 1.25
    online = train(one_weight(), x, t, 1, mode="online", backend=backend)
    assert online.network.weights[0].tolist() == [[1.25]]
    # E after: mean of 1/2 (1 - 1.25)^2 and 1/2 (2 - 2.5)^2 = (0.03125 + 0.125) / 2
    assert online.errors.tolist() == [0.3125, 0.078125]


def test_train_is_pure_and_zero_iterations_is_the_starting_error():
    net = one_weight()
    result = train(net, [1.0], [1.0], 0)
    assert result.errors.tolist() == [0.125] and result.iterations == 0
    assert result.network is not net and net.weights[0].tolist() == [[0.5]]
    train(net, [1.0], [1.0], 50)
    assert net.weights[0].tolist() == [[0.5]]


@pytest.mark.parametrize("backend", ["compiled", "numpy"])
@pytest.mark.parametrize("mode", MODES)
def test_checkpoints_hand_over_the_parameters_of_the_one_run(backend, mode):
    # w+ = w + 0.5 (1 - w) on x = t = 1: the gap to 1 halves, so after i iterations w = 1 - 0.5^(i+1)
    kept = {}

    def keep(i, parameters):
        kept[i] = [float(p) for p in parameters]
        return i + 3 if i < 6 else i + 100

    x, t = np.ones((1, 1)), np.ones((1, 1))
    result = train_checked(one_weight(), x, t, 10, mode, backend, Checkpoints(3, keep))
    assert kept == {3: [1 - 0.5**4, 0.0], 6: [1 - 0.5**7, 0.0]}
    np.testing.assert_array_equal(result.errors, train(one_weight(), [1.0], [1.0], 10, mode=mode).errors)


def test_a_diverging_run_stops_at_the_first_non_finite_error():
    # eta = 10 on out = w x with x = 10: each step multiplies the error by (1 - 1000)^2
    result = train(one_weight(eta=10.0), [10.0], [1.0], 1000, backend="numpy")
    assert result.diverged_at == result.iterations == len(result.errors) - 1
    assert np.all(np.isfinite(result.errors[:-1])) and not np.isfinite(result.errors[-1])
    assert isinstance(result, TrainingResult)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(iterations=-1), "iterations"),
        (dict(iterations="ten"), "iterations"),
        (dict(iterations=1.5), "iterations"),
        (dict(mode="minibatch"), "mode"),
        (dict(backend="gpu"), "backend"),
        (dict(inputs=[1.0, 2.0]), "inputs"),
        (dict(targets=[float("nan")]), "targets[1]"),
    ],
)
def test_bad_arguments_are_refused_by_name(kwargs, field):
    arguments = dict(inputs=[1.0], targets=[1.0], iterations=3) | kwargs
    with pytest.raises(InputError) as caught:
        train(one_weight(), **arguments)
    assert caught.value.field == field


def test_the_compiled_trainer_is_chosen_up_to_the_crossover_only(monkeypatch):
    from explorer.engine import compiled

    calls = []
    real = compiled.train_compiled
    monkeypatch.setattr(compiled, "train_compiled", lambda *a: calls.append(a[0].sizes) or real(*a))
    assert COMPILED_WORK_PER_LAYER == 128
    small = Network([np.full((8, 16), 0.1)], [0.0], activations="linear")  # 128 weights, one layer
    train(small, [0.0] * 16, [0.0] * 8, 1)
    big = Network([np.full((9, 15), 0.1)], [0.0], activations="linear")  # 135 weights
    train(big, [0.0] * 15, [0.0] * 9, 1)
    train(small, [[0.0] * 16] * 2, [[0.0] * 8] * 2, 1, mode="batch")  # 256 products per update
    train(small, [[0.0] * 16] * 2, [[0.0] * 8] * 2, 1, mode="online")  # 128 per update
    deep = Network([np.full((16, 16), 0.1)] * 2, [0.0] * 2, activations="linear")  # 512 weights, 2 layers
    train(deep, [0.0] * 16, [0.0] * 16, 1)
    deep_enough = Network([np.full((16, 16), 0.1)] * 3, [0.0] * 3, activations="linear")  # 768 weights, 3 layers
    train(deep_enough, [[0.0] * 16], [[0.0] * 16], 1)
    assert calls == [(16, 8), (16, 8)]
    assert compiled_is_faster(deep_enough, 1, "online") is False and compiled_is_faster(small, 1, "batch") is True


def test_train_many_by_hand_one_copy_per_rate():
    # the same one-weight run as above at eta 0.5, and at eta 1: w+ = 0.5 + 0.5 = 1, E = 0 after
    sweep = train_many(one_weight(), [1.0], [1.0], [0.5, 1.0], 3, record_every=2)
    assert sweep.learning_rates.tolist() == [0.5, 1.0] and sweep.record_every == 2
    assert sweep.errors.tolist() == [[0.125, 0.0078125, 0.001953125], [0.125, 0.0, 0.0]]  # iterations 0, 2, 3
    assert [w.tolist() for w in sweep.weights] == [[[[0.9375]], [[1.0]]]]
    assert [b.shape for b in sweep.biases] == [(2, 1)] and sweep.diverged_at.tolist() == [-1, -1]


def test_train_many_refuses_bad_rates_and_spacing():
    for bad, field in (([0.5, 0.0], "learning rate"), ([0.5, "x"], "learning rate"), (None, "learning rate")):
        with pytest.raises(InputError) as caught:
            train_many(one_weight(), [1.0], [1.0], bad, 3)
        assert caught.value.field == field
    with pytest.raises(InputError, match="record_every"):
        train_many(one_weight(), [1.0], [1.0], [0.5], 3, record_every=0)
    with pytest.raises(InputError, match="mode"):
        train_many(one_weight(), [1.0], [1.0], [0.5], 3, mode="sideways")


def test_the_seed_order_and_batch_mode_exclude_each_other_from_either_side():
    assert MODES == ("online", "batch")
    check_order_and_mode("seed", "online", "Mode")
    check_order_and_mode("textbook", "batch", "Mode")
    with pytest.raises(InputError, match="Mode: batch mode uses the textbook order"):
        check_order_and_mode("seed", "batch", "Mode")
    with pytest.raises(InputError, match="Update order: the seed's order goes with online mode"):
        check_order_and_mode("seed", "batch", "Update order")
