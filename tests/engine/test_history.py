"""Every iteration within reach: checkpoints plus recomputation give back the run's own parameters.

The reference is one straight training run (``train(network, n)``) for each
iteration asked for; the history must give exactly its parameters, whether
the iteration is a checkpoint, lies between two, or lies before or after an
edit.  Memory is checked for the largest network the panel allows.
"""

from __future__ import annotations

import numpy as np
import pytest

from explorer.engine.history import EVERY, History, parameters_of, with_parameters
from explorer.engine.presets import random_data, random_network, seed_network
from explorer.engine.training import train
from explorer.engine.validation import MAX_LAYERS, MAX_NEURONS, InputError
from explorer.lesson.session import Session


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


@pytest.mark.parametrize("iteration", [0, 1, EVERY - 1, EVERY, EVERY + 1, 5 * EVERY + 17, 1000])
def test_any_iteration_equals_a_straight_run(iteration):
    session = Session()
    session.train(1000)
    start = seed_network()
    expected = train(start, session.inputs, session.targets, iteration).network
    assert_same_parameters(session.history.network_at(iteration), expected)


def test_thinned_checkpoints_still_give_exact_parameters():
    session = Session()
    # room for 6 checkpoints of the seed's 10 parameters: the spacing doubles as the run grows
    session.history.budget_bytes = 6 * 10 * 8
    session.train(2000)
    history = session.history
    assert history.nbytes <= 6 * 10 * 8
    assert history.segments[0].every >= 2000 // 6
    for iteration in (0, 333, 1999, 2000):
        expected = train(seed_network(), session.inputs, session.targets, iteration).network
        assert_same_parameters(history.network_at(iteration), expected)


def test_iterations_before_an_edit_keep_their_own_network():
    session = Session()
    session.train(120)
    before_edit = session.network.copy()
    session.set_parameter("w5", "0.3")
    session.set_learning_rate("0.8")
    session.train(80)
    edited = before_edit.with_parameter("w5", "0.3").with_options(learning_rate=0.8)
    assert_same_parameters(
        session.history.network_at(100), train(seed_network(), session.inputs, session.targets, 100).network
    )
    assert_same_parameters(session.history.network_at(120), edited)
    assert_same_parameters(session.history.network_at(175), train(edited, session.inputs, session.targets, 55).network)


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


def test_back_to_iteration_one_after_ten_thousand():
    session = Session()
    session.train(10_000)
    assert session.trained == 10_000
    session.go_to_iteration("1")
    assert (session.iteration, session.step, session.trained) == (0, 0, 10_000)
    assert session.network.parameters()["w5"] == 0.4
    session.next_step()
    assert session.current.symbol == "net_h1" and f"{session.current.value:.4f}" == "0.3775"
    session.go_to_iteration(5_001)
    expected = train(seed_network(), session.inputs, session.targets, 5_000).network
    assert_same_parameters(session.network, expected)
    assert session.trained == 10_000  # looking back forgets nothing


@pytest.mark.parametrize("bad", ["0", "10002", "-1", "1.5", "abc", "", True, None])
def test_go_to_iteration_rejects_and_changes_nothing(bad):
    session = Session()
    session.train(10_000)
    session.next_step()
    before = (session.iteration, session.step, session.walk, parameters_of(session.network).copy())
    with pytest.raises(InputError) as error:
        session.go_to_iteration(bad)
    assert "Iteration" in str(error.value) and "1 to 10,001" in str(error.value)
    assert before[:3] == (session.iteration, session.step, session.walk)
    np.testing.assert_array_equal(before[3], parameters_of(session.network))


def test_previous_step_at_step_zero_opens_the_previous_iteration():
    session = Session()
    session.finish_iteration()
    session.next_step()  # the update is applied: iteration 1, step 1
    assert (session.iteration, session.step) == (1, 1)
    session.previous_step()
    session.previous_step()
    assert (session.iteration, session.step) == (0, len(session.walk))
    assert session.finished and session.network.parameters()["w5"] == 0.4
    assert session.trained == 1
    session.reset_iteration()
    session.previous_step()  # nothing before iteration 0
    assert (session.iteration, session.step) == (0, 0)


def test_previous_step_walks_back_through_the_examples_of_a_pass():
    net = random_network((2, 3, 2), seed=3)
    x, t = random_data(net, examples=3, seed=3)
    session = Session(net, x, t)
    for _ in range(3):  # one full pass: three examples, one update each
        session.finish_iteration()
        session.next_step()
    assert (session.iteration, session.example, session.step) == (1, 0, 1)
    session.previous_step()
    session.previous_step()
    assert (session.iteration, session.example, session.finished) == (0, 2, True)
    stepped_back = session.network
    session.previous_step()  # last step of example 2 -> one step earlier, same example
    session.reset_iteration()
    session.previous_step()
    assert (session.iteration, session.example, session.finished) == (0, 1, True)
    # example 2 started from the network after the updates for examples 0 and 1
    session.next_step()
    assert session.example == 2
    assert_same_parameters(session.network, stepped_back)


def test_stepping_on_from_a_looked_back_iteration_keeps_the_run():
    session = Session()
    session.train(30)
    errors = session.errors.values.copy()
    session.go_to_iteration(11)
    session.finish_iteration()
    session.next_step()
    assert (session.iteration, session.trained) == (11, 30)
    np.testing.assert_array_equal(session.errors.values, errors)


def test_training_from_a_looked_back_iteration_forgets_what_came_after():
    session = Session()
    session.train(300)
    session.go_to_iteration(101)
    session.train(50)
    assert session.trained == session.iteration == 150
    straight = train(seed_network(), session.inputs, session.targets, 150)
    np.testing.assert_allclose(session.errors.values, straight.errors, rtol=1e-12)
    assert_same_parameters(session.history.network_at(150), straight.network)


def test_a_saved_look_back_reopens_at_that_iteration_and_reaches_no_further_back():
    from explorer.lesson import savefile

    session = Session()
    session.train(300)
    session.go_to_iteration(101)  # looking back: the file holds iteration 100's network and run
    saved = savefile.loads(savefile.dumps(session))
    assert saved.session.iteration == 100 and len(saved.session.errors) == 101
    reopened = Session()
    reopened.restore(saved.session)
    assert reopened.history.first == 100 and reopened.trained == 100
    with pytest.raises(InputError, match="from 101 to 101"):
        reopened.go_to_iteration(50)
    reopened.previous_step()  # nothing before the file's iteration
    assert (reopened.iteration, reopened.step) == (100, 0)
    reopened.train(20)
    expected = train(seed_network(), session.inputs, session.targets, 120).network
    np.testing.assert_allclose(
        parameters_of(reopened.history.network_at(110)),
        parameters_of(train(seed_network(), session.inputs, session.targets, 110).network),
        rtol=1e-12,
    )
    np.testing.assert_allclose(parameters_of(reopened.network), parameters_of(expected), rtol=1e-12)
