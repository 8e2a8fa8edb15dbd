"""Every iteration within reach: checkpoints plus recomputation give back the run's own parameters.

The reference is one straight training run (``train(network, n)``) for each
iteration asked for; the history must give exactly its parameters, whether
the iteration is a checkpoint, lies between two, or lies before or after an
edit.  Memory is checked for the largest network the panel allows.  The
history is driven here as the session drives it (``History.train``, ``edit``);
the session's own use of it (opening an iteration again, stepping back) is
tested in tests/lesson/test_session.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from explorer.engine.history import EVERY, History, parameters_of, with_parameters
from explorer.engine.presets import SEED_INPUTS, SEED_TARGETS, random_data, random_network, seed_network
from explorer.engine.training import train
from explorer.engine.validation import MAX_LAYERS, MAX_NEURONS


def assert_same_parameters(a, b) -> None:
    np.testing.assert_array_equal(parameters_of(a), parameters_of(b))
    assert (a.learning_rate, a.order, a.update_biases) == (b.learning_rate, b.order, b.update_biases)


def test_parameters_round_trip():
    net = random_network((3, 4, 2), seed=1, bias_mode="per-neuron")
    flat = parameters_of(net)
    assert flat.shape == (3 * 4 + 4 * 2 + 4 + 2,)
    back = with_parameters(net, flat + 1.0)
    np.testing.assert_array_equal(parameters_of(back), flat + 1.0)
    np.testing.assert_array_equal(parameters_of(net), flat)  # the base is untouched


def test_memory_stays_bounded_for_the_largest_network():
    # 6 layers of 16 with a bias per neuron: 1,360 parameters; 100,000 iterations
    net = random_network((MAX_NEURONS,) * MAX_LAYERS, seed=0, bias_mode="per-neuron")
    x, t = random_data(net, examples=1, seed=0)
    history = History(net, x, t)
    while history.next_due() <= 100_000:
        history.record(history.next_due(), net)
    assert history.nbytes <= 50 * 2**20
    assert history.segments[0].every == EVERY  # no thinning needed at that length
    while history.next_due() <= 2_000_000:  # twenty times longer: thinned, still bounded
        history.record(history.next_due(), net)
    assert history.nbytes <= history.budget_bytes


def seed_run(iterations: int, budget_bytes: int | None = None) -> History:
    """A history of the seed's run, trained as the session trains it."""
    net = seed_network()
    x, t = net.check_data(SEED_INPUTS, SEED_TARGETS)
    history = History(net, x, t) if budget_bytes is None else History(net, x, t, budget_bytes=budget_bytes)
    history.train(net, 0, iterations, x, t, "online")
    return history


@pytest.mark.parametrize("iteration", [0, 1, EVERY - 1, EVERY, EVERY + 1, 5 * EVERY + 17, 1000])
def test_any_iteration_of_a_history_equals_a_straight_run(iteration):
    history = seed_run(1000)
    expected = train(seed_network(), SEED_INPUTS, SEED_TARGETS, iteration).network
    assert_same_parameters(history.network_at(iteration), expected)


def test_history_train_is_one_training_run_cut_at_the_checkpoints():
    net = random_network((2, 3, 2), seed=2)
    x, t = random_data(net, examples=3, seed=2)
    for mode in ("online", "batch"):
        history = History(net, x, t, mode=mode)
        trained, errors, diverged = history.train(net, 0, 4 * EVERY + 7, x, t, mode)
        straight = train(net, x, t, 4 * EVERY + 7, mode=mode)
        np.testing.assert_array_equal(errors, straight.errors[1:])
        assert_same_parameters(trained, straight.network)
        assert diverged is None and history.next_due() == 5 * EVERY
        assert [s.count for s in history.segments] == [5]  # iterations 0, 50, 100, 150, 200


@pytest.mark.parametrize("sizes", [(2, 2, 2), (4, 16, 16, 4)])  # the straight-line trainer, then numpy
def test_history_trains_and_recomputes_without_checking_the_examples_again(sizes, monkeypatch):
    from explorer.engine import validation

    net = random_network(sizes, seed=3)
    x, t = random_data(net, examples=4, seed=3)
    history = History(net, x, t)
    checks = []
    monkeypatch.setattr(validation, "check_examples", lambda *a: checks.append(a[0]))
    trained, _errors, _ = history.train(net, 0, 3 * EVERY, x, t, "online")
    history.network_at(2 * EVERY - 1)
    assert checks == [] and [s.count for s in history.segments] == [4]


def test_history_train_goes_on_from_a_later_iteration_and_does_nothing_for_none():
    net = seed_network()
    x, t = net.check_data(SEED_INPUTS, SEED_TARGETS)
    history = History(net, x, t)
    halfway, _errors, _ = history.train(net, 0, 30, x, t, "online")
    trained, errors, _ = history.train(halfway, 30, 40, x, t, "online")
    assert errors.shape == (40,) and history.next_due() == 2 * EVERY
    assert_same_parameters(trained, train(net, x, t, 70).network)
    assert_same_parameters(history.network_at(EVERY), train(net, x, t, EVERY).network)
    same, none, diverged = history.train(trained, 70, 0, x, t, "online")
    assert same is trained and none.shape == (0,) and diverged is None


def test_history_train_stops_where_the_error_stops_being_finite():
    net = seed_network(activations="linear", learning_rate=0.5)
    x, t = net.check_data((3, 4), (0.01, 0.99))
    straight = train(net, x, t, 2000)
    assert straight.diverged_at is not None
    history = History(net, x, t)
    trained, errors, diverged = history.train(net, 10, 2000, x, t, "online")
    assert diverged == 10 + straight.diverged_at and len(errors) == straight.diverged_at
    assert not np.isfinite(errors[-1]) and np.all(np.isfinite(errors[:-1]))
    # a network already diverged: no iteration is done, and the run stops where it is
    _, errors, diverged = history.train(trained, diverged, 5, x, t, "online")
    assert errors.shape == (0,) and diverged == 10 + straight.diverged_at


def test_thinned_checkpoints_of_a_history_still_give_exact_parameters():
    # room for 6 checkpoints of the seed's 10 parameters: the spacing doubles as the run grows
    history = seed_run(2000, budget_bytes=6 * 10 * 8)
    assert history.nbytes <= 6 * 10 * 8
    assert history.segments[0].every >= 2000 // 6
    for iteration in (0, 333, 1999, 2000):
        expected = train(seed_network(), SEED_INPUTS, SEED_TARGETS, iteration).network
        assert_same_parameters(history.network_at(iteration), expected)


def test_an_edit_starts_a_segment_and_earlier_iterations_keep_their_network():
    net = seed_network()
    x, t = net.check_data(SEED_INPUTS, SEED_TARGETS)
    history = History(net, x, t)
    at_120, _, _ = history.train(net, 0, 120, x, t, "online")
    edited = at_120.with_parameter("w5", "0.3").with_options(learning_rate=0.8)
    history.edit(120, edited, x, t)
    history.train(edited, 120, 80, x, t, "online")
    assert [s.start for s in history.segments] == [0, 120]
    assert_same_parameters(history.network_at(100), train(net, x, t, 100).network)
    assert_same_parameters(history.network_at(120), edited)
    assert_same_parameters(history.network_at(175), train(edited, x, t, 55).network)
    history.truncate(110)  # the run goes on from 110: the edit and all after it go
    assert [s.start for s in history.segments] == [0] and history.next_due() == 3 * EVERY  # kept: 0, 50, 100
    with pytest.raises(ValueError, match="iteration must be >= 0"):
        history.network_at(-1)
